"""The one reference of the 19 territories drawn on the map: code, official name, slug, overseas."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from territoires import DATA_DIR

OUTLINES_PATH: Path = DATA_DIR / "regions.geojson"


@dataclass(frozen=True, slots=True)
class RegionRef:
    code: str  # INSEE region code; "978" is the COM code of Saint-Martin, not a region
    name: str  # official name, as INSEE writes it
    slug: str  # ascii, lowercase, hyphens: the value of ?region= in URLs
    overseas: bool
    country_code: str  # ISO 3166-1 alpha-2 under which GeoNames and OSM file its places


REGIONS: tuple[RegionRef, ...] = (
    RegionRef("84", "Auvergne-Rhône-Alpes", "auvergne-rhone-alpes", False, "FR"),
    RegionRef("27", "Bourgogne-Franche-Comté", "bourgogne-franche-comte", False, "FR"),
    RegionRef("53", "Bretagne", "bretagne", False, "FR"),
    RegionRef("24", "Centre-Val de Loire", "centre-val-de-loire", False, "FR"),
    RegionRef("94", "Corse", "corse", False, "FR"),
    RegionRef("44", "Grand Est", "grand-est", False, "FR"),
    RegionRef("32", "Hauts-de-France", "hauts-de-france", False, "FR"),
    RegionRef("11", "Île-de-France", "ile-de-france", False, "FR"),
    RegionRef("28", "Normandie", "normandie", False, "FR"),
    RegionRef("75", "Nouvelle-Aquitaine", "nouvelle-aquitaine", False, "FR"),
    RegionRef("76", "Occitanie", "occitanie", False, "FR"),
    RegionRef("52", "Pays de la Loire", "pays-de-la-loire", False, "FR"),
    RegionRef("93", "Provence-Alpes-Côte d'Azur", "provence-alpes-cote-d-azur", False, "FR"),
    RegionRef("01", "Guadeloupe", "guadeloupe", True, "GP"),
    RegionRef("02", "Martinique", "martinique", True, "MQ"),
    RegionRef("03", "Guyane", "guyane", True, "GF"),
    RegionRef("04", "La Réunion", "la-reunion", True, "RE"),
    RegionRef("06", "Mayotte", "mayotte", True, "YT"),
    RegionRef("978", "Saint-Martin", "saint-martin", True, "MF"),
)

BY_CODE: dict[str, RegionRef] = {r.code: r for r in REGIONS}
BY_SLUG: dict[str, RegionRef] = {r.slug: r for r in REGIONS}
BY_NAME: dict[str, RegionRef] = {r.name: r for r in REGIONS}


def read_outlines_geojson(path: Path = OUTLINES_PATH) -> dict[str, object]:
    """The outlines as a GeoJSON FeatureCollection whose `code` properties are region codes."""
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


@cache
def region_outlines(path: Path = OUTLINES_PATH) -> dict[str, BaseGeometry]:
    """Full-resolution outline of each region, keyed by code: the geometry used for validation."""
    features = read_outlines_geojson(path)["features"]
    assert isinstance(features, list)
    return {f["properties"]["code"]: shape(f["geometry"]) for f in features}
