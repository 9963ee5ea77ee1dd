"""Socket.io rooms shared by every Rasa replica through Redis (``SOCKETIO_REDIS_URL``).

Rasa's socket.io channel keeps its rooms in the process: a message for a citizen whose browser
is connected to another replica (a staff reply delivered through this replica's HTTP API, a
live-chat message) was silently lost. With python-socketio's Redis manager every replica
publishes its emits on Redis and each delivers them to the sockets it holds. Empty: rooms stay
in the process (one Rasa, ``make run``).
"""

from __future__ import annotations

import logging

from socketio import AsyncRedisManager, AsyncServer

logger = logging.getLogger(__name__)

CHANNEL = "vss-socketio"


def share_rooms(server: AsyncServer, redis_url: str) -> None:
    """Give ``server`` the Redis manager for ``redis_url`` (before any client connects)."""
    if not redis_url:
        return
    manager = AsyncRedisManager(redis_url, channel=CHANNEL)
    manager.set_server(server)
    server.manager = manager
    server.manager_initialized = False  # initialised (subscribed) at the first connection
    logger.info("socket.io rooms shared through Redis")
