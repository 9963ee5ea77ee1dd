"""The assistant and the running ticket service agree on every shared rule: each phone, CCCD and
BHXH-code vector of tests/contract/identifiers.yaml is accepted (or refused) by both, and every
kind and topic the assistant offers is one the service routes, with the same labels, and every
ticket state it names is one the service reports. The service is the real process over HTTP, so
a rule changed on one side only fails here."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from actions import fields
from actions.replies import LABELS
from bot.common.identifiers import normalise_phone, number_kind
from bot.common.vocabulary import state_labels, state_statuses
from tests.stack import TICKETS_TOKEN, Stack

VECTORS = yaml.safe_load(Path(__file__).with_name("identifiers.yaml").read_text("utf-8"))
AUTH = {"Authorization": f"Bearer {TICKETS_TOKEN}"}


@pytest.fixture
def service(tickets: Stack) -> str:
    """The URL of the run's ticket service."""
    return tickets.tickets_url


def accepted(url: str, **citizen: Any) -> bool:
    """Whether the service files a ticket with these citizen details (201) or refuses them
    (422); anything else fails the test."""
    body = {"kind": "complaint", "topic": "pension", "channel": "rest",
            "description": "Tôi chưa nhận được lương hưu tháng 2 dù đã đủ điều kiện.",
            "conversation_id": f"contract-{uuid.uuid4().hex[:8]}", "language": "vi",
            "citizen": {"name": "Nguyễn Văn A", "phone": "0912345678", "cccd": None,
                        "bhxh_code": None, **citizen},
            "province": "Hà Nội", "commune": None, "consent": True}
    response = requests.post(f"{url}/api/v1/tickets", json=body, headers=AUTH, timeout=30)
    assert response.status_code in (201, 422), response.text
    return response.status_code == 201


@pytest.mark.parametrize(("typed", "canonical"), VECTORS["phone"])
def test_a_phone_is_accepted_by_both_sides_or_by_neither(
    service: str, typed: str, canonical: str | None
) -> None:
    assert normalise_phone(typed) == canonical
    assert accepted(service, phone=typed) is (canonical is not None)


@pytest.mark.parametrize("kind", ["cccd", "bhxh_code"])
def test_a_cccd_and_a_bhxh_code_are_accepted_by_both_sides_or_by_neither(
    service: str, kind: str
) -> None:
    for typed, canonical in VECTORS[kind]:
        bot_keeps = fields.parse_id_number(typed)
        assert (bot_keeps not in (None, fields.SKIPPED) and number_kind(bot_keeps) == kind) is (
            canonical is not None), typed
        assert accepted(service, **{kind: typed}) is (canonical is not None), typed


def test_every_kind_and_topic_is_the_services_with_its_labels(service: str) -> None:
    for kind in fields.KINDS:
        for topic in fields.TOPICS:
            preview = requests.post(f"{service}/api/v1/routing/preview", headers=AUTH, timeout=30,
                                    json={"kind": kind, "topic": topic, "province": "Hà Nội"})
            assert preview.status_code == 200, (kind, topic, preview.text)
    refused = requests.post(f"{service}/api/v1/routing/preview", headers=AUTH, timeout=30,
                            json={"kind": "petition", "topic": "pension", "province": "Hà Nội"})
    assert refused.status_code == 422  # the service checks kinds: the loop above means something
    spec = requests.get(f"{service}/openapi.json", timeout=30).json()["components"]["schemas"]
    assert set(spec["TicketCreate"]["properties"]["kind"]["enum"]) == set(fields.KINDS)
    routing = yaml.safe_load((Path(fields.__file__).parents[1] / "backend" / "vss_tickets" /
                              "refdata" / "routing.yaml").read_text("utf-8"))
    for code, names in {**routing["kinds"], **routing["topics"]}.items():
        vi, en = LABELS[code]
        assert (vi, en.lower()) == (names["vi"], names["en"].lower())


def test_every_state_is_the_services_with_its_labels_in_both_languages(service: str) -> None:
    spec = requests.get(f"{service}/openapi.json", timeout=30).json()["components"]["schemas"]
    served = {tuple(p["enum"]) for s in spec.values()
              for name, p in s.get("properties", {}).items() if name == "state" and "enum" in p}
    ticket_states = {enum for enum in served if "received" in enum}  # not outbox or chat states
    assert ticket_states == {tuple(state_statuses())}  # one list of states, in the data's order
    assert set(state_labels()) == set(state_statuses())
    for code, (vi, en) in {**state_labels(), **state_statuses()}.items():
        assert vi.strip() and en.strip() and vi != en, code
        assert LABELS[f"state_{code}"] == state_statuses()[code]


@pytest.mark.parametrize(("kind", "topic", "about", "routed"), [
    ("recommendation", "digital_services", None, True),  # the VssID app: a central unit
    ("complaint", "staff_conduct", "vss", True),  # about central staff: the Inspectorate
    ("complaint", "pension", None, False),  # a first complaint goes to the local office
    ("denunciation", "other", None, False),  # the provincial office of the place
])
def test_a_matter_routes_without_a_place_only_when_it_goes_to_a_central_unit(
    service: str, kind: str, topic: str, about: str | None, routed: bool
) -> None:
    """What the intake's "bỏ qua" at the province relies on (actions/intake.py ``_province``,
    and the fake ticket service of the unit tests): the service routes with no province
    exactly the matters of a central unit, and refuses the others with 422."""
    body = {"kind": kind, "topic": topic, "province": None, "about_unit_code": about}
    response = requests.post(f"{service}/api/v1/routing/preview", json=body, headers=AUTH,
                             timeout=30)
    assert response.status_code == (200 if routed else 422), response.text
