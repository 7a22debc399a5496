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
