"""Turning a decision (``bot/action_lib/knowledge/policy.py``) into bot messages."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from bot.action_lib.knowledge.capabilities import capability_text
from bot.action_lib.knowledge.policy import Decision
from bot.action_lib.knowledge.schema import Entry
from bot.common.limits import Button, Message

TEXTS: dict[str, dict[str, str]] = {
    "question": {"vi": "Câu hỏi: {question}", "en": "Question: {question}"},
    "related": {"vi": "Câu hỏi liên quan:", "en": "Related questions:"},
    "legal_basis": {"vi": "Căn cứ pháp lý", "en": "Legal basis"},
    "since": {"vi": "Áp dụng từ {start}.", "en": "In force since {start}."},
    "between": {"vi": "Áp dụng từ {start} đến {end}.", "en": "In force from {start} to {end}."},
    "ended": {
        "vi": "Quy định này đã hết hiệu lực: chỉ áp dụng từ {start} đến {end}.",
        "en": "This rule has ended: it applied from {start} to {end}.",
    },
    "future": {"vi": "Sẽ áp dụng từ {start}.", "en": "Will apply from {start}."},
    "helpful": {"vi": "Câu trả lời có hữu ích không?", "en": "Was this helpful?"},
    "yes": {"vi": "Có, hữu ích", "en": "Yes, helpful"},
    "no": {"vi": "Chưa hữu ích", "en": "Not helpful"},
    "did_you_mean": {
        "vi": "Tôi chưa chắc bạn hỏi điều nào. Có phải bạn muốn hỏi:",
        "en": "I am not sure which question you mean. Did you mean:",
    },
    "unknown": {
        "vi": (
            "Xin lỗi, tôi chưa có câu trả lời chắc chắn cho câu hỏi này. Bạn có thể gặp cán bộ "
            "hỗ trợ, gửi yêu cầu để cơ quan BHXH trả lời bằng văn bản, hoặc gọi tổng đài "
            "1900 9068."
        ),
        "en": (
            "Sorry, I do not have a reliable answer to this question. You can talk to a staff "
            "member, file a request for a written answer from the social security office, or "
            "call the hotline 1900 9068."
        ),
    },
    "human": {"vi": "Gặp cán bộ", "en": "Talk to staff"},
    "thanks_yes": {"vi": "Cảm ơn bạn đã đánh giá!", "en": "Thank you for your feedback!"},
    "thanks_no": {
        "vi": (
            "Cảm ơn bạn. Chúng tôi sẽ xem lại câu trả lời này. Nếu cần, bạn có thể gặp cán bộ "
            "hỗ trợ hoặc gọi tổng đài 1900 9068."
        ),
        "en": (
            "Thank you. We will review this answer. If you need more help, you can talk to a "
            "staff member or call the hotline 1900 9068."
        ),
    },
    "feedback_missing": {
        "vi": "Xin lỗi, tôi không ghi nhận được đánh giá này.",
        "en": "Sorry, I could not record this feedback.",
    },
    "ticket": {"vi": "Gửi yêu cầu", "en": "File a request"},
}


def text(key: str, language: str) -> str:
    """A fixed user-facing text in ``language`` (Vietnamese when unknown)."""
    return TEXTS[key].get(language, TEXTS[key]["vi"])


def format_date(day: dt.date, language: str) -> str:
    """``01/07/2025`` in Vietnamese, ``1 Jul 2025`` in English."""
    return day.strftime("%d/%m/%Y") if language == "vi" else f"{day.day} {day:%b %Y}"


def validity(entry: Entry, language: str, today: dt.date) -> str:
    """The period the answer applies to, relative to ``today``."""
    start = format_date(entry.valid_from, language)
    if entry.valid_from > today:
        return text("future", language).format(start=start)
    if entry.valid_to is None:
        return text("since", language).format(start=start)
    end = format_date(entry.valid_to, language)
    key = "ended" if entry.valid_to < today else "between"
    return text(key, language).format(start=start, end=end)


def payload(intent: str, **entities: str) -> str:
    """A Rasa button payload such as ``/ask_question{"kb_entry":"hotline"}``."""
    return f"/{intent}{json.dumps(entities, ensure_ascii=False, separators=(',', ':'))}"


def _entry_buttons(entries: Sequence[Entry], language: str) -> tuple[Button, ...]:
    return tuple(
        Button(entry.questions[language][0], payload("ask_question", kb_entry=entry.id))
        for entry in entries
    )


def answer_messages(
    entry: Entry, language: str, today: dt.date, related: Sequence[Entry] = ()
) -> list[Message]:
    """The question answered, the answer (short, details, legal basis, period), related
    questions as buttons, and the feedback question."""
    answer = entry.answers[language]
    basis = "; ".join(ref.label() for ref in entry.legal_basis)
    question = text("question", language).format(question=entry.questions[language][0])
    body = (
        f"{question}\n\n{answer.short}\n\n{answer.details}\n\n"
        f"{text('legal_basis', language)}: {basis}.\n{validity(entry, language, today)}"
    )
    feedback = tuple(
        Button(text(key, language), payload("knowledge_feedback", kb_entry=entry.id, helpful=key))
        for key in ("yes", "no")
    )
    messages = [Message(body)]
    if related:
        messages.append(Message(text("related", language), _entry_buttons(related, language)))
    return [*messages, Message(text("helpful", language), feedback)]


def suggestion_messages(entries: Sequence[Entry], language: str) -> list[Message]:
    """ "Did you mean" with one button per candidate entry."""
    buttons = _entry_buttons(entries, language)
    lines = [text("did_you_mean", language)]
    lines += [f"{number}. {button.title}" for number, button in enumerate(buttons, start=1)]
    return [Message("\n".join(lines), buttons)]


def _human_buttons(language: str) -> tuple[Button, ...]:
    return (
        Button(text("human", language), "/request_human"),
        Button(text("ticket", language), "/file_complaint"),
    )


def unknown_messages(language: str) -> list[Message]:
    """Say we do not know and offer a human or a ticket."""
    return [Message(text("unknown", language), _human_buttons(language))]


def decision_messages(
    decision: Decision, entries: dict[str, Entry], today: dt.date
) -> list[Message]:
    """The messages for ``decision``."""
    language = decision.language
    if decision.kind == "answer" and decision.entry_id:
        related = [entries[name] for name in decision.options]
        return answer_messages(entries[decision.entry_id], language, today, related)
    if decision.kind == "choose":
        return suggestion_messages([entries[name] for name in decision.options], language)
    if decision.kind == "capability" and decision.capability:
        return [Message(capability_text(decision.capability, language), _human_buttons(language))]
    return unknown_messages(language)
