"""`python -m bench`: the dashboard against a bare Streamlit page (floor), that page plus the dashboard's
map (map_only) and the usual streamlit-folium app (naive), in headless Chromium, all four served
offline on 127.0.0.1 (README: Performance).

Rounds take the apps in turn (floor, map_only, naive, dashboard, floor, …) so that the machine's drift hits
all alike. A round is a fresh browser context per app: a cold load, one region added then removed,
one pan or zoom, a click on a region (dashboard). Then scenario sessions (one load, ten changes,
five pans and zooms) count script runs; then concurrent sessions; AppTest times warm reruns.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from bench import report
from bench.concurrency import Crowd, run_crowd
from bench.counting import Runs
from bench.measure import Session, run_session
from bench.scenario import FILTER_PLAN, GESTURES, QUICK_FILTER_PLAN, QUICK_GESTURES, REGIONS, plan
from bench.servers import APP_NAMES, BENCH_DIR, App, running_apps
from tests.e2e.harness import PROJECT_DIR, launch_chromium


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="one repetition of each figure, 3 sessions, no wait"
    )
    parser.add_argument(
        "--output", type=Path, default=BENCH_DIR / "results.json", help="results file (.md beside it)"
    )
    parser.add_argument("--rounds", type=int, help="measured rounds (default 10; quick 1)")
    parser.add_argument("--sessions", type=int, help="concurrent sessions (default 20; quick 3)")
    parser.add_argument(
        "--rss-wait", type=float, help="seconds after the sessions close to read RSS (default 60; quick 0)"
    )
    parser.add_argument(
        "--crowd-apps",
        nargs="+",
        choices=APP_NAMES,
        default=["floor", "dashboard"],
        help="apps loaded by the concurrent sessions (default: floor dashboard)",
    )
    return parser.parse_args(argv)  # fmt: skip


def browser_rounds(apps: dict[str, App], quick: bool, rounds: int) -> tuple[dict[str, list[Session]], dict[str, list[Session]], str]:  # fmt: skip
    """Returns the sessions of the measured rounds and the scenario sessions, per app, and Chromium's version."""
    measured: dict[str, list[Session]] = {name: [] for name in APP_NAMES}
    scenarios: dict[str, list[Session]] = {name: [] for name in APP_NAMES}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        chromium = browser.version
        warm_up = 0 if quick else 1
        for i in range(warm_up + rounds):
            region = REGIONS[i % len(REGIONS)]
            for name, app in apps.items():
                if quick:  # the one round is also the scenario
                    session = run_session(
                        browser, app, QUICK_FILTER_PLAN, QUICK_GESTURES, map_click=name == "dashboard"
                    )
                    scenarios[name].append(session)
                else:
                    session = run_session(
                        browser,
                        app,
                        plan([region]),
                        [GESTURES[i % len(GESTURES)]],
                        map_click=name == "dashboard",
                    )
                if i >= warm_up:
                    measured[name].append(session)
                print(f"  round {i + 1 - warm_up}/{rounds} {name}: {session.cold_load_ms or 0:.0f} ms load, "
                      f"changes {[round(v) for v in session.filter_ms]} ms, {len(session.errors)} errors", flush=True)  # fmt: skip
        for i in range(0 if quick else 2):
            for name, app in apps.items():
                session = run_session(browser, app, FILTER_PLAN, GESTURES, map_click=name == "dashboard")
                scenarios[name].append(session)
                print(f"  scenario {i + 1} {name}: {session.runs_load}+{session.runs_filters}+{session.runs_gestures} runs, "
                      f"{len(session.errors)} errors", flush=True)  # fmt: skip
        browser.close()
    return measured, scenarios, chromium


def summarise(name: str, measured: list[Session], scenarios: list[Session], runs: Runs) -> dict[str, Any]:
    every = measured + [s for s in scenarios if s not in measured]
    load = [s.payload_load for s in every if s.payload_load]
    per_change = [p for s in every for p in s.payload_filters]
    per_gesture = [s.runs_gestures / s.gestures for s in every if s.runs_gestures is not None and s.gestures]
    return {
        "cold_load_ms": report.stats([s.cold_load_ms for s in every if s.cold_load_ms is not None]),
        "first_marker_ms": report.stats([s.first_marker_ms for s in every if s.first_marker_ms is not None]),
        "filter_latency_ms": report.stats([v for s in every for v in s.filter_ms]),
        "map_click_ms": report.stats([s.map_click_ms for s in every if s.map_click_ms is not None]) if name == "dashboard" else None,
        "reruns_per_load": report.stats([s.runs_load for s in every if s.runs_load is not None]),
        "reruns_per_change": report.stats([s.runs_filters / len(s.filter_ms) for s in every if s.runs_filters is not None and s.filter_ms]),
        "reruns_per_gesture": report.stats(per_gesture),
        "reruns_scenario": report.stats([(s.runs_load or 0) + (s.runs_filters or 0) + (s.runs_gestures or 0) for s in scenarios]),
        "server_run_ms": report.stats(list(runs.durations_ms)),
        "payload_load_bytes": {key: report.stats([p.as_dict()[key] for p in load]) for key in ("total_bytes", "ws_bytes", "ws_map_bytes", "map_http_bytes")},
        "payload_filter_bytes": {key: report.stats([p.as_dict()[key] for p in per_change]) for key in ("total_bytes", "ws_bytes", "ws_map_bytes", "map_http_bytes")},
        "map_http_files_at_load": sorted(set(load[0].map_http_files)) if load else [],
        "errors": [e for s in every for e in s.errors],
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    quick = args.quick
    rounds = args.rounds or (1 if quick else 10)
    sessions = args.sessions or (3 if quick else 20)
    rss_wait = args.rss_wait if args.rss_wait is not None else (0.0 if quick else 60.0)
    crowd_plan = QUICK_FILTER_PLAN if quick else FILTER_PLAN
    started, load_at_start = time.monotonic(), list(os.getloadavg())
    os.chdir(PROJECT_DIR)
    with running_apps() as apps:
        print(f"Apps up: {', '.join(f'{n} {a.url}' for n, a in apps.items())}", flush=True)
        measured, scenarios, chromium = browser_rounds(apps, quick, rounds)
        runs = {name: app.runs() for name, app in apps.items()}  # before the concurrent sessions add theirs
        machine = report.machine(chromium)
        crowds: dict[str, Crowd] = {}
        for name in args.crowd_apps:
            print(f"  {sessions} sessions on {name}…", flush=True)
            crowds[name] = run_crowd(apps[name], sessions, crowd_plan)
        # AppTest runs in its own process while the servers' memory settles after the sessions.
        apptest = subprocess.run(
            [sys.executable, "-m", "bench.apptest", str(rounds)], capture_output=True, text=True, check=False
        )
        rss_after: dict[str, int] = {}
        for name, crowd in crowds.items():
            time.sleep(max(0.0, crowd.closed_at + rss_wait - time.monotonic()))
            rss_after[name] = apps[name].rss_kb()
        summaries = {name: summarise(name, measured[name], scenarios[name], runs[name]) for name in APP_NAMES}
    warm = json.loads(apptest.stdout) if apptest.returncode == 0 else {}
    for name, summary in summaries.items():
        summary["warm_rerun_ms"] = report.stats(warm.get(name, []))
        if apptest.returncode != 0:
            summary["errors"].append(f"AppTest: {apptest.stderr.strip().splitlines()[-1:]}")
        if name not in crowds:
            summary["concurrency"] = None
            continue
        crowd = crowds[name]
        summary["concurrency"] = {
            "sessions": crowd.sessions,
            "changes": len(crowd.latencies_ms),
            "latency": {"p50_ms": report.percentile(crowd.latencies_ms, 50), "p95_ms": report.percentile(crowd.latencies_ms, 95)},
            "p50_ms": report.percentile(crowd.latencies_ms, 50),
            "p95_ms": report.percentile(crowd.latencies_ms, 95),
            "errors": crowd.errors,
            "rss_idle_kb": crowd.rss_idle_kb,
            "rss_one_session_kb": crowd.rss_one_kb,
            "rss_all_sessions_peak_kb": crowd.rss_peak_kb,
            "rss_after_kb": rss_after[name],
            "rss_after_vs_idle": rss_after[name] / crowd.rss_idle_kb,
            "rss_mb": [v / 1024 for v in (crowd.rss_idle_kb, crowd.rss_one_kb, crowd.rss_peak_kb, rss_after[name])],
        }  # fmt: skip
    machine["load_average_at_start"] = load_at_start  # other work on the machine skews every figure
    machine["load_average_at_end"] = list(os.getloadavg())
    results: dict[str, Any] = {
        "machine": machine,
        "config": {
            "mode": "quick" if quick else "full",
            "rounds": rounds,
            "sessions": sessions,
            "rss_wait_s": rss_wait,
            "scenario": {"changes": len(crowd_plan), "gestures": len(QUICK_GESTURES if quick else GESTURES)},
            "crowd_apps": args.crowd_apps,
            "duration_s": round(time.monotonic() - started, 1),
        },
        "apps": summaries,
    }
    results["targets"] = report.targets(summaries)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    args.output.with_suffix(".md").write_text(report.markdown(results), encoding="utf-8")
    print(report.text_table(results))
    print(
        f"\n{args.output} and {args.output.with_suffix('.md')} written in {results['config']['duration_s']:.0f} s."
    )
    errors = [e for s in summaries.values() for e in s["errors"]]
    for name, summary in summaries.items():
        for error in summary["errors"]:
            print(f"error ({name}): {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
