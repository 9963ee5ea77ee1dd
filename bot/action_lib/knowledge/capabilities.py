"""What the assistant itself can and cannot do, recognised in a question, answered plainly.

The ticket service confirms a request with its ticket code in the chat; it sends no e-mail and
no SMS (``backend/vss_tickets``: no mail or SMS code), so asking for one gets an honest "no"
and what the assistant does instead. Photos and PDF documents are taken in the chat
(``bot/rasa_plugins/attachments.py``), so asking to attach one gets a "yes" and how, rather than an
answer about something else.
"""

from __future__ import annotations

import re

from bot.common.textnorm import fold

# Folded text. E-mail and SMS count only with a confirmation or "to me" (so "what is the VSS
# e-mail address" is a knowledge question); an attachment is always asked of the assistant.
_CHANNELS = {
    "email": r"\b(?:e ?mail|thu dien tu|gmail)\b",
    "sms": r"\b(?:sms|tin nhan dien thoai|text message|texts?)\b",
    "attachment": r"\b(?:dinh kem|gui kem|gui (?:anh|hinh|file|tep)|attach\w*|upload\w*"
                  r"|send (?:a |the |my )?(?:photo|picture|file|document|scan)s?"
                  r"|tai (?:len|anh|file|tep))\b",
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
            "Có. Bạn gửi ảnh (JPEG, PNG, WebP) hoặc tệp PDF ngay trong cuộc trò chuyện: nút "
            "đính kèm trên trang web, hoặc gửi ảnh, tệp như tin nhắn thường trên Zalo và "
            "Messenger. Tệp được đính kèm vào yêu cầu của bạn (nếu chưa gửi yêu cầu thì vào yêu "
            "cầu bạn gửi tiếp theo), và trợ lý báo lại đã nhận tệp nào."
        ),
        "en": (
            "Yes. Send a photo (JPEG, PNG, WebP) or a PDF right in this chat: the attach button "
            "on the website, or as an ordinary photo or file on Zalo and Messenger. It is added "
            "to your request (or to the request you file next), and the assistant tells you "
            "what it received."
        ),
    },
}


def capability_asked(question: str) -> str | None:
    """``"email"``, ``"sms"`` or ``"attachment"`` when the question asks the assistant for it."""
    folded = fold(question)
    for name, pattern in _PATTERNS.items():
        if pattern.search(folded) and (name == "attachment" or _TO_ME.search(folded)):
            return name
    return None


def capability_text(name: str, language: str) -> str:
    """The plain answer about capability ``name`` in ``language``."""
    return TEXTS[name].get(language, TEXTS[name]["vi"])
