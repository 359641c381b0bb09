"""Downloads of the current selection, always with the real coordinates."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import NamedTuple

import pandas as pd

from territoires.dataset import GEOCODED_COLUMNS, geocoded_csv_text
from territoires.filters import View, Zone
from territoires.regions import BY_CODE

BASENAME = "laureats-au-coeur-des-territoires"
MAX_SLUGS_IN_NAME = 4


def export_basename(view: View) -> str:
    """A file name that says what the file holds, e.g. `…-bretagne-grand-est`, `…-outre-mer-vague-2`."""
    parts = [BASENAME]
    if view.regions:
        slugs = [BY_CODE[code].slug for code in view.regions]
        parts += slugs if len(slugs) <= MAX_SLUGS_IN_NAME else [f"{len(slugs)}-regions"]
    if view.zone is not Zone.ALL:
        parts.append(view.zone.value)
    if view.wave is not None:
        parts.append(f"vague-{view.wave}")
    if view.query:
        parts.append("recherche")
    return "-".join(parts)


def to_csv_bytes(laureates: pd.DataFrame) -> bytes:
    """Same columns and formats as data/laureates_geocoded.csv."""
    return geocoded_csv_text(laureates).encode("utf-8")


def to_geojson_bytes(laureates: pd.DataFrame) -> bytes:
    """A FeatureCollection of points (WGS84, real positions) with every other column as a property."""
    facts = [c for c in GEOCODED_COLUMNS if c not in ("latitude", "longitude")]
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [round(row["longitude"], 6), round(row["latitude"], 6)],
            },
            "properties": {column: row[column] for column in facts},
        }
        for row in laureates.to_dict(orient="records")
    ]
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, indent=1, default=int).encode("utf-8")


class Export(NamedTuple):
    label: str
    mime: str
    make: Callable[[pd.DataFrame], bytes]


# Each download, by its file extension.
EXPORTS = {
    "csv": Export("CSV", "text/csv", to_csv_bytes),
    "geojson": Export("GeoJSON", "application/geo+json", to_geojson_bytes),
}
