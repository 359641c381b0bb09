"""Hold under hostile input: markup and script in the data stay text; static files have honest types."""

from __future__ import annotations

import csv
import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import guarded_page
from tests.e2e.harness import (
    MARKER_SELECTOR,
    PROJECT_DIR,
    StreamlitServer,
    feature_point,
    map_document,
    map_frame,
    map_markup,
    streamlit_server,
    wait_for_app_idle,
    wait_for_map_still,
)
from tests.e2e.test_dashboard_browser import open_dashboard

pytestmark = pytest.mark.e2e

HOSTILE_CSV = PROJECT_DIR / "tests" / "data" / "bad" / "markup_in_text_fields.csv"


def hostile_rows() -> list[dict[str, str]]:
    with HOSTILE_CSV.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


ROWS = hostile_rows()
TOWNS = sorted(row["town"] for row in ROWS)

# What must never appear in either document: what the strings would make if taken as markup or code.
_INJECTED_JS = """
() => ({
    images: document.querySelectorAll('img[src="x"], [onerror]').length,
    scripts: Array.from(document.scripts).filter((s) => /^\\s*alert\\(\\d\\)\\s*$/.test(s.text)).length,
    links: document.querySelectorAll('a[href^="javascript:" i]').length,
    bold: Array.from(document.querySelectorAll("strong, b")).filter((b) => b.textContent === "gras").length,
})
"""
NOTHING_INJECTED = {"images": 0, "scripts": 0, "links": 0, "bold": 0}


@pytest.fixture(scope="module")
def hostile_app() -> Iterator[StreamlitServer]:
    with streamlit_server(env={"CARTE_LAUREATES_CSV": str(HOSTILE_CSV)}) as server:
        yield server


@pytest.fixture
def hostile_page(browser: Browser, hostile_app: StreamlitServer, page_errors: list[str]) -> Iterator[Page]:
    """A guarded page on the hostile data's server; any dialog (alert…) fails the test."""
    with guarded_page(browser, hostile_app, page_errors) as tab:
        yield tab


def test_hostile_strings_stay_text_everywhere(hostile_page: Page, tmp_path: Path) -> None:
    page = hostile_page
    assert len(ROWS) == 6
    open_dashboard(page, markers=6)
    wait_for_app_idle(page)
    wait_for_map_still(page)
    markers = map_frame(page).locator(MARKER_SELECTOR)

    # Tooltips, by hovering each marker.
    tooltip = map_frame(page).locator(".leaflet-tooltip")
    hovered = []
    for i in range(len(ROWS)):
        markers.nth(i).hover()
        expect(tooltip).to_have_count(1)
        hovered.append(tooltip.inner_text())
    assert sorted(hovered) == TOWNS
    page.mouse.move(0, 0)

    # Popups, by opening each one (the marker's own key handler: a click would rerun the script).
    popup = map_frame(page).locator(".leaflet-popup .laureate-popup")
    opened = []
    for i in range(len(ROWS)):
        markers.nth(i).focus()
        page.keyboard.press("Enter")
        expect(popup).to_have_count(1)
        town = popup.locator("strong").inner_text()
        expect(popup.locator("p")).to_have_text(town)  # the note, the same string in this file
        expect(popup.locator("a")).to_have_attribute("href", re.compile(r"^https://www\.openstreetmap\.org/"))
        opened.append(town)
        page.keyboard.press("Escape")
        expect(popup).to_have_count(0)
    assert sorted(opened) == TOWNS
    markers.last.blur()  # a focused marker keeps its tooltip open

    cells = page.locator(".laureates-table td").all_inner_texts()
    for row in ROWS:
        assert cells.count(row["town"]) == 2, (row["town"], cells)  # Ville and Note columns

    # The legend and the outlines' tooltips, unaffected.
    legend = map_frame(page).locator(".map-legend")
    expect(legend).to_have_text("Ville lauréate en métropoleVille lauréate en outre-mer (encadrés)")
    x, y = feature_point(page, "slug", "bourgogne-franche-comte")
    page.mouse.move(x, y)
    expect(tooltip).to_have_text("Bourgogne-Franche-Comté — 3 villes lauréates")

    for document in (page, map_document(page)):
        assert document.evaluate(_INJECTED_JS) == NOTHING_INJECTED

    # The downloads carry the strings verbatim, as data.
    with page.expect_download() as csv_download:
        page.get_by_role("button", name="Télécharger la sélection (CSV)").click()
    saved_csv = tmp_path / "all.csv"
    csv_download.value.save_as(saved_csv)
    with saved_csv.open(encoding="utf-8", newline="") as file:
        downloaded = list(csv.DictReader(file))
    assert [(r["town"], r["note"], r["matched_name"]) for r in downloaded] == [
        (r["town"], r["note"], r["matched_name"]) for r in ROWS
    ]
    with page.expect_download() as geojson_download:
        page.get_by_role("button", name="Télécharger la sélection (GeoJSON)").click()
    saved_geojson = tmp_path / "all.geojson"
    geojson_download.value.save_as(saved_geojson)
    features = json.loads(saved_geojson.read_text(encoding="utf-8"))["features"]
    assert sorted(f["properties"]["town"] for f in features) == TOWNS
    assert all(f["properties"]["note"] == f["properties"]["town"] for f in features)

    for frame in page.frames:  # the page and every frame in it, once more after all that
        assert frame.evaluate(_INJECTED_JS) == NOTHING_INJECTED, frame.url


def content_type(url: str) -> str:
    with urllib.request.urlopen(url, timeout=20) as response:
        assert response.status == 200, url
        media_type: str = response.headers.get_content_type()
        return media_type


def test_static_files_have_their_types_and_nothing_leaves_localhost(
    hostile_page: Page, hostile_app: StreamlitServer
) -> None:
    page = hostile_page
    open_dashboard(page, markers=6)
    wait_for_app_idle(page)
    expect(page.get_by_role("switch", name="Afficher le fond de carte OpenStreetMap")).not_to_be_checked()
    assert map_frame(page).locator(".leaflet-tile").count() == 0

    outlines = re.findall(r"/app/static/generated/regions-[0-9a-f]{12}\.json", map_markup(page))
    assert len(set(outlines)) == 1, outlines
    base = hostile_app.url
    assert content_type(f"{base}/app/static/leaflet/leaflet.js") in (
        "text/javascript",
        "application/javascript",
    )
    assert content_type(f"{base}/app/static/leaflet/leaflet.css") == "text/css"
    assert content_type(base + outlines[0]) == "application/json"
    # No request left 127.0.0.1: hostile_page's guard checks it when the test ends.
