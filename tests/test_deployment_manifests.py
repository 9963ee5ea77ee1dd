"""The Kubernetes manifests (deploy/kubernetes) are valid against the Kubernetes 1.37 schemas
(kubernetes-validate, offline, from the ticket service's dev environment), and the haproxy
configuration and the Redis databases in them are the ones bot.cluster generates."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.cluster import Topology, haproxy_config, kubernetes_topology, redis_urls
from bot.common.settings import ROOT
from tests.stack import TICKETS_PY

MANIFESTS = sorted((ROOT / "deploy" / "kubernetes").glob("*.yaml"))


def validate(*files: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(TICKETS_PY), "-m", "kubernetes_validate", "--strict", "-k", "1.37.0", "--quiet",
         *map(str, files)], capture_output=True, text=True, check=False)


def documents(name: str) -> list[dict]:
    return list(yaml.safe_load_all((ROOT / "deploy" / "kubernetes" / name).read_text()))


def test_every_manifest_is_valid_and_a_wrong_one_is_caught(tmp_path: Path) -> None:
    assert MANIFESTS
    checked = validate(*MANIFESTS)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n"
                     "spec: {replicas: two, selector: {}, template: {}}\n")
    assert validate(wrong).returncode != 0


def test_the_haproxy_configuration_is_the_generated_one() -> None:
    rasa = next(d for d in documents("rasa.yaml") if d["kind"] == "StatefulSet")
    haproxy = next(d for d in documents("config.yaml") if d["metadata"]["name"] == "vss-haproxy")
    expected = haproxy_config(kubernetes_topology(rasa["spec"]["replicas"]))
    assert haproxy["data"]["haproxy.cfg"] == expected


def test_the_redis_databases_are_the_cluster_ones() -> None:
    """Locks, socket.io rooms and the channel state: the databases make run-cluster uses."""
    config = next(d for d in documents("config.yaml") if d["metadata"]["name"] == "vss-config")
    expected = redis_urls("redis://redis:6379")
    assert {name: config["data"].get(name) for name in expected} == expected
    assert len(set(expected.values())) == len(expected)


@pytest.mark.parametrize("topology", [
    Topology.local(5005, 5055, (5101, 5102), (5151, 5152)), kubernetes_topology(3)])
def test_haproxy_accepts_the_generated_configurations(topology: Topology, tmp_path: Path) -> None:
    if shutil.which("haproxy") is None:
        pytest.skip("haproxy is not installed (make haproxy)")
    config = tmp_path / "haproxy.cfg"
    config.write_text(haproxy_config(topology))
    checked = subprocess.run(["haproxy", "-c", "-f", str(config)], capture_output=True,
                             text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
