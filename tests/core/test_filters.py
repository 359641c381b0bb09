from __future__ import annotations

import pandas as pd
import pytest

from territoires.filters import (
    View,
    Zone,
    counts,
    fold,
    parse_query_params,
    per_region,
    query_params,
    select,
)
from territoires.regions import BY_SLUG


def code(slug: str) -> str:
    return BY_SLUG[slug].code


def test_no_filter_selects_all_55(laureates: pd.DataFrame) -> None:
    assert len(select(laureates, View())) == 55


def test_one_region(laureates: pd.DataFrame) -> None:
    towns = set(select(laureates, View(regions=(code("bretagne"),)))["town"])
    assert towns == {"Fougères", "Morlaix", "Quimper", "Saint-Brieuc"}


def test_several_regions(laureates: pd.DataFrame) -> None:
    chosen = select(laureates, View(regions=(code("grand-est"), code("la-reunion"))))
    assert len(chosen) == 17
    assert set(chosen["region"]) == {"Grand Est", "La Réunion"}


@pytest.mark.parametrize(("zone", "expected"), [(Zone.ALL, 55), (Zone.METROPOLE, 49), (Zone.OVERSEAS, 6)])
def test_zone(laureates: pd.DataFrame, zone: Zone, expected: int) -> None:
    assert len(select(laureates, View(zone=zone))) == expected


def test_zone_and_region_combine(laureates: pd.DataFrame) -> None:
    assert select(laureates, View(regions=(code("bretagne"),), zone=Zone.OVERSEAS)).empty


@pytest.mark.parametrize(
    ("query", "towns"),
    [
        ("colmar", {"Colmar"}),
        ("CHALONS", {"Châlons-en-Champagne"}),
        ("saint lo", {"Saint-Lô", "Saint-Louis"}),
        ("épinal", {"Épinal"}),
        ("roche-sur", {"La Roche-sur-Yon"}),
        ("zzz", set()),
    ],
)
def test_search_ignores_case_accents_and_hyphens(
    laureates: pd.DataFrame, query: str, towns: set[str]
) -> None:
    assert set(select(laureates, View(query=query))["town"]) == towns


def test_fold() -> None:
    assert fold("  Saint-Dié-des-Vosges ") == "saint die des vosges"
    assert fold("Provence-Alpes-Côte d'Azur") == "provence alpes cote d azur"


def test_counts_of_everything(laureates: pd.DataFrame) -> None:
    whole = counts(laureates)
    assert (whole.laureates, whole.metropole, whole.overseas, whole.regions) == (55, 49, 6, 18)


def test_counts_of_overseas_only(laureates: pd.DataFrame) -> None:
    part = counts(select(laureates, View(zone=Zone.OVERSEAS)))
    assert (part.laureates, part.metropole, part.overseas, part.regions) == (6, 0, 6, 5)


def test_per_region_lists_every_region_with_zeros(laureates: pd.DataFrame) -> None:
    numbers = per_region(laureates)
    assert len(numbers) == 19
    assert numbers[code("grand-est")] == 15
    assert numbers[code("martinique")] == 0
    assert sum(numbers.values()) == 55


WITH_LAUREATES = {c for c in (code(s) for s in BY_SLUG) if c != code("martinique")}


def test_url_parameters_read_into_a_view() -> None:
    parsed = parse_query_params(
        {"region": ["grand-est", "bretagne", "bretagne"], "zone": ["metropole"], "q": ["  saint   "]},
        WITH_LAUREATES,
    )
    assert parsed.view == View(
        regions=(code("bretagne"), code("grand-est")), zone=Zone.METROPOLE, query="saint"
    )
    assert parsed.ignored == ()


def test_invalid_url_parameters_are_ignored_and_named() -> None:
    parsed = parse_query_params(
        {"region": ["atlantide", "martinique", "corse"], "zone": ["lune"], "utm_source": ["x"]},
        WITH_LAUREATES,
    )
    assert parsed.view == View(regions=(code("corse"),))
    assert len(parsed.ignored) == 4
    text = " ".join(parsed.ignored)
    assert "« atlantide »" in text
    assert "Martinique" in text
    assert "« lune »" in text
    assert "« utm_source »" in text


def test_huge_values_are_cut_in_the_view_and_in_the_notice() -> None:
    parsed = parse_query_params({"q": ["a" * 10_000], "region": ["b" * 10_000]}, WITH_LAUREATES)
    assert len(parsed.view.query) == 80
    assert all(len(sentence) < 100 for sentence in parsed.ignored)


def test_view_to_url_and_back() -> None:
    view = View(regions=(code("bretagne"), code("saint-martin")), zone=Zone.OVERSEAS, query="port")
    params = query_params(view)
    assert params == {"region": ["bretagne", "saint-martin"], "zone": "outre-mer", "q": "port"}
    as_lists = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    assert parse_query_params(as_lists, WITH_LAUREATES).view == view
    assert query_params(View()) == {}
