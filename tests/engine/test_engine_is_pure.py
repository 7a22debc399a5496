"""The engine is plain Python: importing every module of conditions/engine loads no Django."""

import subprocess
import sys

from tests.conftest import PROJECT_DIR

ENGINE = PROJECT_DIR / "conditions" / "engine"


def test_no_engine_module_imports_django():
    modules = sorted(
        f"conditions.engine.{path.stem}" for path in ENGINE.glob("*.py") if path.stem != "__init__"
    )
    assert "conditions.engine.scoring" in modules  # the glob found the engine
    program = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(loaded))\n"
    )
    # A fresh interpreter: this test process has Django loaded already.
    completed = subprocess.run(
        [sys.executable, "-c", program],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_DIR)},
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "", f"the engine loads Django: {completed.stdout}"


def _runtime_engine_imports(path) -> set[str]:
    """The engine modules ``path`` imports when run (``if TYPE_CHECKING:`` blocks left out)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for child in ast.walk(node):
            if isinstance(child, ast.ImportFrom) and child.level == 1 and child.module:
                imported.add(child.module.split(".")[0])
    return imported


def test_the_engine_s_modules_import_each_other_without_a_circle():
    graph = {
        path.stem: _runtime_engine_imports(path)
        for path in ENGINE.glob("*.py")
        if path.stem != "__init__"
    }
    # Sex and Population live in people.py, which both answers and knowledge import.
    assert "people" in graph["answers"]
    assert "people" in graph["knowledge"]
    assert "answers" not in graph["knowledge"]
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, f"import circle: {' → '.join((*path, module))}"
        if module in done:
            return
        for imported in sorted(graph.get(module, ())):
            visit(imported, (*path, module))
        done.add(module)

    for module in sorted(graph):
        visit(module, ())
