"""The tone restorer: Vietnamese typed without diacritics gets its marks back."""

from __future__ import annotations

from bot.action_lib.knowledge.store import DEFAULT_DIR, load_entries
from bot.action_lib.knowledge.tones import ToneRestorer, build_restorer

CORPUS = [
    "Năm nay mức đóng bảo hiểm xã hội là bao nhiêu?",
    "Lao động nam giới nghỉ hưu năm bao nhiêu tuổi?",
    "Tôi bị mất sổ bảo hiểm xã hội thì làm thế nào?",
    "Thẻ bảo hiểm y tế bị mất thì cấp lại ở đâu?",
]


def test_restores_a_sentence_from_its_corpus() -> None:
    restorer = ToneRestorer(CORPUS)
    assert restorer.restore("toi bi mat so bao hiem xa hoi") == "tôi bị mất sổ bảo hiểm xã hội"


def test_context_chooses_between_toned_forms_of_one_folded_syllable() -> None:
    restorer = ToneRestorer(CORPUS)
    assert restorer.restore("nam nay muc dong") == "năm nay mức đóng"
    assert restorer.restore("lao dong nam gioi") == "lao động nam giới"


def test_typed_marks_abbreviations_and_unknown_words_are_kept() -> None:
    restorer = ToneRestorer(CORPUS)
    assert restorer.restore("Thẻ BHYT mat o dau") == "thẻ bảo hiểm y tế mất ở đâu"
    assert restorer.restore("mat vssid") == "mất vssid"
    assert restorer.restore("") == ""


def test_the_project_model_restores_a_citizen_question() -> None:
    restorer = build_restorer(load_entries(DEFAULT_DIR))
    assert restorer.restore("luong huu duoc tinh nhu the nao") == "lương hưu được tính như thế nào"
