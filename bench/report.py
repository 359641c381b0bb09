"""Statistics, targets, the machine's description, and the tables (terminal and Markdown)."""

from __future__ import annotations

import datetime
import os
import platform
import statistics
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.servers import APP_NAMES

Stats = dict[str, float | int | None]


def stats(values: Sequence[float]) -> Stats:
    if not values:
        return {"median": None, "min": None, "max": None, "n": 0}
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile: a latency some request really had."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))]


def machine(chromium: str) -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line), "?"
    )
    meminfo = Path("/proc/meminfo").read_text().split()
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": round(int(meminfo[meminfo.index("MemTotal:") + 1]) / 1024**2, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "streamlit": version("streamlit"),
        "streamlit_folium": version("streamlit-folium"),
        "folium": version("folium"),
        "playwright": version("playwright"),
        "chromium": chromium,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


def _median(figure: Stats | None) -> float | None:
    return None if figure is None else figure.get("median")


def targets(apps: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The dashboard's targets: value, limit and ratio (value / limit; ≤ 1 is met)."""
    dash, floor, naive, map_only = apps["dashboard"], apps["floor"], apps["naive"], apps["map_only"]
    crowd = dash.get("concurrency") or {}
    gestures = dash["reruns_per_gesture"]

    def ratio_target(name: str, value: float | None, base: float | None, factor: float) -> dict[str, Any]:
        limit = None if base is None else base * factor
        return _target(name, value, limit, f"{factor} × {base:.0f} ms" if base is not None else "n/a")

    return [
        ratio_target("filter latency ≤ 1.3 × floor", _median(dash["filter_latency_ms"]), _median(floor["filter_latency_ms"]), 1.3),
        ratio_target("filter latency ≤ 0.5 × naive", _median(dash["filter_latency_ms"]), _median(naive["filter_latency_ms"]), 0.5),
        ratio_target("cold load ≤ 1.15 × floor", _median(dash["cold_load_ms"]), _median(floor["cold_load_ms"]), 1.15),
        ratio_target("cold load ≤ 1.15 × map_only", _median(dash["cold_load_ms"]), _median(map_only["cold_load_ms"]), 1.15),
        ratio_target("first marker ≤ 1.05 × map_only", _median(dash["first_marker_ms"]), _median(map_only["first_marker_ms"]), 1.05),
        _target("map-click latency ≤ 400 ms", _median(dash["map_click_ms"]), 400, "400 ms"),
        {
            "name": "no rerun on pan or zoom",
            "value": gestures["max"],
            "limit": 0,
            "ratio": None,
            "limit_text": "0 runs",
            "met": gestures["n"] > 0 and gestures["max"] == 0,
        },
        _target("warm rerun ≤ 30 ms", _median(dash["warm_rerun_ms"]), 30, "30 ms"),
        _target("payload at load ≤ 300 KB", _kb(_median(dash["payload_load_bytes"]["total_bytes"])), 300, "300 KB"),
        {
            **_target("concurrent sessions: p95 ≤ 1 s, no error", crowd.get("p95_ms"), 1000, "1000 ms"),
            "met": crowd.get("p95_ms") is not None and crowd["p95_ms"] <= 1000 and not crowd.get("errors"),
        },
    ]  # fmt: skip


def _kb(value: float | None) -> float | None:
    return None if value is None else value / 1000


def _target(name: str, value: float | None, limit: float | None, limit_text: str) -> dict[str, Any]:
    ratio = None if value is None or not limit else value / limit
    return {"name": name, "value": value, "limit": limit, "limit_text": limit_text, "ratio": ratio,
            "met": ratio is not None and ratio <= 1}  # fmt: skip


def _fmt(figure: Stats | None, unit: str = "", scale: float = 1.0, digits: int = 0) -> str:
    if figure is None:
        return "—"
    if not figure.get("n") or figure.get("median") is None:
        return "n/a"

    def f(v: float | int | None) -> str:
        return "?" if v is None else f"{v / scale:.{digits}f}"

    return f"{f(figure['median'])}{unit} ({f(figure['min'])}–{f(figure['max'])})"


def rows(results: dict[str, Any]) -> list[list[str]]:
    apps = results["apps"]
    scenario = results["config"]["scenario"]

    def row(label: str, cell: Any) -> list[str]:
        return [label, *(cell(apps[name]) for name in APP_NAMES)]

    def crowd(key: str, fmt: Any) -> Any:
        return lambda a: fmt(a["concurrency"][key]) if a.get("concurrency") else "not run"

    sessions = results["config"]["sessions"]
    after = results["config"]["rss_wait_s"]
    return [
        row("Cold load to markers drawn, ms (floor: text)", lambda a: _fmt(a["cold_load_ms"])),
        row("Cold load to the first marker drawn, ms", lambda a: _fmt(a["first_marker_ms"])),
        row("Filter change to new markers, ms (floor: text)", lambda a: _fmt(a["filter_latency_ms"])),
        row("Map click to its markers alone, ms", lambda a: _fmt(a["map_click_ms"])),
        row(f"Script runs: 1 load + {scenario['changes']} changes + {scenario['gestures']} pans/zooms", lambda a: _fmt(a["reruns_scenario"])),
        row("Script runs per pan or zoom", lambda a: _fmt(a["reruns_per_gesture"], digits=1)),
        row("Warm rerun, AppTest, ms", lambda a: _fmt(a["warm_rerun_ms"], digits=1)),
        row("Server script run in the browser sessions, ms", lambda a: _fmt(a["server_run_ms"], digits=1)),
        row("Payload at load, KB (ws + map iframe HTTP)", lambda a: _fmt(a["payload_load_bytes"]["total_bytes"], scale=1000)),
        row("  of which map iframe HTTP, KB", lambda a: _fmt(a["payload_load_bytes"]["map_http_bytes"], scale=1000)),
        row("  of which ws frames carrying the map, KB", lambda a: _fmt(a["payload_load_bytes"]["ws_map_bytes"], scale=1000)),
        row("Payload per filter change, KB", lambda a: _fmt(a["payload_filter_bytes"]["total_bytes"], scale=1000, digits=1)),
        row(f"{sessions} sessions: filter latency p50 / p95, ms", crowd("latency", lambda c: f"{c['p50_ms']:.0f} / {c['p95_ms']:.0f}" if c["p95_ms"] is not None else "n/a")),
        row(f"{sessions} sessions: errors", crowd("errors", lambda e: str(len(e)))),
        row(f"RSS idle / 1 / {sessions} sessions / {after:.0f} s after, MB", crowd("rss_mb", lambda r: " / ".join(f"{v:.0f}" for v in r))),
    ]  # fmt: skip


def _targets_rows(results: dict[str, Any]) -> list[list[str]]:
    out = []
    for t in results["targets"]:
        value = (
            "n/a"
            if t["value"] is None
            else f"{t['value']:.0f}"
            if isinstance(t["value"], float)
            else str(t["value"])
        )
        ratio = "" if t["ratio"] is None else f"{t['ratio']:.2f} × limit"
        out.append([t["name"], value, t["limit_text"], ratio, "met" if t["met"] else "MISSED"])
    return out


def text_table(results: dict[str, Any]) -> str:
    def render(header: list[str], body: list[list[str]]) -> list[str]:
        widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
        return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in [header, *body]]

    lines = render(["median (min–max)", *APP_NAMES], rows(results))
    lines += ["", *render(["dashboard target", "value", "limit", "ratio", ""], _targets_rows(results))]
    return "\n".join(lines)


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    c = results["config"]

    def table(header: list[str], body: list[list[str]]) -> list[str]:
        return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + [
            "| " + " | ".join(cell.replace("|", "\\|") for cell in r) + " |" for r in body
        ]

    lines = [
        f"Mesuré le {m['date'][:10]} ({c['mode']}) : {m['cpu']}, {m['cores']} cœurs, {m['memory_gb']} Go ; "
        f"Python {m['python']}, Streamlit {m['streamlit']}, streamlit-folium {m['streamlit_folium']}, "
        f"Chromium {m['chromium']}. Médiane (min–max) de {c['rounds']} répétitions après échauffement, "
        "applications prises tour à tour ; `make bench` pour mesurer à nouveau.",
        "",
        *table(["", *APP_NAMES], rows(results)),
        "",
        *table(["Objectif (dashboard)", "valeur", "limite", "rapport", ""], _targets_rows(results)),
    ]
    return "\n".join(lines) + "\n"
