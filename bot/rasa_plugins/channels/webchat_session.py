"""The web chat's session: an id the server issues and a key only the browser holds.

The session id (32 hex) names the conversation (``web:<id>``) and is what staff see with a
ticket. The session key is an HMAC of the id under a server secret: the server gives it to the
browser once, when it issues the session; the browser sends it back to resume the session on a
new socket and to read the history (header ``X-Session-Key``). Knowing the id alone (from the
staff console or ``GET /api/v1/tickets/{code}``) neither joins the chat nor reads it.

The secret is derived from ``RASA_TOKEN`` (a production secret already, ``bot/common/settings.py``),
under its own label so the key reveals nothing about the token; changing the token ends every
web chat session (the browser then starts a new one).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid

from bot.common.settings import Settings

SESSION_ID = re.compile(r"[0-9a-f]{32}")
KEY_HEADER = "X-Session-Key"
_LABEL = b"vss-webchat-session-key/v1"


class SessionKeys:
    """Issues web chat sessions and checks their keys."""

    def __init__(self, settings: Settings) -> None:
        self._secret = hmac.new(settings.rasa_token.encode(), _LABEL, hashlib.sha256).digest()

    def key(self, session: str) -> str:
        """The key of ``session`` (64 hex)."""
        return hmac.new(self._secret, session.encode(), hashlib.sha256).hexdigest()

    def valid(self, session: object, key: object) -> bool:
        """True when ``key`` is the key of the well-formed ``session``."""
        return (isinstance(session, str) and isinstance(key, str)
                and SESSION_ID.fullmatch(session) is not None
                and hmac.compare_digest(key.encode(), self.key(session).encode()))

    @staticmethod
    def new_session() -> str:
        """A fresh random session id."""
        return uuid.uuid4().hex
