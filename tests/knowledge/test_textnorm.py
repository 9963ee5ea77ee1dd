"""bot.common.textnorm: NFC, tone placement, folding, abbreviations."""

import unicodedata

from bot.common.textnorm import expand_abbreviations, fold, nfc, normalise


def test_nfc_composes_decomposed_input() -> None:
    decomposed = unicodedata.normalize("NFD", "bảo hiểm")
    assert decomposed != "bảo hiểm"
    assert nfc(decomposed) == "bảo hiểm"


def test_fold_strips_all_marks_and_d_stroke() -> None:
    assert fold("Bảo hiểm Xã hội ĐƯỢC") == "bao hiem xa hoi duoc"
    assert fold(unicodedata.normalize("NFD", "thất nghiệp")) == "that nghiep"


def test_normalise_uses_one_tone_style() -> None:
    assert normalise("Hoà  Bình") == "hòa bình"
    assert normalise("thuỷ") == normalise("thủy") == "thủy"
    assert normalise("khoẻ") == "khỏe"
    assert normalise(unicodedata.normalize("NFD", "Uỷ ban")) == "ủy ban"


def test_normalise_keeps_closed_syllables_and_qu() -> None:
    assert normalise("hoàng quý quả toàn") == "hoàng quý quả toàn"


def test_normalise_trims_and_collapses_whitespace() -> None:
    assert normalise("  Rút\tBHXH \n 1 lần ") == "rút bhxh 1 lần"


def test_expand_abbreviations_whole_words_only() -> None:
    assert expand_abbreviations("BHXH ko dc rút") == "bảo hiểm xã hội không được rút"
    assert expand_abbreviations("sdt cccd") == "số điện thoại căn cước công dân"
    assert expand_abbreviations("kokoro 500k") == "kokoro 500k"


def test_folded_forms_meet() -> None:
    typed = "tong dai bhxh"
    written = "Tổng đài bảo hiểm xã hội"
    assert fold(expand_abbreviations(typed)) == fold(expand_abbreviations(written))
