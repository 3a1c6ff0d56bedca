"""The ward map as plain SVG: one shape per ward, shaded by band, no inline style, a title on each."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from saferplaces.reports.ward_svg import band_limits, ward_map_svg

SVG = "{http://www.w3.org/2000/svg}"
# four of Stafford's 2024 wards
WARDS = {"E05010479": 40.6, "E05010480": 20.0, "E05010481": 125.2, "E05010482": None}


def test_band_limits_split_values_into_equal_groups():
    assert band_limits(list(range(1, 11)), bands=5) == (2, 4, 6, 8)
    assert band_limits([]) == ()


def test_each_ward_is_one_titled_path_with_a_band_class():
    drawn = ward_map_svg(WARDS, {c: f"ward {c}" for c in WARDS}, "Map of four wards")
    assert drawn is not None and drawn.wards_drawn == 4
    root = ET.fromstring(drawn.svg)
    assert root.get("role") == "img" and root.get("aria-label") == "Map of four wards"
    paths = root.findall(f"{SVG}path")
    assert len(paths) == 4
    assert {p.find(f"{SVG}title").text for p in paths} == {f"ward {c}" for c in WARDS}
    classes = [p.get("class") for p in paths]
    assert "sp-map__ward sp-map__band-none" in classes  # the hidden figure is unshaded
    assert "style" not in drawn.svg and "<script" not in drawn.svg


def test_the_highest_rate_is_darkest_and_the_lowest_lightest():
    drawn = ward_map_svg(WARDS, {}, "map")
    root = ET.fromstring(drawn.svg)
    by_title = {p.find(f"{SVG}title").text: p.get("class") for p in root.findall(f"{SVG}path")}
    bands = {t: c.rsplit("-", 1)[1] for t, c in by_title.items() if not c.endswith("none")}
    assert bands["Common"] == max(bands.values())
    assert bands["Baswich"] == "0"


def test_wards_without_boundaries_draw_nothing():
    assert ward_map_svg({"E05999999": 1.0}, {}, "map") is None
