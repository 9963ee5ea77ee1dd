"""HTTP client of the ticket service, used by the custom actions.

Every call has a timeout. Connection errors and 5xx answers are retried with
exponential back-off; creating a ticket is safe to retry because it carries an
``Idempotency-Key``, so the service returns the ticket it already made.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from bot.common import conversation_ids
from bot.common.settings import Settings

TIMEOUT = (3.05, 10)  # seconds: connect, read
SHORT_TIMEOUT = (2, 3)  # for answers the citizen is waiting on and that have a fallback


# The receipt the ticket service issues at creation (backend ``vss_tickets/domain/receipt.py``):
# 12 characters of Crockford's base32 shown as XXXX-XXXX-XXXX, typed back leniently.
_RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RECEIPT_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_RECEIPT_SEPARATORS = re.compile(r"[\s.\-]")


class TicketServiceError(Exception):
    """The ticket service could not be reached (``status`` None) or refused the request
    (``code``: its machine-readable error; ``retry_after``: seconds, when it said)."""

    def __init__(self, message: str, status: int | None = None, code: str | None = None,
                 retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.retry_after = status, code, retry_after


def parse_receipt(value: object) -> str | None:
    """A typed receipt as ``XXXX-XXXX-XXXX`` (case, spaces and hyphens do not matter; O, I and
    L read as 0, 1, 1), or None."""
    raw = _RECEIPT_SEPARATORS.sub("", str(value or "")).upper().translate(_RECEIPT_READ_AS)
    if len(raw) != 12 or any(c not in _RECEIPT_ALPHABET for c in raw):
        return None
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


_RECEIPT_IN_TEXT = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b", re.IGNORECASE)
RECEIPT_MASK = "••••-••••-••••"


def mask_receipts(text: str) -> str:
    """``text`` with every receipt (``XXXX-XXXX-XXXX``) hidden: a receipt proves a ticket is
    the citizen's and must not reach staff or logs with the conversation."""
    return _RECEIPT_IN_TEXT.sub(
        lambda m: RECEIPT_MASK if parse_receipt(m.group()) else m.group(), text)


def idempotency_key(conversation_id: str, *parts: str) -> str:
    """A stable key for one submission: same conversation and content, same key."""
    digest = hashlib.sha256("\x1f".join((conversation_id, *parts)).encode()).hexdigest()
    return f"rasa-{digest[:40]}"


class TicketClient:
    """Creates and reads tickets over the service's HTTP API."""

    def __init__(self, base_url: str | None = None, token: str | None = None) -> None:
        settings = Settings.from_env()
        self.base_url = (base_url or settings.tickets_url).rstrip("/")
        self._token = token or settings.tickets_token
        retry = Retry(
            total=3,
            connect=3,
            read=2,
            status=3,
            backoff_factor=0.5,
            status_forcelist=(500, 502, 503, 504),
            allowed_methods=frozenset({"GET", "POST"}),
            raise_on_status=False,
        )
        self._session = requests.Session()
        self._session.mount("http://", HTTPAdapter(max_retries=retry))
        self._session.mount("https://", HTTPAdapter(max_retries=retry))

    def create_ticket(self, payload: dict[str, Any], key: str) -> dict[str, Any]:
        """Create a ticket; returns the service's JSON (with ``code``, ``unit``, ``receipt``).

        The conversation id must be a valid one (``bot/common/conversation_ids.py``) and, when
        namespaced, decides the ticket's channel (where staff replies are delivered);
        :class:`conversation_ids.BadConversationId` otherwise, before anything is sent."""
        channel = conversation_ids.channel_of(payload.get("conversation_id"))
        if channel is not None:
            payload = {**payload, "channel": channel}
        return self._request(
            "POST", "/api/v1/tickets", json=payload, headers={"Idempotency-Key": key}
        )

    def preview_routing(
        self, kind: str, topic: str, province: str | None, about_unit_code: str | None = None
    ) -> dict[str, Any]:
        """Which unit would handle such a ticket, and why (422 for an unknown place, or none
        where the matter needs one)."""
        body = {"kind": kind, "topic": topic, "province": province,
                "about_unit_code": about_unit_code}
        return self._request("POST", "/api/v1/routing/preview", json=body)

    def unit_concerned(
        self, level: str, province: str | None, commune: str | None
    ) -> dict[str, Any] | None:
        """The office (``code``, ``name_vi``, ``name_en``) a matter about staff of that level
        and place concerns; None when the place does not say which grassroots office."""
        body = {"level": level, "province": province, "commune": commune}
        return self._request("POST", "/api/v1/routing/unit-concerned", json=body)

    def citizen_view(self, code: str, proof: str, conversation_id: str) -> dict[str, Any]:
        """What a verified citizen may see; ``proof`` is the last four phone digits or the
        receipt (404 for an unknown code or a wrong proof alike; 429 ``too_many_attempts``
        after repeated failures, ``receipt_required`` when the digits alone are locked)."""
        factor = "phone_last4" if len(proof) == 4 else "receipt"
        body = {factor: proof, "conversation_id": conversation_id}
        return self._request("POST", f"/api/v1/tickets/{code}/citizen-view", json=body)

    def citizen_action(self, code: str, action: str, proof: dict[str, Any],
                       **body: Any) -> dict[str, Any]:
        """A verified citizen's ``citizen-messages`` (``body``: resumes a paused clock),
        ``rating`` (``rating`` 1-5) or ``citizen-reopen`` (``reason``); the citizen's view."""
        return self._request("POST", f"/api/v1/tickets/{code}/{action}", json={**proof, **body})

    def get_ticket(self, code: str) -> dict[str, Any]:
        """Read one ticket by its code."""
        return self._request("GET", f"/api/v1/tickets/{code}")

    def claim_outbox(self, limit: int = 50) -> list[dict[str, Any]]:
        """Notifications due for delivery, oldest first, leased to this process for a while
        (another ``deliver`` is not offered them meanwhile)."""
        return self._request("POST", "/api/v1/outbox/claim", params={"limit": limit})

    def ack_outbox(self, notification_id: int) -> dict[str, Any]:
        """Record that a notification reached the conversation."""
        return self._request("POST", f"/api/v1/outbox/{notification_id}/ack")

    def fail_outbox(self, notification_id: int, error: str) -> dict[str, Any]:
        """Record a failed delivery; the service offers it again later (or gives up)."""
        return self._request(
            "POST", f"/api/v1/outbox/{notification_id}/fail", json={"error": error[:500]}
        )

    def sweep_chats(self) -> list[dict[str, Any]]:
        """Expire live chats nobody took in time; the active ones (``code``,
        ``conversation_id``, ``channel``, ``language``, ``state``, ``officer``,
        ``requested_at``, ``relayed_until``)."""
        return self._request("POST", "/api/v1/chats/sweep")

    def add_chat_message(
        self, code: str, conversation_id: str, body: str, sent_at: float
    ) -> dict[str, Any]:
        """Append a citizen's message, written at ``sent_at`` (conversation time), to a live
        chat; ``duplicate`` when it was already passed on (404: another conversation, 409: the
        chat is no longer active)."""
        return self._request(
            "POST", f"/api/v1/tickets/{code}/chat-messages",
            json={"conversation_id": conversation_id, "body": body, "sent_at": sent_at},
        )

    def office_hours(self) -> dict[str, Any]:
        """Whether staff are at work now: ``open``, ``now``, ``next_open`` (ISO 8601, +07:00;
        None while open), ``closes_at``, ``hours``."""
        return self._request("GET", "/api/v1/office-hours", timeout=SHORT_TIMEOUT)

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self._token}", **kwargs.pop("headers", {})}
        timeout = kwargs.pop("timeout", TIMEOUT)
        try:
            response = self._session.request(
                method, self.base_url + path, headers=headers, timeout=timeout, **kwargs
            )
        except requests.RequestException as exc:
            raise TicketServiceError(
                f"ticket service unreachable: {exc.__class__.__name__}"
            ) from exc
        if response.status_code >= 400:
            code = _error_code(response)
            retry = response.headers.get("Retry-After", "")
            raise TicketServiceError(
                f"ticket service answered {response.status_code} ({code})",
                status=response.status_code, code=code,
                retry_after=int(retry) if retry.isdigit() else None,
            )
        return response.json()


def _error_code(response: requests.Response) -> str:
    """The service's machine-readable error code; its free text may echo personal data."""
    try:
        return str(response.json().get("error", "unknown"))
    except ValueError:
        return "no JSON body"
