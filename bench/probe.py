"""The in-page probe: times from an input event to a DOM state with the page's own clock.

Installed as an init script in the top document. `arm(want)` resets it; the next keydown or
pointerdown (in the page or in the map iframe) is t0; t1 is the first moment the DOM holds the
wanted state: that many `path.laureate` in the map iframe, or a paragraph with that text; and, for
markers, the first moment one of them is drawn.
Mutation observers on both documents catch the state as soon as it is built; while measuring,
a frame loop attaches them to the iframe's document again when it is replaced (a remounted map).
For a load, t0 is the navigation start (performance.now() counts from it).
"""

from __future__ import annotations

import json

from bench.scenario import Want
from tests.e2e.harness import MAP_IFRAME, MARKER_SELECTOR

_PROBE_JS = """
((want) => {
    if (window.top !== window || window.__bench) { return; }
    const b = {want: want, t0: 0, t1: null, first: null, armed: false};
    window.__bench = b;
    const mapDoc = () => {
        const frame = document.querySelector(__IFRAME__);
        try { return frame ? frame.contentDocument : null; } catch (e) { return null; }
    };
    const holds = () => {
        const w = b.want;
        if (w.markers !== undefined) {
            const doc = mapDoc();
            return Boolean(doc) && doc.querySelectorAll(__MARKER__).length === w.markers;
        }
        for (const p of document.querySelectorAll('[data-testid="stMarkdownContainer"] p')) {
            if (p.textContent === w.text) { return true; }
        }
        return false;
    };
    const drawn = () => {
        const doc = b.want.markers === undefined ? null : mapDoc();
        return Boolean(doc) && doc.querySelector(__MARKER__) !== null;
    };
    const check = () => {
        if (b.t0 === null) { return; }
        if (b.first === null && drawn()) { b.first = performance.now(); }
        if (b.t1 === null && holds()) { b.t1 = performance.now(); }
    };
    const start = () => { if (b.armed && b.t0 === null) { b.t0 = performance.now(); b.armed = false; } };
    let watched = null;
    // Runs only while measuring: a frame loop left running makes every page draw 60 frames a second.
    const attach = () => {
        const doc = mapDoc();
        if (doc && doc !== watched && doc.documentElement) {
            watched = doc;
            new doc.defaultView.MutationObserver(check).observe(doc, {childList: true, subtree: true});
            doc.addEventListener("pointerdown", start, true);
        }
    };
    const tick = () => {
        if (b.t1 !== null) { return; }
        attach();
        check();
        requestAnimationFrame(tick);
    };
    b.arm = (w) => { b.want = w; b.t0 = null; b.t1 = null; b.first = null; b.armed = true; attach(); requestAnimationFrame(tick); };
    new MutationObserver(check).observe(document, {childList: true, subtree: true, characterData: true});
    document.addEventListener("keydown", start, true);
    document.addEventListener("pointerdown", start, true);
    requestAnimationFrame(tick);
})(__WANT__);
"""

ARM_JS = "(want) => window.__bench.arm(want)"
# Resolves to the latency in ms once measured; wait_for_function polls it.
DONE_JS = (
    "() => { const b = window.__bench; return b && b.t0 !== null && b.t1 !== null ? b.t1 - b.t0 : null; }"
)


# Once measured: the time to the first marker drawn, or null (a want of text).
FIRST_JS = "() => { const b = window.__bench; return b.first === null ? null : b.first - b.t0; }"


def probe_script(first: Want) -> str:
    """The init script, measuring the load up to `first`."""
    return (
        _PROBE_JS.replace("__IFRAME__", json.dumps(MAP_IFRAME))
        .replace("__MARKER__", json.dumps(MARKER_SELECTOR))
        .replace("__WANT__", json.dumps(first))
    )
