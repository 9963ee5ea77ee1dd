"""The held-out NLU set stays apart from the training data and covers every intent and form."""

from __future__ import annotations

import yaml

from bot.common.settings import ROOT
from bot.rasa_plugins.nlu.training_data import plain, training_examples

HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"


def _training() -> dict[str, set[str]]:
    return training_examples(ROOT / "data" / "nlu")


def test_every_training_intent_has_fifteen_held_out_examples_in_three_forms() -> None:
    heldout = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    assert set(heldout) == set(_training())
    for intent, forms in heldout.items():
        assert set(forms) == {"vi", "plain", "en"}, intent
        assert all(len(examples) >= 5 for examples in forms.values()), intent


def test_no_held_out_example_is_a_training_example() -> None:
    heldout = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    training = set().union(*_training().values())
    copied = [e for forms in heldout.values() for ex in forms.values() for e in ex
              if plain(str(e)) in training]
    assert copied == []


def test_plain_text_drops_annotations_punctuation_case_and_diacritics() -> None:
    assert plain("[Bình Dương](province), ạ!") == "binh duong a"
    assert plain('nói [tiếng Anh]{"entity": "target_language", "value": "en"} đi') == (
        "noi tieng anh di")
