"""Which user events of a Rasa conversation hold text the citizen typed."""

from __future__ import annotations

# Rasa records button payloads ("/affirm") and intents triggered by a program (its "EXTERNAL: "
# prefix, rasa.shared.core.constants) as user text too.
NOT_TYPED = ("/", "EXTERNAL: ")


def typed(text: str) -> bool:
    """True for text the citizen typed (stripped, non-empty)."""
    return bool(text) and not text.startswith(NOT_TYPED)
