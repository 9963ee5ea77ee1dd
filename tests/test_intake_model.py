"""The trained model and the intake: stories of problems, written for this test and not in the
training data, start the intake (``file_complaint``), and the story is read by actions/story.py
to the expected kind."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.agent import Agent

from actions import story

STORIES = [
    ("Tôi nộp hồ sơ hưởng lương hưu từ tháng 7, đến nay gần năm tháng vẫn chưa có quyết định",
     "complaint"),
    ("nhan vien bhxh o quay mot cua noi toi phai dua 1 trieu thi moi lam ho so nhanh duoc",
     "denunciation"),
    ("Cô nhân viên BHXH phường quát tôi rất to và đuổi tôi về khi tôi hỏi về thẻ BHYT",
     "complaint"),
    ("The company deducted insurance from our wages for six months but paid nothing to VSS",
     "recommendation"),
    # Wrong data told as a story, not the question about correcting it ("so bhxh sai ngay sinh
    # sua the nao" is ask_question): a known miss until the 2026-12-03 training data.
    ("so bao hiem cua me toi ghi sai nam sinh nen khong lam duoc thu tuc huong luong huu",
     "complaint"),
]


@pytest.mark.parametrize(("text", "kind"), STORIES)
def test_a_story_starts_the_intake_and_its_kind_is_read(
    agent: Agent, text: str, kind: str  # noqa: F811 - the imported fixture
) -> None:
    result = asyncio.run(agent.parse_message(text))
    assert result["intent"]["name"] == "file_complaint", result["intent"]
    assert story.is_story(text) and story.read(text).kind == kind
