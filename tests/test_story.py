"""Reading a citizen's story (actions/story.py): kind, topic, misconduct and office level."""

from __future__ import annotations

import pytest

from actions import story


@pytest.mark.parametrize(("text", "kind", "topic"), [
    ("Cán bộ BHXH đòi tôi đưa 3 triệu thì mới nhận hồ sơ hưởng một lần", "denunciation",
     "staff_conduct"),
    ("nhan vien bhxh quan quat thao toi khi toi hoi ve thai san", "complaint", "staff_conduct"),
    ("The deputy director of the provincial office took money from a company", "denunciation",
     "staff_conduct"),
    ("Công ty trừ tiền bảo hiểm vào lương nhưng không đóng cho cơ quan BHXH suốt 8 tháng",
     "complaint", "contributions"),
    ("Giám đốc công ty không đóng BHXH cho công nhân từ đầu năm đến nay", "complaint",
     "contributions"),
    ("Hồ sơ trợ cấp thất nghiệp của tôi nộp hai tháng rồi vẫn chưa được chi trả", "complaint",
     "unemployment"),
    ("my maternity benefit has been delayed for three months already", "complaint",
     "sickness_maternity"),
    ("Tôi nghĩ nên cho người dân đặt lịch hẹn trước qua mạng để khỏi chờ đợi lâu",
     "recommendation", None),
    ("Tôi xin góp ý: nên cho người dân đặt lịch hẹn trước qua mạng cho tiện", "recommendation",
     None),
    ("tôi muốn tố cáo việc công ty làm giả hồ sơ đóng bảo hiểm", "denunciation",
     "contributions"),
    ("Tôi đóng BHXH tự nguyện được 12 năm, bây giờ muốn đóng tiếp thì mức đóng là bao nhiêu?",
     "enquiry", "voluntary_si"),
    ("Hôm qua tôi đến văn phòng, mọi thứ bình thường, tôi chỉ muốn kể lại", None, None),
])
def test_kind_and_topic_from_the_story(text: str, kind: str | None, topic: str | None) -> None:
    reading = story.read(text)
    assert (reading.kind, reading.topic) == (kind, topic)


@pytest.mark.parametrize(("text", "level"), [
    ("Nhân viên BHXH huyện Đông Anh quát mắng tôi", "grassroots"),
    ("Cán bộ bảo hiểm xã hội phường Bến Thành gây khó dễ, đòi tiền", "grassroots"),
    ("Phó giám đốc BHXH tỉnh Nghệ An nhận phong bì của doanh nghiệp", "province"),
    ("an officer at the provincial social security office shouted at me", "province"),
    ("Cán bộ Bảo hiểm xã hội Việt Nam ở trung ương bao che sai phạm", "central"),
    ("Cán bộ bảo hiểm đòi tôi đưa tiền mới làm hồ sơ", None),
])
def test_the_level_of_the_office_concerned(text: str, level: str | None) -> None:
    reading = story.read(text)
    assert reading.misconduct and reading.level == level


def test_an_employer_is_not_vss_staff() -> None:
    reading = story.read("Giám đốc công ty quát tháo và đòi công nhân tự đóng tiền bảo hiểm")
    assert not reading.misconduct and reading.level is None


@pytest.mark.parametrize(("text", "told"), [
    ("tôi muốn khiếu nại", False), ("toi muon gui don to cao", False),
    ("I want to file a complaint about my pension", False),
    ("Hồ sơ hưởng BHXH một lần của tôi nộp từ tháng 8 đến nay vẫn chưa được giải quyết", True),
    ("the officer at the counter refused my documents without any reason", True),
])
def test_a_story_is_told_a_request_is_not(text: str, told: bool) -> None:
    assert story.is_story(text) is told


@pytest.mark.parametrize(("answer", "level"), [
    ("BHXH cơ sở (xã, phường)", "grassroots"), ("cap xa", "grassroots"), ("tỉnh", "province"),
    ("Provincial office", "province"), ("trung ương", "central"), ("không biết", None)])
def test_answers_to_the_level_question(answer: str, level: str | None) -> None:
    assert story.level_answer(answer) == level
