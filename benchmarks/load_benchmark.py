"""Load benchmark L1 (shared/reliability.md): the questionnaire under load, in production mode.

One command::

    .venv/bin/python benchmarks/load_benchmark.py                 # 50 users, 60 s per run
    .venv/bin/python benchmarks/load_benchmark.py --users 20 --seconds 15

It (a) migrates a database of its own and publishes the knowledge base, and runs collectstatic;
(b) starts gunicorn in production mode (DEBUG=0, HTTPS_ONLY=0, a random SECRET_KEY) on
127.0.0.1 and a free port, with 3 sync workers; (c) runs locust headless, first people
completing the questionnaire (benchmarks/locustfile.py, QuestionnaireUser), then the simplest
page alone (SimplePageUser) with the same users and duration; (d) prints requests/s, latency
percentiles and failures, checks them against the pass marks of L1, and stops gunicorn.

Only loopback traffic. The database is ``symptomcheck_benchmark`` on the embedded PostgreSQL
(or --database-url); sessions and cache go to a temporary folder, removed at the end.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOCUSTFILE = PROJECT_DIR / "benchmarks" / "locustfile.py"
BENCHMARK_DATABASE = "symptomcheck_benchmark"
# All the load comes from one address; the per-address limit (120/m by default) would turn
# most of it into "Please wait a moment" pages, so the benchmark lifts it.
RATE_LIMIT = "100000/m"
WORKERS = 3
FLOW = "complete questionnaire"

# Pass marks of L1.
MAX_P95_MS = 300
MAX_P99_MS = 1000
MIN_THROUGHPUT_RATIO = 0.5


@dataclass
class Row:
    kind: str
    name: str
    count: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float


def read_stats(prefix: Path) -> list[Row]:
    with open(f"{prefix}_stats.csv", newline="") as stats:
        return [
            Row(
                kind=row["Type"],
                name=row["Name"],
                count=int(row["Request Count"]),
                failures=int(row["Failure Count"]),
                rps=float(row["Requests/s"]),
                p50=float(row["50%"] if row["50%"] != "N/A" else 0),
                p95=float(row["95%"] if row["95%"] != "N/A" else 0),
                p99=float(row["99%"] if row["99%"] != "N/A" else 0),
            )
            for row in csv.DictReader(stats)
        ]


def http_rows(rows: list[Row]) -> list[Row]:
    return [row for row in rows if row.name != "Aggregated" and row.kind != "FLOW"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def embedded_database_url() -> str:
    """The benchmark's own database on the project's embedded PostgreSQL (held open by us)."""
    sys.path.insert(0, str(PROJECT_DIR))
    from symptomcheck.database import embedded_database_url as project_url
    from symptomcheck.database import ensure_database_exists

    project = project_url(PROJECT_DIR / ".pgdata")  # starts or joins the server
    base, _, query = project.partition("?")  # ...@/symptomcheck?host=/path/to/.pgdata
    server, suffix = base.rsplit("/", 1)[0], f"?{query}" if query else ""
    ensure_database_exists(f"{server}/postgres{suffix}", BENCHMARK_DATABASE)
    return f"{server}/{BENCHMARK_DATABASE}{suffix}"


def run(command: list[str], env: dict[str, str], what: str) -> None:
    print(f"  {what}...", flush=True)
    result = subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{what} failed:\n{result.stdout}\n{result.stderr}")


def wait_until_up(url: str, seconds: float, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn exited during start-up; see its log above")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    sys.exit(f"gunicorn did not answer {url} within {seconds:.0f} s")


def start_gunicorn(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """gunicorn as deployed (symptomcheck/gunicorn.conf.py), its output in ``log_path``."""
    with open(log_path, "w") as log:
        return subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "symptomcheck/gunicorn.conf.py", "symptomcheck.wsgi"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def stop(server: subprocess.Popen) -> None:
    """Graceful stop (SIGTERM: workers finish their request), then a kill if it hangs."""
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def cpu_seconds(pids: list[int]) -> float:
    """CPU time used so far by these processes and their children (gunicorn's workers)."""
    import psutil

    total = 0.0
    for pid in pids:
        try:
            root = psutil.Process(pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
        for process in processes:
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
    return total


def locust_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def locust(
    user_class: str,
    host: str,
    args: argparse.Namespace,
    prefix: Path,
    env: dict[str, str],
    locustfile: Path = LOCUSTFILE,
) -> list[Row]:
    command = [
        str(BIN / "locust"),
        "-f",
        str(locustfile),
        "--headless",
        "--only-summary",
        "-u",
        str(args.users),
        "-r",
        str(args.spawn_rate),
        "-t",
        f"{args.seconds}s",
        "--stop-timeout",
        "10",
        "--host",
        host,
        "--csv",
        str(prefix),
        "--loglevel",
        "WARNING",
        user_class,
    ]
    print(f"  locust {user_class}: {args.users} users, {args.seconds} s...", flush=True)
    result = subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    if not Path(f"{prefix}_stats.csv").exists():
        sys.exit(f"locust failed:\n{result.stdout}\n{result.stderr}")
    if "CPU usage above" in result.stderr:
        print("  note: locust's own CPU went above 90 %: figures are bounded by the load generator")
    return read_stats(prefix)


def table(rows: list[Row]) -> str:
    header = f"{'request':44} {'count':>7} {'fail':>5} {'req/s':>8}"
    lines = [f"  {header} {'p50':>6} {'p95':>6} {'p99':>6}  (ms)"]
    for row in rows:
        lines.append(
            f"  {(row.kind + ' ' + row.name)[:44]:44} {row.count:7d} {row.failures:5d} "
            f"{row.rps:8.1f} {row.p50:6.0f} {row.p95:6.0f} {row.p99:6.0f}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="simulated people (default 50)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--seconds", type=int, default=60, help="duration of each run (60)")
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn workers (3)")
    parser.add_argument("--database-url", default="", help="default: embedded, own database")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a pass mark is missed")
    parser.add_argument(
        "--api", action="store_true", help="also measure POST /api/v1/assessments alone"
    )
    parser.add_argument(
        "--pdf-every",
        type=int,
        default=0,
        metavar="N",
        help="also download the PDF summary after one questionnaire in N (default 0: never; "
        "the flow L1 measures ends at the result page)",
    )
    args = parser.parse_args()

    runtime = Path(tempfile.mkdtemp(prefix="symptomcheck-benchmark-"))
    # The cache where the server would place it for this fresh runtime folder.
    sys.path.insert(0, str(PROJECT_DIR))
    from symptomcheck.environment import memory_backed_folder

    cache = memory_backed_folder(runtime) or runtime / "cache"
    database_url = args.database_url or embedded_database_url()
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DEBUG": "0",
        "HTTPS_ONLY": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "RUNTIME_DIR": str(runtime),
        "CACHE_DIR": str(cache),
        "QUESTIONNAIRE_RATE_LIMIT": RATE_LIMIT,
        "SUMMARY_PDF_RATE_LIMIT": RATE_LIMIT,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(args.workers),
        "PDF_EVERY": str(args.pdf_every),
    }
    print("Symptomcheck load benchmark (L1), production mode over loopback")
    print(f"  database: {database_url.split('@')[-1]}")
    print(
        f"  QUESTIONNAIRE_RATE_LIMIT={RATE_LIMIT}: all load comes from one address, so the "
        "per-address limit is lifted for the benchmark"
    )
    python = str(BIN / "python")
    run([python, "manage.py", "migrate", "--noinput"], env, "migrate")
    # Seeds only an empty benchmark database: a second run keeps what the first published.
    run([python, "manage.py", "seed_knowledge_base", "knowledge/"], env, "seed_knowledge_base")
    run([python, "manage.py", "collectstatic", "--noinput", "-v0"], env, "collectstatic")

    log_path = runtime / "gunicorn.log"
    server = start_gunicorn(env, log_path)
    try:
        print(f"  gunicorn: {args.workers} sync workers on {host}", flush=True)
        wait_until_up(f"{host}/health/", 60, server)
        cpu = {}
        user_classes = {"flow": "QuestionnaireUser", "simple": "SimplePageUser"}
        if args.api:
            user_classes["api"] = "ApiAssessmentUser"
        api: list[Row] = []
        for name, user_class in user_classes.items():
            server_before, locust_before = cpu_seconds([server.pid]), locust_cpu_seconds()
            rows = locust(user_class, host, args, runtime / name, env)
            cpu[name] = (
                cpu_seconds([server.pid]) - server_before,
                locust_cpu_seconds() - locust_before,
            )
            if name == "flow":
                flow = rows
            elif name == "simple":
                simple = rows
            else:
                api = rows
    finally:
        stop(server)
    errors = [
        line
        for line in log_path.read_text(errors="replace").splitlines()
        if "Traceback" in line or "[ERROR]" in line or "WORKER TIMEOUT" in line
    ]

    flow_http = http_rows(flow)
    simple_http = http_rows(simple)
    completed = next((row for row in flow if row.kind == "FLOW"), None)
    flow_rps = sum(row.rps for row in flow_http)
    simple_rps = sum(row.rps for row in simple_http)
    ratio = flow_rps / simple_rps if simple_rps else 0.0
    steps = [row for row in flow_http if row.name.startswith("/check/")]

    print(f"\nCompleting the questionnaire ({args.users} users, {args.seconds} s):")
    print(table(flow_http))
    if completed:
        print(
            f"  whole questionnaire (start page to result): {completed.count} completed, "
            f"{completed.count / args.seconds:.2f}/s, p50 {completed.p50:.0f} ms, "
            f"p95 {completed.p95:.0f} ms, p99 {completed.p99:.0f} ms"
        )
    print(f"  all requests: {flow_rps:.1f} req/s, {sum(r.failures for r in flow_http)} failures")
    print(f"\nSimplest page alone ({args.users} users, {args.seconds} s):")
    print(table(simple_http))
    print(
        f"\nThroughput ratio = requests/s while completing questionnaires ÷ requests/s of the "
        f"simplest page = {flow_rps:.1f} / {simple_rps:.1f} = {ratio:.0%}"
    )
    # Server CPU per request does not depend on what else the machine is doing, unlike req/s.
    for name, label, rows in (
        ("flow", "questionnaire run", flow_http),
        ("simple", "simplest-page run", simple_http),
    ):
        server_cpu, locust_cpu = cpu[name]
        requests = sum(row.count for row in rows) or 1
        print(
            f"CPU in the {label}: gunicorn {server_cpu:.0f} s ({server_cpu / requests * 1000:.1f} "
            f"ms per request), locust {locust_cpu:.0f} s; available {os.cpu_count()} CPUs × "
            f"{args.seconds} s = {os.cpu_count() * args.seconds} CPU-s"
        )
    if api:
        api_http = http_rows(api)
        api_rps = sum(row.rps for row in api_http)
        server_cpu, _ = cpu["api"]
        requests = sum(row.count for row in api_http) or 1
        print(f"\nPOST /api/v1/assessments alone ({args.users} users, {args.seconds} s):")
        print(table(api_http))
        print(
            f"  {api_rps:.1f} req/s, {sum(r.failures for r in api_http)} failures, "
            f"{api_rps / simple_rps:.0%} of the simplest page; gunicorn "
            f"{server_cpu / requests * 1000:.1f} ms CPU per request"
        )
    print(f"gunicorn errors or worker timeouts in its log: {len(errors)}")
    for line in errors[:10]:
        print(f"  {line}")

    failures = sum(row.failures for row in flow_http + simple_http)
    worst_p95 = max((row.p95 for row in steps), default=0)
    worst_p99 = max((row.p99 for row in steps), default=0)
    marks = [
        ("0 failures", failures == 0 and not errors, f"{failures} failed requests"),
        (f"p95 per step ≤ {MAX_P95_MS} ms", worst_p95 <= MAX_P95_MS, f"worst {worst_p95:.0f} ms"),
        (f"p99 per step ≤ {MAX_P99_MS} ms", worst_p99 <= MAX_P99_MS, f"worst {worst_p99:.0f} ms"),
        (
            f"flow ≥ {MIN_THROUGHPUT_RATIO:.0%} of the simplest page",
            ratio >= MIN_THROUGHPUT_RATIO,
            f"{ratio:.0%}",
        ),
    ]
    print("\nPass marks (shared/reliability.md, L1):")
    for name, passed, detail in marks:
        print(f"  {'PASS' if passed else 'MISS'}  {name}: {detail}")
    shutil.rmtree(runtime, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    return 1 if args.strict and not all(passed for _, passed, _ in marks) else 0


if __name__ == "__main__":
    sys.exit(main())
