"""The shared link wherever it is hosted: under a base path, behind the README's nginx, after a restart."""

from __future__ import annotations

import csv
import json
import re
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Response, WebSocket, expect

from carte.page import PAGE_TITLE
from tests.e2e.conftest import DATASET, guarded_page
from tests.e2e.harness import (
    StreamlitServer,
    map_and_marker_boxes,
    map_markup,
    marker_properties,
    start_streamlit,
    stop_streamlit,
    streamlit_server,
    wait_for_app_idle,
    wait_for_map_still,
    wait_for_markers,
    wait_for_query,
    wait_until,
)
from tests.e2e.proxy import BASE_PATH, Proxy, nginx_proxy
from tests.e2e.test_dashboard_browser import (
    BRETAGNE,
    CORSE,
    choose_in_list,
    click_region,
    towns_of,
    wait_for_whole_page,
)

pytestmark = pytest.mark.e2e

ENV = {"CARTE_LAUREATES_CSV": str(DATASET)}


@pytest.fixture(scope="module")
def under_path() -> Iterator[StreamlitServer]:
    with streamlit_server(env=ENV, base_path=BASE_PATH) as server:
        yield server


@pytest.fixture(scope="module")
def proxy(under_path: StreamlitServer) -> Iterator[Proxy]:
    with nginx_proxy(under_path.port) as running:
        yield running


def failed_responses(page: Page) -> list[str]:
    """Every response of 400 or more the page gets, kept as « status url »."""
    failed: list[str] = []

    def record(response: Response) -> None:
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    page.on("response", record)
    return failed


def the_shared_link_works(page: Page, root: str, tmp_path: Path) -> None:
    """The journeys of a shared link at `root` (no trailing slash): all 55 markers in view, a region
    click, the « Régions » list, a shared URL reopening its view, both downloads."""
    failed = failed_responses(page)
    page.goto(f"{root}/")
    wait_for_markers(page, 55, timeout_s=45)
    wait_for_whole_page(page)
    wait_for_map_still(page)
    container, markers = map_and_marker_boxes(page)
    assert len(markers) == 55
    assert all(container.contains(box) for box in markers)

    click_region(page, "bretagne", "Bretagne — 4 villes lauréates")
    wait_for_markers(page, 4)
    wait_for_query(page, "region", ["bretagne"])
    choose_in_list(page, "Corse")
    wait_for_markers(page, 5)
    wait_for_query(page, "region", ["bretagne", "corse"])
    assert page.url.startswith(f"{root}/?")

    page.goto(f"{root}/?region=bretagne&region=corse")
    wait_for_markers(page, 5, timeout_s=45)
    wait_for_whole_page(page)
    assert sorted(str(p["town"]) for p in marker_properties(page)) == towns_of(BRETAGNE, CORSE)
    wait_for_app_idle(page)
    for label, kind in (("CSV", "csv"), ("GeoJSON", "geojson")):
        with page.expect_download() as info:
            page.get_by_role("button", name=f"Télécharger la sélection ({label})").click()
        saved = tmp_path / info.value.suggested_filename
        info.value.save_as(saved)
        assert saved.suffix == f".{kind}"
        if kind == "csv":
            with saved.open(encoding="utf-8-sig", newline="") as file:
                towns = [row["town"] for row in csv.DictReader(file)]
        else:
            towns = [
                f["properties"]["town"] for f in json.loads(saved.read_text(encoding="utf-8"))["features"]
            ]
        assert sorted(towns) == towns_of(BRETAGNE, CORSE), kind
    assert failed == [], failed


def test_under_a_base_path_every_url_follows_it(
    browser: Browser, under_path: StreamlitServer, tmp_path: Path
) -> None:
    errors: list[str] = []
    with guarded_page(browser, under_path, errors) as page:
        the_shared_link_works(page, under_path.url, tmp_path)
        html = map_markup(page)
        static = re.findall(r'"([^"]*app/static/[^"]*)"', html)
        # Leaflet's script and style, the map's script and style, the outlines, the markers.
        assert len(set(static)) == 6, static
        assert all(url.startswith(f"/{BASE_PATH}/app/static/") for url in static), static


def test_behind_the_readme_s_nginx_the_shared_link_works(
    browser: Browser, under_path: StreamlitServer, proxy: Proxy, tmp_path: Path
) -> None:
    errors: list[str] = []
    with guarded_page(browser, under_path, errors) as page:
        the_shared_link_works(page, f"{proxy.url}/{BASE_PATH}", tmp_path)
    assert "[error]" not in proxy.error_log(), proxy.error_log()[-2000:]


def test_the_page_reconnects_after_the_backend_restarts(browser: Browser, tmp_path: Path) -> None:
    """A page left open while the app restarts (a deploy, a reboot) works again without a reload."""
    backend = start_streamlit(env=ENV, base_path=BASE_PATH)
    try:
        with nginx_proxy(backend.port) as running:
            errors: list[str] = []
            with guarded_page(browser, backend, errors) as page:
                replies: list[int] = []  # messages received, per websocket the page opened (to debug)

                def watch(socket: WebSocket) -> None:
                    index = len(replies)
                    replies.append(0)
                    socket.on("framereceived", lambda _: replies.__setitem__(index, replies[index] + 1))

                page.on("websocket", watch)
                page.goto(f"{running.url}/{BASE_PATH}/?region=bretagne")
                wait_for_markers(page, 4, timeout_s=45)
                wait_for_whole_page(page)
                port = backend.port
                stop_streamlit(backend)
                backend = start_streamlit(env=ENV, base_path=BASE_PATH, port=port)
                # Streamlit's page reconnects by itself (saying « Connecting » meanwhile), in a new
                # session that runs the script again for the page's URL.
                wait_until(lambda: len(replies) > 1, page, timeout_s=90, what="a new websocket")
                wait_for_app_idle(page, timeout_s=60)
                expect(page.get_by_role("dialog")).to_have_count(0)
                wait_for_markers(page, 4, timeout_s=60)
                # The new session's first run drew the first screen; the map, sent again, asked for the rest.
                wait_for_whole_page(page, timeout_s=60)
                expect(page.get_by_role("textbox", name="Rechercher une ville")).to_be_visible()
                # The first action starts the new session, which knows no callback yet (Streamlit
                # registers them in a run): it shows the URL's view again, kept by every run.
                sent_before = replies[-1]
                click_region(page, "bretagne", "Bretagne — 4 villes lauréates")
                wait_until(lambda: replies[-1] > sent_before, page, what="the new session's first run")
                wait_for_app_idle(page)
                wait_for_markers(page, 4)
                # From then on the page works as before: a click on the region shown alone shows all.
                click_region(page, "bretagne", "Bretagne — 4 villes lauréates")
                wait_for_markers(page, 55)
                wait_for_query(page, "region", [])
                choose_in_list(page, "Corse")
                wait_for_markers(page, 1)
                wait_for_query(page, "region", ["corse"])
                expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    finally:
        stop_streamlit(backend)


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.title, self._in_title = "", False
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "title":
            self._in_title = True
        if tag == "meta" and (key := found.get("property") or found.get("name")):
            self.meta[key] = found.get("content") or ""
        if tag == "html":
            self.meta["lang"] = found.get("lang") or ""

    def handle_endtag(self, tag: str) -> None:
        self._in_title = self._in_title and tag != "title"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def test_a_link_preview_gets_a_title_a_description_and_a_picture(proxy: Proxy) -> None:
    """What a chat, a mail or a social network reads of the link: no browser, no script."""
    with urllib.request.urlopen(f"{proxy.url}/{BASE_PATH}/?region=bretagne", timeout=10) as response:
        page = _Meta()
        page.feed(response.read().decode("utf-8"))
    assert page.title == PAGE_TITLE
    assert page.meta["lang"] == "fr"
    assert page.meta["og:title"] == page.meta["twitter:title"] == PAGE_TITLE
    assert "55 villes" in page.meta["description"]
    assert "55 villes" in page.meta["og:description"]
    assert page.meta["og:url"] == f"{proxy.url}/{BASE_PATH}/?region=bretagne"
    assert page.meta["twitter:card"] == "summary_large_image"
    image = page.meta["og:image"]
    assert image == page.meta["twitter:image"] == f"{proxy.url}/{BASE_PATH}/app/static/apercu-carte.png"
    with urllib.request.urlopen(image, timeout=10) as picture:
        assert picture.headers["Content-Type"] == "image/png"
        head = picture.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    size = (int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big"))  # the IHDR chunk
    assert (page.meta["og:image:width"], page.meta["og:image:height"]) == tuple(str(n) for n in size)


def test_the_deploy_file_serves_the_health_check_through_the_proxy(proxy: Proxy) -> None:
    with urllib.request.urlopen(f"{proxy.url}/{BASE_PATH}/_stcore/health", timeout=10) as response:
        assert response.read() == b"ok"
