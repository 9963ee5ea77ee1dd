"""Routing: rules as data, old province names, the conflict-of-interest rule, bad input."""

from pathlib import Path

import pytest

from vss_tickets.domain.routing import UnknownPlace, UnknownUnit, kinds, route, topics
from vss_tickets.refdata import load_reference_data


@pytest.fixture(scope="module")
def ref():
    return load_reference_data("current")


@pytest.fixture(scope="module")
def pre():
    return load_reference_data("pre2025")


def test_kinds_and_topics_are_the_documented_codes():
    assert set(kinds()) == {"enquiry", "recommendation", "complaint", "denunciation"}
    assert {"contributions", "pension", "staff_conduct", "other"} <= set(topics())
    for label in [*kinds().values(), *topics().values()]:
        assert label["vi"] and label["en"]


def test_docs_list_every_kind_and_topic_code():
    docs = (Path(__file__).parents[2] / "docs" / "reference-data.md").read_text(encoding="utf-8")
    for code in [*kinds(), *topics()]:
        assert f"`{code}`" in docs, code


@pytest.mark.parametrize("typed", ["Bình Dương", "binh duong", "BINH DUONG", "tỉnh Bình Dương"])
def test_old_province_name_routes_to_the_current_provincial_office(ref, typed):
    decision = route(ref, "recommendation", "contributions", typed)
    assert decision.unit_code == ref.province_office("Hồ Chí Minh").code
    assert any("Hồ Chí Minh" in r for r in decision.reasons)


def test_reasons_are_bilingual(ref):
    decision = route(ref, "complaint", "pension", "Nghệ An")
    assert decision.unit_code == "bhxh.nghe-an"
    assert decision.reasons and all(" / " in r for r in decision.reasons)
    assert any("Art. 130" in r for r in decision.reasons)


def test_digital_services_enquiry_goes_to_the_central_it_unit(ref):
    decision = route(ref, "enquiry", "digital_services", None)
    assert "it" in ref.units[decision.unit_code].functions
    assert ref.units[decision.unit_code].level == "central"


def test_social_pension_explains_the_commune_decides(ref):
    decision = route(ref, "enquiry", "social_pension", "Hà Tĩnh")
    assert decision.unit_code == "bhxh.ha-tinh"
    assert any("176/2025" in r for r in decision.reasons)


def test_complaint_about_a_provincial_office_goes_to_the_central_inspectorate(ref):
    office = ref.province_office("Đà Nẵng").code
    decision = route(ref, "complaint", "pension", "Quảng Nam", about_unit_code=office)
    assert decision.unit_code != office
    assert "inspection" in ref.units[decision.unit_code].functions
    assert ref.units[decision.unit_code].level == "central"


def test_denunciation_about_a_central_department_goes_to_the_inspectorate(ref):
    decision = route(ref, "denunciation", "other", None, about_unit_code="vss.collection")
    assert decision.unit_code == "vss.inspectorate"


def test_denunciation_about_the_inspectorate_goes_to_the_head_of_vss(ref):
    decision = route(ref, "denunciation", "staff_conduct", None, about_unit_code="vss.inspectorate")
    assert decision.unit_code == ref.root().code


def test_conflict_rule_never_returns_the_unit_itself(ref, pre):
    for data in (ref, pre):
        for code in data.units:
            if data.units[code].parent_code is None:
                continue
            decision = route(data, "complaint", "staff_conduct", None, about_unit_code=code)
            assert decision.unit_code != code
            assert decision.unit_code in {a.code for a in data.ancestors(code)} | {
                u.code for a in data.ancestors(code) for u in data.children(a.code)
            }


def test_district_complaint_in_pre2025_goes_to_the_province_above(pre):
    district = "pre.bhxh.ninh-binh.gia-vien"
    decision = route(pre, "complaint", "staff_conduct", "Ninh Bình", about_unit_code=district)
    assert decision.unit_code == pre.parent(district).code


def test_pre2025_structure_routes_by_old_province(pre):
    assert route(pre, "complaint", "pension", "Bình Dương").unit_code == "pre.bhxh.binh-duong"


def test_recommendation_about_a_unit_without_conduct_topic_follows_normal_rules(ref):
    decision = route(ref, "recommendation", "pension", "Huế", about_unit_code="bhxh.hue")
    assert decision.unit_code == "bhxh.hue"


@pytest.mark.parametrize(
    ("province", "commune", "office"),
    [
        ("TP HCM", "Phường Bàn Cờ", "bhxh.ho-chi-minh.nhieu-loc"),
        ("sai gon", "p ben thanh", "bhxh.ho-chi-minh.tan-dinh"),
        ("Bắc Kạn", "xa na phac", "bhxh.thai-nguyen.ngan-son"),
        ("Thái Nguyên", "Xã Chợ Đồn", "bhxh.thai-nguyen.cho-don"),
        ("Hồ Chí Minh", "Phường Tân Mỹ", "bhxh.ho-chi-minh"),
    ],
)
def test_commune_routes_to_its_grassroots_office(ref, province, commune, office):
    decision = route(ref, "enquiry", "pension", province, commune)
    assert decision.unit_code == office
    assert any(ref.units[office].name_vi in r for r in decision.reasons)


def test_unmapped_commune_falls_back_to_the_provincial_office_with_a_reason(ref):
    decision = route(ref, "enquiry", "pension", "Thái Nguyên", "Xã Không Tồn Tại")
    assert decision.unit_code == "bhxh.thai-nguyen"
    assert any("Không Tồn Tại" in r for r in decision.reasons)


def test_no_ticket_is_routed_to_a_placeholder(ref):
    for province in ref.provinces.values():
        for kind in kinds():
            for topic in topics():
                unit = ref.units[route(ref, kind, topic, province.name_vi, "Xã A").unit_code]
                assert not unit.placeholder


def test_unknown_province_raises(ref):
    with pytest.raises(UnknownPlace, match="Atlantis"):
        route(ref, "complaint", "pension", "Atlantis")
    with pytest.raises(UnknownPlace):
        route(ref, "complaint", "pension", None)


def test_unknown_kind_topic_or_unit(ref):
    with pytest.raises(ValueError, match="kind"):
        route(ref, "petition", "pension", "Hà Nội")
    with pytest.raises(ValueError, match="topic"):
        route(ref, "complaint", "lottery", "Hà Nội")
    with pytest.raises(UnknownUnit):
        route(ref, "complaint", "pension", "Hà Nội", about_unit_code="bhxh.atlantis")
    assert issubclass(UnknownPlace, ValueError)
