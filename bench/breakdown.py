"""`python -m bench.breakdown`: where a filter change's time goes, timed in the page (README: Performance).

Per app, in one fresh browser context, a series of filter changes; an init script logs, on one
clock shared by the page and the map's iframe (performance.timeOrigin + now), the keydown, each
websocket frame the page sends and receives, and each message the iframe receives. Printed, as
medians from the keydown: the value sent, the first reply, the last reply before the map's iframe
is told the new selection, that message, the markers drawn; and the replies a change brings.
"""

from __future__ import annotations

import argparse
import statistics
import sys

from playwright.sync_api import Browser, sync_playwright

from bench.measure import TIMEOUT_MS, VIEWPORT, make_change, settle
from bench.probe import probe_script
from bench.scenario import REGIONS, plan, want
from bench.servers import MAP_APPS, App, running_apps
from tests.e2e.harness import install_network_guard, launch_chromium

STEPS_JS = """
(() => {
    const now = () => performance.timeOrigin + performance.now();
    if (window.top !== window) {  // the map's iframe: same origin, so it can write to the page's log
        window.addEventListener("message", () => { try { window.top.__steps.push(["iframe", now()]); } catch (e) {} }, true);
        return;
    }
    window.__steps = [];
    const log = (kind) => window.__steps.push([kind, now()]);
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) { log("send"); return send.call(this, data); };
    window.WebSocket = class extends window.WebSocket {
        constructor(...args) { super(...args); this.addEventListener("message", () => log("reply")); }
    };
    document.addEventListener("keydown", () => log("key"), true);
})();
"""
COLUMNS = ("sent", "first reply", "last reply before map", "map iframe message", "markers drawn", "replies")


def change_steps(steps: list[tuple[str, float]], drawn_ms: float) -> tuple[float, ...]:
    """One change's steps, in ms from its keydown (the last one logged), and its replies."""
    key = max(t for kind, t in steps if kind == "key")
    sent = min(t for kind, t in steps if kind == "send" and t >= key)
    replies = [t for kind, t in steps if kind == "reply" and t >= sent]
    # The new selection reaches the iframe in a reply's wake; a message before the first reply is
    # another one (a resize, say), which a loaded machine can slip between the send and the reply.
    iframe = min((t for kind, t in steps if kind == "iframe" and t >= min(replies)), default=float("nan"))
    before_map = max((t for t in replies if t <= iframe), default=float("nan"))
    return sent - key, min(replies) - key, before_map - key, iframe - key, drawn_ms, float(len(replies))


def app_steps(browser: Browser, app: App, changes: int) -> list[tuple[float, ...]]:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    install_network_guard(context)
    try:
        page = context.new_page()
        page.add_init_script(STEPS_JS)
        page.add_init_script(probe_script(want(app.name, ())))
        page.goto(app.url, wait_until="commit")
        settle(page, app)
        found = []
        for change in (plan(REGIONS) * changes)[:changes]:
            page.evaluate("() => { window.__steps = []; }")
            drawn_ms = make_change(page, change, want(app.name, change.after))
            settle(page, app)
            found.append(change_steps(page.evaluate("() => window.__steps"), drawn_ms))
        return found
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.breakdown", description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=16, help="filter changes per app (default 16)")
    parser.add_argument("--apps", nargs="+", choices=MAP_APPS, default=["map_only", "dashboard"])
    args = parser.parse_args(argv)
    with running_apps(tuple(args.apps)) as apps, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        found = {name: app_steps(browser, app, args.changes) for name, app in apps.items()}
    print(f"median over {args.changes} changes, ms from the keydown | " + " | ".join(COLUMNS))
    for name, rows in found.items():
        medians = [statistics.median(column) for column in zip(*rows, strict=True)]
        print(f"{name:10} | " + " | ".join(f"{value:.0f}" for value in medians))
    return 0


if __name__ == "__main__":
    sys.exit(main())
