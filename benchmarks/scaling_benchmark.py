"""Throughput of one or more app servers sharing one PostgreSQL and one Redis (docs/scaling.md).

One command::

    .venv/bin/python benchmarks/scaling_benchmark.py                     # 1 server, files
    .venv/bin/python benchmarks/scaling_benchmark.py --redis             # 1 server, Redis
    .venv/bin/python benchmarks/scaling_benchmark.py --servers 2         # 2 servers, Redis

Like benchmarks/load_benchmark.py it prepares a database of its own (``symptomcheck_benchmark``
on the embedded PostgreSQL, or --database-url), publishes ``knowledge/`` and runs
collectstatic; then it starts ``redis-server`` on a free loopback port (with --redis, and always
for more than one server: they share sessions and rate limits only through it), N gunicorn
servers in production mode (DEBUG=0, --workers sync workers each, each with a runtime folder of
its own) and locust headless with people completing the questionnaire
(benchmarks/locustfile_servers.py), each request going to the next server in turn, as a
round-robin load balancer without sticky sessions would. It prints requests/s, completed
questionnaires/s, latency per step, failures, and the CPU seconds used by the servers, Redis,
PostgreSQL and locust: the CPU per request and per completed questionnaire is the figure to size
a deployment with, since on a small shared machine the requests/s mostly say how many CPUs were
free. Loopback only; everything it started is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR / "benchmarks"))

from load_benchmark import (  # noqa: E402
    BIN,
    FLOW,
    RATE_LIMIT,
    cpu_seconds,
    embedded_database_url,
    free_port,
    http_rows,
    locust,
    locust_cpu_seconds,
    run,
    start_gunicorn,
    stop,
    table,
    wait_until_up,
)

LOCUSTFILE = PROJECT_DIR / "benchmarks" / "locustfile_servers.py"


def postgres_cpu_seconds() -> float:
    """CPU time of the embedded PostgreSQL so far: its postmaster, backends running and ended.

    Backends that ended are counted in the postmaster's children times; with a connection per
    request that is most of them. The whole server: other users' databases too. 0 when the
    server is elsewhere (--database-url).
    """
    pid_file = PROJECT_DIR / ".pgdata" / "postmaster.pid"
    try:
        postmaster = psutil.Process(int(pid_file.read_text().split()[0]))
        times = postmaster.cpu_times()
    except (OSError, ValueError, IndexError, psutil.Error):
        return 0.0
    total = times.user + times.system + times.children_user + times.children_system
    return total + cpu_seconds([child.pid for child in postmaster.children()])


def start_redis(folder: Path) -> tuple[subprocess.Popen, str]:
    executable = shutil.which("redis-server")
    if not executable:
        sys.exit("redis-server is missing: apt-get install redis-server (or brew install redis)")
    port = free_port()
    process = subprocess.Popen(
        [
            executable,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
            "--maxmemory-policy",
            "noeviction",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            return process, url
        except redis.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit("redis-server did not start")
            time.sleep(0.1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", type=int, default=1, help="app servers (default 1)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers per server")
    parser.add_argument("--redis", action="store_true", help="Redis even for one server")
    parser.add_argument("--users", type=int, default=50, help="simulated people (default 50)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--seconds", type=int, default=60, help="duration of the run (60)")
    parser.add_argument(
        "--simple", action="store_true", help="the simplest page instead of the questionnaire"
    )
    parser.add_argument("--database-url", default="", help="default: embedded, own database")
    args = parser.parse_args()
    use_redis = args.redis or args.servers > 1

    runtime = Path(tempfile.mkdtemp(prefix="symptomcheck-scaling-"))
    database_url = args.database_url or embedded_database_url()
    base_env = {
        **os.environ,
        "DEBUG": "0",
        "HTTPS_ONLY": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "QUESTIONNAIRE_RATE_LIMIT": RATE_LIMIT,
        "SUMMARY_PDF_RATE_LIMIT": RATE_LIMIT,
        "WEB_CONCURRENCY": str(args.workers),
    }
    print(
        f"Symptomcheck scaling benchmark: {args.servers} server(s) × {args.workers} workers, "
        f"{'Redis' if use_redis else 'files'} for sessions and cache, {os.cpu_count()} CPUs; "
        f"load average now {os.getloadavg()[0]:.1f}"
    )
    python = str(BIN / "python")
    run([python, "manage.py", "migrate", "--noinput"], base_env, "migrate")
    run([python, "manage.py", "seed_knowledge_base", "knowledge/"], base_env, "seed_knowledge_base")
    run([python, "manage.py", "collectstatic", "--noinput", "-v0"], base_env, "collectstatic")

    started: list[subprocess.Popen] = []
    redis_process = None
    try:
        if use_redis:
            redis_process, redis_url = start_redis(runtime)
            base_env["REDIS_URL"] = redis_url
            print(f"  redis-server on {redis_url}")
        hosts = []
        for number in range(args.servers):
            port = free_port()
            folder = runtime / f"server-{number}"
            folder.mkdir()
            env = {
                **base_env,
                "BIND": f"127.0.0.1:{port}",
                "RUNTIME_DIR": str(folder),
                "CACHE_DIR": str(folder / "cache"),
            }
            started.append(start_gunicorn(env, folder / "gunicorn.log"))
            hosts.append(f"http://127.0.0.1:{port}")
        for host, server in zip(hosts, started, strict=True):
            wait_until_up(f"{host}/health/", 90, server)
        print(f"  gunicorn: {', '.join(hosts)}", flush=True)

        user_class = "SpreadSimplePageUser" if args.simple else "SpreadQuestionnaireUser"
        server_pids = [server.pid for server in started]
        redis_pids = [redis_process.pid] if redis_process else []
        before = (cpu_seconds(server_pids), cpu_seconds(redis_pids), postgres_cpu_seconds())
        locust_before = locust_cpu_seconds()
        load_before = os.getloadavg()[0]
        rows = locust(
            user_class,
            hosts[0],
            args,
            runtime / "locust",
            {**base_env, "SYMPTOMCHECK_HOSTS": ",".join(hosts)},
            LOCUSTFILE,
        )
        server_cpu = cpu_seconds(server_pids) - before[0]
        redis_cpu = cpu_seconds(redis_pids) - before[1]
        pg_cpu = postgres_cpu_seconds() - before[2]
        locust_cpu = locust_cpu_seconds() - locust_before
        load_after = os.getloadavg()[0]
    finally:
        for server in started:
            stop(server)
        if redis_process is not None:
            stop(redis_process)

    served = [
        sum(
            line.startswith(('"GET ', '"POST '))
            for line in (runtime / f"server-{number}" / "gunicorn.log").read_text().splitlines()
        )
        for number in range(args.servers)
    ]
    requests = http_rows(rows)
    completed = next((row for row in rows if row.kind == "FLOW" and row.name == FLOW), None)
    rps = sum(row.rps for row in requests)
    count = sum(row.count for row in requests) or 1
    failures = sum(row.failures for row in requests)
    print(
        f"\n{args.servers} server(s) × {args.workers} workers, {args.users} users, "
        f"{args.seconds} s:"
    )
    print(table(requests))
    print(f"  all requests: {rps:.1f} req/s, {failures} failures")
    print(f"  requests in each server's access log: {', '.join(map(str, served))}")
    if completed:
        print(
            f"  whole questionnaire: {completed.count} completed, "
            f"{completed.count / args.seconds:.2f}/s, p50 {completed.p50:.0f} ms, "
            f"p95 {completed.p95:.0f} ms"
        )
    steps = [row for row in requests if row.name.startswith("/check/")]
    if steps:
        print(f"  worst step p95: {max(row.p95 for row in steps):.0f} ms")
    print(
        f"CPU during the run: gunicorn {server_cpu:.1f} s ({server_cpu / count * 1000:.1f} ms per "
        f"request), Redis {redis_cpu:.1f} s ({redis_cpu / count * 1000:.2f} ms per request), "
        f"PostgreSQL {pg_cpu:.1f} s ({pg_cpu / count * 1000:.2f} ms per request; the whole "
        f"server, other users included), locust {locust_cpu:.1f} s"
    )
    if completed and completed.count:
        print(
            f"CPU per completed questionnaire ({count / completed.count:.1f} requests): "
            f"gunicorn {server_cpu / completed.count * 1000:.0f} ms, Redis "
            f"{redis_cpu / completed.count * 1000:.1f} ms, PostgreSQL "
            f"{pg_cpu / completed.count * 1000:.1f} ms"
        )
    print(
        f"Machine: {os.cpu_count()} CPUs shared with other users; load average "
        f"{load_before:.1f} before, {load_after:.1f} after"
    )
    shutil.rmtree(runtime, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
