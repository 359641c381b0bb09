"""The page in real hands (issue 17, the page's side): the keyboard past the map, a search that finds
what people type as they type it, French wherever the page speaks, and the printed page."""

from __future__ import annotations

import re
import unicodedata

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.harness import (
    MAP_IFRAME,
    current_url,
    focus_path,
    has_focus,
    map_and_marker_boxes,
    map_document,
    map_frame,
    marker_properties,
    tab_until,
    wait_for_app_idle,
    wait_for_map_still,
    wait_for_markers,
    wait_for_query,
)
from tests.e2e.test_dashboard_browser import (
    BRETAGNE,
    choose_in_list,
    open_dashboard,
    regions_multiselect,
    towns_of,
)

pytestmark = pytest.mark.e2e

# Streamlit's own English, which the page must never show: replaced, hidden or avoided (README,
# « Ce qui reste en anglais », lists what cannot be).
STREAMLIT_ENGLISH = (
    "Select all",
    "matches",
    "Press Enter",
    "to apply",
    "empty",
    "Download as CSV",
    "No results",
    "Choose an option",
    "Choose options",
    "No options",
    "Help for",
    "Skip to main content",
    "Link to heading",
)
# A4 less the 12 mm margins of page.css's @page, in CSS pixels (96 per inch).
A4_CONTENT_WIDTH_PX = round((210 - 2 * 12) / 25.4 * 96)
A4_POINTS = (595.92, 842.88)  # 210 × 297 mm, as Chromium writes a PDF's MediaBox


def search_box(page: Page) -> Locator:
    return page.get_by_role("textbox", name="Rechercher une ville")


def test_the_skip_link_takes_the_keyboard_past_the_map(page: Page) -> None:
    open_dashboard(page)
    wait_for_app_idle(page)
    skip = page.get_by_role("link", name="Passer la carte")
    box = skip.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 0, f"the link shows before it has the focus: {box}"

    tab_until(page, search_box(page))  # the panel's last stop: « Réinitialiser la vue » is disabled
    page.keyboard.press("Tab")  # the next stop is the link, before the map's
    assert has_focus(skip), f"the focus is on {focus_path(page)}"
    expect(skip).to_be_in_viewport()
    box = skip.bounding_box()
    assert box is not None
    assert box["x"] >= 0, f"the focused link is out of sight: {box}"

    page.keyboard.press("Enter")
    heading = page.get_by_role("heading", name="Liste des villes lauréates")
    assert has_focus(heading), f"the focus is on {focus_path(page)}"
    expect(heading).to_be_in_viewport()
    page.keyboard.press("Tab")  # on after the map, in the table's part: not one of the map's stops
    in_table = page.locator(".st-key-liste").evaluate("(part) => part.contains(document.activeElement)")
    assert in_table, f"the focus is on {focus_path(page)}"
    assert "#" not in current_url(page), "the link wrote its anchor in the address"


def test_the_search_finds_towns_departments_and_regions_as_they_are_typed(page: Page) -> None:
    open_dashboard(page)
    box = search_box(page)
    for typed, towns in [
        ("st die", ["Saint-Dié-des-Vosges"]),
        ("68", ["Colmar", "Saint-Louis"]),
        ("chalons en champagne", ["Châlons-en-Champagne"]),
        ("Bretagne", towns_of(BRETAGNE)),
    ]:
        box.clear()
        box.press_sequentially(typed, delay=30)  # no Enter: the map follows the typing
        wait_for_markers(page, len(towns))
        assert sorted(str(p["town"]) for p in marker_properties(page)) == towns, typed
        wait_for_query(page, "q", [typed])


def visible_strings(page: Page) -> str:
    """What the page and the map's frame show: their rendered text (what is hidden is not in it),
    the placeholders and the names (aria-label, title) of what is on screen."""
    script = """() => {
        const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility === "visible";
        const names = Array.from(document.querySelectorAll("[placeholder], [aria-label], [title]"))
            .filter(shown)
            .flatMap((el) => ["placeholder", "aria-label", "title"].map((a) => el.getAttribute(a) || ""));
        return [document.body.innerText, ...names].join("\\n");
    }"""
    text: str = page.evaluate(script)
    if page.locator(MAP_IFRAME).count():
        text += "\n" + map_document(page).evaluate(script)
    return text


def assert_french(page: Page, view: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "fr")  # the page's script and styles are in
    text = visible_strings(page)
    found = [english for english in STREAMLIT_ENGLISH if english in text]
    assert not found, f"{view}: Streamlit's English in view: {found}"


def test_the_page_speaks_french_in_its_main_views(page: Page) -> None:
    open_dashboard(page)
    wait_for_app_idle(page)
    assert_french(page, "/")
    expect(page.get_by_text("55 villes lauréates affichées sur 55", exact=False)).to_be_visible()

    open_dashboard(page, "/?region=bretagne", markers=4)
    wait_for_app_idle(page)
    assert_french(page, "?region=bretagne")
    expect(page.get_by_text("4 villes lauréates affichées sur 55", exact=False)).to_be_visible()

    open_dashboard(page, "/?q=Zzyzx", markers=0)
    expect(page.get_by_text("Aucune ville ne correspond à « Zzyzx ».")).to_be_visible()
    wait_for_app_idle(page)
    assert_french(page, "a search with no result")
    expect(page.get_by_text("Aucune ville lauréate affichée sur 55", exact=False)).to_be_visible()

    open_dashboard(page, "/?q=Quimper", markers=1)
    wait_for_app_idle(page)
    expect(page.get_by_text("1 ville lauréate affichée sur 55", exact=False)).to_be_visible()
    search_box(page).click()
    search_box(page).press("End")
    page.keyboard.type("r")  # a change not yet applied: no « Press Enter to apply »
    assert_french(page, "typing in the search")

    regions_multiselect(page).locator("input").click()
    page.keyboard.type("Bret")
    expect(page.get_by_role("option", name=re.compile("^Bretagne"))).to_be_visible()
    assert_french(page, "the list opened with « Bret » typed")
    page.keyboard.type("zzz")
    nothing = page.locator('[role="listbox"][data-empty="true"] [role="option"] > span')
    expect(nothing).to_have_count(1)
    assert_french(page, "the list with nothing that matches")
    said = nothing.evaluate("(el) => getComputedStyle(el, '::after').content")
    assert said == '"Aucune région ne correspond"', said


def as_french_sorts(text: str) -> str:
    """A key that orders town names as French does: accents and case aside (« Épinal » among the E)."""
    return unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode().casefold()


def test_the_table_sorts_by_the_heading_pressed_and_keeps_that_order_in_the_next_view(page: Page) -> None:
    open_dashboard(page)
    wait_for_app_idle(page)
    table = page.get_by_role("table")
    towns, latitudes = table.locator("tbody td:nth-child(1)"), table.locator("tbody td:nth-child(5)")
    table.get_by_role("button", name="Latitude").click()
    expect(table.get_by_role("columnheader", name="Latitude")).to_have_attribute("aria-sort", "ascending")
    values = [float(text) for text in latitudes.all_inner_texts()]
    assert len(values) == 55
    assert values == sorted(values), "latitudes sorted as text, not as numbers"  # -21 before -12
    table.get_by_role("button", name="Latitude").click()
    expect(table.get_by_role("columnheader", name="Latitude")).to_have_attribute("aria-sort", "descending")
    assert [float(text) for text in latitudes.all_inner_texts()] == sorted(values, reverse=True)
    # By keyboard, then by town: French order, « Épinal » among the E.
    heading = table.get_by_role("button", name="Ville", exact=True)
    heading.focus()
    page.keyboard.press("Enter")
    expect(table.get_by_role("columnheader", name="Ville")).to_have_attribute("aria-sort", "ascending")
    expect(table.get_by_role("columnheader", name="Latitude")).to_have_attribute("aria-sort", "none")
    names = towns.all_inner_texts()
    assert names == sorted(names, key=as_french_sorts)
    page.keyboard.press("Enter")
    expect(towns.first).to_have_text(max(names, key=as_french_sorts))
    # Another view draws another table: in the order chosen.
    choose_in_list(page, "Bret")
    page.keyboard.press("Escape")  # the list's open menu hides the rest of the page from roles
    wait_for_markers(page, 4)
    bretagne: list[str] = sorted(towns_of(BRETAGNE), key=as_french_sorts, reverse=True)
    expect(towns).to_have_text(bretagne)
    expect(table.get_by_role("columnheader", name="Ville")).to_have_attribute("aria-sort", "descending")


def test_the_printed_page_is_an_a4_page_without_widgets(page: Page) -> None:
    open_dashboard(page, "/?region=bretagne", markers=4)
    wait_for_app_idle(page)
    widgets = [
        page.get_by_role("combobox", name="Régions"),
        page.get_by_role("radiogroup", name="Territoire"),
        search_box(page),
        page.get_by_role("button", name="Réinitialiser la vue"),
        page.get_by_role("switch", name="Afficher le fond de carte OpenStreetMap"),
        page.get_by_role("button", name=re.compile("^Télécharger")),
        page.get_by_role("link", name="Passer la carte"),
        page.locator('[data-testid="stHeader"]'),
    ]
    assert all(widget.count() for widget in widgets)  # on screen, each is there
    # Printed from a desktop's screen: the print layout, then the width of the paper.
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_CONTENT_WIDTH_PX, "height": 1000})
    for widget in widgets:
        for one in widget.all():
            expect(one).to_be_hidden()
    for shown in (
        page.get_by_role("heading", level=1),
        page.locator("dl.counts"),
        page.locator(MAP_IFRAME),
        page.locator(".source"),
        page.get_by_role("table"),
    ):
        expect(shown).to_be_visible()
    expect(page.locator("dl.counts")).to_contain_text("4 / 55")
    for control in (".leaflet-control-zoom", ".map-recentre"):  # the map's own buttons, in its frame
        expect(map_frame(page).locator(control)).to_be_hidden()
    rows = page.locator(".laureates-table tbody tr td:first-child")
    expect(rows).to_have_text(towns_of(BRETAGNE))
    cut = page.evaluate(
        "() => { const box = document.querySelector('.laureates-table');"
        " return box.scrollHeight - box.clientHeight; }"
    )
    assert cut == 0, f"the printed table hides {cut} px of its rows"

    wait_for_map_still(page)
    container, markers = map_and_marker_boxes(page)
    assert len(markers) == 4
    outside = [marker for marker in markers if not container.contains(marker)]
    assert not outside, f"the printed map does not frame the view: {outside} outside {container}"
    widths = page.evaluate(
        """() => [document.scrollingElement.scrollWidth,
                  ...Array.from(document.querySelectorAll("h1, dl.counts, iframe, .laureates-table, .source"),
                                (el) => el.getBoundingClientRect().right)]"""
    )
    assert max(widths) <= A4_CONTENT_WIDTH_PX, f"wider than an A4 page ({A4_CONTENT_WIDTH_PX} px): {widths}"

    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert boxes, "no page in the PDF"
    assert {(round(float(w), 2), round(float(h), 2)) for w, h in boxes} == {A4_POINTS}
