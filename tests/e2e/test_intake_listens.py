"""The intake form listens, through every process over Rasa's REST channel: the value the bot
suggests is accepted, an edit at the summary goes to the field named, one message fills name
and phone, cancelling asks first, and an everyday "đúng" sends."""

from __future__ import annotations

from tests.e2e.conftest import Chat
from tests.e2e.test_intake_to_staff import CODE


def test_edits_several_details_a_cancel_asked_once_and_an_everyday_yes(chat: Chat) -> None:
    assert "mô tả" in chat.say_text("tôi muốn gửi phiếu yêu cầu").lower()
    said = chat.say_text("Hồ sơ của tôi bị trả lại ba lần mà cán bộ không nói rõ lý do")
    if "lĩnh vực" in said.lower():  # the topic, when the description did not make it plain
        said = chat.say_text("khác")
    assert "tỉnh/thành phố" in said
    assert "Xã/phường" in chat.say_text("Cần Thơ")
    assert "họ và tên" in chat.say_text("bỏ qua")
    # one message, two details: the phone is not asked
    assert "CCCD" in chat.say_text("Tôi tên là Võ Thị Bích, số điện thoại 0939123456")
    assert "13/2023" in chat.say_text("bỏ qua")
    summary = chat.say_text("dạ đồng ý")
    assert "Võ Thị Bích" in summary and "0939123456" in summary
    assert "họ và tên" in chat.say_text("sua lai ten")
    assert "Võ Thị Bích Ngọc" in chat.say_text("Võ Thị Bích Ngọc")
    assert "Bạn chắc chắn muốn hủy" in chat.say_text("dừng")
    assert "Võ Thị Bích Ngọc" in chat.say_text("không")  # carries on: the summary again
    receipt = chat.say_text("đúng")
    assert CODE.search(receipt), receipt


def test_a_request_to_file_during_the_status_check_starts_the_intake(chat: Chat) -> None:
    """A citizen taken into the status check by a question about a file ("status of …
    submitted 3 weeks ago") who asks to file a request, in words or with the button, leaves
    the check for the intake form: nothing loops on "That is not a ticket code"."""
    assert "ticket code" in chat.say_text("what is the status of my ticket?").lower()
    said = chat.say_text("I want to file a request with the social security office")
    assert "not a ticket code" not in said
    assert "describe" in said.lower() or "what would you like to send" in said.lower(), said
