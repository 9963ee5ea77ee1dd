"""Misconduct of staff told in the chat reaches the unit above the office concerned, through
every process over Rasa's REST channel: the story names the office by its place only, the bot
asks the level once, the citizen answers with the office's name, the summary says the matter
goes to the unit above, and the ticket service puts it there (``about_unit_code`` sent)."""

from __future__ import annotations

import requests

from tests.e2e.conftest import Chat
from tests.e2e.test_intake_to_staff import CODE
from tests.stack import TICKETS_TOKEN

STORY = ("Cán bộ ở quầy BHXH Phù Cát không chịu nhận hồ sơ thai sản của tôi và quát tôi trước "
         "mặt mọi người")
# What the citizen answers, by a phrase of the question the bot asks.
ANSWERS = (
    ("cấp nào", "BHXH Phù Cát"),  # the level question, answered with the office's name
    ("lĩnh vực", "khác"),
    ("tỉnh/thành phố", "Gia Lai"),
    ("Xã/phường", "bỏ qua"),
    ("họ và tên", "Võ Thị Bích"),
    ("số điện thoại", "0939123456"),
    ("CCCD", "bỏ qua"),
    ("13/2023", "dạ đồng ý"),
)


def test_misconduct_of_an_office_named_by_its_place_goes_to_the_unit_above(
    chat: Chat,
) -> None:
    assert "mô tả" in chat.say_text("tôi muốn gửi phiếu yêu cầu").lower()
    said, asked = chat.say_text(STORY), []
    while "kiểm tra lại" not in said:
        phrase, answer = next(((p, a) for p, a in ANSWERS if p in said), (None, None))
        assert phrase and phrase not in asked, said  # every question asked once
        asked.append(phrase)
        said = chat.say_text(answer)
    assert "cấp nào" in asked and "không giao cho chính đơn vị bị phản ánh" in said
    assert "Bảo hiểm xã hội tỉnh Gia Lai (cấp trên)" in said, said
    receipt = chat.say_text("đúng")
    code = CODE.search(receipt)
    assert code, receipt
    ticket = requests.get(f"{chat.stack.tickets_url}/api/v1/tickets/{code.group(0)}", timeout=10,
                          headers={"Authorization": f"Bearer {TICKETS_TOKEN}"}).json()
    assert ticket["unit"]["code"] == "bhxh.gia-lai" and ticket["kind"] == "complaint"
    assert "không giao cho chính đơn vị bị phản ánh" in ticket["routing_reasons"][0]
