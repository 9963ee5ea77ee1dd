"""Route a ticket (kind, topic, place) to the responsible unit, with reasons, from routing.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from vss_tickets.refdata import (
    ReferenceData,
    UnitRef,
    UnknownPlace,
    UnknownUnit,
    fold,
    read_yaml,
)

__all__ = ["RoutingDecision", "UnknownPlace", "UnknownUnit", "kinds", "route", "topics"]

_ANY = "*"


@dataclass
class RoutingDecision:
    """The unit that should own a ticket and why ("vi / en" sentences)."""

    unit_code: str
    reasons: list[str]


@cache
def _rules() -> dict[str, Any]:
    return read_yaml("routing.yaml")


def kinds() -> dict[str, dict[str, str]]:
    """Ticket kinds with their Vietnamese and English labels."""
    return dict(_rules()["kinds"])


def topics() -> dict[str, dict[str, str]]:
    """The controlled topic codes with their Vietnamese and English labels."""
    return dict(_rules()["topics"])


def _say(vi: str, en: str) -> str:
    return f"{vi} / {en}"


def _matches(values: list[str], value: str) -> bool:
    return _ANY in values or value in values


def _inspection_above(ref: ReferenceData, subject: UnitRef) -> tuple[UnitRef, str]:
    """The nearest inspection function strictly above `subject` and why ("vi / en"): a unit
    of the ancestor's own level beside it (the VSS Inspectorate under VSS) or the ancestor."""
    for ancestor in ref.ancestors(subject.code):
        for unit in ref.children(ancestor.code):
            if (
                unit.level == ancestor.level
                and "inspection" in unit.functions
                and unit.code != subject.code
            ):
                return unit, _say(
                    "đơn vị thanh tra của cấp trên", "inspection unit of the level above"
                )
        if "inspection" in ancestor.functions:
            return ancestor, _say(
                "cấp trên trực tiếp, có chức năng thanh tra",
                "the unit directly above, which holds the inspection function",
            )
    return ref.root(), _say(
        "thủ trưởng cơ quan, vì phía trên không còn chức năng thanh tra nào khác",
        "the head of the agency, as no other inspection function is above",
    )


def _conflict(ref: ReferenceData, kind: str, topic: str, about: str) -> RoutingDecision | None:
    subject = ref.unit(about)
    rule = _rules()["conflict_of_interest"]
    if kind not in rule["kinds"] and topic not in rule["topics"]:
        return None
    target, how = _inspection_above(ref, subject)
    return RoutingDecision(
        target.code,
        [
            _say(
                f"Nội dung liên quan đến cán bộ của {subject.name_vi}: chuyển {target.name_vi}, "
                "không giao cho chính đơn vị bị phản ánh",
                f"the matter concerns officials of {subject.name_en}: it goes to {target.name_en}, "
                "never to the unit concerned",
            ),
            how,
        ],
    )


def _local(
    ref: ReferenceData, office: UnitRef, province: str, commune: str | None
) -> tuple[UnitRef, str]:
    if commune is None or not commune.strip():
        return office, _say("chưa có xã/phường", "no commune given")
    province_code = office.province_code or ""
    found = ref.commune(province_code, commune) if ref.structure == "current" else None
    if found is None:
        return office, _say(
            f"chưa có danh sách xã/phường '{commune}' của {province}: BHXH tỉnh phân công",
            f"commune '{commune}' is not in the loaded mapping: the provincial office assigns it",
        )
    unit = ref.units[found.office_code]
    return unit, _say(
        f"{found.name_vi} thuộc địa bàn {unit.name_vi}",
        f"{found.name_vi} is served by {unit.name_en}",
    )


def _place(ref: ReferenceData, province: str | None) -> tuple[UnitRef, str]:
    if province is None or not province.strip():
        raise UnknownPlace("cần tỉnh/thành phố / a province is required for this ticket")
    office = ref.province_office(province)
    code = ref.resolve_province(province)
    current = ref.provinces[code].name_vi if code else province
    if fold(current) == fold(province):
        return office, _say(f"địa bàn: {current}", f"place: {current}")
    return office, _say(
        f"địa bàn: {province} (hiện nay: {current})", f"place: {province} (now: {current})"
    )


def route(
    ref: ReferenceData,
    kind: str,
    topic: str,
    province: str | None,
    commune: str | None = None,
    about_unit_code: str | None = None,
) -> RoutingDecision:
    """Decide the responsible unit; raises ValueError for an unknown kind / topic / unit and
    UnknownPlace for a province the data cannot resolve."""
    data = _rules()
    if kind not in data["kinds"]:
        raise ValueError(f"unknown kind {kind!r}; expected one of {sorted(data['kinds'])}")
    if topic not in data["topics"]:
        raise ValueError(f"unknown topic {topic!r}; expected one of {sorted(data['topics'])}")
    place = _place(ref, province) if province is not None else None
    if about_unit_code is not None:
        decision = _conflict(ref, kind, topic, about_unit_code)
        if decision is not None:
            return decision
    rule = next(
        r for r in data["rules"] if _matches(r["kinds"], kind) and _matches(r["topics"], topic)
    )
    reasons = [_say(rule["vi"], rule["en"])]
    target = rule["target"]
    if target.startswith("central:"):
        unit = ref.central_unit(target.removeprefix("central:")) or ref.root()
        return RoutingDecision(unit.code, reasons)
    office, place_reason = place if place is not None else _place(ref, province)
    reasons.append(place_reason)
    if target == "local":
        office, local_reason = _local(ref, office, province or "", commune)
        reasons.append(local_reason)
    return RoutingDecision(office.code, reasons)
