"""What each form of the ticket page does: core's lifecycle action (audit + outbox) fed with what
the officer typed, and which of them the ticket's state allows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy.orm import Session

from vss_tickets.console.i18n import Texts
from vss_tickets.domain import handoff, lifecycle
from vss_tickets.domain.models import Staff, Ticket
from vss_tickets.domain.schemas import BodyIn, ConsultIn, ReasonIn, ResolveIn, TransferIn
from vss_tickets.infra.config import Settings


@dataclass
class Draft:
    """What the officer typed in an action form (kept when the action is refused)."""

    body: str
    reason: str
    to_unit: str
    question: str
    days: str


Action = Callable[[Session, Ticket, Staff, datetime, Draft, Settings], None]


ACTIONS: dict[str, Action] = {
    "accept": lambda s, t, st, now, d, cfg: lifecycle.accept(s, t, st, now),
    "reject": lambda s, t, st, now, d, cfg: lifecycle.reject(
        s, t, st, now, ReasonIn(reason=d.reason).reason
    ),
    "claim": lambda s, t, st, now, d, cfg: lifecycle.claim(s, t, st, now),
    "reply": lambda s, t, st, now, d, cfg: lifecycle.reply(s, t, st, now, BodyIn(body=d.body).body),
    "request_info": lambda s, t, st, now, d, cfg: lifecycle.request_info(
        s, t, st, now, BodyIn(body=d.body).body
    ),
    "resume": lambda s, t, st, now, d, cfg: lifecycle.resume(s, t, st, now),
    "transfer": lambda s, t, st, now, d, cfg: _transfer(s, t, st, now, d),
    "consult": lambda s, t, st, now, d, cfg: _consult(s, t, st, now, d, cfg),
    "resolve": lambda s, t, st, now, d, cfg: lifecycle.resolve(
        s, t, st, now, ResolveIn(resolution=d.body).resolution
    ),
    "close": lambda s, t, st, now, d, cfg: lifecycle.close(s, t, st, now),
    "reopen": lambda s, t, st, now, d, cfg: lifecycle.reopen(
        s, t, st, now, ReasonIn(reason=d.reason).reason, cfg.reopen_days
    ),
}


# The live chat's actions (not in the ticket's transition table: they change only the chat).
CHAT_ACTIONS: dict[str, Action] = {
    "take-chat": lambda s, t, st, now, d, cfg: handoff.take(s, t, st, now),
    "release-chat": lambda s, t, st, now, d, cfg: handoff.release(s, t, st, now),
}


def chat_actions(ticket: Ticket, staff: Staff) -> list[str]:
    """The chat actions `staff` (in scope) may take on `ticket` now."""
    if ticket.chat_state == "waiting":
        return ["take-chat"]
    if handoff.may_release(ticket, staff):
        return ["release-chat"]
    return []


def _transfer(s: Session, t: Ticket, st: Staff, now: datetime, d: Draft) -> None:
    body = TransferIn(to_unit_code=d.to_unit, reason=d.reason)
    lifecycle.transfer(s, t, st, now, body.to_unit_code, body.reason)


def _consult(s: Session, t: Ticket, st: Staff, now: datetime, d: Draft, cfg: Settings) -> None:
    days = d.days.strip() or None  # pydantic parses "3" and refuses "abc" or 0
    body = ConsultIn.model_validate(
        {"to_unit_code": d.to_unit, "question": d.question, "due_in_working_days": days}
    )
    lifecycle.consult(
        s, t, st, now, body.to_unit_code, body.question,
        body.due_in_working_days or cfg.consult_days,
    )  # fmt: skip


def available(state: str) -> list[str]:
    """Actions core's transition table allows in `state`, in the console's order."""
    return [a for a in ACTIONS if state in lifecycle.TRANSITIONS[a]]


def problem(exc: ValidationError, t: Texts) -> str:
    """A short message for a refused form field."""
    error = exc.errors()[0]
    if error["type"] == "string_too_long":
        return t("too_long")
    if error["type"] in ("less_than_equal", "greater_than_equal", "int_parsing"):
        return t("bad_days")
    return t("required")
