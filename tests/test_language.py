import unicodedata

import pytest

from bot.rasa_plugins.nlu.language import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tôi muốn rút bảo hiểm xã hội một lần", "vi"),
        ("toi muon rut bhxh 1 lan", "vi"),
        ("cho minh hoi the bhyt bi mat thi lam sao", "vi"),
        ("How do I withdraw my social insurance?", "en"),
        ("what is the hotline number", "en"),
        ("Bảo hiểm", "vi"),
        ("ok", None),
        ("0912345678", None),
        ("", None),
    ],
)
def test_detects_the_language_or_abstains(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected


def test_decomposed_unicode_is_still_vietnamese() -> None:
    assert detect_language(unicodedata.normalize("NFD", "bảo hiểm")) == "vi"


@pytest.mark.parametrize(
    "text",
    ["Nguyễn Văn An", "Trần Thị Bình", "nguyen van an", "tran thi bich ngoc", "Phường Bến Nghé",
     "BHXH-2026-000123", "0912 345 678", "079203001234", "15/08/2025"],
)
def test_names_places_codes_and_numbers_keep_the_language(text: str) -> None:
    assert detect_language(text) is None


@pytest.mark.parametrize(
    "text",
    ["my name is Trần Thị Bình", "I live in Hà Nội", "I am in Đà Nẵng now",
     "what is bảo hiểm xã hội một lần?", "How do I get my sổ bảo hiểm xã hội back?",
     "Can I get a sổ BHXH online?", "I want to file a complaint about lương hưu",
     "How do I apply for a Vietnamese passport?", "Vietnamese please", "my phone is 0912345678",
     "edit the phone", "yes", "sure", "nope", "thank you"],
)
def test_an_english_sentence_stays_english_whatever_it_quotes(text: str) -> None:
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    "text",
    ["đúng", "dạ đúng", "ừ", "chuẩn", "được", "gửi đi", "sửa tên", "hồ sơ của tôi đến đâu rồi",
     "ho so cua toi den dau roi", "thủ tục khiếu nại thế nào", "tên tôi là Trần Thị Bình",
     "cho mình hỏi về social insurance", "Hello bạn", "thanks nhé", "toi o ha noi"],
)
def test_vietnamese_sentences_and_short_replies_are_vietnamese(text: str) -> None:
    assert detect_language(text) == "vi"


def test_entity_spans_are_left_out() -> None:
    assert detect_language("thẻ bảo hiểm y tế") == "vi"
    assert detect_language("thẻ bảo hiểm y tế", ignore=[(0, 17)]) is None
    assert detect_language("về thẻ bảo hiểm y tế", ignore=[(3, 20)]) == "vi"  # "về" is left
    assert detect_language("about lương hưu please", ignore=[(6, 15)]) == "en"
