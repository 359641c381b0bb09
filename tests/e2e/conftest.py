"""One Streamlit server and one Chromium for the whole session; a fresh, guarded page per test."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, ViewportSize, sync_playwright

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


@contextlib.contextmanager
def app_context(browser: Browser, server: StreamlitServer, **options: Any) -> Iterator[BrowserContext]:
    """A browser context on `server`, desktop-sized unless `options` say otherwise."""
    ctx = browser.new_context(
        **{"base_url": server.url, "viewport": VIEWPORT, "accept_downloads": True, **options}
    )
    ctx.set_default_timeout(20_000)
    try:
        yield ctx
    finally:
        ctx.close()


@contextlib.contextmanager
def checked_page(context: BrowserContext, guard: NetworkGuard, errors: list[str]) -> Iterator[Page]:
    """A page whose requests can only reach 127.0.0.1; the test fails on any other, on a JS error
    or on any dialog (alert, confirm, prompt), which is dismissed so that the page goes on."""

    def on_dialog(dialog: Dialog) -> None:
        errors.append(f"dialog {dialog.type}: {dialog.message!r}")
        dialog.dismiss()

    tab = context.new_page()
    tab.on("pageerror", lambda error: errors.append(f"{error.name}: {error.message}"))
    tab.on("dialog", on_dialog)
    yield tab
    tab.wait_for_timeout(250)  # lets Playwright run the handlers of requests still in flight
    assert not guard.blocked, f"Requests left 127.0.0.1 (aborted): {guard.blocked}"
    assert not errors, f"Errors in the page: {errors}"


@contextlib.contextmanager
def guarded_page(
    browser: Browser, server: StreamlitServer, errors: list[str], **options: Any
) -> Iterator[Page]:
    """A checked page (see `checked_page`) in a context of its own on `server` (see `app_context`)."""
    with (
        app_context(browser, server, **options) as ctx,
        checked_page(ctx, install_network_guard(ctx), errors) as tab,
    ):
        yield tab


@pytest.fixture
def context(browser: Browser, streamlit_app: StreamlitServer) -> Iterator[BrowserContext]:
    with app_context(browser, streamlit_app) as ctx:
        yield ctx


@pytest.fixture
def network_guard(context: BrowserContext) -> NetworkGuard:
    return install_network_guard(context)


@pytest.fixture
def page_errors() -> list[str]:
    return []


@pytest.fixture
def page(context: BrowserContext, network_guard: NetworkGuard, page_errors: list[str]) -> Iterator[Page]:
    """A guarded page on the session's server (see `checked_page`)."""
    with checked_page(context, network_guard, page_errors) as tab:
        yield tab
