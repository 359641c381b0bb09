"""`python -m bench.firstopen`: what each part around the map costs on a cold load, by ablation.

The dashboard, map_only, and the dashboard without one part each (bench/apps/without.py: the table, the
downloads, the programme, the bars, the À propos), served offline side by side; rounds take them in
turn, each load a fresh browser context (cold cache, new session), after one warm-up round. Printed per
app, as medians: the cold load to the 55 markers drawn and to the first one, and what leaving the part
out saves against the dashboard of the same run.
"""

from __future__ import annotations

import argparse
import statistics
import sys

from playwright.sync_api import Browser, sync_playwright

from bench.measure import TIMEOUT_MS, VIEWPORT, measured, settle
from bench.probe import FIRST_JS, probe_script
from bench.scenario import want
from bench.servers import WITHOUT, App, running_apps
from tests.e2e.harness import install_network_guard, launch_chromium

APPS = ("map_only", "dashboard", *WITHOUT)


def cold_load(browser: Browser, app: App) -> tuple[float, float]:
    """One cold load: ms from the navigation to the markers all drawn, and to the first one."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    install_network_guard(context)
    try:
        page = context.new_page()
        page.add_init_script(probe_script(want(app.name, ())))
        page.goto(app.url, wait_until="commit")
        every = measured(page)
        first: float = page.evaluate(FIRST_JS)
        settle(page, app)  # the run over before the next app's load
        return every, first
    finally:
        context.close()


def table(loads: dict[str, list[tuple[float, float]]]) -> str:
    medians = {
        name: [statistics.median(column) for column in zip(*rows, strict=True)]
        for name, rows in loads.items()
    }
    base_every, base_first = medians["dashboard"]
    lines = [
        "| app | cold load to 55 markers, ms | first marker, ms | saved vs dashboard (55 / first), ms |",
        "|---|---|---|---|",
    ]
    for name, (every, first) in medians.items():
        lines.append(
            f"| {name} | {every:.0f} | {first:.0f} | {base_every - every:.0f} / {base_first - first:.0f} |"
        )
    return "\n".join(lines)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.firstopen", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10, help="measured rounds (default 10)")
    args = parser.parse_args(argv)
    if not 1 <= args.rounds <= 100:
        parser.error(f"--rounds {args.rounds} : entre 1 et 100.")
    loads: dict[str, list[tuple[float, float]]] = {name: [] for name in APPS}
    with running_apps(APPS) as apps, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for i in range(1 + args.rounds):  # the first round warms every process up
            for name, app in apps.items():
                every, first = cold_load(browser, app)
                if i:
                    loads[name].append((every, first))
            print(f"  round {i}/{args.rounds}" + (" (warm-up)" if not i else ""), flush=True)
        browser.close()
    print(table(loads))
    return 0


if __name__ == "__main__":
    sys.exit(main())
