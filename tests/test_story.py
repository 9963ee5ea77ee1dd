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
    # an employer's breach is reported (phản ánh), not a complaint against a VSS decision
    ("Công ty trừ tiền bảo hiểm vào lương nhưng không đóng cho cơ quan BHXH suốt 8 tháng",
     "recommendation", "contributions"),
    ("Giám đốc công ty không đóng BHXH cho công nhân từ đầu năm đến nay", "recommendation",
     "contributions"),
    ("Công ty chậm đóng tháng cuối nên BHXH ra văn bản từ chối trợ cấp thất nghiệp, tôi không "
     "đồng ý", "complaint", "unemployment"),
    ("VssID thiếu 7 tháng năm 2020, nho can bo xem giup trong ho so cac thang do", "enquiry",
     "digital_services"),
    ("The portal status stayed at received. We just want to know whether anything is missing",
     "enquiry", None),
    ("Phải xếp hàng từ 6 giờ sáng, tôi đề nghị cơ quan lắp máy bốc số thứ tự", "recommendation",
     None),
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


@pytest.mark.parametrize("text", [
    "Giám đốc công ty quát tháo và đòi công nhân tự đóng tiền bảo hiểm",
    "nhân viên tiếp đón bệnh viện không nhận thẻ điện tử, mẹ tôi phải trả tiền khám",
    "truong phong nhan su lam giay nghi om gia roi lay tien om dau",
])
def test_staff_of_an_employer_or_a_hospital_are_not_vss_staff(text: str) -> None:
    reading = story.read(text)
    assert not reading.misconduct and reading.level is None


@pytest.mark.parametrize("text", [
    "Tôi mang hồ sơ đến BHXH tỉnh ba lần, cả ba lần cán bộ đều không nhận",
    "The officer at the counter waved me away and served the next person",
])
def test_staff_who_would_not_take_a_file(text: str) -> None:
    assert story.read(text).misconduct


def test_paying_a_fee_is_no_bribe() -> None:
    reading = story.read("Cán bộ nói thẻ chưa có, tôi phải trả tiền viện phí cho con")
    assert reading.kind != "denunciation"


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


@pytest.mark.parametrize(("text", "kind", "level"), [
    # the staff are the subject of the complaint or denunciation
    ("Tôi muốn khiếu nại nhân viên tổng đài của Bảo hiểm xã hội Việt Nam", "complaint",
     "central"),
    ("I want to complain about how a provincial social insurance officer treats our staff",
     "complaint", "province"),
    # staff named, nothing said of what they did: the form asks the kind
    ("Tôi có việc liên quan đến một cán bộ ở Bảo hiểm xã hội Việt Nam", None, "central"),
    # a refusal to receive a file, by staff or by an office named
    ("Cán bộ bảo hiểm ở Hạ Long không chịu nhận hồ sơ của tôi", "complaint", None),
    ("toi ra tan BHXH Viet Nam o Ha Noi nop don ma ko dc nhan", "complaint", "central"),
    # neglect, and money asked for or handed over in everyday shorthand
    ("the officer at the VSS headquarters has ignored my case for five months", "complaint",
     "central"),
    ("a can bo o quay noi muon lay nhanh thi dua 5tr", "denunciation", None),
    ("phải chuyển cho Giám đốc BHXH tỉnh Lâm Đồng một khoản phí", "denunciation", "province"),
    ("The officer said it would take months unless I paid him 200 US dollars in cash",
     "denunciation", None),
    ("An official asked us for 10% of the refund, otherwise it would stay in review",
     "denunciation", None),
])
def test_misconduct_is_read_from_what_staff_did(text: str, kind: str | None,
                                                level: str | None) -> None:
    reading = story.read(text)
    assert reading.misconduct and reading.topic == "staff_conduct"
    assert (reading.kind, reading.level) == (kind, level)


def test_only_before_an_amount_is_not_money_paid() -> None:
    reading = story.read("Lương hưu của bác chỉ khoảng 7,2 triệu, bác đã gửi đơn lên bộ phận "
                         "một cửa từ tháng 9 mà chưa được trả lời")
    assert not reading.misconduct and reading.kind == "complaint"


def test_the_level_is_the_office_nearest_the_staff_named() -> None:
    text = ("BHXH tỉnh gửi hồ sơ xin ý kiến ra Bảo hiểm xã hội Việt Nam. Tháng 10 tôi ra Hà Nội "
            "thì một chuyên viên ở đó đòi 10 triệu")
    assert story.read(text).level == "central"


@pytest.mark.parametrize(("answer", "level"), [
    ("Phu Cat social insurance office", "grassroots"), ("BHXH Hà Nội", "province"),
    ("bhxh Thuan An", "grassroots"), ("Social Insurance Policy Department, VSS", "central"),
    ("Finance Department, Vietnam Social Security", "central")])
def test_an_office_named_by_its_place_answers_the_level_question(answer: str,
                                                                 level: str) -> None:
    assert story.level_answer(answer) == level


@pytest.mark.parametrize(("text", "told"), [
    ("My pension has stopped and nobody explains why.", True),
    ("luong huu cua toi bi tinh thieu, toi ko dong y", True),
    ("Chào cháu, bác muốn khiếu nại về lương hưu.", False),
    ("Mình có một góp ý cho cơ quan bảo hiểm xã hội.", False),
])
def test_a_short_statement_of_a_problem_is_a_story(text: str, told: bool) -> None:
    assert story.is_story(text) is told


@pytest.mark.parametrize(("text", "province"), [
    ("Tôi nộp hồ sơ tại BHXH cơ sở Ý Yên, Nam Định ngày 03/09", "Nam Định"),
    ("quầy BHXH cơ sở Thủ Dầu Một (Bình Dương cũ) quát tôi", "Bình Dương"),
    ("toi o sai gon, cong ty no bhxh 8 thang", "Hồ Chí Minh"),
    ("My employer in Ho Chi Minh City has not paid my insurance", "Hồ Chí Minh"),
    ("BHXH tinh thua thien hue tra loi cham", "Huế"),
    ("công ty ở Bà Rịa - Vũng Tàu, văn phòng ở TP HCM", "Bà Rịa - Vũng Tàu"),
    ("Tôi làm ở Đồng Nai rồi chuyển về Hà Nội", None),
    ("BHXH Việt Nam chậm trả lời đơn của tôi", None),
])
def test_the_province_a_story_names(text: str, province: str | None) -> None:
    """One current province named (a former one kept as named) fills the place; two, or
    none, leave it to the form's question."""
    assert story.province_named(text) == province


@pytest.mark.parametrize("text", [
    "We filed the dossier of our worker Tran Thi Hue on 25 November and nothing happened",
    "Hồ sơ của chị Trần Thị Huệ nộp từ tháng 9 mà chưa có kết quả",
])
def test_a_persons_name_is_no_province(text: str) -> None:
    assert story.province_named(text) is None


@pytest.mark.parametrize(("text", "level"), [
    ("Giám đốc BHXH tỉnh đưa cháu ruột của mình vào trúng gói thầu phần mềm", "province"),
    ("The director of Khanh Hoa social insurance gave the contract to his brother in law",
     "province"),
    ("Trưởng đoàn kiểm tra của BHXH Việt Nam gợi ý 'chi phí' để bỏ qua sai sót", "central"),
    ("len tru so bhxh viet nam ngay tiep cong dan ma can bo duoi ve", "central"),
])
def test_conflict_of_interest_and_inspectors_are_staff_misconduct(text: str, level: str) -> None:
    reading = story.read(text)
    assert reading.misconduct and reading.level == level
