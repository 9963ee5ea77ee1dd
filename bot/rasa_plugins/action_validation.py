"""The check of the action server's answers in the Rasa process, with a validator built once.

Rasa 3.6 checks every answer of the action server (``RemoteAction._validate_action_result``)
with ``jsonschema.validate``, which first checks Rasa's large events schema against its
meta-schema: measured here (bench/turn_profile.py), ~150 ms of the Rasa event loop for each
custom action a turn runs (a knowledge answer, each form validation), against 0.3 ms for the
answer itself. ``install`` swaps that method for one using a validator of the same schema built
(and checked) once: the same answers pass, the same errors are raised with Rasa's message.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@cache
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(_action: RemoteAction, result: dict[str, Any]) -> bool:
    """What ``RemoteAction._validate_action_result`` does, without checking the schema again."""
    error = exceptions.best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    """Make this process's Rasa check action server answers with the validator built once."""
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
