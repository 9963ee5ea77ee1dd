"""Start the production topology on loopback (bot/cluster.py) for the cluster tests and
``bench/load.py``: the ticket service, M action servers, N Rasa replicas and haproxy in front,
on a :class:`~tests.stack.Stack` whose databases are PostgreSQL and whose locks and socket.io
rooms are in Redis."""

from __future__ import annotations

import uuid

from bot.cluster import Topology, environment, haproxy_config
from tests.stack import BOT_PY, Stack, free_port, wait_until_healthy

REDIS = "redis://127.0.0.1:6379"


def start_cluster(stack: Stack, tracker_db: str, tickets_db: str, replicas: int = 2,
                  action_servers: int = 2) -> Topology:
    """Start every process of the cluster on ``stack`` (stopped by ``stack.stop_all``) and
    wait until each Rasa replica and the balancer answer their health checks."""
    rasa_ports = tuple(free_port() for _ in range(replicas))
    actions_ports = tuple(free_port() for _ in range(action_servers))
    topology = Topology.local(free_port(), free_port(), rasa_ports, actions_ports)
    stack.env.update({
        **environment(topology, "postgresql://unused", REDIS),
        "TRACKER_DB_URL": tracker_db, "TICKETS_DATABASE_URL": tickets_db,
        # this run's channel state keys (Zalo's tokens are the fake's, not another run's)
        "CHANNEL_STATE_PREFIX": f"test-cluster:{uuid.uuid4().hex}",
    })
    stack.start_tickets()
    config = stack.workdir / "haproxy.cfg"
    config.write_text(haproxy_config(topology))
    stack.spawn("haproxy", ["haproxy", "-db", "-f", str(config)])
    bot = [str(BOT_PY), "-m", "bot.cli"]
    for i, port in enumerate(actions_ports, 1):
        stack.spawn(f"actions-{i}", [*bot, "actions"], ACTIONS_PORT=str(port))
    started = [stack.spawn(f"rasa-{i}", [*bot, "rasa"], RASA_PORT=str(port))
               for i, port in enumerate(rasa_ports, 1)]
    for process, port in zip(started, rasa_ports, strict=True):
        wait_until_healthy(f"http://127.0.0.1:{port}/webhooks/health/", process, 900)
    wait_until_healthy(f"http://{topology.front}/webhooks/health/", stack.processes["haproxy"], 30)
    return topology
