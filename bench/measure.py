"""One benchmark session in headless Chromium: a cold load, filter changes, pans and zooms, a map click.

Latencies come from the in-page probe (bench/probe.py); script runs from the server's run log
(bench/counting.py); bytes from bench/traffic.py.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from playwright.sync_api import Browser, Page, ViewportSize

from bench.probe import ARM_JS, DONE_JS, FIRST_JS, probe_script
from bench.scenario import CLICKED_REGION, CODES, PER_REGION, Change, Gesture, Want, rerun_requests, want
from bench.servers import MAP_APPS, App
from bench.traffic import PageRuns, Payload, Traffic
from tests.e2e.harness import MAP_IFRAME, feature_point, install_network_guard, wait_for_map_still

VIEWPORT: ViewportSize = {"width": 1400, "height": 1000}
MULTISELECT_INPUT = '[data-testid="stMultiSelect"] input'
BUSY = '[data-testid="stStatusWidget"], [data-stale="true"]'
# Long enough for a run caused by a gesture to have begun (streamlit-folium reports a move at once):
# after a filter change, the run that follows is already going when the markers are drawn.
QUIET_S = {"change": 0.15, "gesture": 0.4}
TIMEOUT_MS = 60_000


@dataclass
class Session:
    cold_load_ms: float | None = None
    first_marker_ms: float | None = None  # at the cold load
    filter_ms: list[float] = field(default_factory=list)
    map_click_ms: float | None = None
    runs_load: int | None = None
    runs_filters: int | None = None
    runs_gestures: int | None = None
    gestures: int = 0
    payload_load: Payload | None = None
    payload_filters: list[Payload] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def settle(
    page: Page,
    app: App,
    after: str = "change",
    timeout_s: float = 60.0,
    asked: tuple[PageRuns, int] | None = None,
) -> None:
    """Waits until no script run is going on or starting, server-side and in the page, for a while.

    With `asked` (the page's runs, and their request count before the load or the change), also until
    the page has sent every rerun request a load or a change makes and the last one has run to its end.
    """
    busy = page.locator(BUSY)
    deadline = time.monotonic() + timeout_s
    last = app.runs()
    quiet_since = time.monotonic()
    requests = rerun_requests(app.name)
    while True:
        page.wait_for_timeout(50)
        now, runs = time.monotonic(), app.runs()
        if (
            runs != last
            or runs.running
            or busy.count()
            or (asked and not asked[0].answered(asked[1], requests))
        ):
            last, quiet_since = runs, now
        elif now - quiet_since >= QUIET_S[after]:
            return
        if now > deadline:
            sent = f", {asked[0].requests - asked[1]} of {requests} rerun requests sent" if asked else ""
            raise TimeoutError(f"{app.name} never settled: {runs}{sent}")


def measured(page: Page, timeout_ms: float = TIMEOUT_MS) -> float:
    latency: float = page.wait_for_function(DONE_JS, polling=20, timeout=timeout_ms).json_value()
    return latency


def prepare_change(page: Page, change: Change) -> None:
    """Everything before the input event that makes the change: focus, and the name typed for an add."""
    field_ = page.locator(MULTISELECT_INPUT)
    if not field_.evaluate("(el) => el === document.activeElement"):
        field_.click()
    if change.action == "add":
        field_.fill(change.region)  # one input event: typing key by key only costs time
        option = page.locator('[role="option"]')
        option.filter(has_text=change.region).first.wait_for()
        if option.count() != 1:
            raise AssertionError(f"Typing {change.region!r} leaves {option.all_inner_texts()} as options")
    elif field_.input_value():
        raise AssertionError("The multiselect's search field is not empty")


def make_change(page: Page, change: Change, target: Want) -> float:
    prepare_change(page, change)
    page.evaluate(ARM_JS, target)
    page.keyboard.press("Enter" if change.action == "add" else "Backspace")
    return measured(page)


def map_centre(page: Page) -> tuple[float, float]:
    box = page.locator(MAP_IFRAME).bounding_box()
    if box is None:
        raise AssertionError("The map is not displayed")
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def do_gesture(page: Page, gesture: Gesture) -> None:
    kind, dx, dy = gesture
    x, y = map_centre(page)
    page.mouse.move(x, y)
    if kind == "wheel":
        page.mouse.wheel(dx, dy)
    else:
        page.mouse.down()
        page.mouse.move(x + dx, y + dy, steps=8)
        page.mouse.up()
    wait_for_map_still(page)


def run_session(
    browser: Browser, app: App, plan: list[Change], gestures: list[Gesture], *, map_click: bool
) -> Session:
    """One fresh browser context (cold cache, new Streamlit session) going through the scenario."""
    result = Session()
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    guard = install_network_guard(context)
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: result.errors.append(f"page error: {error.message}"))
        page.add_init_script(probe_script(want(app.name, ())))
        traffic = Traffic(page)
        asked = PageRuns()
        page.on("websocket", asked.watch)
        runs_before = app.runs().started

        page.goto(app.url, wait_until="commit")
        result.cold_load_ms = measured(page)
        result.first_marker_ms = page.evaluate(FIRST_JS)
        settle(page, app, asked=(asked, 0))
        result.runs_load = app.runs().started - runs_before
        result.payload_load = traffic.take()

        runs_before = app.runs().started
        for change in plan:
            since = asked.requests  # typing a name asks for no run: the key press does
            result.filter_ms.append(make_change(page, change, want(app.name, change.after)))
            settle(page, app, asked=(asked, since))
            result.payload_filters.append(traffic.take())
        result.runs_filters = app.runs().started - runs_before

        if app.name in MAP_APPS:
            page.keyboard.press("Escape")  # the multiselect's menu covers part of the map
            runs_before = app.runs().started
            for gesture in gestures:
                do_gesture(page, gesture)
                settle(page, app, "gesture")
            result.runs_gestures = app.runs().started - runs_before
            result.gestures = len(gestures)

        if map_click:
            x, y = feature_point(page, "code", CODES[CLICKED_REGION])
            page.mouse.move(x, y)
            page.evaluate(ARM_JS, {"markers": PER_REGION[CLICKED_REGION]})
            page.mouse.click(x, y)
            result.map_click_ms = measured(page)
            settle(page, app)
        page.wait_for_timeout(100)  # lets Playwright run the handlers of requests still in flight
    except Exception as err:  # recorded, so that one failure does not lose the whole benchmark
        result.errors.append(f"{type(err).__name__}: {err}".splitlines()[0])
    finally:
        context.close()
    result.errors += [f"request left 127.0.0.1: {url}" for url in guard.blocked]
    return result
