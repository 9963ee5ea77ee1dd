"""Reference data: both structures load, every pre-2025 name maps, lookups are robust."""

import unicodedata

import pytest

from vss_tickets.refdata import UnknownPlace, fold, load_reference_data, read_yaml

# Spot checks from the merger table of Resolution 202/2025/QH15 (domain-facts §4.4).
MERGED = {
    "Hà Giang": "Tuyên Quang",
    "Yên Bái": "Lào Cai",
    "Bắc Kạn": "Thái Nguyên",
    "Hòa Bình": "Phú Thọ",
    "Bắc Giang": "Bắc Ninh",
    "Thái Bình": "Hưng Yên",
    "Hải Dương": "Hải Phòng",
    "Nam Định": "Ninh Bình",
    "Quảng Bình": "Quảng Trị",
    "Quảng Nam": "Đà Nẵng",
    "Kon Tum": "Quảng Ngãi",
    "Bình Định": "Gia Lai",
    "Ninh Thuận": "Khánh Hòa",
    "Bình Thuận": "Lâm Đồng",
    "Phú Yên": "Đắk Lắk",
    "Bình Dương": "Hồ Chí Minh",
    "Bà Rịa - Vũng Tàu": "Hồ Chí Minh",
    "Bình Phước": "Đồng Nai",
    "Long An": "Tây Ninh",
    "Hậu Giang": "Cần Thơ",
    "Trà Vinh": "Vĩnh Long",
    "Tiền Giang": "Đồng Tháp",
    "Bạc Liêu": "Cà Mau",
    "Kiên Giang": "An Giang",
}


DATA_FILES = (
    "provinces.yaml",
    "central_units.yaml",
    "grassroots.yaml",
    "pre2025.yaml",
    "routing.yaml",
    "deadlines.yaml",
    "calendar.yaml",
)


@pytest.fixture(scope="module")
def current():
    return load_reference_data("current")


@pytest.fixture(scope="module")
def pre2025():
    return load_reference_data("pre2025")


def all_former(ref) -> list[str]:
    return [old for p in ref.provinces.values() for old in p.former]


def test_current_structure_has_14_central_units_and_34_provincial_offices(current):
    root = current.root()
    central = current.children(root.code)
    assert len([u for u in central if u.level == "central"]) == 14
    offices = [u for u in central if u.level == "province"]
    assert len(offices) == 34 == len(current.provinces)
    assert {u.province_code for u in offices} == set(current.provinces)
    assert current.levels == ("central", "province", "grassroots")
    assert sum(p.kind == "city" for p in current.provinces.values()) == 6


def test_every_unit_has_a_known_parent_and_level(current, pre2025):
    for ref in (current, pre2025):
        for unit in ref.units.values():
            assert unit.level in ref.levels
            if unit.parent_code is not None:
                assert ref.parent(unit.code).code == unit.parent_code
                assert unit in ref.children(unit.parent_code)


def test_provincial_office_names_follow_the_hq_pattern(current):
    hn = current.province_office("Hà Nội")
    assert hn.name_vi == "Bảo hiểm xã hội thành phố Hà Nội"
    assert current.province_office("Nghệ An").name_vi == "Bảo hiểm xã hội tỉnh Nghệ An"


def test_sixty_three_distinct_pre2025_names(current):
    names = all_former(current)
    assert len(names) == 63
    assert len({fold(n) for n in names}) == 63


@pytest.mark.parametrize("variant", [str, fold, lambda n: "tỉnh " + n, lambda n: n.upper()])
def test_every_pre2025_name_maps_to_its_current_province(current, variant):
    for province in current.provinces.values():
        for old in province.former:
            assert current.resolve_province(variant(old)) == province.code, old


def test_merger_table_spot_checks(current):
    for old, new in MERGED.items():
        assert current.resolve_province(old) == current.resolve_province(new)
        assert current.provinces[current.resolve_province(old)].name_vi == new


@pytest.mark.parametrize(
    "typed",
    [
        "HCM",
        "TP HCM",
        "tp.hcm",
        "TPHCM",
        "Sài Gòn",
        "sai gon",
        "SG",
        "Thành phố Hồ Chí Minh",
        "ho chi minh city",
    ],
)
def test_short_forms_of_ho_chi_minh_city(current, typed):
    assert current.resolve_province(typed) == "ho-chi-minh"


def test_hanoi_short_forms_and_decomposed_unicode(current):
    nfd = unicodedata.normalize("NFD", "Hà Nội")
    assert nfd != "Hà Nội"
    for typed in ("HN", "ha noi", "Hanoi", "TP. Hà Nội", nfd):
        assert current.resolve_province(typed) == "ha-noi"


def test_old_tone_mark_placement_matches(current):
    assert current.resolve_province("Hoà Bình") == current.resolve_province("Hòa Bình")
    assert current.resolve_province("Thanh Hoá") == "thanh-hoa"


def test_unknown_province(current, pre2025):
    assert current.resolve_province("Atlantis") is None
    for ref in (current, pre2025):
        with pytest.raises(UnknownPlace):
            ref.province_office("Atlantis")


def test_pre2025_structure_has_63_provincial_offices_and_districts(pre2025):
    offices = [u for u in pre2025.units.values() if u.level == "province"]
    assert len(offices) == 63
    assert pre2025.levels == ("central", "province", "district")
    districts = [u for u in pre2025.units.values() if u.level == "district"]
    assert districts
    for district in districts:
        assert pre2025.parent(district.code).level == "province"


def test_pre2025_old_names_resolve_to_their_own_office(pre2025):
    offices = {pre2025.province_office(old).code for old in all_former(pre2025)}
    assert len(offices) == 63
    binh_duong = pre2025.province_office("binh duong")
    assert binh_duong.name_vi == "Bảo hiểm xã hội tỉnh Bình Dương"
    assert binh_duong.province_code == pre2025.resolve_province("Hồ Chí Minh")


def test_pre2025_central_units_name_their_successor(current):
    for raw in read_yaml("pre2025.yaml")["units"]:
        assert raw["successor"] is None or raw["successor"] in current.units


def test_every_province_has_a_grassroots_office(current):
    for code in current.provinces:
        office = current.province_office(current.provinces[code].name_vi)
        assert any(u.level == "grassroots" for u in current.children(office.code)), code


def test_placeholders_only_where_no_real_office_is_listed(current):
    for office in (u for u in current.units.values() if u.level == "province"):
        kids = current.children(office.code)
        if any(k.placeholder for k in kids):
            assert len(kids) == 1
            assert "chưa có danh sách" in kids[0].name_vi
            assert kids[0].name_vi.endswith(current.provinces[office.province_code].name_vi)
    assert not any(u.placeholder for u in current.units.values() if u.level != "grassroots")


def test_real_commune_mappings_for_two_provinces(current):
    mapped = {c.province_code for c in current.communes}
    assert {"ho-chi-minh", "thai-nguyen"} <= mapped
    for commune in current.communes:
        assert unicodedata.is_normalized("NFC", commune.name_vi)
        office = current.units[commune.office_code]
        assert office.province_code == commune.province_code
        assert not office.placeholder
        assert current.commune(commune.province_code, fold(commune.name_vi)) == commune


def test_commune_lookup_ignores_prefix_case_and_diacritics(current):
    ban_co = current.commune("ho-chi-minh", "p. ban co")
    assert ban_co is not None and ban_co.name_vi == "Phường Bàn Cờ"
    assert current.commune("thai-nguyen", "NA PHAC") == current.commune("thai-nguyen", "Xã Nà Phặc")
    assert current.commune("ho-chi-minh", "Xã Nà Phặc") is None


def test_communes_at_the_provincial_seat_are_served_by_the_provincial_office(current):
    tan_my = current.commune("ho-chi-minh", "Tân Mỹ")
    assert tan_my is not None
    assert current.units[tan_my.office_code].level == "province"


def test_unknown_structure():
    with pytest.raises(ValueError, match="structure"):
        load_reference_data("2030")


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def test_every_data_file_is_nfc():
    for name in DATA_FILES:
        for text in _strings(read_yaml(name)):
            assert unicodedata.is_normalized("NFC", text), (name, text)


def test_every_data_file_is_versioned_and_sourced():
    for name in DATA_FILES:
        doc = read_yaml(name)
        assert doc["version"] and doc["source"], name
