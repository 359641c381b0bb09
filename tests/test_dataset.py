"""The two laureate files: the hand-curated facts and the committed geocoded dataset."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import Point

from territoires.dataset import (
    FACT_COLUMNS,
    GEOCODED_PATH,
    INSEE_RE,
    DatasetError,
    read_geocoded,
    read_laureates,
)
from territoires.departments import DEPARTMENT_REGION
from territoires.regions import (
    BY_CODE,
    BY_NAME,
    PLACEMENT_TOLERANCE_KM,
    department_placement_problem,
    distance_km,
    placement_problem,
    region_outlines,
)
from tests.corpus import ACCEPTED, BAD, REFUSED

REGION_COUNTS = {
    "Auvergne-Rhône-Alpes": 3,
    "Bourgogne-Franche-Comté": 3,
    "Bretagne": 4,
    "Centre-Val de Loire": 2,
    "Corse": 1,
    "Grand Est": 15,
    "Guadeloupe": 1,
    "Guyane": 1,
    "Hauts-de-France": 3,
    "Île-de-France": 3,
    "Mayotte": 1,
    "Normandie": 3,
    "Nouvelle-Aquitaine": 3,
    "Occitanie": 3,
    "Pays de la Loire": 3,
    "Provence-Alpes-Côte d'Azur": 3,
    "La Réunion": 2,
    "Saint-Martin": 1,
}

# town -> (INSEE code, region code, department code): the homonyms a geocoder could get wrong.
HOMONYM_FACTS = {
    "Saint-Louis": ("68297", "44", "68"),
    "Chaumont": ("52121", "44", "52"),
    "Verdun": ("55545", "44", "55"),
    "Le Port": ("97407", "04", "974"),
    "Saint-Joseph": ("97412", "04", "974"),
    "Saint-Martin": ("97801", "978", "978"),
    "Châteaubriant-Derval": ("44036", "52", "44"),
}


@pytest.fixture(scope="module")
def laureates() -> pd.DataFrame:
    return read_laureates()


@pytest.fixture(scope="module")
def geocoded() -> pd.DataFrame:
    return read_geocoded()


def test_55_laureates_with_the_announced_count_per_region(laureates: pd.DataFrame) -> None:
    assert len(laureates) == 55
    assert dict(Counter(laureates["region"])) == REGION_COUNTS


def test_no_town_and_no_insee_code_appears_twice(laureates: pd.DataFrame) -> None:
    assert not laureates["town"].duplicated().any()
    assert not laureates["insee_code"].duplicated().any()


def test_insee_codes_are_well_formed_and_start_with_the_department(laureates: pd.DataFrame) -> None:
    for insee, department in zip(laureates["insee_code"], laureates["department_code"], strict=True):
        assert INSEE_RE.match(insee), insee
        assert insee.startswith(department), (insee, department)
        # Overseas departments have three digits (971…976), the COM Saint-Martin 978.
        assert len(department) == (3 if insee.startswith("97") else 2), (insee, department)


def test_region_columns_agree_with_the_region_reference(laureates: pd.DataFrame) -> None:
    for name, code, overseas in laureates[["region", "region_code", "overseas"]].itertuples(index=False):
        region = BY_CODE[code]
        assert BY_NAME[name] is region
        assert overseas == ("true" if region.overseas else "false")


@pytest.mark.parametrize(("town", "facts"), HOMONYM_FACTS.items())
def test_homonym_facts(laureates: pd.DataFrame, town: str, facts: tuple[str, str, str]) -> None:
    [row] = laureates[laureates["town"] == town].to_dict("records")
    assert (row["insee_code"], row["region_code"], row["department_code"]) == facts


def test_places_that_differ_from_the_town_are_explained(laureates: pd.DataFrame) -> None:
    differing = laureates[laureates["town"] != laureates["place"]]
    assert dict(zip(differing["town"], differing["place"], strict=True)) == {
        "Châteaubriant-Derval": "Châteaubriant",
        "Saint-Martin": "Marigot",
    }
    notes = dict(zip(laureates["town"], laureates["note"], strict=True))
    assert "Derval" in notes["Châteaubriant-Derval"]
    assert "Marigot" in notes["Saint-Martin"]


def test_geocoded_file_holds_the_same_facts_in_the_same_order(
    laureates: pd.DataFrame, geocoded: pd.DataFrame
) -> None:
    facts = geocoded[list(FACT_COLUMNS)].assign(
        overseas=geocoded["overseas"].map({True: "true", False: "false"}), wave=geocoded["wave"].astype(str)
    )
    pd.testing.assert_frame_equal(facts, laureates.reset_index(drop=True))


def test_every_geocoded_point_fits_its_own_region(geocoded: pd.DataFrame) -> None:
    problems = {
        town: placement_problem(code, lon, lat)
        for town, code, lat, lon in geocoded[["town", "region_code", "latitude", "longitude"]].itertuples(
            index=False
        )
    }
    assert {town: problem for town, problem in problems.items() if problem} == {}


def test_only_four_coastal_towns_fall_outside_the_coarse_coastline_and_none_in_another_region(
    geocoded: pd.DataFrame,
) -> None:
    """Why the check has a tolerance: Natural Earth's coast leaves these town halls just at sea."""
    outlines = region_outlines()
    outside = {}
    for town, code, lat, lon in geocoded[["town", "region_code", "latitude", "longitude"]].itertuples(
        index=False
    ):
        containing = [c for c, outline in outlines.items() if outline.covers(Point(lon, lat))]
        assert containing in ([code], []), (town, containing)
        if not containing:
            outside[town] = distance_km(outlines[code], lon, lat)
    assert set(outside) == {"Bastia", "Saint-Joseph", "Mamoudzou", "Basse-Terre"}
    assert max(outside.values()) < PLACEMENT_TOLERANCE_KM


def test_department_agrees_with_region(laureates: pd.DataFrame) -> None:
    regions = laureates["department_code"].map(DEPARTMENT_REGION)
    assert regions.tolist() == laureates["region_code"].tolist()


def test_every_geocoded_point_fits_its_own_department(geocoded: pd.DataFrame) -> None:
    problems = {
        town: department_placement_problem(code, lon, lat)
        for town, code, lat, lon in geocoded[["town", "department_code", "latitude", "longitude"]].itertuples(
            index=False
        )
    }
    assert {town: problem for town, problem in problems.items() if problem} == {}


def with_cell(tmp_path: Path, column: str, value: str) -> Path:
    """The committed file with one cell of Colmar's row (line 18) changed."""
    table = pd.read_csv(GEOCODED_PATH, dtype=str, keep_default_na=False)
    table.loc[table["town"] == "Colmar", column] = value
    path = tmp_path / "edited.csv"
    path.write_text(table.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("wave", "٣", "colonne « wave » : vague « ٣ » : un nombre entier en chiffres 0 à 9 attendu"),
        ("wave", "0", "colonne « wave » : vague « 0 »"),
        (
            "latitude",
            "４８.０８",
            "colonne « latitude » : « ４８.０８ » n'est pas un nombre : des chiffres 0 à 9",
        ),
        ("longitude", "7_355", "colonne « longitude » : « 7_355 » n'est pas un nombre"),
        ("insee_code", "٦٨٠٦٦", "colonne « insee_code » : code INSEE mal formé « ٦٨٠٦٦ »"),
        ("announced", "2019-13-01", "colonne « announced » : la date « 2019-13-01 » n'existe pas"),
    ],
)
def test_numbers_in_other_scripts_and_impossible_dates_are_refused(
    tmp_path: Path, column: str, value: str, expected: str
) -> None:
    """float(), int() and str.isdigit() each take some non-ASCII digits: the checks take none."""
    with pytest.raises(DatasetError) as refused:
        read_geocoded(with_cell(tmp_path, column, value))
    assert f"edited.csv — ligne 18, {expected}" in refused.value.notice


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_the_apps_reader_refuses_each_broken_file_naming_line_column_and_fault(name: str) -> None:
    with pytest.raises(DatasetError) as refused:
        read_geocoded(BAD / name)
    notice = refused.value.notice
    assert notice.startswith(f"{name} — ")
    for part in REFUSED[name]:
        assert part in notice
    assert str(BAD) not in notice  # a page shows the file's name, not where it lives on the server
    assert str(BAD / name) in refused.value.message  # the command line, the path as given


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_the_apps_reader_takes_odd_but_valid_files(name: str) -> None:
    table = read_geocoded(BAD / name)
    assert len(table) == ACCEPTED[name]
    assert table.index.tolist() == list(range(ACCEPTED[name]))
