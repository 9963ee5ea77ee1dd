"""The Rasa process checks action server answers with a validator built once
(bot/rasa_plugins/action_validation.py): the same answers pass and the same errors come out as with
Rasa's own check."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.rasa_plugins import action_validation

ANSWER = {
    "events": [{"event": "slot", "name": "kb_entry", "value": "pension-age", "timestamp": None},
               {"event": "active_loop", "name": "intake_form"}],
    "responses": [{"text": "Tuổi nghỉ hưu ...", "buttons": [
        {"title": "Có", "payload": "/knowledge_feedback"}]}],
}
WRONG = [
    {"events": [{"event": "slot", "value": 1}]},  # a slot event without its name
    {"events": [{"name": "kb_entry"}]},  # no event type
    {"events": "slot"},
    {"responses": "text"},
]


RASA_OWN = RemoteAction.__dict__["_validate_action_result"]  # before any install()


def rasa_check(result: dict[str, Any]) -> Any:
    """What Rasa's own ``_validate_action_result`` answers (True, or the error's message)."""
    assert RASA_OWN is not action_validation.validate_action_result
    try:
        return RASA_OWN(RemoteAction("action_x", None), result)
    except ValidationError as error:
        return error.message


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> RemoteAction:
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RASA_OWN)  # undone after
    action_validation.install()
    assert RemoteAction.__dict__["_validate_action_result"] is not RASA_OWN
    return RemoteAction("action_answer_question", None)


def test_a_valid_answer_passes_as_with_rasa(installed: RemoteAction) -> None:
    assert rasa_check(ANSWER) is True
    assert installed._validate_action_result(ANSWER) is True


@pytest.mark.parametrize("answer", WRONG)
def test_a_wrong_answer_raises_rasa_s_error(installed: RemoteAction,
                                           answer: dict[str, Any]) -> None:
    expected = rasa_check(answer)
    assert isinstance(expected, str) and "Failed to validate Action server response" in expected
    with pytest.raises(ValidationError) as raised:
        installed._validate_action_result(answer)
    assert raised.value.message == expected
