"""VSS reference data: units, provinces (current 34 and pre-2025 63), grassroots offices, communes.

Data lives in versioned YAML files next to this module; see docs/reference-data.md.
"""

from vss_tickets.refdata.loader import STRUCTURES, load_reference_data, read_yaml
from vss_tickets.refdata.model import (
    Commune,
    Province,
    ReferenceData,
    UnitRef,
    UnknownPlace,
    UnknownUnit,
)
from vss_tickets.refdata.names import commune_key, fold, province_key

__all__ = [
    "STRUCTURES",
    "Commune",
    "Province",
    "ReferenceData",
    "UnitRef",
    "UnknownPlace",
    "UnknownUnit",
    "commune_key",
    "fold",
    "load_reference_data",
    "province_key",
    "read_yaml",
]
