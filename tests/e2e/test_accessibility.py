"""Accessible to everyone and usable on a phone: axe-core, keyboard only, language, outline, small screen."""

from __future__ import annotations

import itertools
import json
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import Browser, Frame, Locator, Page, ViewportSize, expect

from tests.e2e.conftest import guarded_page
from tests.e2e.harness import (
    MAP_IFRAME,
    MARKER_SELECTOR,
    StreamlitServer,
    feature_point,
    focus_path,
    map_document,
    map_frame,
    tab_until,
    wait_for_app_idle,
    wait_for_map_still,
    wait_for_markers,
    wait_for_query,
)
from tests.e2e.test_dashboard_browser import open_dashboard

pytestmark = pytest.mark.e2e

AXE_SUMMARY = Path(tempfile.gettempdir()) / "carte-e2e-axe-summary.json"
FAILING_IMPACTS = frozenset({"serious", "critical"})
PHONE: ViewportSize = {"width": 375, "height": 812}
METROPOLE, OVERSEAS = 49, 6


@dataclass(frozen=True)
class Exemption:
    """A known violation in markup the app does not write (Streamlit's, Leaflet's): rule AND node."""

    rule: str
    target: str  # a regular expression searched in the node's CSS selector
    reason: str

    def covers(self, rule: str, target: str) -> bool:
        return rule == self.rule and re.search(self.target, target) is not None


# None needed today: each serious or critical violation found so far was fixed in the app.
# One line each: Exemption("rule-id", r"selector pattern", "why the app cannot fix it").
EXEMPTIONS: tuple[Exemption, ...] = ()


@dataclass(frozen=True)
class Finding:
    where: str
    rule: str
    impact: str
    target: str
    html: str


def axe_findings(where: str, document: Page | Frame) -> list[Finding]:
    """axe-core's violations in one document, one per node; iframes are audited on their own."""
    results = Axe().run(document, options={"resultTypes": ["violations"], "iframes": False})
    findings = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            impact = node.get("impact") or violation["impact"] or "unknown"
            target = " ".join(" ".join(t) if isinstance(t, list) else str(t) for t in node["target"])
            findings.append(Finding(where, violation["id"], impact, target, node["html"][:200]))
    return findings


def audit(page: Page, state: str) -> list[Finding]:
    wait_for_app_idle(page)
    wait_for_map_still(page)
    return axe_findings(f"{state}: page", page) + axe_findings(f"{state}: map", map_document(page))


def by_impact(findings: list[Finding]) -> dict[str, int]:
    return dict(sorted(Counter(f.impact for f in findings).items()))


def test_axe_finds_no_serious_violation_at_load_and_after_a_filter(page: Page) -> None:
    open_dashboard(page)
    findings = audit(page, "load")

    regions = page.get_by_role("combobox", name="Régions")
    regions.click()
    page.keyboard.type("Bretag")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    wait_for_markers(page, 4)
    marker = map_frame(page).locator(MARKER_SELECTOR).first
    marker.focus()
    page.keyboard.press("Enter")
    expect(map_frame(page).locator(".leaflet-popup")).to_have_css("opacity", "1")  # faded in
    findings += audit(page, "Bretagne, popup open")

    kept = [f for f in findings if not any(e.covers(f.rule, f.target) for e in EXEMPTIONS)]
    summary: dict[str, Any] = {
        "nodes_by_impact_before_exemptions": by_impact(findings),
        "nodes_by_impact_after_exemptions": by_impact(kept),
        "rules": sorted(Counter(f"{f.where} | {f.rule} ({f.impact})" for f in findings).items()),
        "exemptions": [e.__dict__ for e in EXEMPTIONS],
    }
    AXE_SUMMARY.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"axe-core summary ({AXE_SUMMARY}):\n{json.dumps(summary, ensure_ascii=False, indent=1)}")
    failing = [f for f in kept if f.impact in FAILING_IMPACTS]
    assert not failing, "Serious or critical axe-core violations:\n" + "\n".join(map(str, failing))


def choose_zone(page: Page, label: str, key: str) -> None:
    """Moves along the segmented control with an arrow key until `label` has the focus, then selects it."""
    tab_until(page, page.get_by_role("radio", name=label, exact=True), key=key, max_presses=3)
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name=label, exact=True)).to_be_checked()


def test_keyboard_alone_filters_opens_a_popup_and_reaches_table_and_downloads(page: Page) -> None:
    open_dashboard(page)
    wait_for_app_idle(page)
    assert focus_path(page)[0][0] == "body"  # nothing focused yet

    # Territoire: Tab to the group (one stop), arrows to move, Space to select.
    tab_until(page, page.get_by_role("radio", name="Toutes", exact=True))
    choose_zone(page, "Métropole", "ArrowRight")
    wait_for_query(page, "zone", ["metropole"])
    wait_for_markers(page, METROPOLE)
    choose_zone(page, "Outre-mer", "ArrowRight")
    wait_for_query(page, "zone", ["outre-mer"])
    wait_for_markers(page, OVERSEAS)
    choose_zone(page, "Toutes", "ArrowLeft")
    wait_for_query(page, "zone", [])
    wait_for_markers(page, 55)

    # Régions, back up the tab order: type, Enter.
    tab_until(page, page.get_by_role("combobox", name="Régions"), key="Shift+Tab")
    page.keyboard.type("Bretag")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")  # closes the list of options
    wait_for_markers(page, 4)
    wait_for_query(page, "region", ["bretagne"])

    # Search: type, Enter; the counts follow.
    tab_until(page, page.get_by_role("textbox", name="Rechercher une ville"))
    page.keyboard.type("Quim")
    page.keyboard.press("Enter")
    wait_for_markers(page, 1)
    wait_for_query(page, "q", ["Quim"])
    expect(page.get_by_text("1 / 55", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^1 ville lauréate affichée sur 55"))).to_be_visible()

    # Into the map: Tab to the marker, Enter opens its popup, Escape closes it.
    marker = map_frame(page).get_by_role("button", name="Quimper : voir la fiche")
    tab_until(page, marker)
    page.keyboard.press("Enter")
    popup = map_frame(page).locator(".leaflet-popup .laureate-popup")
    expect(popup.locator("strong")).to_have_text("Quimper")
    expect(popup.locator("dd")).to_contain_text(["Finistère (29)", "Bretagne", "29232"])
    page.keyboard.press("Escape")
    expect(popup).to_have_count(0)

    # On to the table, then the downloads; Enter on the first one downloads the selection.
    tab_until(page, page.get_by_role("region", name="Liste des villes lauréates"))
    tab_until(page, page.get_by_role("button", name="Ville", exact=True), max_presses=2)
    csv_button = page.get_by_role("button", name="Télécharger la sélection (CSV)")
    tab_until(page, csv_button)
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    assert info.value.suggested_filename.endswith(".csv")
    tab_until(page, page.get_by_role("button", name="Télécharger la sélection (GeoJSON)"), max_presses=3)


_HEADINGS_JS = """
() => Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6, [role=heading]"), (h) => [
    Number(h.getAttribute("aria-level") || h.tagName.slice(1)), h.textContent.trim(),
])
"""


def test_french_language_heading_outline_and_names(page: Page) -> None:
    open_dashboard(page)
    wait_for_app_idle(page)
    assert page.evaluate("() => document.documentElement.lang") == "fr"
    map_doc = map_document(page)
    assert map_doc.evaluate("() => document.documentElement.lang") == "fr"

    headings: list[list[Any]] = page.evaluate(_HEADINGS_JS) + map_doc.evaluate(_HEADINGS_JS)
    levels = [level for level, _ in headings]
    assert levels[:1] == [1], headings
    assert levels.count(1) == 1, headings
    skipped = [(a, b) for a, b in itertools.pairwise(headings) if b[0] > a[0] + 1]
    assert not skipped, f"Heading levels skipped: {skipped}"

    expect(page.locator(MAP_IFRAME)).to_have_attribute("title", "Carte des villes lauréates")
    the_map = map_frame(page).get_by_role("region", name=re.compile("^Carte des villes lauréates"))
    expect(the_map).to_have_count(1)
    expect(the_map).to_have_attribute("aria-label", re.compile("liste complète suit dans le tableau"))
    expect(page.get_by_text(re.compile(r"^55 villes lauréates affichées sur 55"))).to_be_visible()

    page.locator('[data-testid="stMultiSelect"] input').click()  # a rerun keeps the frame's name
    page.keyboard.type("Bretag")
    page.keyboard.press("Enter")
    wait_for_markers(page, 4)
    expect(page.locator(MAP_IFRAME)).to_have_attribute("title", "Carte des villes lauréates")


@pytest.fixture
def phone(browser: Browser, streamlit_app: StreamlitServer, page_errors: list[str]) -> Iterator[Page]:
    """A guarded page in a phone-sized, touch, mobile context."""
    options = {"viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
    with guarded_page(browser, streamlit_app, page_errors, **options) as tab:
        yield tab


def within_phone_width(element: Locator) -> None:
    element.scroll_into_view_if_needed()
    expect(element).to_be_visible()
    box = element.bounding_box()
    assert box is not None
    assert box["x"] >= 0, f"{element} spans {box}"
    assert box["x"] + box["width"] <= PHONE["width"], f"{element} spans {box}"


def test_phone_shows_everything_without_sideways_scroll_and_taps_filter(phone: Page) -> None:
    open_dashboard(phone)
    wait_for_app_idle(phone)
    wait_for_map_still(phone)
    assert phone.evaluate("() => document.scrollingElement.scrollWidth") <= PHONE["width"]
    assert (
        phone.evaluate("() => document.querySelector('[data-testid=stMain]').scrollWidth") <= PHONE["width"]
    )
    for element in (
        phone.get_by_role("combobox", name="Régions"),
        phone.get_by_role("radiogroup", name="Territoire"),
        phone.get_by_role("textbox", name="Rechercher une ville"),
        phone.get_by_role("button", name="Réinitialiser la vue"),
        phone.locator("dl.counts"),
        phone.locator(MAP_IFRAME),
        phone.get_by_role("region", name="Liste des villes lauréates"),
        phone.get_by_text(re.compile(r"^55 villes lauréates affichées sur 55")),
    ):
        within_phone_width(element)
    map_box = phone.locator(MAP_IFRAME).bounding_box()
    assert map_box is not None
    assert map_box["height"] >= 300, map_box

    x, y = feature_point(phone, "slug", "bretagne")
    phone.touchscreen.tap(x, y)
    wait_for_markers(phone, 4)
    wait_for_query(phone, "region", ["bretagne"])
