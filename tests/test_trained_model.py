"""The trained model (one training per run, made by `make train`) understands both forms."""

import asyncio

import pytest
from rasa.core.agent import Agent

from bot.model import model_path


@pytest.fixture(scope="module")
def agent() -> Agent:
    path = model_path()
    if not path.exists():
        pytest.fail(f"no trained model {path.name}: run `make train` first")
    return Agent.load(str(path))


def _parse(agent: Agent, text: str) -> dict:
    return asyncio.run(agent.parse_message(text))


@pytest.mark.parametrize(
    ("text", "intent", "language"),
    [
        ("xin chào", "greet", "vi"),
        ("xin chao", "greet", "vi"),
        ("hello", "greet", "en"),
        ("Tôi muốn khiếu nại", "file_complaint", "vi"),
        ("toi muon khieu nai", "file_complaint", "vi"),
        ("I want to file a complaint", "file_complaint", "en"),
        ("tổng đài bảo hiểm xã hội là số nào", "ask_question", "vi"),
        ("tong dai bao hiem xa hoi la so nao", "ask_question", "vi"),
        ("what is the VSS hotline number", "ask_question", "en"),
    ],
)
def test_intent_and_language(agent: Agent, text: str, intent: str, language: str) -> None:
    result = _parse(agent, text)
    assert result["intent"]["name"] == intent
    assert {e["value"] for e in result["entities"] if e["entity"] == "language"} == {language}


def test_accents_do_not_change_the_prediction(agent: Agent) -> None:
    accented = _parse(agent, "rút bảo hiểm xã hội một lần cần giấy tờ gì")
    plain = _parse(agent, "rut bao hiem xa hoi mot lan can giay to gi")
    assert accented["intent"]["name"] == plain["intent"]["name"] == "ask_question"
    assert accented["intent"]["confidence"] == pytest.approx(plain["intent"]["confidence"])
