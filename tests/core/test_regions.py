from __future__ import annotations

import re

from territoires.regions import BY_CODE, BY_NAME, BY_SLUG, REGIONS, read_outlines_geojson, region_outlines


def test_reference_holds_the_19_territories_of_the_outlines() -> None:
    features = read_outlines_geojson()["features"]
    assert isinstance(features, list)
    assert {f["properties"]["code"] for f in features} == set(BY_CODE)
    assert len(REGIONS) == 19
    assert sum(not r.overseas for r in REGIONS) == 13


def test_names_are_the_official_ones_of_the_outlines() -> None:
    features = read_outlines_geojson()["features"]
    assert isinstance(features, list)
    for feature in features:
        assert BY_CODE[feature["properties"]["code"]].name == feature["properties"]["nom"]


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
