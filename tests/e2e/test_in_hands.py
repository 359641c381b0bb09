"""The map in real hands (issue 17): a laptop's 1366 × 768 screen, a phone, the wheel, the keyboard."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from territoires.mapping import MIN_ZOOM
from territoires.regions import REGIONS
from tests.e2e.conftest import guarded_page
from tests.e2e.harness import (
    MAP_IFRAME,
    MARKER_SELECTOR,
    PROJECT_DIR,
    NetworkGuard,
    StreamlitServer,
    map_evaluate,
    map_frame,
    tab_until,
    wait_for_app_idle,
    wait_for_map_still,
    wait_for_markers,
    wait_for_query,
    wait_until,
)
from tests.e2e.test_dashboard_browser import BRETAGNE, choose_in_list, open_dashboard, towns_of

pytestmark = pytest.mark.e2e

LAPTOP: ViewportSize = {"width": 1366, "height": 768}
PHONE: ViewportSize = {"width": 375, "height": 812}
GRAND_EST = len(towns_of("44"))
PHONE_SCREENSHOTS = {
    "/": PROJECT_DIR / "docs" / "screenshot-phone.png",
    "/?region=bretagne": PROJECT_DIR / "docs" / "screenshot-phone-bretagne.png",
}
PHONE_OPTIONS = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def laptop(browser: Browser, streamlit_app: StreamlitServer, page_errors: list[str]) -> Iterator[Page]:
    with guarded_page(browser, streamlit_app, page_errors, viewport=LAPTOP) as tab:
        yield tab


@pytest.fixture
def phone(browser: Browser, streamlit_app: StreamlitServer, page_errors: list[str]) -> Iterator[Page]:
    with guarded_page(browser, streamlit_app, page_errors, viewport=PHONE, **PHONE_OPTIONS) as tab:
        yield tab


def scroll_top(page: Page) -> float:
    """How far the page is scrolled: Streamlit scrolls its main element, not the document."""
    top: float = page.evaluate(
        "() => document.querySelector('[data-testid=stMain]').scrollTop + document.scrollingElement.scrollTop"
    )
    return top


def scroll_map_partly_into_view(page: Page, visible_px: float) -> None:
    """Scrolls the page so that only the map's top `visible_px` are on screen, as a user lands there."""
    viewport = page.viewport_size
    assert viewport is not None
    box = page.locator(MAP_IFRAME).bounding_box()
    assert box is not None
    page.evaluate(
        "(dy) => document.querySelector('[data-testid=stMain]').scrollBy(0, dy)",
        box["y"] - (viewport["height"] - visible_px),
    )
    box = page.locator(MAP_IFRAME).bounding_box()
    assert box is not None
    assert box["y"] + box["height"] > viewport["height"], "the map is wholly on screen: nothing to test"


# The page point of a visible, unobstructed point of the feature (region code or town) in the map's
# frame, without scrolling anything: None when it is off screen.
_POINT_JS = """
([kind, value, viewportHeight]) => {
    let target = null;
    window.map.eachLayer((layer) => {
        const p = layer.feature && layer.feature.properties;
        if (p && layer._path && (kind === "town" ? p.town === value : p.slug === value && !p.town)) { target = layer; }
    });
    if (!target) { return null; }
    const frame = window.frameElement.getBoundingClientRect();
    const box = target._path.getBoundingClientRect();
    const view = window.map.getContainer().getBoundingClientRect();
    const points = [[box.left + box.width / 2, box.top + box.height / 2]];
    for (let i = 1; i < 20; i++) {
        for (let j = 1; j < 20; j++) { points.push([box.left + (box.width * i) / 20, box.top + (box.height * j) / 20]); }
    }
    for (const [x, y] of points) {
        const onScreen = frame.top + y > 4 && frame.top + y < viewportHeight - 4;
        const inside = x > view.left + 4 && x < view.right - 4 && y > view.top + 4 && y < view.bottom - 4;
        if (onScreen && inside && document.elementFromPoint(x, y) === target._path) {
            return {x: frame.left + x, y: frame.top + y};
        }
    }
    return null;
}
"""


def visible_point(page: Page, kind: str, value: str) -> tuple[float, float]:
    viewport = page.viewport_size
    assert viewport is not None
    wait_for_map_still(page)
    found = map_evaluate(page, _POINT_JS, [kind, value, viewport["height"]])
    assert found is not None, f"no visible point of {kind} {value!r} on screen"
    return found["x"], found["y"]


def test_first_click_on_a_marker_of_a_map_partly_on_a_laptop_screen_opens_it(laptop: Page) -> None:
    open_dashboard(laptop)
    wait_for_app_idle(laptop)
    scroll_map_partly_into_view(laptop, 320)
    before = scroll_top(laptop)
    x, y = visible_point(laptop, "town", "Cherbourg-en-Cotentin")
    laptop.mouse.click(x, y)
    popup = map_frame(laptop).locator(".leaflet-popup .laureate-popup strong")
    expect(popup).to_have_text("Cherbourg-en-Cotentin")
    assert scroll_top(laptop) == before, "the page jumped on the first click"


def test_first_click_on_a_region_of_a_map_partly_on_a_laptop_screen_filters(laptop: Page) -> None:
    open_dashboard(laptop)
    wait_for_app_idle(laptop)
    scroll_map_partly_into_view(laptop, 420)
    before = scroll_top(laptop)
    x, y = visible_point(laptop, "region", "bretagne")
    laptop.mouse.click(x, y)
    wait_for_markers(laptop, 4)
    wait_for_query(laptop, "region", ["bretagne"])
    assert scroll_top(laptop) == before, "the page jumped on the first click"


def test_first_tap_on_a_region_of_a_map_partly_on_a_phone_screen_filters(phone: Page) -> None:
    phone.set_viewport_size({"width": 375, "height": 667})  # a small phone: the map ends below its screen
    open_dashboard(phone)
    wait_for_app_idle(phone)
    scroll_map_partly_into_view(phone, 300)
    before = scroll_top(phone)
    x, y = visible_point(phone, "region", "bretagne")
    phone.touchscreen.tap(x, y)
    wait_for_markers(phone, 4)
    wait_for_query(phone, "region", ["bretagne"])
    assert scroll_top(phone) == before, "the page jumped on the first tap"


def test_typing_part_of_a_region_and_enter_chooses_that_region(page: Page) -> None:
    open_dashboard(page)
    choose_in_list(page, "Bret")
    wait_for_query(page, "region", ["bretagne"])
    wait_for_markers(page, 4)
    expect(page.get_by_role("option", name="Select all")).to_have_count(0)


def map_zoom(page: Page) -> float:
    zoom: float = map_evaluate(page, "() => window.map.getZoom()")
    return zoom


def test_the_wheel_over_the_map_scrolls_the_page_and_ctrl_wheel_zooms_then_recentre(laptop: Page) -> None:
    open_dashboard(laptop)
    wait_for_app_idle(laptop)
    scroll_map_partly_into_view(laptop, 420)
    wait_for_map_still(laptop)
    zoom, before = map_zoom(laptop), scroll_top(laptop)
    x, y = visible_point(laptop, "region", "centre-val-de-loire")
    laptop.mouse.move(x, y)
    for _ in range(3):
        laptop.mouse.wheel(0, 100)
    wait_until(lambda: scroll_top(laptop) > before, laptop, what="the page to scroll")
    wait_for_map_still(laptop)
    assert map_zoom(laptop) == zoom, "a plain wheel zoomed the map"
    expect(map_frame(laptop).get_by_text("Ctrl + molette", exact=False)).to_be_visible()

    x, y = visible_point(laptop, "region", "centre-val-de-loire")
    laptop.mouse.move(x, y)
    laptop.keyboard.down("Control")
    laptop.mouse.wheel(0, -100)
    laptop.keyboard.up("Control")
    wait_until(lambda: map_zoom(laptop) > zoom, laptop, what="Ctrl + wheel to zoom in")
    wait_for_map_still(laptop)

    map_frame(laptop).get_by_role("button", name="Recentrer").click()
    wait_until(lambda: map_zoom(laptop) == zoom, laptop, what="« Recentrer » to bring the framing back")


def test_zooming_out_stops_at_the_scale_of_france(laptop: Page) -> None:
    """Not at the whole world, where the map is a dot: « Zoom arrière » is disabled at MIN_ZOOM."""
    open_dashboard(laptop)
    wait_for_app_idle(laptop)
    zoom_out = map_frame(laptop).get_by_role("button", name="Zoom arrière")
    for _ in range(20):  # half a level a press: from the first framing, a few presses
        if zoom_out.get_attribute("aria-disabled") == "true":
            break
        zoom_out.click()
        wait_for_map_still(laptop)
    assert map_zoom(laptop) == MIN_ZOOM
    expect(zoom_out).to_have_attribute("aria-disabled", "true")


# Boxes in the map's frame: [left, top, right, bottom].
_BOXES_JS = """
(selector) => Array.from(document.querySelectorAll(selector), (el) => {
    const r = el.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
}).filter((b) => b[2] > b[0] && b[3] > b[1])
"""


def overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_on_a_phone_no_control_covers_a_marker_popup(phone: Page) -> None:
    open_dashboard(phone, "/?region=bretagne", markers=4)
    wait_for_app_idle(phone)
    phone.locator(MAP_IFRAME).scroll_into_view_if_needed()
    popup = map_frame(phone).locator(".leaflet-popup")
    for town in towns_of(BRETAGNE):
        x, y = visible_point(phone, "town", town)
        phone.touchscreen.tap(x, y)
        expect(popup.locator("strong")).to_have_text(town)
        wait_for_map_still(phone)
        (box,) = map_evaluate(phone, _BOXES_JS, ".leaflet-popup-content-wrapper")
        controls = map_evaluate(phone, _BOXES_JS, ".leaflet-control")
        covered = [c for c in controls if overlap(box, c)]
        assert not covered, f"{town}: the popup {box} is under the controls {covered}"
        map_frame(phone).get_by_role("button", name="Fermer la fiche").click()
        expect(popup).to_have_count(0)
        map_frame(phone).get_by_role("button", name="Recentrer").click()  # the popup panned the map


# Each inset's frame and label, [left, top, right, bottom] in the map's frame, null when not drawn;
# and the map container's box.
_INSETS_JS = """
() => {
    const box = (el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && getComputedStyle(el).display !== "none" ? [r.left, r.top, r.right, r.bottom] : null;
    };
    return [box(window.map.getContainer()),
            Array.from(document.querySelectorAll("path.inset-frame"), box),
            Array.from(document.querySelectorAll(".inset-label"), (el) => [el.textContent, box(el)])];
}
"""


def inside(outer: list[float], inner: list[float]) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


@pytest.mark.parametrize(
    ("path", "markers", "all_shown"),
    [("/?region=bretagne&region=corse", 5, False), ("/?zone=outre-mer", 6, True)],
)
def test_insets_are_drawn_whole_and_uncovered_or_not_at_all(
    page: Page, path: str, markers: int, all_shown: bool
) -> None:
    open_dashboard(page, path, markers=markers)
    wait_for_app_idle(page)
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    wait_for_map_still(page)
    container, frames, labels = map_evaluate(page, _INSETS_JS)
    controls = map_evaluate(page, _BOXES_JS, ".leaflet-control")
    assert len(frames) == len(labels) == 6
    for frame, (name, label) in zip(frames, labels, strict=True):
        assert (frame is None) == (label is None), f"{name}: its frame and label are not drawn alike"
        if all_shown:
            assert frame is not None, f"{name}'s inset is not drawn in the overseas view"
        for part in (frame, label):
            if part is not None:
                assert inside(container, part), f"{name}: {part} is cut by the map's edge {container}"
                covering = [c for c in controls if overlap(part, c)]
                assert not covering, f"{name}: {part} is under the controls {covering}"


def search(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="Rechercher une ville")
    box.fill(text)
    box.press("Enter")


def test_a_search_with_no_result_says_so_in_french_with_a_way_back(page: Page) -> None:
    open_dashboard(page)
    search(page, "Zzyzx")
    wait_for_markers(page, 0)
    expect(page.get_by_text("Aucune ville ne correspond à « Zzyzx ».", exact=False)).to_be_visible()
    expect(page.get_by_text("empty", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Effacer la recherche").click()
    wait_for_markers(page, 55)
    wait_for_query(page, "q", [])


def test_a_one_town_search_frames_the_town_with_its_region(page: Page) -> None:
    open_dashboard(page)
    search(page, "Quimper")
    wait_for_markers(page, 1)
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    wait_for_map_still(page)
    # All of Bretagne's outline in view around Quimper, not a street-level blank.
    shown = map_evaluate(
        page,
        """() => {
            let region = null;
            window.map.eachLayer((l) => { if (l.feature && l.feature.properties.slug === "bretagne") { region = l; } });
            return window.map.getBounds().contains(region.getBounds());
        }""",
    )
    assert shown, f"Bretagne is not wholly in view at zoom {map_zoom(page)}"


def test_turning_the_background_on_keeps_the_users_zoom(page: Page, network_guard: NetworkGuard) -> None:
    open_dashboard(page)
    wait_for_app_idle(page)
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    wait_for_map_still(page)
    map_frame(page).get_by_role("button", name="Zoom avant").click()
    wait_for_map_still(page)
    zoomed = map_zoom(page)
    page.get_by_text("Afficher le fond de carte OpenStreetMap", exact=True).click()
    wait_until(lambda: bool(network_guard.blocked), page, what="a tile request")
    wait_for_app_idle(page)
    wait_for_map_still(page)
    assert map_zoom(page) == zoomed, "the background toggle lost the user's zoom"
    network_guard.blocked.clear()  # tile requests were expected


def test_the_ignored_parameter_notice_closes_and_goes_after_a_filter_change(page: Page) -> None:
    notice = page.get_by_text("Adresse partagée : ignoré", exact=False)
    open_dashboard(page, "/?zone=metro&utm_source=x")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("métropole")
    page.get_by_role("button", name="Fermer l'avis").click()
    expect(notice).to_have_count(0)

    open_dashboard(page, "/?utm_source=x")
    expect(notice).to_be_visible()
    choose_in_list(page, "Bret")
    wait_for_markers(page, 4)
    expect(notice).to_have_count(0)


def test_the_reset_button_brings_back_the_whole_view(page: Page) -> None:
    open_dashboard(page, "/?region=bretagne&zone=metropole&q=quim", markers=1)
    wait_for_app_idle(page)
    reset = page.get_by_role("button", name="Réinitialiser la vue")
    reset.click()
    wait_for_markers(page, 55)
    for key in ("region", "zone", "q"):
        wait_for_query(page, key, [])
    expect(page.get_by_role("textbox", name="Rechercher une ville")).to_have_value("")
    expect(reset).to_be_disabled()
    # Disabled, it still looks like a button: a visible border.
    assert reset.evaluate("(b) => getComputedStyle(b).borderTopStyle") != "none"
    assert reset.evaluate("(b) => getComputedStyle(b).borderTopColor") not in (
        "rgba(0, 0, 0, 0)",
        "transparent",
    )


@pytest.mark.parametrize("width", [320, 375, 414])
@pytest.mark.parametrize(("path", "markers"), [("/", 55), ("/?region=bretagne", 4)])
def test_a_phone_s_first_screen_shows_the_map_and_its_controls_apart(
    browser: Browser,
    streamlit_app: StreamlitServer,
    page_errors: list[str],
    width: int,
    path: str,
    markers: int,
) -> None:
    viewport: ViewportSize = {"width": width, "height": PHONE["height"]}
    with guarded_page(browser, streamlit_app, page_errors, viewport=viewport, **PHONE_OPTIONS) as phone:
        open_dashboard(phone, path, markers=markers)
        wait_for_app_idle(phone)
        wait_for_map_still(phone)
        assert scroll_top(phone) == 0
        box = phone.locator(MAP_IFRAME).bounding_box()
        assert box is not None
        on_screen = min(box["y"] + box["height"], PHONE["height"]) - max(box["y"], 0)
        assert on_screen >= 300, (
            f"{on_screen:.0f} px of map on the first screen (its frame starts at {box['y']:.0f})"
        )
        controls = map_evaluate(phone, _BOXES_JS, ".leaflet-control")
        clashes = [(a, b) for i, a in enumerate(controls) for b in controls[i + 1 :] if overlap(a, b)]
        assert not clashes, f"map controls over each other: {clashes}"
        for control in (
            phone.get_by_role("combobox", name="Régions"),
            phone.get_by_role("textbox", name="Rechercher une ville"),
            phone.get_by_role("button", name="Réinitialiser la vue"),
        ):
            control.scroll_into_view_if_needed()
            expect(control).to_be_in_viewport()
        if width == PHONE["width"]:  # the README's pictures: the first screen, as it opens
            phone.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")
            wait_for_map_still(phone)
            phone.screenshot(path=PHONE_SCREENSHOTS[path])


def test_back_steps_through_views_and_the_page_follows(page: Page) -> None:
    open_dashboard(page)
    choose_in_list(page, "Grand")
    wait_for_markers(page, GRAND_EST)
    wait_for_query(page, "region", ["grand-est"])
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Réinitialiser la vue").click()
    wait_for_markers(page, 55)
    wait_for_query(page, "region", [])
    page.go_back()
    wait_for_query(page, "region", ["grand-est"])
    wait_for_markers(page, GRAND_EST)
    expect(page.get_by_text(f"{GRAND_EST} / 55", exact=True)).to_be_visible()
    page.go_forward()
    wait_for_query(page, "region", [])
    wait_for_markers(page, 55)


# Names drawn on the map and what they must keep clear of, [left, top, right, bottom] in the map's frame.
_NAMES_JS = """
() => {
    const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
    const shown = (el) => el.getBoundingClientRect().width > 0 && getComputedStyle(el).display !== "none";
    return {
        container: box(window.map.getContainer()),
        names: Array.from(document.querySelectorAll(".town-name"), (el) => [el.textContent, box(el)]),
        markers: Array.from(document.querySelectorAll("path.laureate"), box),
        insetLabels: Array.from(document.querySelectorAll(".inset-label"), (el) => [el.textContent, shown(el) ? box(el) : null]),
    };
}
"""
PHONE_WIDTHS = [320, 375, 414]
OVERSEAS_CODES = [ref.code for ref in REGIONS if ref.overseas]


@contextlib.contextmanager
def phone_of_width(
    browser: Browser, server: StreamlitServer, errors: list[str], width: int, path: str, markers: int
) -> Iterator[Page]:
    """A phone `width` px wide on `path`, the map scrolled into view and still."""
    viewport: ViewportSize = {"width": width, "height": PHONE["height"]}
    with guarded_page(browser, server, errors, viewport=viewport, **PHONE_OPTIONS) as phone:
        open_dashboard(phone, path, markers=markers)
        wait_for_app_idle(phone)
        phone.locator(MAP_IFRAME).scroll_into_view_if_needed()
        wait_for_map_still(phone)
        yield phone


def pairwise_apart(named: list[tuple[str, list[float]]]) -> list[tuple[str, str]]:
    return [
        (a, b) for i, (a, box_a) in enumerate(named) for b, box_b in named[i + 1 :] if overlap(box_a, box_b)
    ]


# The share of the map's width the metropolitan outlines take.
_METROPOLE_WIDTH_JS = """
(overseas) => {
    let left = Infinity, right = -Infinity;
    window.map.eachLayer((layer) => {
        const p = layer.feature && layer.feature.properties;
        if (p && p.slug && layer._path && !overseas.includes(p.code)) {
            const r = layer._path.getBoundingClientRect();
            left = Math.min(left, r.left);
            right = Math.max(right, r.right);
        }
    });
    return (right - left) / window.map.getContainer().getBoundingClientRect().width;
}
"""


@pytest.mark.parametrize("width", PHONE_WIDTHS)
def test_on_a_phone_the_whole_map_uses_the_width_with_inset_names_apart_and_no_town_name(
    browser: Browser, streamlit_app: StreamlitServer, page_errors: list[str], width: int
) -> None:
    with phone_of_width(browser, streamlit_app, page_errors, width, "/", 55) as phone:
        drawn = map_evaluate(phone, _NAMES_JS)
        labels = drawn["insetLabels"]
        assert len(labels) == 6
        assert all(box is not None for _, box in labels), f"insets not all drawn: {labels}"
        assert not pairwise_apart(labels), f"inset names over each other: {pairwise_apart(labels)}"
        assert drawn["names"] == [], "town names drawn for all 55 towns"
        share = map_evaluate(phone, _METROPOLE_WIDTH_JS, OVERSEAS_CODES)
        assert share >= 0.72, f"metropolitan France takes {share:.0%} of the map's width"


def test_a_phone_turned_after_load_keeps_the_inset_names_apart_and_the_insets_whole(
    browser: Browser, streamlit_app: StreamlitServer, page_errors: list[str]
) -> None:
    with phone_of_width(browser, streamlit_app, page_errors, PHONE["width"], "/", 55) as phone:
        phone.set_viewport_size({"width": PHONE["height"], "height": PHONE["width"]})
        wait_until(
            lambda: map_evaluate(phone, _NAMES_JS)["container"][2] > PHONE["width"], what="the map to widen"
        )
        wait_for_map_still(phone)
        drawn = map_evaluate(phone, _NAMES_JS)
        labels = [(name, box) for name, box in drawn["insetLabels"] if box is not None]
        assert len(labels) == 6, f"insets hidden after turning: {drawn['insetLabels']}"
        assert not pairwise_apart(labels), f"inset names over each other: {pairwise_apart(labels)}"
        for name, box in labels:
            assert inside(drawn["container"], box), f"the inset name {name} {box} is cut by the map's edge"


@pytest.mark.parametrize("width", PHONE_WIDTHS)
def test_on_a_phone_a_region_s_town_names_are_drawn_apart_and_clear_of_the_markers(
    browser: Browser, streamlit_app: StreamlitServer, page_errors: list[str], width: int
) -> None:
    with phone_of_width(browser, streamlit_app, page_errors, width, "/?region=bretagne", 4) as phone:
        drawn = map_evaluate(phone, _NAMES_JS)
        names = drawn["names"]
        assert sorted(name for name, _ in names) == towns_of(BRETAGNE)
        assert not pairwise_apart(names), f"town names over each other: {pairwise_apart(names)}"
        for name, box in names:
            assert inside(drawn["container"], box), f"{name} {box} is cut by the map's edge"
            covered = [m for m in drawn["markers"] if overlap(box, m)]
            assert not covered, f"{name} {box} is over the markers {covered}"
            under = [label for label, b in drawn["insetLabels"] if b is not None and overlap(box, b)]
            assert not under, f"{name} {box} is over the inset names {under}"


# A marker's centre, in the page's coordinates.
_CENTRE_JS = """
(town) => {
    let centre = null;
    window.map.eachLayer((layer) => {
        const p = layer.feature && layer.feature.properties;
        if (p && p.town === town && layer._path) {
            const r = layer._path.getBoundingClientRect(), frame = window.frameElement.getBoundingClientRect();
            centre = [frame.left + (r.left + r.right) / 2, frame.top + (r.top + r.bottom) / 2];
        }
    });
    return centre;
}
"""
# Points of the 24 px circle around a target (the one WCAG 2.5.8 centres on it), off its 12 to 14 px dot.
ON_THE_CIRCLE = [(8.1, 8.1), (-8.1, 8.1), (8.1, -8.1), (-8.1, -8.1)]
# What the map's frame saw, for the message of a failure: popups opened and closed, clicks and pointer
# ups (type, pointer, target's class, trusted), each at its time. A popup once failed to close after
# « Fermer la fiche », 1 run in about 20, never since reproduced: this says why if it comes back.
_WATCH_POPUPS_JS = """
() => {
    const log = window.__popupLog = [], t0 = performance.now();
    const at = () => Math.round(performance.now() - t0);
    window.map.on("popupopen popupclose", (e) => {
        const box = e.popup.getElement();
        log.push([at(), e.type, box ? box.textContent.slice(0, 30) : ""]);
    });
    for (const type of ["pointerup", "click"]) {
        document.addEventListener(type, (e) => {
            const c = e.target.getAttribute && (e.target.getAttribute("class") || e.target.tagName);
            log.push([at(), type, e.pointerType || "", c, e.isTrusted]);
        }, true);
    }
}
"""


@pytest.mark.parametrize("pointer", ["finger", "mouse"])
def test_on_a_phone_markers_and_controls_are_targets_of_24_px_at_least(phone: Page, pointer: str) -> None:
    open_dashboard(phone, "/?region=bretagne", markers=4)
    wait_for_app_idle(phone)
    phone.locator(MAP_IFRAME).scroll_into_view_if_needed()
    popup = map_frame(phone).locator(".leaflet-popup")
    press = phone.touchscreen.tap if pointer == "finger" else phone.mouse.click
    map_evaluate(phone, _WATCH_POPUPS_JS)
    for town in towns_of(BRETAGNE):
        for dx, dy in ON_THE_CIRCLE:
            wait_for_map_still(phone)
            x, y = map_evaluate(phone, _CENTRE_JS, town)
            # A tap there once filtered the region beneath: Chromium's touch adjustment sent its click
            # to the outline (kit.js, carte.taps).
            press(x + dx, y + dy)
            expect(popup.locator("strong"), f"a {pointer} {dx}, {dy} px from {town}").to_have_text(town)
            expect(phone, f"a {pointer} {dx}, {dy} px from {town}").to_have_url(
                re.compile(r"\?region=bretagne$")
            )
            map_frame(phone).get_by_role("button", name="Fermer la fiche").click()
            try:
                expect(popup).to_have_count(0)
            except AssertionError as err:
                seen = map_evaluate(phone, "() => window.__popupLog.slice(-12)")
                raise AssertionError(f"{err}\nthe frame saw, last: {seen}") from None
            map_frame(phone).get_by_role("button", name="Recentrer").click()  # the popup panned the map
    controls = [
        map_frame(phone).get_by_role("button", name="Zoom avant"),
        map_frame(phone).get_by_role("button", name="Zoom arrière"),
        map_frame(phone).get_by_role("button", name="Recentrer"),
        # The switch takes taps on its whole label, track and words.
        phone.get_by_role("switch", name="Afficher le fond de carte OpenStreetMap").locator(
            "xpath=ancestor::label"
        ),
    ]
    for control in controls:
        box = control.bounding_box()
        assert box is not None, control
        assert box["width"] >= 24, (control, box)
        assert box["height"] >= 24, (control, box)


def test_keyboard_focus_shows_on_the_map_and_a_marker_s_ring_is_clear_of_its_tooltip(page: Page) -> None:
    open_dashboard(page, "/?region=bretagne", markers=4)
    wait_for_app_idle(page)
    container = map_frame(page).locator(".leaflet-container")
    tab_until(page, container)
    style = container.evaluate(
        "(el) => { const s = getComputedStyle(el);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth), parseFloat(s.outlineOffset)]; }"
    )
    outline, width, offset = style
    assert outline == "solid", f"the map's focus ring: {style}"
    assert width >= 2, f"the map's focus ring: {style}"
    assert offset + width <= 0, f"the map's focus ring {style} lies outside its frame, which cuts it"
    marker = map_frame(page).locator(MARKER_SELECTOR).first
    tab_until(page, marker)
    tooltip = map_frame(page).locator(".leaflet-tooltip")
    expect(tooltip).to_have_count(1)
    ring = marker.evaluate(
        "(el) => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);"
        " const out = parseFloat(s.outlineWidth) + parseFloat(s.outlineOffset);"
        " return [r.left - out, r.top - out, r.right + out, r.bottom + out]; }"
    )
    (box,) = map_evaluate(page, _BOXES_JS, ".leaflet-tooltip")
    assert not overlap(ring, box), f"the tooltip {box} covers the marker's focus ring {ring}"
