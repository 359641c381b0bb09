"""The dashboard in a real headless Chromium: map markers, region clicks, shared URLs, downloads."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, WebSocketRoute, expect

from carte.page import PAGE_TITLE, TABLE_KEY
from territoires.mapping import MAP_HEIGHT_PX, PALETTE
from tests.e2e.conftest import DATASET
from tests.e2e.harness import (
    MAP_IFRAME,
    MARKER_SELECTOR,
    PROJECT_DIR,
    NetworkGuard,
    Scope,
    feature_point,
    map_and_marker_boxes,
    map_evaluate,
    map_frame,
    marker_properties,
    query_values,
    wait_for_app_idle,
    wait_for_map_still,
    wait_for_markers,
    wait_for_query,
    wait_until,
)

pytestmark = pytest.mark.e2e

SCREENSHOT = PROJECT_DIR / "docs" / "screenshot-dashboard.png"
# The picture a link preview shows (deploy/nginx-carte.conf's og:image), served from static/.
PREVIEW_PICTURE = PROJECT_DIR / "static" / "apercu-carte.png"
PREVIEW_SIZE = (1200, 630)  # Open Graph's recommended 1.91:1, whatever the layout; the nginx file says so
BRETAGNE, CORSE = "53", "94"


def write_preview_picture(map_png: bytes) -> None:
    """The map's picture, scaled to fit PREVIEW_SIZE and centred on white."""
    shot = Image.open(io.BytesIO(map_png)).convert("RGB")
    scale = min(PREVIEW_SIZE[0] / shot.width, PREVIEW_SIZE[1] / shot.height)
    shot = shot.resize((round(shot.width * scale), round(shot.height * scale)), Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", PREVIEW_SIZE, "white")
    canvas.paste(shot, ((PREVIEW_SIZE[0] - shot.width) // 2, (PREVIEW_SIZE[1] - shot.height) // 2))
    canvas.save(PREVIEW_PICTURE, optimize=True)


def dataset_rows() -> list[dict[str, str]]:
    with DATASET.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


ALL_ROWS = dataset_rows()


def towns_of(*region_codes: str) -> list[str]:
    return sorted(row["town"] for row in ALL_ROWS if row["region_code"] in region_codes)


def wait_for_whole_page(page: Scope, *, timeout_s: float = 45) -> None:
    """Waits for the run the map asks for once drawn (carte.page.main): the page around it, and the
    run over. The table's part, last in the page, is drawn by that run only."""
    page.locator(f".st-key-{TABLE_KEY}").wait_for(state="attached", timeout=timeout_s * 1000)
    wait_for_app_idle(page, timeout_s=timeout_s)


def open_dashboard(page: Page, path: str = "/", markers: int = len(ALL_ROWS)) -> None:
    page.goto(path)
    wait_for_markers(page, markers, timeout_s=45)  # a first, cold run of the script is slow on a busy machine
    wait_for_whole_page(page)


def regions_multiselect(page: Page) -> Locator:
    return page.locator('[data-testid="stMultiSelect"]').filter(has_text="Régions")


def choose_in_list(page: Page, typed: str) -> None:
    regions_multiselect(page).locator("input").click()
    page.keyboard.type(typed)
    page.keyboard.press("Enter")


def click_region(page: Page, slug: str, label: str) -> None:
    """A real mouse click on the region's outline, after checking its tooltip names it."""
    x, y = feature_point(page, "slug", slug)
    page.mouse.move(x, y)
    expect(map_frame(page).locator(".leaflet-tooltip")).to_have_text(label)
    page.mouse.click(x, y)


def test_all_laureates_drawn_inside_the_visible_map(page: Page) -> None:
    assert len(ALL_ROWS) == 55
    open_dashboard(page, markers=55)
    wait_for_map_still(page)
    container, markers = map_and_marker_boxes(page)
    assert len(markers) == 55
    assert container.right - container.left > 300
    assert container.bottom - container.top > 300
    outside = [box for box in markers if box.right <= box.left or not container.contains(box)]
    assert not outside, f"{len(outside)} markers outside the map's visible area {container}: {outside}"
    assert sorted(str(p["town"]) for p in marker_properties(page)) == sorted(row["town"] for row in ALL_ROWS)


# At each frame of the page: the map's top and height, its markers drawn, whether the table's part is there.
RECORD_FIRST_SCREEN = (
    """(() => {
    if (window.top !== window) { return; }
    window.__screens = [];
    const tick = () => {
        const frame = document.querySelector(FRAME);
        const inside = frame && frame.contentDocument;
        const box = frame ? frame.getBoundingClientRect() : {top: null, height: 0};
        const row = [Math.round(box.top), Math.round(box.height), inside ? inside.querySelectorAll(MARKER).length : 0,
                     Boolean(document.querySelector(TABLE))];
        const last = window.__screens[window.__screens.length - 1];
        if (!last || last.join() !== row.join()) { window.__screens.push(row); }
        requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
})()""".replace("FRAME", json.dumps(MAP_IFRAME))
    .replace("MARKER", json.dumps(MARKER_SELECTOR))
    .replace("TABLE", json.dumps(f".st-key-{TABLE_KEY}"))
)


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (375, 812)])
def test_the_map_is_drawn_first_and_the_rest_of_the_page_does_not_move_it(
    page: Page, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.add_init_script(RECORD_FIRST_SCREEN)
    open_dashboard(page, "/?region=bretagne", markers=4)
    screens = page.evaluate("window.__screens")
    with_table = [(markers, table) for _, _, markers, table in screens if table]
    assert with_table[0] == (4, True), f"the rest came before the map's markers: {screens}"
    # Shown: once streamlit-folium has given the frame the map's height (before, it is a few px high).
    tops = {top for top, height, markers, _ in screens if markers and height == MAP_HEIGHT_PX}
    assert len(tops) == 1, f"the map moved once shown: {screens}"
    expect(page.locator(".laureates-table tbody tr")).to_have_count(4)


# Records, for each value the map reports, whether it came during the click's own event dispatch
# (streamlit-folium alone reports 250 ms later, from a timer). Made in the frame's own realm, so
# that its messages still come from the frame, as Streamlit requires.
WATCH_CLICK_REPORTS = """(selector) => document.querySelector(selector).contentWindow.eval(`
    window.__reports = [];
    document.addEventListener("click", () => {
        window.__inClick = true;
        setTimeout(() => { window.__inClick = false; });
    }, true);
    const host = window.parent;
    window.parent = {postMessage: (message, origin) => {
        if (message && message.type === "streamlit:setComponentValue") { window.__reports.push(Boolean(window.__inClick)); }
        host.postMessage(message, origin);
    }};
`)"""
REPORTS = "(selector) => document.querySelector(selector).contentWindow.__reports.splice(0)"


def test_click_on_region_shows_it_alone_and_click_again_shows_all(page: Page) -> None:
    sent: list[str | bytes] = []  # messages to the server: each click must ask for one run, not two
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    open_dashboard(page)
    page.evaluate(WATCH_CLICK_REPORTS, MAP_IFRAME)
    for markers, region in ((4, ["bretagne"]), (55, [])):
        sent.clear()
        click_region(page, "bretagne", "Bretagne — 4 villes lauréates")
        wait_for_markers(page, markers)
        wait_for_query(page, "region", region)
        # The map reports the click at once; streamlit-folium's own report, 250 ms later, must not follow.
        page.wait_for_timeout(1000)
        assert len(sent) == 1, f"{len(sent)} messages to the server after one click"
        assert page.evaluate(REPORTS, MAP_IFRAME) == [True], "not reported during the click"
        if region:
            assert sorted(str(p["town"]) for p in marker_properties(page)) == towns_of(BRETAGNE)


def test_shared_url_with_two_regions_shows_exactly_their_laureates(page: Page) -> None:
    expected = towns_of(BRETAGNE, CORSE)
    assert len(expected) == 5
    open_dashboard(page, "/?region=bretagne&region=corse", markers=5)
    assert sorted(str(p["town"]) for p in marker_properties(page)) == expected
    # What a user sees: hovering each marker shows its town's name.
    tooltip = map_frame(page).locator(".leaflet-tooltip")
    hovered = []
    for i in range(5):
        map_frame(page).locator(MARKER_SELECTOR).nth(i).hover()
        expect(tooltip).to_have_count(1)
        hovered.append(tooltip.inner_text())
    assert sorted(hovered) == expected
    expect(page.get_by_text("5 / 55", exact=True)).to_be_visible()
    assert query_values(page, "region") == ["bretagne", "corse"]


def test_regions_multiselect_filters_markers_and_url(page: Page) -> None:
    open_dashboard(page)
    choose_in_list(page, "Bretag")
    wait_for_markers(page, 4)
    wait_for_query(page, "region", ["bretagne"])

    page.keyboard.press("Escape")
    regions_multiselect(page).locator("input").click()
    page.get_by_role("option", name="Corse (1)").click()
    wait_for_markers(page, 5)
    wait_for_query(page, "region", ["bretagne", "corse"])
    assert sorted(str(p["town"]) for p in marker_properties(page)) == towns_of(BRETAGNE, CORSE)


def selected_outlines(page: Page) -> int:
    return int(map_evaluate(page, "() => document.querySelectorAll('path.region-selected').length"))


def test_the_map_shows_a_region_chosen_in_the_list_before_the_run_that_follows(page: Page) -> None:
    """The previews the last run sent: with the page's messages to the server held back once it is
    loaded, no run follows the choice, and the map alone shows the region's markers; taking the
    region out again brings back, still without a run, the markers and outline of the shared view."""
    held: list[str | bytes] = []
    holding = False

    def route(socket: WebSocketRoute) -> None:
        server = socket.connect_to_server()
        socket.on_message(lambda message: held.append(message) if holding else server.send(message))
        server.on_message(socket.send)

    page.route_web_socket(re.compile(r"/_stcore/stream$"), route)
    open_dashboard(page, "/?region=bretagne", markers=4)
    wait_for_app_idle(page)
    assert selected_outlines(page) == 1
    holding = True
    choose_in_list(page, "Corse")
    wait_for_markers(page, 5)
    assert sorted(str(p["town"]) for p in marker_properties(page)) == towns_of(BRETAGNE, CORSE)
    assert held, "the list's change never asked the server for a run"
    expect(page.get_by_text("4 / 55", exact=True)).to_be_visible()  # the counts: no run has come
    page.keyboard.press("Backspace")
    wait_for_markers(page, 4)
    assert sorted(str(p["town"]) for p in marker_properties(page)) == towns_of(BRETAGNE)
    assert selected_outlines(page) == 1


# Streamlit posts each page config it applies to its host window (here the page itself) as a
# SET_PAGE_TITLE message: recorded from before the first run.
RECORD_PAGE_TITLES = """
window.__titles = [];
window.addEventListener("message", (event) => {
    if (event.data && event.data.type === "SET_PAGE_TITLE") { window.__titles.push(event.data.title); }
});
"""
TITLES = "() => window.__titles.slice()"


def test_page_config_comes_once_and_stays_through_filter_changes(page: Page) -> None:
    page.add_init_script(RECORD_PAGE_TITLES)
    open_dashboard(page)
    wait_for_app_idle(page)
    at_load = page.evaluate(TITLES)
    assert at_load[-1:] == [PAGE_TITLE], at_load
    choose_in_list(page, "Bretag")
    wait_for_markers(page, 4)
    wait_for_app_idle(page)
    assert page.evaluate(TITLES) == at_load, "the page config was applied again at a filter change"
    assert page.title() == PAGE_TITLE
    # Still the wide layout: Streamlit's centred one is at most 736 px wide.
    box = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
    assert box is not None
    assert box["width"] > 1000, box


def test_csv_download_holds_exactly_the_filtered_rows(page: Page, tmp_path: Path) -> None:
    open_dashboard(page, "/?region=bretagne", markers=4)
    wait_for_app_idle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Télécharger la sélection (CSV)").click()
    download = info.value
    assert download.suggested_filename == "laureats-au-coeur-des-territoires-bretagne.csv"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    lines = DATASET.read_text(encoding="utf-8").splitlines()
    header, body = lines[0], lines[1:]
    expected = [header] + [
        line for line, row in zip(body, ALL_ROWS, strict=True) if row["region_code"] == BRETAGNE
    ]
    assert len(expected) == 1 + 4
    assert saved.read_text(encoding="utf-8").splitlines() == expected


def test_downloads_of_a_view_with_zone_and_search_hold_exactly_that_view(page: Page, tmp_path: Path) -> None:
    """Overseas and « saint »: 3 towns, where the zone alone gives 6 and the search alone 9."""
    open_dashboard(page, "/?zone=outre-mer&q=saint", markers=3)
    wait_for_app_idle(page)
    expected = ["Saint-Joseph", "Saint-Laurent-du-Maroni", "Saint-Martin"]
    for label, suffix in (("tableur", ".xlsx"), ("CSV", ".csv")):
        with page.expect_download() as info:
            page.get_by_role("button", name=f"Télécharger la sélection ({label})").click()
        assert (
            info.value.suggested_filename == f"laureats-au-coeur-des-territoires-outre-mer-recherche{suffix}"
        )
        saved = tmp_path / info.value.suggested_filename
        info.value.save_as(saved)
        if suffix == ".xlsx":
            sheet = openpyxl.load_workbook(saved).active
            assert sheet is not None
            towns = [str(row[0]) for row in sheet.iter_rows(min_row=2, values_only=True)]
        else:
            with saved.open(encoding="utf-8", newline="") as file:
                towns = [row["town"] for row in csv.DictReader(file)]
        assert sorted(towns) == expected, label


def test_tiles_off_no_request_leaves_localhost(page: Page, network_guard: NetworkGuard) -> None:
    open_dashboard(page)
    tiles = page.get_by_role("switch", name="Afficher le fond de carte OpenStreetMap")
    expect(tiles).not_to_be_checked()
    wait_for_app_idle(page)
    wait_for_map_still(page)
    assert map_frame(page).locator(".leaflet-tile").count() == 0
    assert network_guard.blocked == []


def test_guard_aborts_and_records_tile_requests(page: Page, network_guard: NetworkGuard) -> None:
    """The guard itself: with the tiles on, their requests to openstreetmap.org are caught."""
    open_dashboard(page)
    tiles = page.get_by_role("switch", name="Afficher le fond de carte OpenStreetMap")
    page.get_by_text(
        "Afficher le fond de carte OpenStreetMap", exact=True
    ).click()  # the label, as a user does
    expect(tiles).to_be_checked()
    wait_until(lambda: bool(network_guard.blocked), page, what="a tile request")
    assert all(url.startswith("https://tile.openstreetmap.org/") for url in network_guard.blocked)
    assert map_evaluate(page, "() => document.querySelectorAll('img.leaflet-tile-loaded').length") == 0
    network_guard.blocked.clear()  # expected here; the teardown check is for unexpected ones


def rgb(colour: str) -> str:
    """« #767676 » as the browser computes it, « rgb(118, 118, 118) »."""
    return "rgb({}, {}, {})".format(*(int(colour[i : i + 2], 16) for i in (1, 3, 5)))


def test_screenshot_of_the_dashboard(page: Page) -> None:
    open_dashboard(page)
    wait_for_app_idle(page)
    wait_for_map_still(page)
    expect(
        page.get_by_role("list", name="Villes lauréates par région").get_by_role("listitem")
    ).to_have_count(18)
    expect(page.get_by_role("table")).to_be_visible()
    assert page.locator(MAP_IFRAME).is_visible()
    # The map's styles draw with the palette's custom properties, which the map's head defines.
    expect(map_frame(page).locator(".map-legend")).to_have_css(
        "border-top-color", rgb(PALETTE["legend_border"])
    )
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert SCREENSHOT.stat().st_size > 50_000
    write_preview_picture(page.locator(MAP_IFRAME).screenshot())
    assert PREVIEW_PICTURE.stat().st_size > 20_000
