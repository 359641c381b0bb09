"""A real Streamlit server and a real headless Chromium, for end-to-end tests and the benchmark.

Generic on purpose: nothing here knows the dashboard's widgets, only Streamlit, Playwright and
the folium map that streamlit-folium puts in an iframe (its markers are `path.laureate`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Browser, BrowserContext, Frame, FrameLocator, Locator, Page, Playwright, Route

from tests.browser import CHROMIUM_ARGS, chromium_path

PROJECT_DIR = Path(__file__).resolve().parents[2]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})
MAP_IFRAME = 'iframe[data-testid="stCustomComponentV1"]'  # the page's only component
MARKER_SELECTOR = "path.laureate"
POLL_S = 0.1
Scope = Page | Frame  # where the app is: the page, or the frame of a page that embeds it


class ServerError(RuntimeError):
    """The Streamlit server did not come up; the message quotes the end of its log."""


@dataclass
class StreamlitServer:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    base_path: str = ""  # --server.baseUrlPath, without slashes

    @property
    def url(self) -> str:
        """The app's root, under its base path if it has one, without a trailing slash."""
        return f"http://127.0.0.1:{self.port}" + (f"/{self.base_path}" if self.base_path else "")

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def start_streamlit(
    app: Path = PROJECT_DIR / "dashboard.py",
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path = PROJECT_DIR,
    timeout_s: float = 60.0,
    base_path: str = "",
    port: int | None = None,
    python: Path | str = sys.executable,
    wrapper: Sequence[str] = (),
) -> StreamlitServer:
    """`streamlit run app` with `python` on `port` (a free one by default) of 127.0.0.1, under
    `base_path` if given, returned once its /_stcore/health answers. `wrapper` is a command that
    ends by running the command it is given (as `unshare` does)."""
    port = port or free_port()
    log = tempfile.NamedTemporaryFile(prefix="streamlit-e2e-", suffix=".log", delete=False)  # noqa: SIM115
    command = [
        *wrapper,
        str(python), "-m", "streamlit", "run", str(app),
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.baseUrlPath", base_path,
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so that stopping it takes its children too
    )
    log.close()
    server = StreamlitServer(process, port, Path(log.name), base_path)
    deadline = time.monotonic() + timeout_s
    while not _healthy(server.url):
        if process.poll() is not None or time.monotonic() > deadline:
            tail = server.log_tail()
            stop_streamlit(server)
            raise ServerError(f"Streamlit did not start on port {port}:\n{tail}")
        time.sleep(POLL_S)
    return server


def stop_streamlit(server: StreamlitServer, timeout_s: float = 10.0) -> None:
    """Terminate by PID, kill after `timeout_s`, then kill whatever is left of its process group."""
    process = server.process
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout_s)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    server.log_path.unlink(missing_ok=True)


@contextlib.contextmanager
def streamlit_server(
    app: Path = PROJECT_DIR / "dashboard.py", *, env: Mapping[str, str] | None = None, base_path: str = ""
) -> Iterator[StreamlitServer]:
    server = start_streamlit(app, env=env, base_path=base_path)
    try:
        yield server
    finally:
        stop_streamlit(server)


def launch_chromium(playwright: Playwright) -> Browser:
    """Headless Chromium with the project's flags (no background calls to Google)."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=list(CHROMIUM_ARGS))


def is_local(url: str) -> bool:
    scheme = urlsplit(url).scheme
    if scheme in ("data", "blob", "about"):
        return True
    return (urlsplit(url).hostname or "") in LOCAL_HOSTS


@dataclass
class NetworkGuard:
    """Requests to any host but the loopback ones, aborted and kept here for the test to fail on."""

    blocked: list[str] = field(default_factory=list)

    def handle(self, route: Route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")


def install_network_guard(context: BrowserContext) -> NetworkGuard:
    """Routes every HTTP request of the context through the guard (Playwright then skips its HTTP
    cache; WebSockets are not routed, and the only one here is Streamlit's own, to 127.0.0.1)."""
    guard = NetworkGuard()
    context.route("**/*", guard.handle)
    return guard


def map_frame(page: Scope) -> FrameLocator:
    return page.frame_locator(MAP_IFRAME)


def marker_count(page: Scope) -> int:
    """The laureate markers currently drawn; 0 while the map is not there yet."""
    if page.locator(MAP_IFRAME).count() == 0:
        return 0
    return map_frame(page).locator(MARKER_SELECTOR).count()


def wait_until(
    predicate: Callable[[], bool],
    page: Scope | None = None,
    *,
    timeout_s: float = 20.0,
    stable_for_s: float = 0.0,
    what: str = "condition",
) -> None:
    """Polls `predicate` until it has held for `stable_for_s` without interruption.

    Give the page when the predicate reads state that Playwright's event handlers fill (requests,
    route handlers): the sync API only runs them while waiting on Playwright, not in time.sleep.
    """
    deadline = time.monotonic() + timeout_s
    held_since: float | None = None
    while True:
        now = time.monotonic()
        if predicate():
            held_since = now if held_since is None else held_since
            if now - held_since >= stable_for_s:
                return
        else:
            held_since = None
        if now > deadline:
            raise TimeoutError(f"Timed out after {timeout_s:.0f} s waiting for {what}")
        if page is None:
            time.sleep(POLL_S)
        else:
            page.wait_for_timeout(POLL_S * 1000)


def wait_for_markers(
    page: Scope, expected: int, *, timeout_s: float = 20.0, stable_for_s: float = 0.5
) -> None:
    """Waits until exactly `expected` markers are drawn and stay so for `stable_for_s`."""
    last: list[int] = []

    def holds() -> bool:
        last[:] = [marker_count(page)]
        return last[0] == expected

    try:
        wait_until(holds, page, timeout_s=timeout_s, stable_for_s=stable_for_s, what=f"{expected} markers")
    except TimeoutError as err:
        raise TimeoutError(f"{err}; the map shows {last[0] if last else '?'}") from None


def wait_for_app_idle(page: Scope, *, timeout_s: float = 20.0) -> None:
    """Waits until no script run shows: no "Running…" status widget, no element greyed out as stale."""
    busy = page.locator('[data-testid="stStatusWidget"], [data-stale="true"]')
    wait_until(
        lambda: busy.count() == 0, page, timeout_s=timeout_s, stable_for_s=0.3, what="the app to be idle"
    )


def current_url(page: Page) -> str:
    """The address bar now: Streamlit rewrites it with the History API, which page.url can lag behind."""
    href: str = page.evaluate("() => window.location.href")
    return href


def query_values(page: Page, key: str) -> list[str]:
    return parse_qs(urlsplit(current_url(page)).query).get(key, [])


def wait_for_query(page: Page, key: str, expected: list[str], *, timeout_s: float = 20.0) -> None:
    """Waits until the URL's `key` parameter has exactly these values ([] for absent)."""
    try:
        wait_until(
            lambda: query_values(page, key) == expected, page, timeout_s=timeout_s, what=f"?{key}={expected}"
        )
    except TimeoutError as err:
        raise TimeoutError(f"{err}; the URL is {current_url(page)}") from None


# Finds, in the map iframe, a point where the path of the GeoJSON feature whose properties[key]
# equals value is the topmost element (not under a marker, the legend or another region).
_FEATURE_POINT_JS = """
([key, value]) => {
    let target = null;
    window.map.eachLayer((layer) => {
        const props = layer.feature && layer.feature.properties;
        if (props && props[key] === value && layer._path) { target = layer; }
    });
    if (!target) { return null; }
    const box = target._path.getBoundingClientRect();
    const view = window.map.getContainer().getBoundingClientRect();
    const cx = box.left + box.width / 2, cy = box.top + box.height / 2;
    const points = [];
    for (let i = 1; i < 40; i++) {
        for (let j = 1; j < 40; j++) {
            points.push([box.left + (box.width * i) / 40, box.top + (box.height * j) / 40]);
        }
    }
    points.sort((a, b) => Math.hypot(a[0] - cx, a[1] - cy) - Math.hypot(b[0] - cx, b[1] - cy));
    for (const [x, y] of points) {
        const inside = x > view.left + 4 && x < view.right - 4 && y > view.top + 4 && y < view.bottom - 4;
        if (inside && document.elementFromPoint(x, y) === target._path) { return {x: x, y: y}; }
    }
    return null;
}
"""

_MAP_STATE_JS = """
() => {
    const m = window.map;
    if (!m) { return null; }
    const c = m.getCenter();
    return [c.lat, c.lng, m.getZoom(), Boolean(m._animatingZoom), Boolean(m._panAnim && m._panAnim._inProgress)];
}
"""


def map_document(page: Scope) -> Frame:
    """The map iframe's Frame, to run scripts in or read its DOM."""
    frame = page.locator(MAP_IFRAME).element_handle().content_frame()
    if frame is None:
        raise AssertionError("The map iframe has no document")
    return frame


def map_evaluate(page: Scope, script: str, arg: object = None) -> Any:
    """Runs `script` (a JS function taking `arg`) in the map iframe, where `window.map` is Leaflet's map."""
    return map_document(page).evaluate(script, arg)


def map_markup(page: Scope) -> str:
    """The map document's markup. Not Frame.content(), which serialises the document Playwright's
    (1.65) utility script holds (`this.document`), not the frame's current one: for a map drawn whole
    it gave `<html><head></head><body></body></html>`, an empty document, 4 times in ~390
    opens under load, when evaluate() just after saw the map."""
    markup: str = map_evaluate(page, "() => document.documentElement.outerHTML")
    return markup


# The focused element, followed into same-origin iframes: [tag, role, name or text] at each level.
_FOCUS_PATH_JS = """
() => {
    const path = [];
    let doc = document;
    while (doc && doc.activeElement) {
        const el = doc.activeElement;
        const name = el.getAttribute("aria-label") || (el.textContent || "").trim().slice(0, 40);
        path.push([el.tagName.toLowerCase(), el.getAttribute("role") || "", name]);
        doc = el.tagName === "IFRAME" ? el.contentDocument : null;
    }
    return path;
}
"""


def focus_path(page: Page) -> list[list[str]]:
    """Where the keyboard focus is, from the page down into iframes (for failure messages)."""
    path: list[list[str]] = page.evaluate(_FOCUS_PATH_JS)
    return path


def has_focus(target: Locator) -> bool:
    """Whether one of the elements `target` matches has the keyboard focus (in its own frame too)."""
    focused: bool = target.evaluate_all(
        "(els) => document.hasFocus() && els.some((el) => el === document.activeElement)"
    )
    return focused


def tab_until(page: Page, target: Locator, *, key: str = "Tab", max_presses: int = 80) -> int:
    """Presses `key` (Tab, Shift+Tab, an arrow) until `target` has the focus; returns the presses."""
    for presses in range(max_presses + 1):
        if has_focus(target):
            return presses
        page.keyboard.press(key)
    raise AssertionError(f"{max_presses} × {key} never focused {target}; the focus is on {focus_path(page)}")


def _map_frame_offset(page: Scope) -> tuple[float, float]:
    box = page.locator(MAP_IFRAME).bounding_box()
    if box is None:
        raise AssertionError("The map iframe is not displayed")
    border = page.locator(MAP_IFRAME).evaluate("(el) => [el.clientLeft, el.clientTop]")
    return box["x"] + border[0], box["y"] + border[1]


def wait_for_map_still(page: Scope, *, timeout_s: float = 10.0) -> None:
    """Waits until the Leaflet map's centre and zoom stop changing (no pan or zoom animation)."""
    previous: list[object] = [None]

    def still() -> bool:
        state = map_evaluate(page, _MAP_STATE_JS)
        settled = state is not None and not state[3] and not state[4] and state == previous[0]
        previous[0] = state
        return settled

    wait_until(still, page, timeout_s=timeout_s, stable_for_s=0.3, what="the map to stop moving")


def feature_point(page: Scope, key: str, value: str) -> tuple[float, float]:
    """Page coordinates of a visible, unobstructed point of a GeoJSON feature's path."""
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    wait_for_map_still(page)
    found = map_evaluate(page, _FEATURE_POINT_JS, [key, value])
    if found is None:
        raise AssertionError(f"No visible point of the map feature with {key}={value!r}")
    dx, dy = _map_frame_offset(page)
    return dx + found["x"], dy + found["y"]


def marker_properties(page: Scope) -> list[dict[str, object]]:
    """The GeoJSON properties of every laureate marker drawn on the map."""
    props: list[dict[str, object]] = map_evaluate(
        page,
        """() => {
            const found = [];
            window.map.eachLayer((layer) => {
                if (layer._path && layer._path.classList.contains("laureate") && layer.feature) {
                    found.push(layer.feature.properties);
                }
            });
            return found;
        }""",
    )
    return props


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def contains(self, other: Box) -> bool:
        return (
            self.left <= other.left
            and self.top <= other.top
            and other.right <= self.right
            and other.bottom <= self.bottom
        )


def map_and_marker_boxes(page: Page) -> tuple[Box, list[Box]]:
    """The map container's box and each marker's, in the iframe's coordinates, read in one go."""
    container, markers = map_evaluate(
        page,
        """(selector) => {
            const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
            return [box(window.map.getContainer()), Array.from(document.querySelectorAll(selector), box)];
        }""",
        MARKER_SELECTOR,
    )
    return Box(*container), [Box(*marker) for marker in markers]
