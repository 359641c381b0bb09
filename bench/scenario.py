"""What a benchmark session does: the filter changes, their expected end states, the map gestures."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from bench.servers import DATASET

Want = dict[str, int | str]  # {"markers": n} or {"text": "…"}: the DOM state that ends a measure


def _rows() -> list[dict[str, str]]:
    with DATASET.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


PER_REGION = Counter(row["region"] for row in _rows())
CODES = {row["region"]: row["region_code"] for row in _rows()}
TOTAL = sum(PER_REGION.values())
CLICKED_REGION = "Bretagne"  # the outline clicked on the dashboard's map: large, in metropolitan France


@dataclass(frozen=True)
class Change:
    action: Literal["add", "remove"]  # add: type the name, Enter; remove: Backspace drops the last one
    region: str
    after: tuple[str, ...]  # the selection once done


def plan(regions: list[str]) -> list[Change]:
    """Adds and removes regions as a stack; consecutive states never have the same marker count."""
    changes: list[Change] = []
    stack: list[str] = []
    for first, second in zip(regions[0::2], regions[1::2], strict=False):
        for region in (first, second):
            stack.append(region)
            changes.append(Change("add", region, tuple(stack)))
        for region in (second, first):
            stack.pop()
            changes.append(Change("remove", region, tuple(stack)))
    if len(regions) % 2:
        region = regions[-1]
        changes += [Change("add", region, (region,)), Change("remove", region, ())]
    return changes


# Ten changes: 55 → 15 → 19 → 15 → 55 → 3 → 4 → 3 → 55 → 2 → 55 markers.
REGIONS = ["Grand Est", "Bretagne", "Occitanie", "Corse", "La Réunion"]
FILTER_PLAN = plan(REGIONS)
QUICK_FILTER_PLAN = plan(["La Réunion"])

# Pans (drags, in CSS pixels) and zooms (wheel steps; negative zooms in) over the map.
Gesture = tuple[Literal["drag"], int, int] | tuple[Literal["wheel"], int, int]
GESTURES: list[Gesture] = [
    ("drag", 120, 0),
    ("wheel", 0, -240),
    ("drag", 0, 80),
    ("wheel", 0, 240),
    ("drag", -120, -80),
]
QUICK_GESTURES: list[Gesture] = GESTURES[:1]


def rerun_requests(app: str) -> int:
    """The rerun requests a load or a filter change makes the page send: its own, then for naive the
    new map's report of its view (st_folium returns its default objects; streamlit-folium sends them
    250 ms after the new map is drawn, and the map is new at each change): a second run."""
    return 2 if app == "naive" else 1


def want(app: str, selection: tuple[str, ...]) -> Want:
    if app == "floor":
        return {"text": f"Sélection : {', '.join(selection) if selection else 'toutes les régions'}"}
    return {"markers": sum(PER_REGION[region] for region in selection) if selection else TOTAL}
