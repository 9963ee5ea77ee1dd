"""How a citizen reaches VSS staff outside the chat: the one home of the hotline number that
the assistant's sentences name (domain-facts §2.9: the VSS call centre, 24/7)."""

HOTLINE = "1900 9068"


def with_contact(text: str) -> str:
    """``text`` with ``{hotline}`` written out."""
    return text.replace("{hotline}", HOTLINE)
