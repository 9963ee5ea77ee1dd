"""The hotline number has one home (bot/common/contact.py): every sentence that names it, in
the actions' wording and in the knowledge answers' fixed texts, shows the number itself."""

from __future__ import annotations

from string import Formatter

import pytest

from actions.replies import TEXTS, text_in
from bot.action_lib.knowledge import compose
from bot.common.contact import HOTLINE

NAMING = [key for key, pair in TEXTS.items() if any("{hotline}" in t for t in pair)]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("key", NAMING)
def test_an_action_sentence_shows_the_number(key: str, language: str) -> None:
    fields = {name for t in TEXTS[key] for _, name, _, _ in Formatter().parse(t) if name}
    said = text_in(language, key, **dict.fromkeys(fields - {"hotline"}, "x"))
    assert HOTLINE in said and "{hotline}" not in said


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_knowledge_texts_show_the_number(language: str) -> None:
    naming = [key for key, texts in compose.TEXTS.items() if "{hotline}" in texts["vi"]]
    assert naming, "no knowledge text names the hotline"
    for key in naming:
        said = compose.text(key, language)
        assert HOTLINE in said and "{hotline}" not in said
