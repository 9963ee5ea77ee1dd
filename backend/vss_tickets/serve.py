"""Running the HTTP service with uvicorn, in one process or in several forked workers.

Several workers share one listening socket created here with the TCP protocol set, so asyncio
enables TCP_NODELAY on every connection. (uvicorn's own `--workers` mode re-creates the socket
in each child without it and adds ~40 ms of delayed-ACK latency to every keep-alive response.)
uvicorn picks uvloop and httptools (dependencies of the service) for the event loop and HTTP parser.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
from dataclasses import replace

import uvicorn

from vss_tickets.app import create_app
from vss_tickets.domain.masking import configure_logging
from vss_tickets.infra.config import Settings


def listening_socket(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    sock.listen(2048)
    return sock


def _worker(settings: Settings, sock: socket.socket, index: int) -> None:
    configure_logging(json_lines=settings.log_format == "json")
    if index > 0:  # one worker runs the periodic escalation job
        settings = replace(settings, escalation_interval=0)
    config = uvicorn.Config(create_app(settings), log_config=None, access_log=settings.access_log)
    uvicorn.Server(config).run(sockets=[sock])


def serve(settings: Settings) -> int:
    """Serve until stopped; returns the exit status."""
    if settings.workers <= 1:
        uvicorn.run(
            create_app(settings),
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=settings.access_log,
        )
        return 0
    sock = listening_socket(settings.host, settings.port)
    context = multiprocessing.get_context("fork")
    workers = [
        context.Process(target=_worker, args=(settings, sock, i), name=f"tickets-worker-{i}")
        for i in range(settings.workers)
    ]
    for process in workers:
        process.start()

    def stop(_signum: int, _frame: object) -> None:
        for process in workers:
            if process.is_alive():
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    status = 0
    for process in workers:
        process.join()
        status = status or (process.exitcode or 0)
        stop(0, None)  # one worker gone: stop the others too
    sock.close()
    return status
