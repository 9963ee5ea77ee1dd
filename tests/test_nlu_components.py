import unicodedata

from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.language_detector import LanguageDetector
from bot.nlu.tokenizer import FoldingTokenizer


def _tokens(text: str) -> tuple[Message, list]:
    message = Message(data={TEXT: text})
    tokenizer = FoldingTokenizer(FoldingTokenizer.get_default_config())
    return message, tokenizer.tokenize(message, TEXT)


def test_text_with_and_without_diacritics_gives_the_same_tokens() -> None:
    _, accented = _tokens("Rút BHXH một lần được không?")
    _, plain = _tokens("rut bhxh mot lan duoc khong")
    assert [t.text for t in accented] == [t.text for t in plain]
    assert [t.text for t in plain] == ["rut", "bhxh", "mot", "lan", "duoc", "khong"]


def test_offsets_point_into_the_users_own_spelling() -> None:
    message, tokens = _tokens("Thẻ BHYT ở Đà Nẵng")
    text = message.get(TEXT)
    assert [text[t.start : t.end] for t in tokens] == ["Thẻ", "BHYT", "ở", "Đà", "Nẵng"]
    assert [t.text for t in tokens] == ["the", "bhyt", "o", "da", "nang"]


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
