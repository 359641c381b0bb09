from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from territoires.dataset import read_geocoded
from territoires.filters import (
    ParsedView,
    View,
    Zone,
    counts,
    focus,
    fold,
    laureates_shown,
    matches_search,
    parse_query_params,
    per_region,
    query_params,
    select,
    toggled,
    wave_label,
    waves,
)
from territoires.regions import BY_SLUG
from tests.waves import SECOND_WAVE, SECOND_WAVE_ANNOUNCED, write_two_waves


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


BRETAGNE_TOWNS = {"Fougères", "Morlaix", "Quimper", "Saint-Brieuc"}


@pytest.mark.parametrize(
    ("query", "towns"),
    [
        ("chalons en champagne", {"Châlons-en-Champagne"}),
        ("Saint Die", {"Saint-Dié-des-Vosges"}),
        ("St-Dié", {"Saint-Dié-des-Vosges"}),
        ("st. avold", {"Saint-Avold"}),
        ("ST LO", {"Saint-Lô", "Saint-Louis"}),
        ("Haut-Rhin", {"Colmar", "Saint-Louis"}),
        ("rhin", {"Colmar", "Saint-Louis", "Saverne"}),
        ("Vosges", {"Épinal", "Saint-Dié-des-Vosges", "Vittel"}),
        ("Bretagne", BRETAGNE_TOWNS),
        ("bret", BRETAGNE_TOWNS),
        ("la reunion", {"Le Port", "Saint-Joseph"}),
        ("Ain", set()),  # the department, which has no laureate; not the « ain » of every Saint-…
    ],
)
def test_search_finds_towns_departments_and_regions_as_people_type_them(
    laureates: pd.DataFrame, query: str, towns: set[str]
) -> None:
    assert set(select(laureates, View(query=query))["town"]) == towns


@pytest.mark.parametrize(
    ("query", "towns"),
    [
        ("68", {"Colmar", "Saint-Louis"}),
        (" 974 ", {"Le Port", "Saint-Joseph"}),
        ("2B", {"Bastia"}),
        ("2a", set()),  # Corse-du-Sud has no laureate
        ("6", {"Grasse"}),  # the Alpes-Maritimes, « 06 »
        ("51", {"Châlons-en-Champagne"}),  # the Marne; not Morlaix, whose INSEE code is 29151
        ("12", set()),  # the Aveyron; not Montauban (82121) nor Saint-Joseph (97412)
        ("29232", set()),  # no department has this number
    ],
)
def test_a_number_finds_the_department_of_that_number_alone(
    laureates: pd.DataFrame, query: str, towns: set[str]
) -> None:
    assert set(select(laureates, View(query=query))["town"]) == towns


def test_st_and_ste_are_saint_and_sainte_on_either_side() -> None:
    # Towns of no laureate (none of the data is a Sainte-…), in real departments and regions.
    towns = pd.DataFrame(
        {
            "town": ["Sainte-Marie", "Saint-Marcel", "Ste-Rose"],
            "department_code": ["974", "27", "971"],
            "region_code": ["04", "28", "01"],
        }
    )

    def found(query: str) -> list[str]:
        return [str(town) for town in towns.loc[matches_search(towns, query), "town"]]

    assert found("Ste-Marie") == ["Sainte-Marie"]
    assert found("St Marcel") == ["Saint-Marcel"]
    assert found("sainte rose") == ["Ste-Rose"]
    assert found("St Mar") == ["Saint-Marcel"]  # « St » is Saint, not the start of Sainte


def test_a_search_within_an_already_narrowed_table_answers_for_its_own_rows(laureates: pd.DataFrame) -> None:
    overseas = select(laureates, View(zone=Zone.OVERSEAS))
    assert not overseas.index.equals(pd.RangeIndex(len(overseas)))  # rows 0 to 5 would hide a lost index
    found = {"Saint-Joseph", "Saint-Laurent-du-Maroni", "Saint-Martin"}
    assert set(overseas.loc[matches_search(overseas, "saint"), "town"]) == found
    assert set(select(overseas, View(query="saint"))["town"]) == found


@pytest.mark.parametrize(
    ("shown", "sentence"),
    [
        (0, "Aucune ville lauréate affichée sur 55"),
        (1, "1 ville lauréate affichée sur 55"),
        (2, "2 villes lauréates affichées sur 55"),
        (12, "12 villes lauréates affichées sur 55"),
    ],
)
def test_the_number_shown_is_written_in_the_singular_or_the_plural(shown: int, sentence: str) -> None:
    assert laureates_shown(shown, 55) == sentence


def test_fold() -> None:
    assert fold("  Saint-Dié-des-Vosges ") == "saint die des vosges"
    assert fold("Provence-Alpes-Côte d'Azur") == "provence alpes cote d azur"
    assert fold("L’Isle-d’Abeau") == fold("L'Isle-d'Abeau") == "l isle d abeau"  # the typographic apostrophe


def test_a_view_frames_its_regions_else_its_zone_s_regions_with_laureates_else_none(
    laureates: pd.DataFrame,
) -> None:
    with_laureates = [c for c, n in per_region(laureates).items() if n]
    overseas = (code("guadeloupe"), code("guyane"), code("la-reunion"), code("mayotte"), code("saint-martin"))
    assert focus(View(), with_laureates) == ()  # the markers are framed
    assert focus(View(query="saint"), with_laureates) == ()
    assert focus(View(zone=Zone.OVERSEAS), with_laureates) == overseas
    metropole = tuple(c for c in with_laureates if c not in overseas)
    assert len(metropole) == 13
    assert focus(View(zone=Zone.METROPOLE), with_laureates) == metropole
    assert focus(View(regions=(code("bretagne"),), zone=Zone.OVERSEAS), with_laureates) == (code("bretagne"),)
    assert focus(View(regions=(code("corse"),)), with_laureates) == (code("corse"),)


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
ONE_WAVE = (1,)  # the committed data's
TWO_WAVES = (1, 2)


def test_url_parameters_read_into_a_view() -> None:
    parsed = parse_query_params(
        {"region": ["grand-est", "bretagne", "bretagne"], "zone": ["metropole"], "q": ["  saint   "]},
        WITH_LAUREATES,
        ONE_WAVE,
    )
    assert parsed.view == View(
        regions=(code("bretagne"), code("grand-est")), zone=Zone.METROPOLE, query="saint"
    )
    assert parsed.ignored == ()


def test_region_slugs_are_read_whatever_their_case_and_surrounding_spaces() -> None:
    """A link typed or pasted by hand: « ?region=Bretagne », « ?region=%20CORSE%20 »."""
    parsed = parse_query_params({"region": ["Bretagne", " CORSE ", "Grand-Est\n"]}, WITH_LAUREATES, ONE_WAVE)
    assert parsed.view.regions == (code("bretagne"), code("corse"), code("grand-est"))
    assert parsed.ignored == ()


def test_of_repeated_zones_the_last_wins_as_for_the_search_and_the_wave() -> None:
    parsed = parse_query_params(
        {"zone": ["metropole", " Outre-Mer "], "q": ["brest", "port"]}, WITH_LAUREATES, ONE_WAVE
    )
    assert (parsed.view.zone, parsed.view.query) == (Zone.OVERSEAS, "port")
    assert parse_query_params({"zone": ["outre-mer", "metropole"]}, WITH_LAUREATES, ONE_WAVE).view.zone is (
        Zone.METROPOLE
    )


def test_invalid_url_parameters_are_ignored_and_named() -> None:
    parsed = parse_query_params(
        {"region": ["atlantide", "martinique", "corse"], "zone": ["lune"], "utm_source": ["x"]},
        WITH_LAUREATES,
        ONE_WAVE,
    )
    assert parsed.view == View(regions=(code("corse"),))
    assert len(parsed.ignored) == 4
    text = " ".join(parsed.ignored)
    assert "« atlantide »" in text
    assert "Martinique" in text
    assert "« lune »" in text
    assert "« utm_source »" in text


def test_bidi_controls_and_whitespace_runs_from_the_url_are_gone_before_shown() -> None:
    parsed = parse_query_params(
        {"region": ["\u202eeciroc\u202c \t\n  x"], "q": ["  Le\u2066\u00a0\u00a0 Port\u2069\n"]},
        WITH_LAUREATES,
        ONE_WAVE,
    )
    assert parsed.ignored == ("région inconnue « eciroc x »",)
    assert parsed.view.query == "Le Port"


def test_huge_values_are_cut_in_the_view_and_in_the_notice() -> None:
    parsed = parse_query_params({"q": ["a" * 10_000], "region": ["b" * 10_000]}, WITH_LAUREATES, ONE_WAVE)
    assert len(parsed.view.query) == 80
    assert all(len(sentence) < 100 for sentence in parsed.ignored)


@pytest.mark.parametrize(("value", "shown"), [("b" * 40, "b" * 40), ("b" * 41, "b" * 40 + "…")])
def test_an_ignored_value_is_quoted_whole_up_to_40_characters_then_cut_with_an_ellipsis(
    value: str, shown: str
) -> None:
    parsed = parse_query_params({"region": [value]}, WITH_LAUREATES, ONE_WAVE)
    assert parsed.ignored == (f"région inconnue « {shown} »",)


def test_view_to_url_and_back() -> None:
    view = View(regions=(code("bretagne"), code("saint-martin")), zone=Zone.OVERSEAS, query="port")
    params = query_params(view)
    assert params == {"region": ["bretagne", "saint-martin"], "zone": "outre-mer", "q": "port"}
    as_lists = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    assert parse_query_params(as_lists, WITH_LAUREATES, ONE_WAVE).view == view
    assert query_params(View()) == {}


@pytest.fixture
def two_waves(tmp_path: Path) -> pd.DataFrame:
    return read_geocoded(write_two_waves(tmp_path / "two_waves.csv"))


def test_waves_of_the_data(laureates: pd.DataFrame, two_waves: pd.DataFrame) -> None:
    assert waves(laureates) == ONE_WAVE
    assert waves(two_waves) == TWO_WAVES
    assert set(two_waves.loc[two_waves["wave"] == 2, "announced"]) == {SECOND_WAVE_ANNOUNCED}


def test_wave_labels_are_french_ordinals() -> None:
    assert [wave_label(n) for n in (1, 2, 3, 10)] == ["1re vague", "2e vague", "3e vague", "10e vague"]


def test_one_wave_selected(two_waves: pd.DataFrame) -> None:
    assert set(select(two_waves, View(wave=2))["town"]) == set(SECOND_WAVE)
    first = select(two_waves, View(wave=1))
    assert len(first) == 50
    assert not set(first["town"]) & set(SECOND_WAVE)
    assert select(two_waves, View(wave=3)).empty
    assert len(select(two_waves, View())) == 55


def test_wave_combines_with_region_zone_and_search(two_waves: pd.DataFrame) -> None:
    grand_est = (code("grand-est"),)
    assert set(select(two_waves, View(regions=grand_est, wave=2))["town"]) == {"Colmar", "Troyes"}
    assert len(select(two_waves, View(regions=grand_est, wave=1))) == 13
    assert set(select(two_waves, View(zone=Zone.OVERSEAS, wave=2))["town"]) == {"Le Port"}
    assert set(select(two_waves, View(query="col", wave=2))["town"]) == {"Colmar"}
    assert select(two_waves, View(query="col", wave=1)).empty


def test_counts_per_wave(laureates: pd.DataFrame, two_waves: pd.DataFrame) -> None:
    assert counts(laureates).per_wave == ((1, 55),)
    assert counts(two_waves).per_wave == ((1, 50), (2, 5))
    second = counts(select(two_waves, View(wave=2)))
    assert (second.laureates, second.metropole, second.overseas, second.regions) == (5, 4, 1, 4)
    assert second.per_wave == ((2, 5),)
    assert counts(select(two_waves, View(regions=(code("bretagne"),)))).per_wave == ((1, 3), (2, 1))


def test_a_wave_is_part_of_the_view() -> None:
    assert View().is_everything
    assert not View(wave=1).is_everything
    assert toggled(View(zone=Zone.METROPOLE, wave=2), code("bretagne")) == View(
        (code("bretagne"),), Zone.METROPOLE, wave=2
    )
    assert toggled(View((code("bretagne"),), wave=2), code("bretagne")) == View(wave=2)


def test_wave_read_from_the_url() -> None:
    parsed = parse_query_params({"vague": [" 2 "], "zone": ["metropole"]}, WITH_LAUREATES, TWO_WAVES)
    assert parsed.view == View(zone=Zone.METROPOLE, wave=2)
    assert parsed.ignored == ()
    assert parse_query_params({"vague": ["2", "1"]}, WITH_LAUREATES, TWO_WAVES).view == View(wave=1)


@pytest.mark.parametrize("value", ["7", "0", "abc", "", "02", "٢", "²", "2.0", "9" * 5000, "toutes"])
def test_unknown_waves_are_ignored_and_named(value: str) -> None:
    parsed = parse_query_params({"vague": [value], "region": ["corse"]}, WITH_LAUREATES, (1, 2, 3))
    assert parsed.view == View(regions=(code("corse"),))  # the rest of the address still holds
    (sentence,) = parsed.ignored
    assert sentence.startswith(f"vague inconnue « {value[:40]}")
    assert sentence.endswith("(« 1 », « 2 » ou « 3 »)")
    assert len(sentence) < 100


def test_with_one_wave_the_url_s_wave_is_ignored_and_named() -> None:
    """With one wave there is no wave to choose and no control to show it: ?vague=1 is named as ignored,
    so that the address then written (without it) surprises no one."""
    for value in ("1", "2"):
        parsed = parse_query_params({"vague": [value]}, WITH_LAUREATES, ONE_WAVE)
        assert parsed.view == View()
        assert parsed.ignored == (f"vague « {value} » (la carte n'a qu'une vague)",)


def test_view_with_a_wave_to_url_and_back() -> None:
    view = View(regions=(code("bretagne"),), wave=2)
    params = query_params(view)
    assert params == {"region": ["bretagne"], "vague": "2"}
    as_lists = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    assert parse_query_params(as_lists, WITH_LAUREATES, TWO_WAVES) == ParsedView(view)
    assert "vague" not in query_params(View(regions=(code("bretagne"),)))
