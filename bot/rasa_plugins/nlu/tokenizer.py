"""A whitespace tokenizer that makes Vietnamese features diacritic-insensitive.

The message text is normalised to NFC in place (so every later comparison sees one
form), and each token's text is lowercased and folded (``bảo`` → ``bao``,
``đóng`` → ``dong``) while its offsets still point into the original text. Messages
typed with and without diacritics therefore produce the same features, and entity
values keep the user's own spelling. A chat abbreviation becomes the tokens of its
expansion (``bhxh`` → ``bao hiem xa hoi``), each spanning the abbreviation itself, so
"bhxh" and "bảo hiểm xã hội" share their word features too.

A few short replies fold onto one another and mean opposite things ("đúng" right,
"dừng" stop, "đừng" don't, all ``dung``): these keep their diacritics, so typed with
them they stay apart; typed without them, the words around them decide.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.common.textnorm import ABBREVIATIONS, fold, nfc


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class FoldingTokenizer(WhitespaceTokenizer):
    """Whitespace tokens with NFC text and folded, lowercased token texts."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Same options as Rasa's whitespace tokenizer."""
        return WhitespaceTokenizer.get_default_config()

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Tokenise like ``WhitespaceTokenizer``, fold each token and expand abbreviations."""
        if attribute == TEXT and message.get(TEXT):
            message.set(TEXT, nfc(message.get(TEXT)))
        return [
            Token(word, t.start, t.end, data=t.data, lemma=word)
            for t in super().tokenize(message, attribute)
            for word in _words(t.text)
        ]


# Words whose folded form is shared with a word of the opposite meaning.
KEEP_DIACRITICS = frozenset({"đúng", "dừng", "đừng"})


def _words(token: str) -> list[str]:
    """The folded words a token stands for: itself, or its abbreviation's expansion."""
    word = nfc(token).lower()
    if word in KEEP_DIACRITICS:
        return [word]
    expansion = ABBREVIATIONS.get(word)
    return fold(expansion).split() if expansion else [fold(token)]
