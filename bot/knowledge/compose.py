"""Turning search results into bot messages: an answer, "did you mean", or "I don't know"."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from bot.knowledge.render import Button, Message
from bot.knowledge.schema import Entry
from bot.knowledge.search import Hit

CONFIDENT_SCORE = 0.3  # at or above (with a clear lead): answer directly
CLEAR_LEAD = 0.05  # the best entry must beat the runner-up by this much to be answered directly
SUGGEST_SCORE = 0.18  # at or above: offer "did you mean"; below: say we do not know
MAX_SUGGESTIONS = 3

TEXTS: dict[str, dict[str, str]] = {
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


def answer_messages(entry: Entry, language: str, today: dt.date) -> list[Message]:
    """The answer (short, details, legal basis, period) and the feedback question."""
    answer = entry.answers[language]
    basis = "; ".join(ref.label() for ref in entry.legal_basis)
    body = (
        f"{answer.short}\n\n{answer.details}\n\n"
        f"{text('legal_basis', language)}: {basis}.\n{validity(entry, language, today)}"
    )
    feedback = tuple(
        Button(text(key, language), payload("knowledge_feedback", kb_entry=entry.id, helpful=key))
        for key in ("yes", "no")
    )
    return [Message(body), Message(text("helpful", language), feedback)]


def suggestion_messages(entries: Sequence[Entry], language: str) -> list[Message]:
    """ "Did you mean" with one button per candidate entry."""
    titles = [entry.questions[language][0] for entry in entries]
    lines = [text("did_you_mean", language)]
    lines += [f"{number}. {title}" for number, title in enumerate(titles, start=1)]
    buttons = tuple(
        Button(title, payload("ask_question", kb_entry=entry.id))
        for title, entry in zip(titles, entries, strict=True)
    )
    return [Message("\n".join(lines), buttons)]


def unknown_messages(language: str) -> list[Message]:
    """Say we do not know and offer a human or a ticket."""
    buttons = (
        Button(text("human", language), "/request_human"),
        Button(text("ticket", language), "/file_complaint"),
    )
    return [Message(text("unknown", language), buttons)]


def is_confident(hits: Sequence[Hit]) -> bool:
    """True when the best hit is good enough and clearly ahead of the runner-up."""
    if not hits or hits[0].score < CONFIDENT_SCORE:
        return False
    return len(hits) == 1 or hits[0].score - hits[1].score >= CLEAR_LEAD


def suggestions(hits: Sequence[Hit]) -> list[Hit]:
    """The hits worth offering as "did you mean" (at most three)."""
    return [hit for hit in hits[:MAX_SUGGESTIONS] if hit.score >= SUGGEST_SCORE]
