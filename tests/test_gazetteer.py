"""The generated lookup tables cover every place and stay in step with their sources."""

from __future__ import annotations

import yaml

from bot.common.gazetteer import OUTPUT, REFDATA, render, variants, vocabularies
from bot.common.textnorm import fold


def _generated() -> dict:
    data = yaml.safe_load(OUTPUT.read_text(encoding="utf-8"))["nlu"]
    lookups = {b["lookup"]: b["examples"].split("\n- ") for b in data if "lookup" in b}
    lookups = {k: {line.strip("- \n") for line in v} for k, v in lookups.items()}
    synonyms = {}
    for block in (b for b in data if "synonym" in b):
        for line in block["examples"].splitlines():
            synonyms[line.removeprefix("- ").strip()] = block["synonym"]
    return {"lookups": lookups, "synonyms": synonyms}


def test_the_committed_file_is_what_the_generator_writes() -> None:
    assert OUTPUT.read_text(encoding="utf-8") == render(vocabularies())


def test_all_34_provinces_and_the_pre_2025_ones_with_and_without_diacritics() -> None:
    provinces = yaml.safe_load((REFDATA / "provinces.yaml").read_text(encoding="utf-8"))
    current = [p["name_vi"] for p in provinces["provinces"]]
    former = {f for p in provinces["provinces"] for f in p.get("former", [])}
    assert len(current) == 34 and len(former) == 63
    generated = _generated()
    for name in {*current, *former}:
        assert name.lower() in generated["lookups"]["province"]
        assert fold(name) in generated["lookups"]["province"]
        assert generated["synonyms"][fold(name)] == name


def test_short_forms_map_to_their_province() -> None:
    synonyms = _generated()["synonyms"]
    assert synonyms["hcm"] == synonyms["sg"] == synonyms["sài gòn"] == "Hồ Chí Minh"
    assert synonyms["hn"] == "Hà Nội"
    assert synonyms["tth"] == "Huế"


def test_communes_keep_their_prefix_so_they_never_shadow_a_province() -> None:
    generated = _generated()
    assert generated["synonyms"]["phuong sai gon"] == "Phường Sài Gòn"
    assert generated["synonyms"]["sai gon"] == "Hồ Chí Minh"
    assert "xa phu thong" in generated["lookups"]["commune"]


def test_terms_get_folded_and_abbreviated_variants() -> None:
    assert variants("Bảo hiểm xã hội") == ["bảo hiểm xã hội", "bhxh", "bao hiem xa hoi"]
    assert variants("thẻ BHYT") == [
        "thẻ bhyt",
        "thẻ bảo hiểm y tế",
        "the bhyt",
        "the bao hiem y te",
    ]
    synonyms = _generated()["synonyms"]
    assert synonyms["khieu nai"] == "complaint" and synonyms["to cao"] == "denunciation"
    assert synonyms["the bhyt"] == "si_book_hi_card"
