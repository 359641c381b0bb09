"""Many sessions at once: one Chromium, one browser context per session, each making filter changes.

The async API drives them concurrently from one thread. Latencies come from the same in-page
probe as the sequential figures; the server's memory from /proc while they run and after.

A session makes its next change once the last one is over on its own websocket: every rerun request
the change makes sent (naive's new map reports its view a few hundred ms after it is drawn: a second
run) and run to its end (bench.traffic.PageRuns says why).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field

from playwright.async_api import Browser, Page, Route, async_playwright
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from bench.measure import BUSY, MULTISELECT_INPUT, TIMEOUT_MS, VIEWPORT
from bench.probe import ARM_JS, DONE_JS, probe_script
from bench.scenario import Change, Want, rerun_requests, want
from bench.servers import App
from bench.traffic import PageRuns
from tests.browser import CHROMIUM_ARGS, chromium_path
from tests.e2e.harness import is_local

RSS_EVERY_S = 0.25
QUIET_S = 0.15  # once the session's last run has ended, with nothing showing as running in the page
LOADING_AT_ONCE = 2  # sessions open two at a time: 20 cold loads at once only measure the browser


@dataclass
class Crowd:
    sessions: int
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rss_idle_kb: int = 0  # no session open
    rss_one_kb: int = 0  # one session loaded
    rss_peak_kb: int = 0  # the highest seen while all sessions were open
    closed_at: float = 0.0  # time.monotonic() when the last session closed


async def _guard(route: Route, blocked: list[str]) -> None:
    if is_local(route.request.url):
        await route.continue_()
    else:
        blocked.append(route.request.url)
        await route.abort("blockedbyclient")


async def _idle(page: Page, runs: PageRuns, since: int, requests: int) -> None:
    """The session's own runs over: `requests` rerun requests sent since there were `since`, the last
    one run to its end, and nothing showing as running in the page, for QUIET_S."""
    busy = page.locator(BUSY)
    quiet_since = time.monotonic()
    deadline = quiet_since + TIMEOUT_MS / 1000
    while time.monotonic() - quiet_since < QUIET_S:
        await page.wait_for_timeout(50)
        if not runs.answered(since, requests) or await busy.count():
            quiet_since = time.monotonic()
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"The session never became idle: {runs.requests - since} of {requests} rerun requests "
                f"sent, {'one' if runs.waiting else 'none'} waiting for its run, {await busy.count()} busy"
            )


async def _measured(page: Page, target: Want) -> float:
    try:
        handle = await page.wait_for_function(DONE_JS, polling=10, timeout=TIMEOUT_MS)
    except PlaywrightTimeoutError:
        shown = await page.locator('[role="dialog"]').all_inner_texts()
        raise TimeoutError(f"The page never showed {target}: {' '.join(shown) or 'no dialog'}") from None
    latency: float = await handle.json_value()
    return latency


async def _change(page: Page, change: Change, app: str) -> float:
    field_ = page.locator(MULTISELECT_INPUT)
    if not await field_.evaluate("(el) => el === document.activeElement"):
        await field_.click()
    if change.action == "add":
        await field_.fill(change.region)
        option = page.locator('[role="option"]')
        await option.filter(has_text=change.region).first.wait_for()
        if await option.count() != 1:  # as bench.measure.prepare_change: Enter must pick that region
            raise AssertionError(
                f"Typing {change.region!r} leaves {await option.all_inner_texts()} as options"
            )
    target = want(app, change.after)
    await page.evaluate(ARM_JS, target)
    await page.keyboard.press("Enter" if change.action == "add" else "Backspace")
    return await _measured(page, target)


class _Session:
    def __init__(self, crowd: Crowd, app: App) -> None:
        self.crowd, self.app = crowd, app
        self.blocked: list[str] = []
        self.runs = PageRuns()
        self.requests = rerun_requests(app.name)

    async def open(self, browser: Browser, loading: asyncio.Semaphore) -> Page:
        async with loading:
            return await self._open(browser)

    async def _open(self, browser: Browser) -> Page:
        self.context = await browser.new_context(viewport=VIEWPORT)
        self.context.set_default_timeout(TIMEOUT_MS)
        await self.context.route("**/*", lambda route: _guard(route, self.blocked))
        page = await self.context.new_page()
        page.on("pageerror", lambda error: self.crowd.errors.append(f"page error: {error.message}"))
        page.on("websocket", self.runs.watch)
        first = want(self.app.name, ())
        await page.add_init_script(probe_script(first))
        await page.goto(self.app.url, wait_until="commit")
        await _measured(page, first)
        await _idle(page, self.runs, 0, self.requests)
        return page

    async def changes(self, page: Page, plan: list[Change]) -> None:
        for change in plan:
            since = self.runs.requests  # typing the name asks for no run: the key press does
            self.crowd.latencies_ms.append(await _change(page, change, self.app.name))
            await _idle(page, self.runs, since, self.requests)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.context.close()
        self.crowd.errors += [f"request left 127.0.0.1: {url}" for url in self.blocked]


async def _crowd(app: App, sessions: int, plan: list[Change]) -> Crowd:
    crowd = Crowd(sessions, rss_idle_kb=app.rss_kb())
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=list(CHROMIUM_ARGS))
        members = [_Session(crowd, app) for _ in range(sessions)]
        pages: list[Page | BaseException] = []
        sampling = True

        async def sample_rss() -> None:
            while sampling:
                crowd.rss_peak_kb = max(crowd.rss_peak_kb, app.rss_kb())
                await asyncio.sleep(RSS_EVERY_S)

        try:
            loading = asyncio.Semaphore(LOADING_AT_ONCE)
            pages.append(await members[0].open(browser, loading))
            crowd.rss_one_kb = app.rss_kb()
            sampler = asyncio.create_task(sample_rss())
            pages += await asyncio.gather(
                *(m.open(browser, loading) for m in members[1:]), return_exceptions=True
            )
            # Every session loaded first, then all change their filters at once.
            results = await asyncio.gather(
                *(m.changes(p, plan) for m, p in zip(members, pages, strict=True) if isinstance(p, Page)),
                return_exceptions=True,
            )
            failures = [r for r in [*pages, *results] if isinstance(r, BaseException)]
            crowd.errors += [f"{type(e).__name__}: {e}".splitlines()[0] for e in failures]
            sampling = False
            await sampler
        finally:
            sampling = False
            await asyncio.gather(*(m.close() for m in members))
            crowd.closed_at = time.monotonic()
            await browser.close()
    return crowd


def run_crowd(app: App, sessions: int, plan: list[Change]) -> Crowd:
    """`sessions` sessions on `app`, each loading it then making the changes of `plan`."""
    return asyncio.run(_crowd(app, sessions, plan))
