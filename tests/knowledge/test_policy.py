"""The answer policy: answer when clearly best, did-you-mean only for close entries, never one."""

from __future__ import annotations

from pathlib import Path

from bot.action_lib.knowledge.policy import FUSED, decide, decide_hits
from bot.action_lib.knowledge.schema import Entry
from bot.action_lib.knowledge.search import Hit
from bot.action_lib.knowledge.store import KnowledgeBase
from tests.knowledge.helpers import make_entry, write_topic


def _entries(tmp_path: Path) -> dict[str, Entry]:
    write_topic(
        tmp_path,
        "t",
        [
            make_entry("a", ["Câu a?"], ["Question a?"], related=["c"]),
            make_entry("b", ["Câu b?"], ["Question b?"]),
            make_entry("c", ["Câu c?"], ["Question c?"]),
        ],
    )
    return KnowledgeBase(tmp_path, encoder=None).snapshot().entries


def test_a_single_option_never_becomes_a_did_you_mean(tmp_path: Path) -> None:
    entries = _entries(tmp_path)
    # Good enough to show, not good enough to answer, nothing else close: "I don't know".
    score = (FUSED.suggest + FUSED.answer) / 2
    hits = [Hit("a", score, "vi"), Hit("b", score - FUSED.close - 0.01, "vi")]
    decision = decide_hits(hits, entries, None)
    assert decision.kind == "unknown" and decision.options == ()


def test_a_close_pair_becomes_a_did_you_mean_with_both(tmp_path: Path) -> None:
    entries = _entries(tmp_path)
    hits = [Hit("a", 0.5, "en"), Hit("b", 0.5 - FUSED.close / 2, "en"), Hit("c", 0.1, "en")]
    decision = decide_hits(hits, entries, None)
    assert (decision.kind, decision.options, decision.language) == ("choose", ("a", "b"), "en")


def test_a_clearly_best_entry_is_answered_with_related_entries(tmp_path: Path) -> None:
    entries = _entries(tmp_path)
    best = FUSED.answer + FUSED.lead + 0.1
    hits = [Hit("a", best, "vi"), Hit("b", best - FUSED.lead - 0.01, "vi")]
    decision = decide_hits(hits, entries, "en")
    assert (decision.kind, decision.entry_id, decision.language) == ("answer", "a", "en")
    assert decision.options == ("b", "c")  # the runner-up worth showing, then its own related


def test_nothing_found_is_unknown(tmp_path: Path) -> None:
    assert decide_hits([], _entries(tmp_path), None).kind == "unknown"


def test_a_question_about_email_sms_or_attachments_gets_a_plain_answer(kb: KnowledgeBase) -> None:
    snapshot = kb.snapshot()
    for question, capability, language in [
        ("có gửi được email xác nhận phiếu cho tôi không?", "email", "vi"),
        ("Can you send me an SMS when my ticket is answered?", "sms", "en"),
        ("toi muon dinh kem anh so bhxh", "attachment", "vi"),
    ]:
        decision = decide(question, snapshot.index, snapshot.entries)
        assert (decision.kind, decision.capability, decision.language) == (
            "capability",
            capability,
            language,
        )


def test_asking_for_the_offices_email_address_is_a_knowledge_question(kb: KnowledgeBase) -> None:
    snapshot = kb.snapshot()
    question = "Is there an email address where I can send questions about social insurance?"
    assert decide(question, snapshot.index, snapshot.entries).kind != "capability"


class _FixedHits:
    """An index with fused scores (an encoder loaded) that returns the same hits for anything."""

    semantic = object()

    def __init__(self, hits: list[Hit]) -> None:
        self._hits = hits

    def search(self, question: str, k: int) -> list[Hit]:
        return self._hits[:k]


def test_english_questions_are_offered_entries_from_a_lower_score(tmp_path: Path) -> None:
    entries = _entries(tmp_path)
    score = (FUSED.suggest_en + FUSED.suggest) / 2
    assert FUSED.suggest_en < score < FUSED.suggest
    index = _FixedHits([Hit("a", score, "en"), Hit("b", score - 0.001, "en")])
    english = decide("How is my monthly pension calculated?", index, entries)  # type: ignore[arg-type]
    vietnamese = decide("Lương hưu nhận thế nào?", index, entries)  # type: ignore[arg-type]
    assert (english.kind, english.options) == ("choose", ("a", "b"))
    assert (vietnamese.kind, vietnamese.options) == ("unknown", ())
