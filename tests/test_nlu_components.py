import unicodedata

from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_plugins.nlu.language_detector import LanguageDetector
from bot.rasa_plugins.nlu.tokenizer import FoldingTokenizer


def _tokens(text: str) -> tuple[Message, list]:
    message = Message(data={TEXT: text})
    tokenizer = FoldingTokenizer(FoldingTokenizer.get_default_config())
    return message, tokenizer.tokenize(message, TEXT)


def test_text_with_and_without_diacritics_gives_the_same_tokens() -> None:
    _, accented = _tokens("Rút BHXH một lần được không?")
    _, plain = _tokens("rut bhxh mot lan duoc khong")
    assert [t.text for t in accented] == [t.text for t in plain]
    assert [t.text for t in plain] == [
        "rut", "bao", "hiem", "xa", "hoi", "mot", "lan", "duoc", "khong"
    ]


def test_an_abbreviation_gives_the_tokens_of_its_expansion_over_its_own_span() -> None:
    message, tokens = _tokens("ko dc rút BHXH")
    text = message.get(TEXT)
    assert [t.text for t in tokens] == [
        "khong", "duoc", "rut", "bao", "hiem", "xa", "hoi"
    ]
    assert {text[t.start : t.end] for t in tokens[3:]} == {"BHXH"}
    _, written_out = _tokens("không được rút bảo hiểm xã hội")
    assert [t.text for t in written_out] == [t.text for t in tokens]


def test_offsets_point_into_the_users_own_spelling() -> None:
    message, tokens = _tokens("Thẻ Bảo hiểm ở Đà Nẵng")
    text = message.get(TEXT)
    assert [text[t.start : t.end] for t in tokens] == ["Thẻ", "Bảo", "hiểm", "ở", "Đà", "Nẵng"]
    assert [t.text for t in tokens] == ["the", "bao", "hiem", "o", "da", "nang"]


def test_decomposed_input_is_stored_as_nfc() -> None:
    message, tokens = _tokens(unicodedata.normalize("NFD", "bảo hiểm"))
    assert message.get(TEXT) == unicodedata.normalize("NFC", "bảo hiểm")
    assert [t.text for t in tokens] == ["bao", "hiem"]


def test_language_detector_adds_a_language_entity_only_when_sure() -> None:
    detector = LanguageDetector()
    vi, en, unsure = (Message(data={TEXT: t}) for t in ("chào bạn", "hello there", "ok"))
    detector.process([vi, en, unsure])
    assert [e["value"] for e in vi.get(ENTITIES)] == ["vi"]
    assert [e["value"] for e in en.get(ENTITIES)] == ["en"]
    assert not unsure.get(ENTITIES)


def test_the_channels_language_wins_over_the_text() -> None:
    told = Message(data={TEXT: "xin chào", "metadata": {"language": "en"}})
    odd = Message(data={TEXT: "xin chào", "metadata": {"language": "fr"}})
    LanguageDetector().process([told, odd])
    assert [e["value"] for e in told.get(ENTITIES)] == ["en"]
    assert [e["value"] for e in odd.get(ENTITIES)] == ["vi"]


def test_short_replies_that_fold_alike_keep_their_diacritics() -> None:
    _, tokens = _tokens("Đúng, dừng lại, đừng gửi")
    assert [t.text for t in tokens] == ["đúng", "dừng", "lai", "đừng", "gui"]
    _, plain = _tokens("dung roi")
    assert [t.text for t in plain] == ["dung", "roi"]


def test_language_detector_leaves_the_entities_found_before_it_out() -> None:
    text = "I live in Hà Nội"
    place = {"entity": "province", "value": "Hà Nội", "start": 10, "end": 16}
    message = Message(data={TEXT: text, ENTITIES: [place]})
    name_only = Message(data={TEXT: "Phạm Minh Đức"})
    LanguageDetector().process([message, name_only])
    assert message.get(ENTITIES) == [place, {
        "entity": "language", "value": "en", "start": 0, "end": len(text),
        "extractor": "LanguageDetector"}]
    assert not name_only.get(ENTITIES)
