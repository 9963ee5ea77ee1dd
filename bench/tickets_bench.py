"""Benchmark of the ticket service: create and queue-list latency and throughput over HTTP.

Starts a real `python -m vss_tickets.cli serve` on 127.0.0.1, with 100,000 existing tickets
(bulk-loaded before the run), and drives it with 1 and 16 concurrent clients for a bounded time.

    cd backend && .venv/bin/python ../bench/tickets_bench.py --backend sqlite
    cd backend && .venv/bin/python ../bench/tickets_bench.py --backend postgresql --workers 2

The clients are threads with keep-alive connections (stdlib `http.client`, lighter than httpx),
spread over `--client-procs` processes so the load generator is not limited by one GIL.
SQLite uses var/bench/tickets.db; PostgreSQL a database `vss_tickets_bench` on 127.0.0.1:5432
(created and dropped by the script). Prints a Markdown table with the CPU time the service
processes and the load generator used per request, and the load average before and after.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import httpx
import psycopg
from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parents[1]
BACKEND = ROOT / "backend"
sys.path.insert(0, str(BACKEND))

from vss_tickets.domain.auth import create_staff  # noqa: E402
from vss_tickets.domain.models import Ticket, TicketCodeCounter, Unit  # noqa: E402
from vss_tickets.infra.db import Database  # noqa: E402
from vss_tickets.infra.migrate import init_db  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "vss_tickets_bench"
QUEUE_UNIT = "bhxh.ha-noi"
STATES = ("received", "accepted", "in_progress", "waiting_citizen", "resolved", "closed")


def database_url(backend: str) -> str:
    if backend == "sqlite":
        path = ROOT / "var" / "bench" / "tickets.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_DB}")
    return f"postgresql://postgres@127.0.0.1:5432/{PG_DB}"


def seed(url: str, existing: int, password: str) -> None:
    """Migrate, load units, bulk-insert `existing` tickets of 2025 and one officer account."""
    init_db(url, "current")
    db = Database(url)
    rng = random.Random(7)
    now = datetime.now(UTC)
    with db.session(write=True) as session:
        units = list(session.scalars(select(Unit.code).where(Unit.level != "central")))
        # About 1 in 20 tickets belongs to the queue unit, the rest spread over the others.
        for start in range(0, existing, 5000):
            rows = []
            for n in range(start + 1, min(start + 5000, existing) + 1):
                received = date(2025, 1, 1) + timedelta(days=rng.randrange(365))
                rows.append(
                    dict(
                        code=f"BHXH-2025-{n:06d}",
                        kind=rng.choice(("enquiry", "recommendation", "complaint")),
                        topic="pension",
                        description="Nội dung mẫu cho đo hiệu năng",
                        channel="rest",
                        conversation_id=f"bench-{n}",
                        language="vi",
                        citizen_name="Nguyễn Văn A",
                        citizen_phone=f"09{n % 100_000_000:08d}",
                        unit_code=QUEUE_UNIT if n % 20 == 0 else rng.choice(units),
                        state=rng.choice(STATES),
                        priority="normal",
                        complex_case=False,
                        remote_area=False,
                        received_on=received,
                        resolution_due=received + timedelta(days=45),
                        transfer_count=0,
                        escalation_level=0,
                        routing_reasons=[],
                        consent_at=now,
                        created_at=now,
                        updated_at=now,
                    )
                )
            session.execute(insert(Ticket), rows)
        session.add(TicketCodeCounter(year=2025, last_value=existing))
        create_staff(session, "bench.officer", "Bench", password, "officer", QUEUE_UNIT)
    with db.engine.connect() as conn:  # planner statistics, as a running database has them
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    db.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    url: str, workers: int, token: str, threads: int = 0
) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "TICKETS_DATABASE_URL": url,
        "TICKETS_HOST": "127.0.0.1",
        "TICKETS_PORT": str(port),
        "TICKETS_WORKERS": str(workers),
        "TICKETS_SERVICE_TOKEN": token,
        "TICKETS_ESCALATION_INTERVAL": "0",
        "TICKETS_ACCESS_LOG": "0",
        "TICKETS_THREADS": str(threads),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "vss_tickets.cli", "serve"],
        cwd=BACKEND,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("server did not start within 60 s")


def ticket(n: int) -> dict:
    return {
        "kind": "complaint",
        "topic": "pension",
        "description": f"Đo hiệu năng {n}",
        "channel": "rest",
        "conversation_id": f"c-{n}",
        "language": "vi",
        "citizen": {"name": "Trần Thị B", "phone": "0912345678"},
        "province": "Hà Nội",
        "consent": True,
    }


def _client(port: int, headers: dict, kind: str, index: int, stop: float) -> tuple[list, int]:
    """One client: requests back to back on one keep-alive connection until `stop`."""
    mine, failed, n = [], 0, 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < stop:
        n += 1
        started = time.perf_counter()
        if kind == "create":
            key = f"{os.getpid()}-{index}-{n}-{secrets.token_hex(4)}"
            body = json.dumps(ticket(n)).encode()
            extra = {"Content-Type": "application/json", "Idempotency-Key": key}
            conn.request("POST", "/api/v1/tickets", body=body, headers={**headers, **extra})
            expected = 201
        else:
            query = urlencode({"page_size": 20, "page": 1 + n % 5})
            conn.request("GET", f"/api/v1/staff/tickets?{query}", headers=headers)
            expected = 200
        response = conn.getresponse()
        response.read()
        mine.append(time.perf_counter() - started)
        failed += response.status != expected
    conn.close()
    return mine, failed


def _client_process(port, headers, kind, indexes, start, stop, out) -> None:
    """A load-generator process: one thread per client index; sends back latencies and CPU."""
    results: list[tuple[list, int]] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        result = _client(port, headers, kind, index, stop)
        with lock:
            results.append(result)

    time.sleep(max(start - time.monotonic(), 0))
    threads = [threading.Thread(target=run, args=(i,)) for i in indexes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cpu = time.process_time()
    out.send(([x for r in results for x in r[0]], sum(r[1] for r in results), cpu))
    out.close()


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of `pid` and all its descendants (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    stats: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        stats[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        total += stats.get(p, 0.0)
        todo.extend(children.get(p, []))
    return total


def _postgres_cpu_seconds() -> float:
    """CPU of every `postgres` process (the bench's backends, and anyone else's)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            head, rest = (entry / "stat").read_text().rsplit(")", 1)
        except OSError:
            continue
        if head.split("(", 1)[1].startswith("postgres"):
            fields = rest.split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def run_phase(
    port: int, server_pid: int, headers: dict, clients: int, procs: int, seconds: float, kind: str
) -> dict:
    """`clients` clients in `procs` processes send requests back to back for `seconds`."""
    context = multiprocessing.get_context("fork")
    procs = max(1, min(procs, clients))
    start = time.monotonic() + 0.5
    stop = start + seconds
    workers, pipes = [], []
    for p in range(procs):
        receive, send = context.Pipe(duplex=False)
        indexes = list(range(p, clients, procs))
        process = context.Process(
            target=_client_process, args=(port, headers, kind, indexes, start, stop, send)
        )
        process.start()
        workers.append(process)
        pipes.append(receive)
    time.sleep(max(start - time.monotonic(), 0))
    server_cpu, pg_cpu = _cpu_seconds(server_pid), _postgres_cpu_seconds()
    latencies: list[float] = []
    errors, client_cpu = 0, 0.0
    for receive in pipes:
        mine, failed, cpu = receive.recv()
        latencies.extend(mine)
        errors += failed
        client_cpu += cpu
    elapsed = time.monotonic() - start
    server_cpu = _cpu_seconds(server_pid) - server_cpu
    pg_cpu = _postgres_cpu_seconds() - pg_cpu
    for process in workers:
        process.join()
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    count = len(latencies)
    return {
        "requests": count,
        "errors": errors,
        "per_second": count / elapsed,
        "p50_ms": q[49] * 1000,
        "p95_ms": q[94] * 1000,
        "server_cpu_ms": server_cpu / count * 1000,
        "client_cpu_ms": client_cpu / count * 1000,
        "pg_cpu_ms": pg_cpu / count * 1000,
    }


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--backend", choices=("sqlite", "postgresql"), required=True)
    p.add_argument("--existing", type=int, default=100_000)
    p.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    p.add_argument(
        "--threads", type=int, default=0, help="TICKETS_THREADS of the service (0: default 40)"
    )
    p.add_argument("--clients", default="1,16")
    p.add_argument(
        "--client-procs", type=int, default=2, help="load-generator processes sharing the clients"
    )
    args = p.parse_args()

    url = database_url(args.backend)
    password, token = secrets.token_urlsafe(18), secrets.token_urlsafe(32)
    started = time.monotonic()
    seed(url, args.existing, password)
    print(f"seeded {args.existing} tickets in {time.monotonic() - started:.0f} s", file=sys.stderr)
    process, base = start_server(url, args.workers, token, args.threads)
    try:
        login = httpx.post(
            f"{base}/api/v1/auth/login",
            json={"username": "bench.officer", "password": password},
            timeout=30,
        )
        staff = {"Authorization": f"Bearer {login.json()['token']}"}
        service = {"Authorization": f"Bearer {token}"}
        port = int(base.rsplit(":", 1)[1])
        print(f"load average before: {load_average()}", file=sys.stderr)
        columns = ("backend", "workers", "threads", "phase", "clients", "requests", "errors")
        print(
            "| " + " | ".join(columns) + " | req/s | p50 ms | p95 ms | service CPU ms/req "
            "| client CPU ms/req | postgres CPU ms/req | load avg (1 min) |"
        )
        print("|---" * (len(columns) + 7) + "|")
        for clients in (int(c) for c in args.clients.split(",")):
            for kind, headers in (("create", service), ("queue", staff)):
                r = run_phase(
                    port, process.pid, headers, clients, args.client_procs, args.seconds, kind
                )
                pg = f"{r['pg_cpu_ms']:.2f}" if args.backend == "postgresql" else "–"
                threads = args.threads or 40
                print(
                    f"| {args.backend} | {args.workers} | {threads} | {kind} | {clients} | "
                    f"{r['requests']} | {r['errors']} | {r['per_second']:.0f} | "
                    f"{r['p50_ms']:.1f} | "
                    f"{r['p95_ms']:.1f} | {r['server_cpu_ms']:.2f} | {r['client_cpu_ms']:.2f} | "
                    f"{pg} | {load_average().split()[0]} |",
                    flush=True,
                )
        print(f"load average after: {load_average()}", file=sys.stderr)
    finally:
        process.terminate()
        process.wait(timeout=30)
        if args.backend == "postgresql":
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
