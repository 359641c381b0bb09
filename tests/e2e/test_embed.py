"""The dashboard embedded in another site: the README's own iframe snippet, served from another origin."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Frame, Page, expect

from tests.e2e.conftest import app_context, checked_page
from tests.e2e.harness import (
    MAP_IFRAME,
    PROJECT_DIR,
    StreamlitServer,
    feature_point,
    install_network_guard,
    map_frame,
    marker_properties,
    wait_for_markers,
)
from tests.e2e.test_dashboard_browser import ALL_ROWS, BRETAGNE, CORSE, towns_of, wait_for_whole_page

pytestmark = pytest.mark.e2e

README_HOST = "https://carte.example.org/carte"  # the address the README's snippet tells readers to replace
SNIPPET = re.compile(r"```html\n(<iframe\n.*?</iframe>)\n```", re.DOTALL)


def readme_snippet(app_root: str) -> str:
    """The README's iframe block, pointed at `app_root`."""
    found: list[str] = SNIPPET.findall((PROJECT_DIR / "README.md").read_text(encoding="utf-8"))
    assert len(found) == 1, "README.md should hold exactly one ```html block with the <iframe> snippet"
    assert README_HOST in found[0]
    return found[0].replace(README_HOST, app_root)


@pytest.fixture
def host_page(streamlit_app: StreamlitServer) -> Iterator[str]:
    """An article page on another origin (localhost, not 127.0.0.1: another site) holding the snippet."""
    body = (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Un article</title></head>'
        f"<body><h1>Les villes lauréates</h1>{readme_snippet(streamlit_app.url)}</body></html>"
    ).encode()

    class Article(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Article)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def app_frame(page: Page) -> Frame:
    frame = page.locator("iframe").first.element_handle().content_frame()
    if frame is None:
        raise AssertionError("The article's iframe has no document")
    return frame


def test_the_readme_snippet_embeds_a_working_filtered_map(
    browser: Browser, streamlit_app: StreamlitServer, host_page: str
) -> None:
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"console error: {message.text}")

    with (
        app_context(browser, streamlit_app) as ctx,
        checked_page(ctx, install_network_guard(ctx), errors) as page,
    ):
        page.on("console", on_console)
        page.goto(host_page)
        frame = app_frame(page)
        assert frame.url.startswith(f"{streamlit_app.url}/?embed=true")
        wait_for_markers(frame, 4, timeout_s=45)
        wait_for_whole_page(frame)
        assert sorted(str(p["town"]) for p in marker_properties(frame)) == towns_of(BRETAGNE)
        expect(frame.locator(MAP_IFRAME)).to_be_visible()
        expect(frame.get_by_text("Adresse partagée")).to_have_count(0)  # embed is no ignored parameter

        for slug, label, towns in (
            (
                "bretagne",
                "Bretagne — 4 villes lauréates",
                sorted(row["town"] for row in ALL_ROWS),
            ),  # clicked again: all
            ("corse", "Corse — 1 ville lauréate", towns_of(CORSE)),
        ):
            x, y = feature_point(frame, "slug", slug)
            page.mouse.move(x, y)
            expect(map_frame(frame).get_by_role("tooltip", name=label)).to_be_visible()
            page.mouse.click(x, y)
            wait_for_markers(frame, len(towns))
            assert sorted(str(p["town"]) for p in marker_properties(frame)) == towns
        assert page.url == host_page  # the article stays where it is
