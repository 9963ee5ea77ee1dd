"""Delivers the ticket service's outbox (status changes, staff replies) to the citizen's chat.

A notification carries facts (event, state, unit, message, …); the sentences the citizen reads
are composed here, in the ticket's language, from one wording table (``WORDS``).

Each notification becomes a bot message appended to its conversation through Rasa's HTTP API
with ``execute_side_effects``: Rasa sends it on the ticket's stored channel (web chat, Zalo,
Messenger; never the conversation's "latest" channel, which whoever writes to the conversation
sets) and keeps it in the conversation's history. A delivered notification is
acknowledged; a failed one is reported to the ticket service, which records the attempt and
offers it again after a back-off. The notification id is the idempotency key: one that was
sent but not acknowledged (a crash in between) may be sent twice, never lost.

Live chats with an officer (human handoff): while an officer holds the chat, notifications carry
``chat_state: held`` and a staff reply is shown as the officer's chat message; when the chat is
released or expires, the conversation is resumed (a ``resume`` event before the message) and the
citizen is offered a ticket. The same loop also runs the handoff relay
(``bot/deliver/handoff_relay.py``), which passes the citizen's messages of a paused conversation on
to the officer.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date
from typing import Any

import requests

from bot.common import conversation_ids
from bot.common.tickets import TicketServiceError
from bot.common.vocabulary import state_labels
from bot.deliver.handoff_relay import HandoffRelay
from bot.deliver.health import NOTIFICATIONS, STATE
from bot.deliver.rasa_link import RasaLink

logger = logging.getLogger(__name__)

# Everything a notification tells the citizen, (Vietnamese, English) by key: the ticket service's
# outbox carries facts (event, state, unit, message …), these sentences are made of them here.
WORDS: dict[str, tuple[str, str]] = {
    "notice": ("Yêu cầu {code}: {state}.", "Request {code}: {state}."),
    "staff_reply": ("Cán bộ trả lời: {message}", "The officer replied: {message}"),
    "info_requested": ("Cán bộ đề nghị bạn bổ sung: {message}",
                       "The officer asks you for more information: {message}"),
    "resolution": ("Kết quả giải quyết: {resolution}", "Outcome: {resolution}"),
    "check_hint": ("(Gõ \"tra cứu phiếu\" để xem chi tiết.)",
                   "(Type \"check my ticket\" for the details.)"),
    "chat_reply": ("Cán bộ: {message}", "Officer: {message}"),
    # A live chat with an officer changed (the first line of its notice).
    "chat_taken": (
        "Một cán bộ BHXH đã nhận trao đổi với bạn về yêu cầu {code}. Bạn cứ nhắn tại đây.",
        "A VSS officer has joined the chat about request {code}. Write to them here.",
    ),
    "chat_released": (
        "Cán bộ đã kết thúc trao đổi trực tiếp về yêu cầu {code}.",
        "The officer has ended the live chat about request {code}.",
    ),
    "chat_expired": (
        "Hiện chưa có cán bộ tiếp nhận trao đổi trực tiếp về yêu cầu {code}.",
        "No officer could take the live chat about request {code} yet.",
    ),
    # After a live chat ends the assistant answers again: what it says, by how the chat ended.
    "resumed_chat_released": (
        "Trợ lý ảo tiếp tục hỗ trợ bạn. Nếu còn vướng mắc, bạn có thể gửi phiếu yêu cầu để đơn "
        "vị có trách nhiệm trả lời trong thời hạn luật định.",
        "The assistant is back to help you. If anything is still unresolved, you can file a "
        "ticket and the responsible office will answer within the time the law sets.",
    ),
    "resumed_chat_expired": (
        "Yêu cầu của bạn vẫn được ghi nhận với mã {code} và sẽ được đơn vị có trách nhiệm trả "
        "lời trong thời hạn. Trợ lý ảo tiếp tục hỗ trợ bạn; bạn cũng có thể gửi phiếu khiếu nại "
        "hoặc kiến nghị.",
        "Your request stays recorded under code {code} and the responsible office will answer "
        "it in time. The assistant is back to help you; you can also file a complaint or a "
        "recommendation.",
    ),
    "ticket_button": ("Gửi phiếu yêu cầu", "File a ticket"),
    "transferred": ("Yêu cầu {code} đã được chuyển đến {unit} để giải quyết.",
                    "Request {code} has been transferred to {unit}, which will handle it."),
    "deadline_moved": (
        "Hạn giải quyết yêu cầu {code} được lùi đến ngày {due}: thời gian chờ bạn bổ sung thông "
        "tin ({days} ngày làm việc) không tính vào thời hạn.",
        "The answer deadline of request {code} moves to {due}: the {days} working days spent "
        "waiting for your information do not count.",
    ),
    "info_reply_hint": ("Bạn trả lời ngay tại đây: tin nhắn tiếp theo của bạn sẽ được chuyển "
                        "đến cán bộ.", "Reply here: your next message goes to the officer."),
    "rate": ("Bạn hài lòng với kết quả giải quyết ở mức nào? Chọn từ 1 (không hài lòng) đến 5 "
             "(rất hài lòng).", "How satisfied are you with the outcome? Choose from 1 (not at "
             "all) to 5 (very)."),
    "reopen_offer": (
        "Nếu chưa đồng ý với kết quả, trong {days} ngày kể từ khi giải quyết bạn có thể yêu cầu "
        "mở lại: bấm \"Mở lại yêu cầu\".",
        "If you disagree with the outcome, you can reopen the request within {days} days of the "
        "decision: press \"Reopen\".",
    ),
    "reopen_button": ("Mở lại yêu cầu", "Reopen"),
}
CHAT_EVENTS = ("chat_taken", "chat_released", "chat_expired")
RESUMING = ("chat_released", "chat_expired")  # the conversation is resumed after these
# The citizen's next message answers the notification (actions/ticket_reply.py): what for.
REPLY_KIND = {"info_requested": "info", "rated": "rating"}


def _pick(item: dict[str, Any]) -> int:
    """0 for Vietnamese, 1 for English: the ticket's language."""
    return 1 if (item.get("payload") or {}).get("language") == "en" else 0


def _say(key: str, item: dict[str, Any], **facts: object) -> str:
    """The sentence `key` in the ticket's language, filled in with `facts`."""
    return WORDS[key][_pick(item)].format(**facts)


def _first_line(item: dict[str, Any], code: str) -> str:
    """What happened: the chat's change, a moved deadline, a transfer, or the ticket's state."""
    payload, event, pick = item.get("payload") or {}, item.get("event"), _pick(item)
    unit = payload.get("to_unit_name_en" if pick else "to_unit_name_vi")
    if event in CHAT_EVENTS:
        return _say(str(event), item, code=code)
    if event == "deadline_moved" and payload.get("resolution_due"):
        due = date.fromisoformat(payload["resolution_due"]).strftime("%d/%m/%Y")
        return _say("deadline_moved", item, code=code, due=due,
                    days=payload.get("paused_working_days", 0))
    if unit:  # a transfer: the new office, not the state
        return _say("transferred", item, code=code, unit=unit)
    label = state_labels().get(str(payload.get("state")))
    return _say("notice", item, code=code, state=label[pick]) if label else code


def render(item: dict[str, Any]) -> str:
    """The citizen-facing text of one outbox notification, in the ticket's language."""
    payload = item.get("payload") or {}
    event = item.get("event")
    if event == "staff_reply" and payload.get("chat_state") == "held" and payload.get("message"):
        return _say("chat_reply", item, message=payload["message"])
    code = payload.get("code") or item.get("ticket_code", "")
    lines = [_first_line(item, code)]
    if event in ("staff_reply", "info_requested") and payload.get("message"):
        lines.append(_say(str(event), item, message=payload["message"]))
    if payload.get("resolution"):
        lines.append(_say("resolution", item, resolution=payload["resolution"]))
    if _reply_kind(item) == "info":
        lines.append(_say("info_reply_hint", item))
    elif _reply_kind(item) == "rating":
        lines.append(_say("rate", item))
        if payload.get("reopen_days"):
            lines.append(_say("reopen_offer", item, days=payload["reopen_days"]))
        return "\n".join(lines)
    if event in RESUMING:
        lines.append(_say(f"resumed_{event}", item, code=payload.get("code", "")))
    elif payload.get("chat_state") not in ("waiting", "held"):  # a paused chat: no commands
        lines.append(_say("check_hint", item))
    return "\n".join(lines)


def events(item: dict[str, Any]) -> list[dict[str, Any]]:
    """The tracker events that deliver one notification: the bot message, preceded by
    ``resume`` when a live chat ended (with a ticket button). Rasa stopped right after the
    action that paused the conversation, before listening; the ``action_listen`` logged on
    resume lets the next message be predicted as a new turn."""
    message: dict[str, Any] = {"event": "bot", "text": render(item),
                               "metadata": {"outbox_id": item["id"]}}
    kind = _reply_kind(item)
    if kind:
        return [_with_buttons(message, item, kind), *_await_reply(item, kind)]
    if item.get("event") not in RESUMING:
        return [message]
    button = {"title": _say("ticket_button", item), "payload": "/file_complaint"}
    return [{"event": "resume"}, {"event": "action", "name": "action_listen"},
            {**message, "data": {"buttons": [button]}}]


def channel_problem(conversation: str, channel: object) -> str | None:
    """Why a notification cannot go to ``conversation`` on the ticket's stored ``channel``
    (None when it can): a malformed id, an unknown channel, or an id of another channel."""
    try:
        own = conversation_ids.channel_of(conversation)
    except conversation_ids.BadConversationId:
        return "the ticket's conversation id is malformed"
    if channel not in conversation_ids.PREFIXES:
        return f"the ticket's channel {channel!r} is not one the assistant delivers on"
    if own is not None and own != channel:
        return f"the conversation is on {own}, the ticket on {channel}"
    return None


def _reply_kind(item: dict[str, Any]) -> str | None:
    """``info`` for an officer's information request, ``rating`` for a decision (the citizen
    is asked to rate it), else None."""
    payload = item.get("payload") or {}
    if payload.get("chat_state") in ("waiting", "held"):
        return None
    if item.get("event") == "status_changed" and payload.get("state") == "resolved":
        return REPLY_KIND["rated"]
    return REPLY_KIND.get(str(item.get("event")))


def _with_buttons(message: dict[str, Any], item: dict[str, Any], kind: str) -> dict[str, Any]:
    if kind != "rating":
        return message
    buttons = [{"title": str(n), "payload": str(n)} for n in range(1, 6)]
    if (item.get("payload") or {}).get("reopen_days"):
        title = _say("reopen_button", item)
        buttons.append({"title": title, "payload": title})
    return {**message, "data": {"buttons": buttons}}


def _await_reply(item: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """Events that make the citizen's next message the answer (``ticket_reply_form``)."""
    return [
        {"event": "slot", "name": "reply_ticket", "value": item.get("ticket_code")
         or (item.get("payload") or {}).get("code")},
        {"event": "slot", "name": "reply_kind", "value": kind},
        {"event": "slot", "name": "ticket_reply", "value": None},
        {"event": "active_loop", "name": "ticket_reply_form"},
        {"event": "slot", "name": "requested_slot", "value": "ticket_reply"},
    ]


@dataclass
class Outcome:
    """What one pass over the outbox did."""

    delivered: int = 0
    failed: int = 0


class OutboxDelivery(RasaLink):
    """Moves pending notifications from the ticket service into the conversations in Rasa."""

    def run_once(self, limit: int = 50) -> Outcome:
        """Deliver what is pending now; never raises for one bad notification."""
        outcome = Outcome()
        for item in self.tickets.claim_outbox(limit):
            error = self._send(item)
            channel = item.get("channel")
            label = channel if channel in conversation_ids.PREFIXES else "other"
            if error is None:
                self.tickets.ack_outbox(item["id"])
                outcome.delivered += 1
            else:
                logger.warning("notification %s for %s not delivered: %s",
                               item["id"], item.get("ticket_code"), error,
                               extra={"ticket_code": item.get("ticket_code")})
                self.tickets.fail_outbox(item["id"], error)
                outcome.failed += 1
            NOTIFICATIONS.labels(label, "failed" if error else "delivered").inc()
        return outcome

    def _send(self, item: dict[str, Any]) -> str | None:
        """Append the message to the conversation; the error text, or None when sent."""
        conversation, channel = item.get("conversation_id"), item.get("channel")
        if not conversation:
            return "the ticket has no conversation to deliver to"
        if problem := channel_problem(conversation, channel):
            return problem
        try:
            answer = self.append_events(conversation, str(channel), events(item))
        except requests.RequestException as exc:
            return f"Rasa unreachable: {exc.__class__.__name__}"
        return None if answer.ok else f"Rasa answered {answer.status_code}"


def run_forever(interval: float = 5.0) -> None:
    """Every ``interval`` seconds until stopped: relay the citizens' live-chat messages, then
    deliver the outbox; outages are waited out. Each pass is recorded for the health port
    (bot/deliver/health.py): ready while the outbox could be read."""
    delivery, relay = OutboxDelivery(), HandoffRelay()
    while True:
        problem = None
        try:
            if forwarded := relay.run_once():
                logger.info("live chats: %d citizen messages passed on", forwarded)
        except TicketServiceError as exc:
            logger.warning("live chats not swept: %s", exc)
        try:
            outcome = delivery.run_once()
            if outcome.delivered or outcome.failed:
                logger.info("outbox: %d delivered, %d failed", outcome.delivered, outcome.failed)
        except TicketServiceError as exc:
            logger.warning("outbox not read: %s", exc)
            problem = f"outbox not read: {exc}"
        STATE.passed(problem)
        time.sleep(interval)
