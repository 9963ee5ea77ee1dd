"""Personal identifiers (phone, CCCD, BHXH code) and their masking in free text: the ticket
service's own code for its rules (`backend/vss_tickets/refdata/identifier_rules.py`, reading
`identifiers.yaml` beside it), loaded from its file, so both sides accept and mask the same
numbers with one implementation."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from bot.common.gazetteer import REFDATA

_NAME = "vss_identifier_rules"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(_NAME, REFDATA / "identifier_rules.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {REFDATA / 'identifier_rules.py'}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[_NAME] = module
    spec.loader.exec_module(module)
    return module


_rules = sys.modules.get(_NAME) or _load()
rules = _rules.rules
normalise_phone = _rules.phone_or_none
number_kind = _rules.number_kind
mask_numbers = _rules.mask_numbers
