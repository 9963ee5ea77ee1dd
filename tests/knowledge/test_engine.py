"""Loading, validation, retrieval and reload of the knowledge base."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from bot.action_lib.knowledge.schema import KnowledgeError
from bot.action_lib.knowledge.store import KnowledgeBase, load_entries
from tests.knowledge.helpers import SAMPLE, make_entry, write_topic


def test_loads_entries_with_the_file_topic(kb: KnowledgeBase) -> None:
    entries = kb.snapshot().entries
    assert set(entries) == {"hotline", "one_time", "maternity"}
    assert entries["hotline"].topic == "sample"
    assert entries["hotline"].legal_basis[0].label() == "Luật 41/2024/QH15, Điều 70"


@pytest.mark.parametrize(
    "query",
    [
        "tổng đài bảo hiểm xã hội là số nào",
        "tong dai bhxh la so nao",
        "what is the VSS hotline number",
    ],
)
def test_finds_the_hotline_in_every_form(kb: KnowledgeBase, query: str) -> None:
    assert kb.snapshot().index.search(query)[0].entry_id == "hotline"


def test_reports_the_language_of_the_matching_variant(kb: KnowledgeBase) -> None:
    index = kb.snapshot().index
    assert index.search("how long is maternity leave")[0].language == "en"
    assert index.search("nghi sinh con may thang")[0].language == "vi"


def test_empty_query_has_no_hits(kb: KnowledgeBase) -> None:
    assert kb.snapshot().index.search("  ?! ") == []


def test_decomposed_unicode_matches_like_composed(kb: KnowledgeBase) -> None:
    import unicodedata

    query = "rút bảo hiểm xã hội một lần"
    index = kb.snapshot().index
    assert index.search(unicodedata.normalize("NFD", query)) == index.search(query)


def _touch_later(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_reloads_after_an_edit_without_restart(kb_dir: Path, kb: KnowledgeBase) -> None:
    first = kb.snapshot()
    assert kb.snapshot() is first  # cached while nothing changes
    changed = [*SAMPLE[:2], make_entry("pension", ["Lương hưu tính thế nào?"], ["Pension?"])]
    _touch_later(write_topic(kb_dir, "sample", changed))
    second = kb.snapshot()
    assert second is not first
    assert "pension" in second.entries and "maternity" not in second.entries
    assert second.index.search("luong huu tinh the nao")[0].entry_id == "pension"


def test_picks_up_a_new_file(kb_dir: Path, kb: KnowledgeBase) -> None:
    kb.snapshot()
    write_topic(kb_dir, "extra", [make_entry("card", ["Làm lại thẻ BHYT"], ["Replace card"])])
    assert "card" in kb.snapshot().entries


def test_a_broken_edit_keeps_the_previous_content(kb_dir: Path, kb: KnowledgeBase) -> None:
    kb.snapshot()
    time.sleep(0.01)
    (kb_dir / "sample.yml").write_text("topic: sample\nentries: [oops", encoding="utf-8")
    assert set(kb.snapshot().entries) == {"hotline", "one_time", "maternity"}


def test_first_load_of_broken_content_fails_loudly(tmp_path: Path) -> None:
    write_topic(tmp_path, "bad", [make_entry("x", ["Câu hỏi"], ["Question"], answer={})])
    with pytest.raises(KnowledgeError, match="x.answer.vi"):
        KnowledgeBase(tmp_path).snapshot()


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"legal_basis": []}, "legal document"),
        ({"questions": {"vi": ["Câu hỏi"]}}, "questions.en"),
        ({"valid_from": "2025-13-01"}, "valid_from"),
        ({"valid_to": "2020-01-01"}, "valid_to is before valid_from"),
        ({"valid_form": "2020-01-01"}, "unknown field"),
        ({"topic": "other"}, "topic"),
    ],
)
def test_schema_errors_name_the_problem(tmp_path: Path, override: dict, message: str) -> None:
    write_topic(tmp_path, "bad", [make_entry("x", ["Câu hỏi"], ["Question"], **override)])
    with pytest.raises(KnowledgeError, match=message):
        load_entries(tmp_path)


def test_duplicate_ids_across_files_are_refused(tmp_path: Path) -> None:
    write_topic(tmp_path, "a", [make_entry("x", ["Câu hỏi một"], ["One"])])
    write_topic(tmp_path, "b", [make_entry("x", ["Câu hỏi hai"], ["Two"])])
    with pytest.raises(KnowledgeError, match="also in a.yml"):
        load_entries(tmp_path)


def test_prepare_folds_drops_fillers_and_unifies_english_terms() -> None:
    from bot.action_lib.knowledge.prepare import prepare

    folded = "bao hiem xa hoi gi"
    assert prepare("Cho tôi xin BHXH là gì") == prepare("cho toi xin bhxh la gi") == folded
    assert prepare("What documents?") == prepare("what paperwork") == "document"
    assert prepare("cấp lại thẻ") == "cap lai the"  # Vietnamese syllables are not English stems


def test_guess_language_by_the_shape_of_folded_syllables() -> None:
    from bot.action_lib.knowledge.prepare import guess_language

    assert guess_language("tong dai bao hiem xa hoi la so nao") == "vi"
    assert guess_language("thẻ bảo hiểm y tế") == "vi"
    assert guess_language("what is the hotline number") == "en"
    assert guess_language("2025") == "vi"


def test_fillers_are_dropped_per_language() -> None:
    from bot.action_lib.knowledge.prepare import prepare

    assert prepare("mức đóng tối đa") == prepare("muc dong toi da") == "muc dong toi da"
    assert prepare("tôi đóng") == "dong"
    assert prepare("the card", "en") == "the card"  # "the" is kept (it is also thẻ)
    assert prepare("the card", "vi") == "the card"


def test_reranking_prefers_the_candidate_with_the_distinguishing_word() -> None:
    from bot.action_lib.knowledge.schema import parse_file
    from bot.action_lib.knowledge.search import SearchIndex

    entries = [
        make_entry("men", ["Tuổi nghỉ hưu của nam"], ["Retirement age for men"]),
        make_entry("women", ["Tuổi nghỉ hưu của nữ"], ["Retirement age for women"]),
    ]
    index = SearchIndex(parse_file({"topic": "t", "entries": entries}, "t.yml"))
    assert index.search("what age do women retire")[0].entry_id == "women"
    assert index.search("nu nghi huu may tuoi")[0].entry_id == "women"


def test_toned_preparation_keeps_the_marks_of_vietnamese_words_only() -> None:
    from bot.action_lib.knowledge.prepare import has_diacritics, prepare

    assert prepare("Tôi hỏi lương hưu của nam năm 2026", toned=True) == "hỏi lương hưu nam năm 2026"
    assert prepare("Tôi hỏi lương hưu của nam năm 2026") == "hoi luong huu nam nam 2026"
    assert prepare("What documents?", "en", toned=True) == "document"
    assert has_diacritics("nữ") and not has_diacritics("nu nghi huu")


def test_toned_words_tell_apart_what_folding_merges() -> None:
    from bot.action_lib.knowledge.schema import parse_file
    from bot.action_lib.knowledge.search import SearchIndex

    entries = [
        make_entry("men", ["Mức hưởng của nam"], ["Benefit for men"]),
        make_entry("year", ["Mức hưởng của năm"], ["Benefit for the year"]),
    ]
    index = SearchIndex(parse_file({"topic": "t", "entries": entries}, "t.yml"))
    assert index.search("mức hưởng nam")[0].entry_id == "men"
    assert index.search("mức hưởng năm")[0].entry_id == "year"


def test_glossary_translates_prepared_terms_longest_first() -> None:
    from bot.action_lib.knowledge.glossary import translate
    from bot.action_lib.knowledge.prepare import prepare

    english = translate(prepare("maternity benefit for women", "en"), "en")
    assert "thai san" in english and "tro cap" in english and "nu gioi" in english
    assert translate(prepare("bảo hiểm thất nghiệp", "vi"), "vi") == "unemploy insurance"
    assert translate(prepare("năm", "vi", toned=True), "vi", toned=True) == "year"
    assert translate(prepare("nam giới", "vi", toned=True), "vi", toned=True) == "men male man"
    assert translate(prepare("what is the weather in hanoi", "en"), "en") == ""


def test_other_language_evidence_breaks_a_tie_between_candidates() -> None:
    from bot.action_lib.knowledge.schema import parse_file
    from bot.action_lib.knowledge.search import SearchIndex

    entries = [
        make_entry("maternity", ["Trợ cấp thai sản"], ["Benefit A"]),
        make_entry("sickness", ["Trợ cấp ốm đau"], ["Benefit B"]),
    ]
    index = SearchIndex(parse_file({"topic": "t", "entries": entries}, "t.yml"))
    assert index.search("maternity benefit")[0].entry_id == "maternity"
    assert index.search("benefit when sick")[0].entry_id == "sickness"


def test_expanded_abbreviations_do_not_switch_on_the_toned_words() -> None:
    from bot.action_lib.knowledge.schema import parse_file
    from bot.action_lib.knowledge.search import SearchIndex

    index = SearchIndex(parse_file({"topic": "t", "entries": SAMPLE}, "t.yml"))
    assert index.search("rut bhxh mot lan") == index.search("rut bao hiem xa hoi mot lan")
