"""Reference-data types: units, provinces, communes and the lookups routing needs."""

from __future__ import annotations

from dataclasses import dataclass, field

from vss_tickets.refdata.names import commune_key, province_key


class UnknownPlace(ValueError):
    """A province (or other place) name that the reference data cannot resolve."""


class UnknownUnit(ValueError):
    """A unit code that is not in the loaded reference data."""


@dataclass(frozen=True)
class UnitRef:
    """One unit of the VSS organisation (central unit, provincial or lower office)."""

    code: str
    name_vi: str
    name_en: str
    level: str
    parent_code: str | None
    functions: frozenset[str]
    province_code: str | None
    placeholder: bool = False  # a stand-in where the real units are not loaded yet


@dataclass(frozen=True)
class Province:
    """A current (post-01/07/2025) province-level unit."""

    code: str
    name_vi: str
    kind: str  # "province" or "city"
    former: tuple[str, ...]


@dataclass(frozen=True)
class Commune:
    """A commune / ward and the grassroots office that serves it."""

    name_vi: str
    province_code: str
    office_code: str


@dataclass
class ReferenceData:
    """The loaded organisation of one structure ("current" or "pre2025") with its lookups."""

    structure: str
    levels: tuple[str, ...]
    versions: dict[str, str]
    units: dict[str, UnitRef]
    provinces: dict[str, Province]
    communes: list[Commune] = field(default_factory=list)
    # province_key(name) → current province code (current names, aliases, pre-2025 names)
    province_index: dict[str, str] = field(default_factory=dict)
    # province_key(name) → code of the office that serves that place in this structure
    office_index: dict[str, str] = field(default_factory=dict)
    _children: dict[str, list[UnitRef]] = field(init=False, repr=False)
    _communes: dict[tuple[str, str], Commune] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._children = {}
        for unit in self.units.values():
            if unit.parent_code is not None:
                self._children.setdefault(unit.parent_code, []).append(unit)
        self._communes = {(c.province_code, commune_key(c.name_vi)): c for c in self.communes}

    def unit(self, code: str) -> UnitRef:
        """The unit with this code, or UnknownUnit."""
        try:
            return self.units[code]
        except KeyError:
            raise UnknownUnit(f"unknown unit code {code!r}") from None

    def resolve_province(self, name: str) -> str | None:
        """Current province code for a current or pre-2025 name, short form or alias."""
        return self.province_index.get(province_key(name))

    def children(self, code: str) -> list[UnitRef]:
        """Direct sub-units of a unit (empty for a leaf or an unknown code)."""
        return list(self._children.get(code, []))

    def parent(self, code: str) -> UnitRef | None:
        """The unit directly above, or None for the root."""
        parent_code = self.unit(code).parent_code
        return None if parent_code is None else self.units[parent_code]

    def ancestors(self, code: str) -> list[UnitRef]:
        """Units above this one, nearest first."""
        chain: list[UnitRef] = []
        parent = self.parent(code)
        while parent is not None:
            chain.append(parent)
            parent = self.parent(parent.code)
        return chain

    def root(self) -> UnitRef:
        """The top unit (Vietnam Social Security itself)."""
        return next(u for u in self.units.values() if u.parent_code is None)

    def province_office(self, name: str) -> UnitRef:
        """The office that serves a province name in this structure, or UnknownPlace."""
        code = self.office_index.get(province_key(name))
        if code is None:
            raise UnknownPlace(f"không rõ tỉnh/thành phố {name!r} / unknown province {name!r}")
        return self.units[code]

    def commune(self, province_code: str, name: str) -> Commune | None:
        """The commune of that name in a current province, if its mapping is loaded."""
        return self._communes.get((province_code, commune_key(name)))

    def central_unit(self, function: str) -> UnitRef | None:
        """The central unit (under the root, at its level) that carries this function, if any."""
        root = self.root()
        return next(
            (
                u
                for u in self.children(root.code)
                if u.level == root.level and function in u.functions
            ),
            None,
        )
