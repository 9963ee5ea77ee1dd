"""Run an aiohttp application on a free 127.0.0.1 port in a background thread."""

from __future__ import annotations

import asyncio
import threading

from aiohttp import web


class ThreadedServer:
    """A real HTTP server for a fake API on ``port`` (0: any free one); ``url`` is its address."""

    def __init__(self, app: web.Application, port: int = 0) -> None:
        self.app, self.port = app, port
        self.loop = asyncio.new_event_loop()
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    async def _start(self) -> None:
        self._runner = web.AppRunner(self.app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    def start(self) -> ThreadedServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(10)
        return self

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)


async def serve_file(request: web.Request, data: bytes, *, chunked: bool = False,
                     delay: float = 0.0) -> web.StreamResponse:
    """``data`` as a CDN sends it: with its Content-Length, or (``chunked``) in 64 KB chunks
    without one, after ``delay`` seconds (as a slow host)."""
    await asyncio.sleep(delay)
    if not chunked:
        return web.Response(body=data, content_type="application/octet-stream")
    stream = web.StreamResponse()
    stream.enable_chunked_encoding()
    await stream.prepare(request)
    for start in range(0, len(data), 64 * 1024):
        try:
            await stream.write(data[start:start + 64 * 1024])
        except (ConnectionResetError, RuntimeError):  # the client stopped reading: fine
            break
    return stream
