from __future__ import annotations

import math
import re

import pytest
from shapely.geometry import Point
from shapely.ops import nearest_points

from territoires.departments import DEPARTMENT_NAMES, DEPARTMENT_REGION, REGION_DEPARTMENTS, department_label
from territoires.outlines import SOURCE
from territoires.regions import (
    BY_CODE,
    BY_NAME,
    BY_SLUG,
    EARTH_RADIUS_KM,
    FAR_KM,
    PLACEMENT_TOLERANCE_KM,
    REGIONS,
    department_outlines,
    department_placement_problem,
    distance_km,
    placement_problem,
    read_outlines_geojson,
    region_outlines,
)


def test_reference_holds_the_19_territories_of_the_outlines() -> None:
    features = read_outlines_geojson()["features"]
    assert isinstance(features, list)
    assert {f["properties"]["code"] for f in features} == set(BY_CODE)
    assert len(REGIONS) == 19
    assert sum(not r.overseas for r in REGIONS) == 13


def test_outlines_record_the_package_they_were_built_from() -> None:
    assert read_outlines_geojson()["source"] == SOURCE


def test_every_department_belongs_to_one_territory_of_the_reference() -> None:
    assert set(REGION_DEPARTMENTS) == set(BY_CODE)
    assert set(DEPARTMENT_REGION) == set(DEPARTMENT_NAMES)
    assert sum(len(codes) for codes in REGION_DEPARTMENTS.values()) == len(DEPARTMENT_NAMES) == 102
    assert DEPARTMENT_REGION["68"] == BY_NAME["Grand Est"].code
    assert DEPARTMENT_REGION["974"] == BY_NAME["La Réunion"].code


def test_slugs_are_ascii_lowercase_hyphenated_and_unique() -> None:
    assert len(BY_SLUG) == len(REGIONS)
    for ref in REGIONS:
        assert re.fullmatch(r"[a-z]+(?:-[a-z]+)*", ref.slug), ref.slug
    assert BY_NAME["Grand Est"].slug == "grand-est"
    assert BY_NAME["Île-de-France"].slug == "ile-de-france"
    assert BY_NAME["La Réunion"].slug == "la-reunion"
    assert BY_NAME["Provence-Alpes-Côte d'Azur"].slug == "provence-alpes-cote-d-azur"
    assert BY_CODE["978"].slug == "saint-martin"


def test_overseas_flag_and_country_codes() -> None:
    overseas = {r.name: r.country_code for r in REGIONS if r.overseas}
    assert overseas == {
        "Guadeloupe": "GP",
        "Martinique": "MQ",
        "Guyane": "GF",
        "La Réunion": "RE",
        "Mayotte": "YT",
        "Saint-Martin": "MF",
    }
    assert all(r.country_code == "FR" for r in REGIONS if not r.overseas)


def test_outlines_are_valid_geometries() -> None:
    assert all(geometry.is_valid for geometry in region_outlines().values())


# Real homonyms of laureate towns, in another region than the laureate's (coordinates: GeoNames).
HOMONYM_TRAPS = {
    "Saint-Louis (La Réunion) for the Haut-Rhin town": ("Grand Est", 55.4112, -21.2859),
    "Saint-Joseph (Martinique) for La Réunion's": ("La Réunion", -61.0379, 14.6719),
    "Le Port (Ariège) for La Réunion's": ("La Réunion", 1.3800, 42.8720),
    "Chaumont (Haute-Savoie) for the Haute-Marne town": ("Grand Est", 5.9578, 46.0581),
    "Verdun (Ariège) for the Meuse town": ("Grand Est", 1.6889, 42.7906),
}


@pytest.mark.parametrize("trap", HOMONYM_TRAPS)
def test_homonym_in_another_region_is_refused(trap: str) -> None:
    region, lon, lat = HOMONYM_TRAPS[trap]
    problem = placement_problem(BY_NAME[region].code, lon, lat)
    assert problem is not None
    assert f"de la région {region} (tolérance : 2 km)" in problem


def point_towards(lon: float, lat: float, target: Point, km: float) -> tuple[float, float]:
    """The point `km` from (lon, lat) on the way to `target` (small distances: a plane is enough)."""
    whole = distance_km(target, lon, lat)
    return lon + (target.x - lon) * km / whole, lat + (target.y - lat) * km / whole


def test_a_point_off_its_coast_passes_within_the_tolerance_and_fails_beyond() -> None:
    guadeloupe = region_outlines()[BY_NAME["Guadeloupe"].code]
    at_sea = Point(-61.80, 16.00)  # west of Basse-Terre, in the Caribbean Sea
    coast = nearest_points(guadeloupe, at_sea)[0]
    near = point_towards(coast.x, coast.y, at_sea, PLACEMENT_TOLERANCE_KM - 0.5)
    far = point_towards(coast.x, coast.y, at_sea, PLACEMENT_TOLERANCE_KM + 1.0)

    assert placement_problem("01", *near) is None
    assert placement_problem("01", *far) == "ce point est à 3.0 km de la région Guadeloupe (tolérance : 2 km)"


def test_a_point_across_a_border_fails_even_within_the_tolerance() -> None:
    bretagne = region_outlines()[BY_NAME["Bretagne"].code]
    chateaubriant = Point(-1.3763, 47.7172)  # Loire-Atlantique, Pays de la Loire
    border = nearest_points(bretagne, chateaubriant)[0]
    across = point_towards(border.x, border.y, chateaubriant, 0.5)

    assert distance_km(bretagne, *across) < PLACEMENT_TOLERANCE_KM
    assert (
        placement_problem("53", *across)
        == "ce point est plus près de la région Pays de la Loire que de la région Bretagne"
    )
    assert placement_problem("52", *across) is None


def test_department_outlines_are_the_101_departments_and_saint_martin() -> None:
    outlines = department_outlines()
    assert set(outlines) == set(DEPARTMENT_REGION)
    assert all(geometry.is_valid for geometry in outlines.values())


def test_a_point_in_the_departments_bounding_box_but_outside_its_outline_is_refused() -> None:
    """Near Haguenau, in Bas-Rhin: inside Moselle's bounding box, 14 km from Moselle itself."""
    haguenau_way = (7.5, 48.8)
    assert department_outlines()["57"].envelope.covers(Point(*haguenau_way))
    assert department_placement_problem("57", *haguenau_way) == (
        "ce point est à 14.2 km du département Moselle (57) (tolérance : 2 km)"
    )
    assert department_placement_problem("67", *haguenau_way) is None


def test_a_point_across_a_department_border_fails_even_within_the_tolerance() -> None:
    colmar = Point(7.3558, 48.0808)  # Haut-Rhin, south of Bas-Rhin
    bas_rhin = department_outlines()["67"]
    border = nearest_points(bas_rhin, colmar)[0]
    across = point_towards(border.x, border.y, colmar, 0.5)

    assert distance_km(bas_rhin, *across) < PLACEMENT_TOLERANCE_KM
    assert department_placement_problem("67", *across) == (
        "ce point est plus près du département Haut-Rhin (68) que du département Bas-Rhin (67)"
    )
    assert department_placement_problem("68", *across) is None


def test_a_point_on_the_border_of_two_departments_is_a_place_of_either() -> None:
    on_border = (7.47, 48.16)  # a vertex of the line between Bas-Rhin and Haut-Rhin
    assert department_outlines()["67"].boundary.covers(Point(*on_border))
    assert department_outlines()["68"].boundary.covers(Point(*on_border))
    assert department_placement_problem("67", *on_border) is None
    assert department_placement_problem("68", *on_border) is None


def east_of_null_island(km: float) -> Point:
    """A territory reduced to the point `km` east of (0, 0), as `distance_km` measures it."""
    far = Point(km / (math.radians(1) * EARTH_RADIUS_KM), 0)
    assert distance_km(far, 0, 0) == km  # exactly: the boundaries below are met, not approached
    return far


@pytest.mark.parametrize(
    ("km", "problem"),
    [
        (PLACEMENT_TOLERANCE_KM, None),
        (math.nextafter(PLACEMENT_TOLERANCE_KM, math.inf), "à 2.0 km"),
        (FAR_KM, "à 100.0 km"),
        (math.nextafter(FAR_KM, math.inf), "à plus de 100 km"),
    ],
)
def test_the_tolerance_and_the_far_distance_include_their_bound(
    monkeypatch: pytest.MonkeyPatch, km: float, problem: str | None
) -> None:
    """Up to 2 km is within the tolerance; up to 100 km the distance is given, beyond it only its size."""
    monkeypatch.setattr("territoires.regions.region_outlines", lambda: {"53": east_of_null_island(km)})
    expected = problem and f"ce point est {problem} de la région Bretagne (tolérance : 2 km)"
    assert placement_problem("53", 0, 0) == expected


def test_a_point_as_near_to_another_territory_as_to_its_own_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Nearer to its own than to any other: a tie is not nearer."""
    east = east_of_null_island(1.0)
    west = Point(-east.x, east.y)
    monkeypatch.setattr("territoires.regions.region_outlines", lambda: {"53": west, "52": east})
    assert distance_km(west, 0, 0) == distance_km(east, 0, 0) < PLACEMENT_TOLERANCE_KM
    assert (
        placement_problem("53", 0, 0)
        == "ce point est plus près de la région Pays de la Loire que de la région Bretagne"
    )
    assert (
        placement_problem("52", 0, 0)
        == "ce point est plus près de la région Bretagne que de la région Pays de la Loire"
    )


def test_a_department_is_labelled_by_its_name_and_code_or_by_its_code_alone() -> None:
    assert department_label("68") == "Haut-Rhin (68)"
    assert department_label("2A") == "Corse-du-Sud (2A)"
    assert department_label("977") == "977"  # not a department of the map (Saint-Barthélemy)
