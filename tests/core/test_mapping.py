from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from branca.element import Figure
from streamlit_folium import generate_leaflet_string

from territoires.dataset import read_geocoded
from territoires.filters import View, Zone, focus, per_region, select, toggled
from territoires.insets import LAYOUTS, insets
from territoires.mapping import (
    PALETTE,
    REGIONS_LIST_LABEL,
    RETURNED_OBJECT,
    MapAssets,
    _Rendered,
    base_map,
    display_outlines,
    framings,
    laureates_geojson,
    outlines_geojson,
    palette_properties,
    region_labels,
    selected_outlines_json,
    selection_bounds,
    selection_layer,
    selection_previews,
    to_safe_json,
    whole_framings,
    whole_map_bounds,
    with_markers,
)
from territoires.regions import BY_CODE
from tests.recording import shared
from tests.waves import write_two_waves

OUTLINES_URL = "/app/static/generated/regions-test.geojson"
HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "${alert(1)}",
    "`);alert(1);//",
    "</script><script>alert(1)</script>",
]


ASSETS = MapAssets(
    leaflet_js="/app/static/leaflet/leaflet.js",
    leaflet_css="/app/static/leaflet/leaflet.css",
    script="/app/static/generated/carte-test.js",
    style="/app/static/generated/carte-test.css",
    outlines=OUTLINES_URL,
)


def calls(script: str, function: str) -> list[Any]:
    """The data of every `carte.<function>(<layer>, <data>)` call in the script, decoded."""
    decoder = json.JSONDecoder()
    return [
        decoder.raw_decode(script, match.end())[0]
        for match in re.finditer(rf"carte\.{function}\(\w+, ", script)
    ]


def embedded_collections(script: str) -> list[dict[str, Any]]:
    """Every FeatureCollection the script draws: selected outlines, then the laureates."""
    return calls(script, "showSelected") + calls(script, "showLaureates")


def selection_script(laureates: pd.DataFrame, codes: tuple[str, ...] = (), tiles: bool = False) -> str:
    """The selection layer's script as streamlit-folium sends it: rendered once added to the map."""
    group = selection_layer(with_markers(laureates), codes, codes, tiles=tiles)
    group.add_to(base_map(ASSETS, per_region(laureates)))
    script: str = generate_leaflet_string(group)
    return script


@pytest.fixture(scope=shared)
def whole_map(laureates: pd.DataFrame) -> str:
    fmap = base_map(ASSETS, per_region(laureates))
    selection_layer(with_markers(laureates), (), (), tiles=False).add_to(fmap)
    html: str = fmap.get_root().render()
    return html


def test_map_draws_55_laureate_markers(laureates: pd.DataFrame, whole_map: str) -> None:
    script = selection_script(laureates)
    markers = [
        c for c in embedded_collections(script) if c["features"] and "town" in c["features"][0]["properties"]
    ]
    assert len(markers) == 1
    assert len(markers[0]["features"]) == 55
    # How markers are drawn comes once, in the browser code the map loads.
    assert "circleMarker" not in whole_map
    assert whole_map.count(f'src="{ASSETS.script}"') == 1


def test_region_outlines_carry_class_and_counted_tooltip(laureates: pd.DataFrame, whole_map: str) -> None:
    outlines = json.loads(outlines_geojson())
    assert {f["properties"]["code"] for f in outlines["features"]} == set(BY_CODE)
    (regions,) = calls(whole_map, "regions")
    assert regions["url"] == OUTLINES_URL
    assert regions["returned"] == RETURNED_OBJECT
    assert regions["labels"] == region_labels(per_region(laureates))
    labels = {v["slug"]: v["label"] for v in region_labels(per_region(laureates)).values()}
    assert len(labels) == 19
    assert labels["grand-est"] == "Grand Est — 15 villes lauréates"
    assert labels["saint-martin"] == "Saint-Martin — 1 ville lauréate"
    assert labels["martinique"] == "Martinique — aucune ville lauréate"


def test_every_asset_url_is_local(whole_map: str) -> None:
    urls = re.findall(r'(?:src|href)="([^"]+)"', whole_map) + re.findall(r'"url":"([^"]+)"', whole_map)
    assert len(urls) == 5, "Leaflet's script and style sheet, the map's own, and the outlines"
    assert all(url.startswith("/app/static/") for url in urls), urls
    assert "cdn" not in whole_map.lower()


def test_no_tile_server_unless_asked(laureates: pd.DataFrame, whole_map: str) -> None:
    assert "tile.openstreetmap.org" not in whole_map
    with_tiles = selection_script(laureates, tiles=True)
    assert "tile.openstreetmap.org" in with_tiles


def test_markers_sit_at_display_position_and_keep_real_coordinates(laureates: pd.DataFrame) -> None:
    features = json.loads(laureates_geojson(with_markers(laureates)))["features"]
    reunion = next(f for f in features if f["properties"]["town"] == "Le Port")
    lon, lat = reunion["geometry"]["coordinates"]
    west, south, east, north = whole_map_bounds()
    assert west <= lon <= east  # drawn in its box beside the Hexagone
    assert south <= lat <= north
    for layout in LAYOUTS:  # and where each layout of the boxes draws it
        lon, lat = reunion["properties"]["placed"][layout]
        west, south, east, north = whole_map_bounds(layout)
        assert west <= lon <= east
        assert south <= lat <= north
    assert (reunion["properties"]["lat"], reunion["properties"]["lon"]) == pytest.approx(
        (-20.93, 55.29), abs=0.05
    )


def test_selection_layer_follows_the_filter(laureates: pd.DataFrame) -> None:
    bretagne = select(laureates, View(regions=("53",)))
    script = selection_script(bretagne, ("53",))
    collections = embedded_collections(script)
    towns = {f["properties"].get("town") for c in collections for f in c["features"]}
    assert towns - {None} == {"Fougères", "Morlaix", "Quimper", "Saint-Brieuc"}
    (selected,) = calls(script, "showSelected")
    assert selected == json.loads(
        '{"type":"FeatureCollection","features":[' + selected_outlines_json()["53"] + "]}"
    )
    assert calls(script, "frame") == [{"bounds": framings(("53",), bretagne), "framing": 0}]


def test_a_town_found_alone_is_framed_with_its_region(laureates: pd.DataFrame) -> None:
    quimper = select(with_markers(laureates), View(query="quimper"))
    assert selection_bounds((), quimper) == selection_bounds(("53",), quimper)


@pytest.mark.parametrize(
    "view",
    [View(), View(("53", "94")), View(zone=Zone.OVERSEAS), View(("44",), Zone.METROPOLE, "saint")],
    ids=["everything", "two regions", "overseas", "region, zone and search"],
)
def test_previews_are_what_each_toggle_of_the_list_selects(laureates: pd.DataFrame, view: View) -> None:
    """One preview per region the list can add or remove, keyed as the list labels its choices, with
    exactly the markers and framing that the run after that change draws."""
    assert_previews_are_what_each_toggle_selects(laureates, view)


@pytest.mark.parametrize(
    "view",
    [View(wave=2), View(("44",), wave=1), View(zone=Zone.METROPOLE, wave=2)],
    ids=["second wave", "region, first wave", "zone, second wave"],
)
def test_previews_keep_the_view_s_wave(tmp_path: Path, view: View) -> None:
    laureates = read_geocoded(write_two_waves(tmp_path / "two_waves.csv"))
    assert_previews_are_what_each_toggle_selects(laureates, view)


def assert_previews_are_what_each_toggle_selects(laureates: pd.DataFrame, view: View) -> None:
    everything = with_markers(laureates)
    numbers = per_region(laureates)
    with_laureates = [code for code, n in numbers.items() if n]
    data = json.loads(selection_previews(everything, view, numbers))
    previews = data["views"]
    assert len(previews) == len(with_laureates) == 18
    for code in with_laureates:
        after = toggled(view, code)
        assert (code in after.regions) != (code in view.regions)
        shown = select(everything, after)
        key = "\n".join(sorted(f"{BY_CODE[c].name} ({numbers[c]})" for c in after.regions))
        assert [everything.iloc[i]["town"] for i in previews[key]["markers"]] == shown["town"].tolist()
        assert previews[key]["bounds"] == framings(focus(after, with_laureates), shown)
    # And the view itself, which the map goes back to when the list does, without a run.
    assert data["own"]["key"] == "\n".join(sorted(f"{BY_CODE[c].name} ({numbers[c]})" for c in view.regions))
    own = framings(focus(view, with_laureates), select(everything, view))
    assert data["own"]["bounds"] == own


def test_base_map_is_the_same_at_every_build(laureates: pd.DataFrame) -> None:
    """streamlit-folium remounts the map when the base script changes: it must not."""
    numbers = per_region(laureates)
    assert generate_leaflet_string(base_map(ASSETS, numbers)) == generate_leaflet_string(
        base_map(ASSETS, numbers)
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_data_text_is_inert_in_the_map_script(laureates: pd.DataFrame, text: str) -> None:
    hostile = laureates.head(1).assign(town=text, note=text, region=text)
    script = selection_script(hostile)
    assert "<" not in to_safe_json(text)
    if "<" in text:
        assert text not in script  # only its JSON-escaped form is there...
    markers = embedded_collections(script)[-1]
    assert markers["features"][0]["properties"]["town"] == text  # ...which reads back as the same text


def test_display_outlines_are_light() -> None:
    size = len(outlines_geojson())
    assert size < 150_000, size
    assert len(display_outlines()) == 19


def test_jinja_syntax_in_data_is_never_evaluated(laureates: pd.DataFrame) -> None:
    """branca compiles rendered scripts as Jinja templates: data must not reach that compiler."""
    hostile = laureates.head(1).assign(town="A{{ 7*7 }}B {% if true %}C{% endif %}")
    fmap = base_map(ASSETS, per_region(laureates))
    selection_layer(with_markers(hostile), (), (), tiles=False).add_to(fmap)
    html = fmap.get_root().render()
    assert "A49B" not in html
    markers = embedded_collections(html)[-1]
    assert markers["features"][0]["properties"]["town"] == "A{{ 7*7 }}B {% if true %}C{% endif %}"


def test_rendered_text_is_never_compiled_as_a_template() -> None:
    """branca wraps rendered text in Element(text), a Jinja template: `_Rendered` must not."""
    figure = Figure()
    figure.script.add_child(_Rendered("A{{ 7*7 }}B {% if true %}C{% endif %}"))
    assert "A{{ 7*7 }}B {% if true %}C{% endif %}" in figure.render()


def test_the_furniture_gets_the_palette_legend_and_french_names(whole_map: str) -> None:
    (furniture,) = calls(whole_map, "decorate")
    assert furniture["palette"] == PALETTE
    for layout in LAYOUTS:
        assert [inset["label"] for inset in furniture["insets"][layout]] == [
            BY_CODE[c].name for c in insets()
        ]
    assert furniture["whole"] == whole_framings()
    assert furniture["frame_title"] == "Carte des villes lauréates"
    assert "Ville lauréate en </span>outre-mer (encadrés)" in furniture["legend"]
    assert whole_map.index("carte.decorate(") < whole_map.index("carte.regions(")  # the palette first
    assert f"<style>{palette_properties()}</style>" in whole_map  # and the styles' custom properties


def test_the_previews_watch_the_list_the_page_labels(laureates: pd.DataFrame) -> None:
    fmap = base_map(
        replace(ASSETS, markers="/app/static/generated/laureates-test.json"), per_region(laureates)
    )
    (watched,) = calls(fmap.get_root().render(), "watchPreviews")
    assert watched == {"url": "/app/static/generated/laureates-test.json", "list_label": REGIONS_LIST_LABEL}
    assert not calls(base_map(ASSETS, per_region(laureates)).get_root().render(), "watchPreviews")
