"""Benchmark of the ticket service: create and queue-list latency and throughput over HTTP.

Starts a real `python -m vss_tickets.cli serve` on 127.0.0.1, with 100,000 existing tickets
(bulk-loaded before the run), and drives it with 1 and 16 concurrent clients for a bounded time.

    cd backend && .venv/bin/python ../bench/tickets_bench.py --backend sqlite
    cd backend && .venv/bin/python ../bench/tickets_bench.py --backend postgresql --workers 2

SQLite uses var/bench/tickets.db; PostgreSQL a database `vss_tickets_bench` on 127.0.0.1:5432
(created and dropped by the script). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
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

import httpx
import psycopg
from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parents[1]
BACKEND = ROOT / "backend"
sys.path.insert(0, str(BACKEND))

from vss_tickets.auth import create_staff  # noqa: E402
from vss_tickets.db import Database  # noqa: E402
from vss_tickets.migrate import init_db  # noqa: E402
from vss_tickets.models import Ticket, TicketCodeCounter, Unit  # noqa: E402

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


def start_server(url: str, workers: int, token: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "TICKETS_DATABASE_URL": url,
        "TICKETS_HOST": "127.0.0.1",
        "TICKETS_PORT": str(port),
        "TICKETS_WORKERS": str(workers),
        "TICKETS_SERVICE_TOKEN": token,
        "TICKETS_ESCALATION_INTERVAL": "0",
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


def run_phase(base: str, headers: dict, clients: int, seconds: float, kind: str) -> dict:
    """Each client sends requests back to back for `seconds`; returns latency figures."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(index: int) -> None:
        mine, failed, n = [], 0, 0
        with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
            while time.monotonic() < stop:
                n += 1
                started = time.perf_counter()
                if kind == "create":
                    key = f"{index}-{n}-{secrets.token_hex(4)}"
                    r = http.post(
                        "/api/v1/tickets", json=ticket(n), headers={"Idempotency-Key": key}
                    )
                    ok = r.status_code == 201
                else:
                    params = {"page_size": 20, "page": 1 + n % 5}
                    r = http.get("/api/v1/staff/tickets", params=params)
                    ok = r.status_code == 200
                mine.append(time.perf_counter() - started)
                failed += not ok
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "per_second": len(latencies) / elapsed,
        "p50_ms": q[49] * 1000,
        "p95_ms": q[94] * 1000,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--backend", choices=("sqlite", "postgresql"), required=True)
    p.add_argument("--existing", type=int, default=100_000)
    p.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    p.add_argument("--clients", default="1,16")
    args = p.parse_args()

    url = database_url(args.backend)
    password, token = secrets.token_urlsafe(18), secrets.token_urlsafe(32)
    started = time.monotonic()
    seed(url, args.existing, password)
    print(f"seeded {args.existing} tickets in {time.monotonic() - started:.0f} s", file=sys.stderr)
    process, base = start_server(url, args.workers, token)
    try:
        login = httpx.post(
            f"{base}/api/v1/auth/login",
            json={"username": "bench.officer", "password": password},
            timeout=30,
        )
        staff = {"Authorization": f"Bearer {login.json()['token']}"}
        service = {"Authorization": f"Bearer {token}"}
        columns = ("backend", "workers", "phase", "clients", "requests", "errors", "req/s")
        print("| " + " | ".join(columns) + " | p50 ms | p95 ms |")
        print("|---" * (len(columns) + 2) + "|")
        for clients in (int(c) for c in args.clients.split(",")):
            for kind, headers in (("create", service), ("queue", staff)):
                r = run_phase(base, headers, clients, args.seconds, kind)
                print(
                    f"| {args.backend} | {args.workers} | {kind} | {clients} | {r['requests']} | "
                    f"{r['errors']} | {r['per_second']:.0f} | {r['p50_ms']:.1f} | "
                    f"{r['p95_ms']:.1f} |",
                    flush=True,
                )
    finally:
        process.terminate()
        process.wait(timeout=30)
        if args.backend == "postgresql":
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
