"""Bilingual texts said by the custom actions, chosen by the ``language`` slot."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

# key: (Vietnamese, English). Placeholders are filled with str.format.
TEXTS: dict[str, tuple[str, str]] = {
    "ask_complaint_description": (
        "Bạn vui lòng mô tả nội dung khiếu nại: sự việc gì, khi nào, tại cơ quan BHXH nào "
        "(ít nhất {min} ký tự). Gõ \"dừng\" để hủy.",
        "Please describe your complaint: what happened, when, and which office was involved "
        "(at least {min} characters). Type \"stop\" to cancel.",
    ),
    "ask_province": (
        "Sự việc xảy ra ở tỉnh/thành phố nào? (tên cũ trước 7/2025 cũng được, ví dụ Bình Dương)",
        "In which province or city did it happen? (names from before 7/2025 are fine too)",
    ),
    "province_unknown": (
        "Tôi chưa nhận ra tỉnh/thành phố này. Bạn vui lòng nhập lại tên tỉnh/thành phố "
        "(ví dụ: Hà Nội, TP Hồ Chí Minh, Nghệ An).",
        "I do not recognise that province. Please type the province or city again "
        "(e.g. Ha Noi, Ho Chi Minh City, Nghe An).",
    ),
    "ask_full_name": (
        "Theo quy định, khiếu nại cần ghi rõ người khiếu nại. Bạn vui lòng cho biết họ và tên.",
        "The law requires a complaint to name the person making it. What is your full name?",
    ),
    "name_invalid": (
        "Họ và tên chưa hợp lệ. Bạn vui lòng nhập họ tên bằng chữ (ví dụ: Nguyễn Văn An).",
        "That name is not valid. Please type your full name in letters (e.g. Nguyen Van An).",
    ),
    "ask_phone": (
        "Cho tôi xin số điện thoại để cơ quan BHXH liên hệ với bạn (ví dụ 0912345678).",
        "Which phone number can the office reach you on? (e.g. 0912345678)",
    ),
    "description_too_short": (
        "Mô tả hơi ngắn. Bạn vui lòng viết rõ hơn (ít nhất {min} ký tự).",
        "That is a little short. Please give more detail (at least {min} characters).",
    ),
    "description_too_long": (
        "Mô tả quá dài. Bạn vui lòng rút gọn dưới {max} ký tự.",
        "That is too long. Please keep it under {max} characters.",
    ),
    "phone_invalid": (
        "Số điện thoại chưa hợp lệ. Số di động gồm 10 chữ số, bắt đầu bằng 0 (ví dụ 0912345678).",
        "That phone number is not valid. A mobile number has 10 digits starting with 0 "
        "(e.g. 0912345678).",
    ),
    "ticket_failed": (
        "Xin lỗi, hệ thống tiếp nhận đang gặp sự cố nên khiếu nại CHƯA được gửi. Thông tin bạn "
        "nhập vẫn được giữ lại; bạn có thể thử lại sau ít phút.",
        "Sorry, the intake system is having a problem, so your complaint has NOT been sent yet. "
        "What you entered is kept; you can try again in a few minutes.",
    ),
    "try_again": ("Thử lại", "Try again"),
    "ticket_created": (
        "Khiếu nại của bạn đã được tiếp nhận. Mã phiếu: {code}.",
        "Your complaint has been received. Ticket code: {code}.",
    ),
    "ticket_unit": (" Đơn vị xử lý: {unit}.", " Responsible office: {unit}."),
    "ticket_due": (" Hạn trả lời: {due}.", " Answer due by {due}."),
    "ticket_keep_code": (
        " Bạn hãy lưu mã phiếu để tra cứu tình trạng.",
        " Keep the code to check its status.",
    ),
}


def language_of(tracker: Tracker) -> str:
    """The conversation's language: ``"en"`` or ``"vi"`` (the default)."""
    return "en" if tracker.get_slot("language") == "en" else "vi"


def text(tracker: Tracker, key: str, **values: Any) -> str:
    """The text for ``key`` in the conversation's language."""
    vi, en = TEXTS[key]
    return (en if language_of(tracker) == "en" else vi).format(**values)


def say(dispatcher: CollectingDispatcher, tracker: Tracker, key: str, **values: Any) -> None:
    """Send the text for ``key`` in the conversation's language."""
    dispatcher.utter_message(text=text(tracker, key, **values))
