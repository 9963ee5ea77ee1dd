"""The service's identifier rules on the test vectors shared with the assistant
(tests/contract/identifiers.yaml at the repository root)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.conftest import create
from vss_tickets.domain.identifiers import check_number, mask_numbers, normalise_phone

VECTORS = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "tests" / "contract" / "identifiers.yaml").read_text(
        encoding="utf-8"
    )
)
CHECKS: dict[str, Callable[[str], str]] = {
    "phone": normalise_phone,
    "cccd": lambda raw: check_number("cccd", raw),
    "bhxh_code": lambda raw: check_number("bhxh_code", raw),
}


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [(kind, raw, expected) for kind in CHECKS for raw, expected in VECTORS[kind]],
)
def test_numbers_follow_the_shared_vectors(kind, raw, expected):
    if expected is None:
        with pytest.raises(ValueError, match="/"):  # both languages in the message
            CHECKS[kind](raw)
    else:
        assert CHECKS[kind](raw) == expected


@pytest.mark.parametrize(("raw", "expected"), VECTORS["mask"])
def test_masking_follows_the_shared_vectors(raw, expected):
    assert mask_numbers(raw) == expected


def test_a_landline_files_a_ticket(client):
    body = create(client, citizen={"name": "Võ Thị Bích", "phone": "024 3812 3456"})
    assert body["citizen"]["phone"] == "*******3456"
