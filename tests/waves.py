"""A two-wave dataset, made from the committed file as the day a second wave is published would."""

from __future__ import annotations

import csv
from pathlib import Path

from territoires.dataset import GEOCODED_PATH

# Towns of the committed file turned into a second wave: two regions of the Hexagone, Corse and an
# overseas one, so that each filter still has something to cut in it.
SECOND_WAVE = {"Quimper": "53", "Colmar": "44", "Troyes": "44", "Bastia": "94", "Le Port": "04"}
SECOND_WAVE_ANNOUNCED = "2021-09-08"


def write_two_waves(target: Path, source: Path = GEOCODED_PATH) -> Path:
    """`source` with the SECOND_WAVE towns in wave 2, announced on SECOND_WAVE_ANNOUNCED."""
    with source.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert {row["town"]: row["region_code"] for row in rows if row["town"] in SECOND_WAVE} == SECOND_WAVE
    for row in rows:
        if row["town"] in SECOND_WAVE:
            row.update(wave="2", announced=SECOND_WAVE_ANNOUNCED)
    with target.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return target
