from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import folium
import pandas as pd
import pytest
from branca.element import Figure
from streamlit_folium import generate_leaflet_string

from territoires import PROJECT_DIR
from territoires.dataset import read_geocoded
from territoires.filters import View, Zone, focus, per_region, select, toggled
from territoires.insets import DEFAULT_LAYOUT, LAYOUTS, display_position, insets
from territoires.mapping import (
    MAX_ZOOM,
    MIN_ZOOM,
    PALETTE,
    REGIONS_LIST_LABEL,
    RETURNED_OBJECT,
    TILE_URL,
    MapAssets,
    _Rendered,
    base_map,
    display_outlines,
    framed_bounds,
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

BROWSER_DIR = PROJECT_DIR / "carte" / "browser"
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
    counts = {v["slug"]: v["count"] for v in region_labels(per_region(laureates)).values()}
    assert (counts["grand-est"], counts["saint-martin"], counts["martinique"]) == (15, 1, 0)
    assert counts == {BY_CODE[code].slug: n for code, n in per_region(laureates).items()}


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
    assert reunion["properties"]["overseas"] is True
    assert (reunion["properties"]["lat"], reunion["properties"]["lon"]) == pytest.approx(
        (-20.93, 55.29), abs=0.05
    )
    fougeres = next(f for f in features if f["properties"]["town"] == "Fougères")
    assert fougeres["properties"] == {
        "town": "Fougères",
        "department": "Ille-et-Vilaine (35)",
        "region": "Bretagne",
        "insee": "35115",
        "note": "",
        "overseas": False,
        "lat": pytest.approx(48.35, abs=0.01),
        "lon": pytest.approx(-1.20, abs=0.01),
    }
    # Only an overseas marker has places of its own in each layout of the boxes.
    assert {f["properties"]["town"] for f in features if "placed" in f["properties"]} == set(
        laureates.loc[laureates["overseas"], "town"]
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
    assert calls(whole_map, "fit") == [whole_framings()]  # the first view: all of it
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


BROWSER_CODE = "\n".join(p.read_text(encoding="utf-8") for p in sorted(BROWSER_DIR.glob("*.js")))
GEOJSON_MEMBERS = {"type", "features", "properties", "geometry", "coordinates"}  # what L.geoJSON reads
# Members the browser code reads other than as `.name`, and how.
READ_WHOLE = {"framing": "carte.frame compares JSON.stringify(spec): a new count of resets refits"}


def sent_names(data: object) -> set[str]:
    """The member names of the JSON the map's calls carry; not the keys that are data (region codes,
    layouts, the previews' keys), nor the palette's colours (test_palette.py)."""
    if isinstance(data, list):
        return set().union(*map(sent_names, data))
    if not isinstance(data, dict):
        return set()
    names = {k for k in data if re.fullmatch(r"[A-Za-z_]+", k) and k not in LAYOUTS}
    return names.union(*(sent_names(v) for k, v in data.items() if k != "palette"))


def every_call(laureates: pd.DataFrame) -> tuple[str, folium.Map, folium.FeatureGroup]:
    """The script of a map with every call Python makes: previews, two selected regions, the tiles."""
    everything = with_markers(laureates)
    view = View(regions=("53", "04"))  # Bretagne, and La Réunion drawn in its box
    fmap = base_map(
        replace(ASSETS, markers="/app/static/generated/laureates-test.json"), per_region(laureates)
    )
    shown = select(everything, view)
    previews = selection_previews(everything, view, per_region(laureates))
    group = selection_layer(shown, view.regions, view.regions, tiles=True, previews=previews)
    group.add_to(fmap)
    return fmap.get_root().render(), fmap, group


def test_every_call_and_member_the_map_sends_is_one_the_browser_code_reads(laureates: pd.DataFrame) -> None:
    script, fmap, group = every_call(laureates)
    called = re.findall(r"carte\.(\w+)\((\w+), ", script)
    functions = {function for function, _ in called}
    assert functions == {
        "decorate",
        "regions",
        "fit",
        "watchPreviews",
        "showSelected",
        "showLaureates",
        "frame",
        "setPreviews",
    }
    assert {f for f in functions if not re.search(rf"carte\.{f} = function \(", BROWSER_CODE)} == set()
    # Each on what it acts on: the map's furniture and framing on the map, the selection on its layer.
    on = {
        "showSelected": group.get_name(),
        "showLaureates": group.get_name(),
        "setPreviews": group.get_name(),
    }
    assert dict(called) == {f: on.get(f, fmap.get_name()) for f in functions}
    data = [calls(script, f)[0] for f in functions] + [json.loads(outlines_geojson())]
    names = sent_names(data)
    assert {"layout", "placed", "town", "anchor", "named_towns_max", "list_label", "own"} <= names
    unread = {
        n for n in names - GEOJSON_MEMBERS - set(READ_WHOLE) if not re.search(rf"\.{n}\b", BROWSER_CODE)
    }
    assert unread == set()


def assert_geojson(collection: dict[str, Any], geometries: set[str]) -> None:
    assert collection["type"] == "FeatureCollection"
    assert collection["features"]
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature["properties"], dict)
        assert feature["geometry"]["type"] in geometries
        assert feature["geometry"]["coordinates"]


def test_every_collection_the_map_draws_is_geojson(laureates: pd.DataFrame) -> None:
    assert_geojson(json.loads(outlines_geojson()), {"Polygon", "MultiPolygon"})
    for code in BY_CODE:  # one region at a time: the layer of a selection joins them
        assert_geojson(
            json.loads('{"type":"FeatureCollection","features":[' + selected_outlines_json()[code] + "]}"),
            {"Polygon", "MultiPolygon"},
        )
    script = every_call(laureates)[0]
    (selected,) = calls(script, "showSelected")
    assert_geojson(selected, {"Polygon", "MultiPolygon"})
    # Bretagne once, La Réunion once per layout of the boxes, each saying which.
    assert [f["properties"].get("layout") for f in selected["features"]] == [None, *LAYOUTS]
    outlines = json.loads(outlines_geojson())["features"]
    assert {f["properties"]["code"] for f in outlines if "layout" in f["properties"]} == set(insets())
    assert_geojson(json.loads(laureates_geojson(with_markers(laureates))), {"Point"})


def test_markers_are_drawn_to_the_metre_with_no_more_digits(laureates: pd.DataFrame) -> None:
    """Five decimals of a degree, about 1 m: every digit more weighs on each run's payload."""
    for feature in json.loads(laureates_geojson(with_markers(laureates)))["features"]:
        p = feature["properties"]
        row = laureates[laureates["town"] == p["town"]].iloc[0]
        exact = {DEFAULT_LAYOUT: display_position(row["region_code"], p["lon"], p["lat"])}
        drawn = {DEFAULT_LAYOUT: feature["geometry"]["coordinates"]}
        if "placed" in p:
            exact |= {
                layout: display_position(row["region_code"], p["lon"], p["lat"], layout) for layout in LAYOUTS
            }
            drawn |= p["placed"]
        for layout, (lon, lat) in drawn.items():
            assert (lon, lat) == pytest.approx(exact[layout], abs=0.5e-5), (p["town"], layout)
            assert (lon, lat) == (round(lon, 5), round(lat, 5)), (p["town"], layout)


def assert_corners(corners: list[list[float]], bounds: tuple[float, float, float, float]) -> None:
    """Leaflet's corners of `bounds` (west, south, east, north), to 4 decimals (about 10 m), no more."""
    west, south, east, north = bounds
    assert [*corners[0], *corners[1]] == pytest.approx([south, west, north, east], abs=0.5e-4)
    assert all(v == round(v, 4) for corner in corners for v in corner)


def test_each_framing_shows_its_regions_or_boxes_to_ten_metres(laureates: pd.DataFrame) -> None:
    for layout, corners in whole_framings().items():
        assert_corners(corners, whole_map_bounds(layout))
    nothing = laureates.head(0)
    assert framings((), nothing) == whole_framings()  # an empty selection shows everything
    for code in BY_CODE:  # an overseas region: its whole box, and its label above
        for layout, corners in framings((code,), nothing).items():
            assert_corners(corners, framed_bounds(layout)[code])


def test_the_map_opens_centred_on_france_and_zooms_by_quarters_between_its_limits(whole_map: str) -> None:
    options = whole_map[whole_map.index("L.map(") :]
    west, south, east, north = whole_map_bounds()
    lat, lon = json.loads(re.search(r"center: (\[[^\]]+\])", options)[1])  # type: ignore[index]
    assert (lat, lon) == pytest.approx(((south + north) / 2, (west + east) / 2))  # before the first fit
    for option, value in {
        "zoom": 5,
        "zoomSnap": 0.25,
        "zoomDelta": 0.5,
        "minZoom": MIN_ZOOM,
        "maxZoom": MAX_ZOOM,
    }.items():
        assert re.search(rf'"{option}": {value},', options), option


def test_the_background_is_openstreetmap_s_tiles_with_their_credit(laureates: pd.DataFrame) -> None:
    script = selection_script(laureates, tiles=True)
    layer = script[script.index(TILE_URL) :]
    assert '"attribution": "\\u00a9 contributeurs d\\u0027OpenStreetMap"' in layer
    assert '"maxZoom": 19,' in layer  # the tile server's deepest level


def test_the_legend_s_dots_are_the_map_s(whole_map: str) -> None:
    """As carte.laureates draws them (kit.js): the same radius, ring and dashes for each kind."""
    radius = dict(re.findall(r"(\w+): (\d+)", re.search(r"DOT_RADIUS = \{([^}]*)\}", BROWSER_CODE)[1]))  # type: ignore[index]
    ring = re.search(r"RING = (\d+)", BROWSER_CODE)[1]  # type: ignore[index]
    dashes = re.search(r'dashArray: overseas \? "([^"]+)" : null', BROWSER_CODE)[1]  # type: ignore[index]
    (furniture,) = calls(whole_map, "decorate")
    dots = re.findall(
        r"<div><svg [^>]*><circle ([^>]*)/></svg>.*?</span>(\w[^<]*)</div>", furniture["legend"]
    )
    assert [kind for _, kind in dots] == ["métropole", "outre-mer (encadrés)"]
    for (circle, _), kind in zip(dots, ("metropole", "overseas"), strict=True):
        assert re.fullmatch(r'([\w-]+="[^"]*" ?)+', circle), circle  # nothing but attributes
        attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', circle))
        assert attributes["r"] == radius[kind]
        assert attributes["fill"] == PALETTE[kind]
        assert attributes["stroke"] == PALETTE["marker_ring"]
        assert attributes["stroke-width"] == ring
        assert attributes.get("stroke-dasharray") == (dashes if kind == "overseas" else None)


def test_map_json_is_compact_keeps_its_letters_and_leaves_no_markup_or_template_raw() -> None:
    data = {"town": "Saint-Étienne <b>&amp;</b> {{ x }} {% y %} {# z #}", "n": [1, 2]}
    text = to_safe_json(data)
    assert json.loads(text) == data
    assert text.startswith('{"town":"Saint-Étienne ')
    assert text.endswith(',"n":[1,2]}')
    assert [raw for raw in ("<", ">", "&", "{{", "{%", "{#") if raw in text] == []


def test_the_map_s_page_has_its_element_its_size_and_its_script(laureates: pd.DataFrame) -> None:
    """What folium's templates give, rendered through `_RenderedParts`: the map's <div>, its style, and
    its creation before the calls that use it."""
    fmap = base_map(ASSETS, per_region(laureates))
    html = fmap.get_root().render()
    name = fmap.get_name()
    assert f'<div class="folium-map" id="{name}" ></div>' in html
    assert re.search(rf"#{name} \{{\s*position: relative;\s*width: 100.0%;\s*height: 100.0%;", html)
    assert html.index(f'L.map(\n                "{name}"') < html.index(f"carte.decorate({name}, ")
