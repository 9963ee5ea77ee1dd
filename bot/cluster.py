"""The production topology on one machine, for testing it (``make run-cluster``).

N Rasa replicas and M action servers behind Debian's haproxy, the ticket service and the
conversations in PostgreSQL, conversation locks and socket.io rooms in Redis, two ``deliver``
processes. haproxy keeps each conversation on one replica at a time: REST turns and Zalo and
Messenger events are hashed by their sender, Rasa's HTTP API by the conversation id in its path
(the same hash, so ``deliver`` reaches the replica the citizen talks to), socket.io connections
stick to a replica by cookie. A replica that fails its health check is taken out and its
conversations move to another (the trackers are in PostgreSQL). Design: docs/deployment.md.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.common.settings import ROOT

# The readiness checks haproxy takes a server out on (model and stores; the ticket service).
HEALTH = "/webhooks/health/ready"
ACTIONS_HEALTH = "/health/ready"
DELIVER_METRICS_PORTS = 5170  # deliver-1 serves its health and metrics on 5171, ...
# Where each channel puts the conversation id: haproxy sample expressions to hash on.
SENDER_KEYS = {
    "rest": "req.body,json_query('$.sender')",
    "zalo": "req.body,json_query('$.sender.id')",
    "messenger": "req.body,json_query('$.entry[0].messaging[0].sender.id')",
    "api": "path,field(3,/)",  # /conversations/<id>/...
}
ROUTES = {
    "rest": "/webhooks/rest/",
    "zalo": "/webhooks/zalo/",
    "messenger": "/webhooks/facebook/",
    "api": "/conversations/",
}


@dataclass(frozen=True)
class Topology:
    """Where the load balancer listens (its two fronts) and the addresses behind them
    (``host:port``)."""

    front: str
    actions_front: str
    rasa: tuple[str, ...]
    actions: tuple[str, ...]
    dns: bool = False  # names re-resolved while running (pods that restart get new addresses)

    @classmethod
    def local(cls, front_port: int, actions_front_port: int, rasa_ports: tuple[int, ...],
              actions_ports: tuple[int, ...]) -> Topology:
        """Everything on 127.0.0.1."""
        def at(port: int) -> str:
            return f"127.0.0.1:{port}"

        return cls(at(front_port), at(actions_front_port), tuple(map(at, rasa_ports)),
                   tuple(map(at, actions_ports)))


def kubernetes_topology(replicas: int = 2, namespace: str = "vss") -> Topology:
    """The Rasa StatefulSet's pods behind haproxy (deploy/kubernetes/config.yaml); the action
    servers are balanced by their own Service."""
    rasa = tuple(f"rasa-{i}.rasa.{namespace}.svc.cluster.local:5005" for i in range(replicas))
    return Topology("0.0.0.0:5005", "", rasa, (), dns=True)


def _servers(addresses: tuple[str, ...], prefix: str, health: str, dns: bool,
             track: str | None = None) -> list[str]:
    """Server lines; with ``track`` (a backend's name) the servers follow that backend's
    checks instead of checking again (one check a second per replica, not one per backend)."""
    # Fixed ids: every backend builds the same hash ring, so one key picks one replica in all.
    # ``init-addr last,libc,none``: a name not resolvable yet (a pod starting) is no error.
    resolve = " resolvers dns" if dns else ""

    def checked(i: int) -> str:
        return f"track {track}/{prefix}{i}" if track else "check inter 1s fall 2 rise 2"

    return [f"  server {prefix}{i} {address} id {i} {checked(i)}"
            f" init-addr last,libc,none{resolve}" for i, address in enumerate(addresses, 1)
            ] + ([] if track else [f"  option httpchk GET {health}"])


def haproxy_config(topology: Topology) -> str:
    """haproxy's configuration for ``topology``."""
    t = topology
    checked = f"by_{next(iter(SENDER_KEYS))}"  # the first backend checks, the others track it
    rasa = _servers(t.rasa, "rasa", HEALTH, t.dns)
    tracking = _servers(t.rasa, "rasa", HEALTH, t.dns, track=checked)
    lines = [
        "global", "  maxconn 4000",
        *(["resolvers dns", "  parse-resolv-conf", "  hold valid 5s"] if t.dns else []),
        "defaults", "  mode http", "  timeout connect 2s", "  timeout client 120s",
        "  timeout server 120s", "  timeout tunnel 1h",
        # a replica busy with turns answers its check late, not never: out after 2 x 10 s, while
        # a killed one refuses the connection and is out after two checks (2 s)
        "  timeout check 10s", "  option redispatch", "  retries 2",
        "  retry-on conn-failure empty-response",
        "frontend rasa", f"  bind {t.front}",
        "  option http-buffer-request",  # the body is read before hashing on the sender
        "  http-request set-header X-Forwarded-For %[src]",
        "  http-response set-header X-Replica %s",
        "  use_backend socketio if { path_beg /socket.io/ }",
    ]
    lines += [f"  use_backend by_{name} if {{ path_beg {route} }}"
              for name, route in ROUTES.items()]
    lines += ["  default_backend socketio"]
    for name, key in SENDER_KEYS.items():
        lines += [f"backend by_{name}", f"  balance hash {key}", "  hash-type consistent",
                  *(rasa if f"by_{name}" == checked else tracking)]
    lines += ["backend socketio", "  balance roundrobin",
              "  cookie VSS_REPLICA insert indirect nocache httponly", *[
                  f"{line} cookie r{i}" if line.startswith("  server") else line
                  for i, line in enumerate(tracking, 1)]]
    if t.actions:  # on Kubernetes the action servers' Service balances them: no front here
        lines += ["frontend actions", f"  bind {t.actions_front}",
                  "  default_backend actions", "backend actions", "  balance leastconn",
                  *_servers(t.actions, "actions", ACTIONS_HEALTH, t.dns)]
    return "\n".join(lines) + "\n"


REDIS_DATABASES = {"LOCK_STORE_URL": 1, "SOCKETIO_REDIS_URL": 2, "CHANNEL_STATE_URL": 3}


def redis_urls(redis: str) -> dict[str, str]:
    """Each Redis user's URL: locks, socket.io rooms and the channel state (webhook dedupe,
    Zalo's tokens and their refresh lock) in databases of their own on the server ``redis``."""
    return {name: f"{redis}/{db}" for name, db in REDIS_DATABASES.items()}


def environment(topology: Topology, postgres: str, redis: str) -> dict[str, str]:
    """The variables every process of the cluster shares."""
    return {
        "RASA_PORT": topology.front.rsplit(":", 1)[1],
        "ACTIONS_URL": f"http://{topology.actions_front}/webhook",
        "TRACKER_DB_URL": f"{postgres}/vss_cluster_tracker",
        "TICKETS_DATABASE_URL": f"{postgres}/vss_cluster_tickets",
        **redis_urls(redis),
        "DELIVER_METRICS_PORT": "0",  # each deliver gets its own in the Procfile
    }


def procfile(topology: Topology, deliverers: int = 2) -> str:
    """honcho's Procfile: every process, each replica on its own port."""
    bot = ".venv/bin/python -m bot.cli"
    def port(address: str) -> str:
        return address.rsplit(":", 1)[1]

    lines = [f"rasa-{i}: RASA_PORT={port(address)} exec {bot} rasa"
             for i, address in enumerate(topology.rasa, 1)]
    lines += [f"actions-{i}: ACTIONS_PORT={port(address)} exec {bot} actions"
              for i, address in enumerate(topology.actions, 1)]
    lines += [f"deliver-{i}: DELIVER_METRICS_PORT={DELIVER_METRICS_PORTS + i} exec {bot} deliver"
              for i in range(1, deliverers + 1)]
    lines += ["tickets: cd backend && exec .venv/bin/python -m vss_tickets.cli serve",
              "haproxy: exec haproxy -db -f var/cluster/haproxy.cfg"]
    return "\n".join(lines) + "\n"


def create_databases(postgres: str, names: list[str]) -> None:
    """Create the PostgreSQL databases that do not exist yet."""
    import psycopg2

    admin = psycopg2.connect(f"{postgres}/postgres", connect_timeout=3)
    admin.autocommit = True  # CREATE DATABASE runs outside a transaction
    try:
        with admin.cursor() as cur:
            for name in names:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
                if cur.fetchone() is None:
                    cur.execute(f'CREATE DATABASE "{name}"')
    finally:
        admin.close()


def main() -> None:
    """Write the cluster's files, create its databases and print what to run."""
    if shutil.which("haproxy") is None:
        sys.exit("haproxy not found: install it (sudo apt-get install haproxy) or `make haproxy`")
    replicas = int(os.environ.get("CLUSTER_RASA_REPLICAS", "2"))
    servers = int(os.environ.get("CLUSTER_ACTION_SERVERS", "2"))
    topology = Topology.local(
        front_port=int(os.environ.get("RASA_PORT", "5005")),
        actions_front_port=int(os.environ.get("ACTIONS_PORT", "5055")),
        rasa_ports=tuple(5100 + i for i in range(1, replicas + 1)),
        actions_ports=tuple(5150 + i for i in range(1, servers + 1)),
    )
    postgres = os.environ.get("CLUSTER_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
    redis = os.environ.get("CLUSTER_REDIS", "redis://127.0.0.1:6379")
    env = environment(topology, postgres, redis)
    create_databases(postgres, [url.rsplit("/", 1)[1] for url in
                                (env["TRACKER_DB_URL"], env["TICKETS_DATABASE_URL"])])
    folder = ROOT / "var" / "cluster"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "haproxy.cfg").write_text(haproxy_config(topology))
    (folder / "Procfile").write_text(procfile(topology))
    (folder / "cluster.env").write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    print(f"cluster: {replicas} Rasa replicas, {servers} action servers, 2 deliver, haproxy on "
          f"{topology.front} (chat, REST, webhooks, API) and {topology.actions_front} (actions);"
          f" files in {Path('var/cluster')}")
    print("  metrics: " + "  ".join(
        [*(f"http://{a}/webhooks/metrics/" for a in topology.rasa),
         *(f"http://{a}/metrics" for a in topology.actions),
         *(f"http://127.0.0.1:{DELIVER_METRICS_PORTS + i}/metrics" for i in (1, 2))]))


if __name__ == "__main__":
    main()
