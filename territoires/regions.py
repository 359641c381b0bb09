"""The one reference of the 19 territories drawn on the map: code, official name, slug, overseas."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from territoires import DATA_DIR
from territoires.departments import department_label

OUTLINES_PATH: Path = DATA_DIR / "regions.geojson"  # built by `python -m territoires.outlines`
DEPARTMENT_OUTLINES_PATH: Path = DATA_DIR / "departments.geojson"  # built with it
# Natural Earth's coastlines are coarser than a town hall's place: Basse-Terre's lies 1.4 km out at sea.
PLACEMENT_TOLERANCE_KM = 2.0
EARTH_RADIUS_KM = 6371.0088
FAR_KM = 100


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
def outlines_by_code(path: Path) -> dict[str, BaseGeometry]:
    """The geometries of an outlines file (`python -m territoires.outlines`), keyed by `code`."""
    features = read_outlines_geojson(path)["features"]
    assert isinstance(features, list)
    geometries = {f["properties"]["code"]: shape(f["geometry"]) for f in features}
    shapely.prepare(list(geometries.values()))  # indexed once: each point test is then a lookup
    return geometries


def region_outlines() -> dict[str, BaseGeometry]:
    """Full-resolution outline of each region, keyed by code: the geometry the map draws."""
    return outlines_by_code(OUTLINES_PATH)


def department_outlines() -> dict[str, BaseGeometry]:
    """Outline of each department (and of Saint-Martin, 978), keyed by INSEE code: what points are
    checked against (`department_placement_problem`)."""
    return outlines_by_code(DEPARTMENT_OUTLINES_PATH)


def distance_km(geometry: BaseGeometry, lon: float, lat: float) -> float:
    """Distance from the point to the geometry, on a plane tangent at the point: exact enough
    within the few kilometres where it decides anything."""
    scale = math.radians(1) * EARTH_RADIUS_KM
    local = shapely.transform(
        geometry, lambda xy: (xy - (lon, lat)) * (scale * math.cos(math.radians(lat)), scale)
    )
    return float(local.distance(Point(0, 0)))


def _placement_problem(
    outlines: dict[str, BaseGeometry], code: str, lon: float, lat: float, named: Callable[[str], str]
) -> str | None:
    """Why (lon, lat) cannot be a place of the area `code`, or None: it must lie inside the area's
    outline, or within PLACEMENT_TOLERANCE_KM of it and nearer to it than to any other.
    `named(code)` is the area with its preposition: « de la région Corse », « du département Aude (11) »."""
    own, point = outlines[code], Point(lon, lat)
    if own.covers(point):
        return None
    gap = distance_km(own, lon, lat)
    if gap > PLACEMENT_TOLERANCE_KM:
        # The tangent plane is only a measure nearby; far off, the order of magnitude is what helps.
        how_far = f"à {gap:.1f} km" if gap <= FAR_KM else f"à plus de {FAR_KM} km"
        return f"ce point est {how_far} {named(code)} (tolérance : {PLACEMENT_TOLERANCE_KM:g} km)"
    # Only outlines within a degree can be nearer than the tolerance; the others are not measured.
    for other, outline in outlines.items():
        if other != code and outline.distance(point) < 1 and distance_km(outline, lon, lat) <= gap:
            return f"ce point est plus près {named(other)} que {named(code)}"
    return None


def placement_problem(region_code: str, lon: float, lat: float) -> str | None:
    """Why (lon, lat) cannot be a place of this region, in French, or None (see `_placement_problem`)."""
    return _placement_problem(
        region_outlines(), region_code, lon, lat, lambda code: f"de la région {BY_CODE[code].name}"
    )


def department_placement_problem(department_code: str, lon: float, lat: float) -> str | None:
    """Why (lon, lat) cannot be a place of this department, in French, or None: the check that both
    the geocoder and the app make, which also catches a wrong region or far-away homonym."""
    return _placement_problem(
        department_outlines(),
        department_code,
        lon,
        lat,
        lambda code: f"du département {department_label(code)}",
    )
