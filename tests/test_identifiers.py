"""Personal identifiers: the assistant's rules, and agreement with the ticket service's on the
shared test vectors (tests/contract/identifiers.yaml)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from actions.fields import parse_id_number, split_id_number
from bot.common.identifiers import mask_numbers, normalise_phone, number_kind
from tests.stack import TICKETS_PY

VECTORS: dict[str, list[list[Any]]] = yaml.safe_load(
    (Path(__file__).parent / "contract" / "identifiers.yaml").read_text(encoding="utf-8"))

SERVICE_SIDE = """
import json, sys
from vss_tickets.domain.identifiers import check_number, mask_numbers, normalise_phone
def accepted(check, raw):
    try:
        return check(raw)
    except ValueError:
        return None
vectors = json.load(sys.stdin)
print(json.dumps({
    "phone": [accepted(normalise_phone, raw) for raw, _ in vectors["phone"]],
    "cccd": [accepted(lambda v: check_number("cccd", v), raw) for raw, _ in vectors["cccd"]],
    "bhxh_code": [accepted(lambda v: check_number("bhxh_code", v), raw)
                  for raw, _ in vectors["bhxh_code"]],
    "mask": [mask_numbers(raw) for raw, _ in vectors["mask"]],
}))
"""


def assistant_side(kind: str, raw: str) -> str | None:
    if kind == "phone":
        return normalise_phone(raw)
    if kind == "mask":
        return mask_numbers(raw)
    number = parse_id_number(raw)
    return number if number and number_kind(number) == kind else None


@pytest.mark.parametrize(("kind", "raw", "expected"),
                         [(kind, raw, expected) for kind, rows in VECTORS.items()
                          for raw, expected in rows])
def test_the_assistant_follows_the_shared_vectors(
    kind: str, raw: str, expected: str | None
) -> None:
    assert assistant_side(kind, raw) == expected


def test_the_ticket_service_agrees_on_every_vector() -> None:
    answer = subprocess.run([str(TICKETS_PY), "-c", SERVICE_SIDE], input=json.dumps(VECTORS),
                            capture_output=True, text=True, check=True)
    service = json.loads(answer.stdout)
    for kind, rows in VECTORS.items():
        assert service[kind] == [expected for _, expected in rows], kind


def test_one_identity_answer_is_split_by_its_length() -> None:
    assert split_id_number("001099012345") == ("001099012345", None)
    assert split_id_number("0123456789") == (None, "0123456789")
