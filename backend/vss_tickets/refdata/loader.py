"""Build a ReferenceData from the versioned YAML files in this package."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from importlib import resources
from typing import Any

import yaml

from vss_tickets.refdata.model import Commune, Province, ReferenceData, UnitRef
from vss_tickets.refdata.names import commune_key, province_key, slug

STRUCTURES = ("current", "pre2025")


@cache
def read_yaml(name: str) -> dict[str, Any]:
    """Parse one data file of this package (cached; callers must not mutate it)."""
    text = resources.files("vss_tickets.refdata").joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _unit(raw: dict[str, Any], level: str, parent: str | None, province: str | None) -> UnitRef:
    return UnitRef(
        code=raw["code"],
        name_vi=raw["name_vi"],
        name_en=raw["name_en"],
        level=level,
        parent_code=parent,
        functions=frozenset(raw.get("functions", ())),
        province_code=province,
    )


def _central(doc: dict[str, Any], level: str) -> list[UnitRef]:
    root = _unit(doc["root"], level, None, None)
    return [root, *(_unit(raw, level, root.code, None) for raw in doc["units"])]


def _provinces(doc: dict[str, Any]) -> dict[str, Province]:
    return {
        p["code"]: Province(p["code"], p["name_vi"], p["kind"], tuple(p["former"]))
        for p in doc["provinces"]
    }


def _province_index(doc: dict[str, Any]) -> dict[str, str]:
    """Every accepted spelling → current province code."""
    index: dict[str, str] = {}
    former_aliases = doc.get("former_aliases", {})
    for p in doc["provinces"]:
        names = [p["name_vi"], *p.get("aliases", ()), *p["former"]]
        names += [alias for old in p["former"] for alias in former_aliases.get(old, ())]
        for name in names:
            key = province_key(name)
            if index.setdefault(key, p["code"]) != p["code"]:
                raise ValueError(f"province name {name!r} is ambiguous in provinces.yaml")
    return index


def _office(
    template: dict[str, Any], code: str, name: str, kind: str, parent: str, province: str
) -> UnitRef:
    raw = {
        "code": code,
        "name_vi": template["name_vi"][kind].format(name=name),
        "name_en": template["name_en"][kind].format(name=name),
        "functions": template["functions"],
    }
    return _unit(raw, "province", parent, province)


def _grassroots(
    doc: dict[str, Any], provinces: dict[str, Province], offices: dict[str, UnitRef]
) -> tuple[list[UnitRef], list[Commune]]:
    """Grassroots offices and commune mappings; a placeholder office where none is listed."""
    units: list[UnitRef] = []
    communes: list[Commune] = []
    for province, office in offices.items():
        entry = doc["provinces"].get(province)
        if entry is None:
            name = provinces[province].name_vi
            raw = {key: tpl.format(province=name) for key, tpl in doc["placeholder"].items()}
            raw["code"] = f"{office.code}.placeholder"
            units.append(replace(_unit(raw, "grassroots", office.code, province), placeholder=True))
            continue
        communes += [
            Commune(name, province, office.code) for name in entry.get("direct_communes", ())
        ]
        for item in entry["offices"]:
            raw = {
                "code": f"{office.code}.{item['slug']}",
                "name_vi": doc["office"]["name_vi"].format(name=item["name"]),
                "name_en": doc["office"]["name_en"].format(name=item["name"]),
                "functions": doc["office"]["functions"],
            }
            unit = _unit(raw, "grassroots", office.code, province)
            units.append(unit)
            communes += [Commune(name, province, unit.code) for name in item.get("communes", ())]
    keys = [(c.province_code, commune_key(c.name_vi)) for c in communes]
    if len(set(keys)) != len(keys):
        raise ValueError("a commune is listed twice in grassroots.yaml")
    return units, communes


def _current(
    prov_doc: dict[str, Any], provinces: dict[str, Province], index: dict[str, str]
) -> ReferenceData:
    central_doc = read_yaml("central_units.yaml")
    units = _central(central_doc, "central")
    root = units[0].code
    offices = {
        p.code: _office(prov_doc["office"], f"bhxh.{p.code}", p.name_vi, p.kind, root, p.code)
        for p in provinces.values()
    }
    grassroots, communes = _grassroots(read_yaml("grassroots.yaml"), provinces, offices)
    units += [*offices.values(), *grassroots]
    return ReferenceData(
        structure="current",
        levels=tuple(central_doc["levels"]),
        versions=_versions("provinces.yaml", "central_units.yaml", "grassroots.yaml"),
        units={u.code: u for u in units},
        provinces=provinces,
        communes=communes,
        province_index=index,
        office_index={key: offices[code].code for key, code in index.items()},
    )


def _pre2025(
    prov_doc: dict[str, Any], provinces: dict[str, Province], index: dict[str, str]
) -> ReferenceData:
    doc = read_yaml("pre2025.yaml")
    units = _central(doc, "central")
    root = units[0].code
    cities = set(doc["cities"])
    office_by_old: dict[str, UnitRef] = {}
    for p in provinces.values():
        for old in p.former:
            kind = "city" if old in cities else "province"
            code = f"pre.bhxh.{slug(old)}"
            office_by_old[old] = _office(doc["office"], code, old, kind, root, p.code)
    units += office_by_old.values()
    for raw in doc["districts"]:
        office = office_by_old[raw["province"]]
        units.append(_unit(raw, "district", office.code, office.province_code))
    office_index = {}
    for p in provinces.values():
        for name in [p.name_vi, *_aliases(prov_doc, p.code)]:
            office_index[province_key(name)] = office_by_old[p.name_vi].code
    for old, office in office_by_old.items():
        for name in [old, *prov_doc.get("former_aliases", {}).get(old, ())]:
            office_index[province_key(name)] = office.code
    return ReferenceData(
        structure="pre2025",
        levels=tuple(doc["levels"]),
        versions=_versions("provinces.yaml", "pre2025.yaml"),
        units={u.code: u for u in units},
        provinces=provinces,
        province_index=index,
        office_index=office_index,
    )


def _aliases(prov_doc: dict[str, Any], code: str) -> list[str]:
    return next(p.get("aliases", []) for p in prov_doc["provinces"] if p["code"] == code)


def _versions(*names: str) -> dict[str, str]:
    return {name: str(read_yaml(name)["version"]) for name in names}


def load_reference_data(structure: str = "current") -> ReferenceData:
    """Load the organisation: "current" (central → 34 provinces → grassroots) or "pre2025"
    (central → 63 provinces → districts)."""
    if structure not in STRUCTURES:
        raise ValueError(f"unknown structure {structure!r}; expected one of {STRUCTURES}")
    prov_doc = read_yaml("provinces.yaml")
    provinces = _provinces(prov_doc)
    index = _province_index(prov_doc)
    build = _current if structure == "current" else _pre2025
    return build(prov_doc, provinces, index)
