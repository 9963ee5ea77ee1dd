"""What the assistant cannot do, recognised in a question, with an honest "no".

The ticket service confirms a request with its ticket code in the chat; it sends no e-mail and
no SMS and takes no attachments (``backend/vss_tickets``: no mail, SMS or upload code). A
question asking the assistant for one of these gets a plain "no" and what it does instead,
rather than an answer about something else.
"""

from __future__ import annotations

import re

from bot.textnorm import fold

# Folded text. E-mail and SMS count only with a confirmation or "to me" (so "what is the VSS
# e-mail address" is a knowledge question); an attachment is always asked of the assistant.
_CHANNELS = {
    "email": r"\b(?:e ?mail|thu dien tu|gmail)\b",
    "sms": r"\b(?:sms|tin nhan dien thoai|text message|texts?)\b",
    "attachment": r"\b(?:dinh kem|attach\w*|upload\w*|tai (?:len|anh|file|tep))\b",
}
_TO_ME = re.compile(
    r"\b(?:xac nhan|bien nhan|confirm\w*|receipt|cho (?:toi|minh|em)|(?:send|email|text) me"
    r"|to me|to my)\b"
)
_PATTERNS = {name: re.compile(pattern) for name, pattern in _CHANNELS.items()}

TEXTS: dict[str, dict[str, str]] = {
    "email": {
        "vi": (
            "Không, trợ lý này chưa gửi được email. Khi bạn gửi yêu cầu, mã phiếu hiện ngay "
            "trong cuộc trò chuyện; bạn dùng mã đó để tra cứu tình trạng tại đây."
        ),
        "en": (
            "No, this assistant cannot send e-mails yet. When you file a request, its ticket "
            "code is shown right here in the chat; use it to check the status here."
        ),
    },
    "sms": {
        "vi": (
            "Không, trợ lý này chưa gửi được tin nhắn SMS. Mã phiếu của bạn hiện ngay trong "
            "cuộc trò chuyện; bạn dùng mã đó để tra cứu tình trạng tại đây."
        ),
        "en": (
            "No, this assistant cannot send text messages (SMS) yet. Your ticket code is shown "
            "right here in the chat; use it to check the status here."
        ),
    },
    "attachment": {
        "vi": (
            "Không, hiện chưa gửi được tệp hay ảnh đính kèm qua trợ lý này. Bạn có thể mô tả "
            "nội dung trong yêu cầu, hoặc gặp cán bộ hỗ trợ, hoặc gọi tổng đài 1900 9068."
        ),
        "en": (
            "No, files and photos cannot be attached through this assistant yet. You can "
            "describe them in your request, talk to a staff member, or call 1900 9068."
        ),
    },
}


def missing_capability(question: str) -> str | None:
    """``"email"``, ``"sms"`` or ``"attachment"`` when the question asks the assistant for it."""
    folded = fold(question)
    for name, pattern in _PATTERNS.items():
        if pattern.search(folded) and (name == "attachment" or _TO_ME.search(folded)):
            return name
    return None


def capability_text(name: str, language: str) -> str:
    """The honest "no" for capability ``name`` in ``language``."""
    return TEXTS[name].get(language, TEXTS[name]["vi"])
