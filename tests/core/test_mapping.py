from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd
import pytest
from streamlit_folium import generate_leaflet_string

from territoires.filters import View, per_region, select
from territoires.mapping import (
    base_map,
    display_outlines,
    laureates_geojson,
    regions_geojson,
    selection_layer,
    to_safe_json,
    whole_map_bounds,
)

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "${alert(1)}",
    "`);alert(1);//",
    "</script><script>alert(1)</script>",
]


def embedded_collections(script: str) -> list[dict[str, Any]]:
    """Every FeatureCollection the script passes to L.geoJSON."""
    found = []
    for match in re.finditer(r"L\.geoJSON\((\{.*?\}), \{", script, flags=re.DOTALL):
        found.append(json.loads(match.group(1)))
    return found


def selection_script(laureates: pd.DataFrame, codes: tuple[str, ...] = (), tiles: bool = False) -> str:
    """The selection layer's script as streamlit-folium sends it: rendered once added to the map."""
    group = selection_layer(laureates, codes, codes, tiles=tiles)
    group.add_to(base_map(regions_geojson(per_region(laureates))))
    script: str = generate_leaflet_string(group)
    return script


@pytest.fixture(scope="module")
def whole_map(laureates: pd.DataFrame) -> str:
    fmap = base_map(regions_geojson(per_region(laureates)))
    selection_layer(laureates, (), (), tiles=False).add_to(fmap)
    html: str = fmap.get_root().render()
    return html


def test_map_draws_55_laureate_markers(laureates: pd.DataFrame) -> None:
    script = selection_script(laureates)
    markers = [
        c for c in embedded_collections(script) if c["features"] and "town" in c["features"][0]["properties"]
    ]
    assert len(markers) == 1
    assert len(markers[0]["features"]) == 55
    assert 'className: overseas ? "laureate laureate-overseas" : "laureate"' in script


def test_region_outlines_carry_class_and_counted_tooltip(laureates: pd.DataFrame) -> None:
    regions = json.loads(regions_geojson(per_region(laureates)))
    labels = {f["properties"]["slug"]: f["properties"]["label"] for f in regions["features"]}
    assert len(labels) == 19
    assert labels["grand-est"] == "Grand Est — 15 lauréats"
    assert labels["saint-martin"] == "Saint-Martin — 1 lauréat"
    assert labels["martinique"] == "Martinique — aucun lauréat"


def test_every_asset_url_is_local(whole_map: str) -> None:
    urls = re.findall(r'(?:src|href)="([^"]+)"', whole_map)
    assert urls, "the map must load Leaflet"
    assert all(url.startswith("/app/static/leaflet/") for url in urls), urls
    assert "cdn" not in whole_map.lower()


def test_no_tile_server_unless_asked(laureates: pd.DataFrame, whole_map: str) -> None:
    assert "tile.openstreetmap.org" not in whole_map
    with_tiles = selection_script(laureates, tiles=True)
    assert "tile.openstreetmap.org" in with_tiles


def test_markers_sit_at_display_position_and_keep_real_coordinates(laureates: pd.DataFrame) -> None:
    features = json.loads(laureates_geojson(laureates))["features"]
    reunion = next(f for f in features if f["properties"]["town"] == "Le Port")
    lon, lat = reunion["geometry"]["coordinates"]
    west, south, east, north = whole_map_bounds()
    assert west <= lon <= east  # drawn in its box beside the Hexagone
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
    assert "region-selected" in script
    assert ".fitBounds(" in script


def test_base_map_is_the_same_at_every_build(laureates: pd.DataFrame) -> None:
    """streamlit-folium remounts the map when the base script changes: it must not."""
    regions = regions_geojson(per_region(laureates))
    assert generate_leaflet_string(base_map(regions)) == generate_leaflet_string(base_map(regions))


@pytest.mark.parametrize("text", HOSTILE)
def test_data_text_is_inert_in_the_map_script(laureates: pd.DataFrame, text: str) -> None:
    hostile = laureates.head(1).assign(town=text, note=text, region=text)
    script = selection_script(hostile)
    assert "<" not in to_safe_json(text)
    if "<" in text:
        assert text not in script  # only its JSON-escaped form is there...
    markers = embedded_collections(script)[-1]
    assert markers["features"][0]["properties"]["town"] == text  # ...which reads back as the same text
    assert "innerHTML" not in script.split("L.geoJSON(", 1)[1]  # tooltips and popups use text nodes


def test_display_outlines_are_light() -> None:
    size = len(regions_geojson({}))
    assert size < 150_000, size
    assert len(display_outlines()) == 19
