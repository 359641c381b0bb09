"""One Streamlit server and one Chromium for the whole session; a fresh, guarded page per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, sync_playwright

from tests.e2e.harness import (
    PROJECT_DIR,
    NetworkGuard,
    StreamlitServer,
    install_network_guard,
    launch_chromium,
    streamlit_server,
)

DATASET = PROJECT_DIR / "data" / "laureates_geocoded.csv"
VIEWPORT: ViewportSize = {"width": 1400, "height": 1000}


@pytest.fixture(scope="session")
def streamlit_app() -> Iterator[StreamlitServer]:
    # The dataset is named explicitly, so that a CARTE_LAUREATES_CSV in the caller's env changes nothing.
    with streamlit_server(env={"CARTE_LAUREATES_CSV": str(DATASET)}) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Browser, streamlit_app: StreamlitServer) -> Iterator[BrowserContext]:
    ctx = browser.new_context(base_url=streamlit_app.url, viewport=VIEWPORT, accept_downloads=True)
    ctx.set_default_timeout(20_000)
    yield ctx
    ctx.close()


@pytest.fixture
def network_guard(context: BrowserContext) -> NetworkGuard:
    return install_network_guard(context)


@pytest.fixture
def page_errors() -> list[str]:
    return []


@pytest.fixture
def page(context: BrowserContext, network_guard: NetworkGuard, page_errors: list[str]) -> Iterator[Page]:
    """A page whose requests can only reach 127.0.0.1; the test fails on any other or on a JS error."""
    tab = context.new_page()
    tab.on("pageerror", lambda error: page_errors.append(f"{error.name}: {error.message}"))
    yield tab
    tab.wait_for_timeout(250)  # lets Playwright run the handlers of requests still in flight
    assert not network_guard.blocked, f"Requests left 127.0.0.1 (aborted): {network_guard.blocked}"
    assert not page_errors, f"Errors in the page: {page_errors}"
