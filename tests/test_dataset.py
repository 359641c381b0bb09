"""The two laureate files: the hand-curated facts and the committed geocoded dataset."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import Point

from territoires.dataset import (
    FACT_COLUMNS,
    GEO_COLUMNS,
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
from tests.recording import shared

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


@pytest.fixture(scope=shared)
def laureates() -> pd.DataFrame:
    return read_laureates()


@pytest.fixture(scope=shared)
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


def refused_problems(path: Path) -> list[str]:
    """Each problem the app's reader finds in the file, as the notice words it after the file name."""
    with pytest.raises(DatasetError) as refused:
        read_geocoded(path)
    assert refused.value.path == path  # which the notice and the message name
    return [str(problem) for problem in refused.value.problems]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "swapped_coordinates.csv",
            "ligne 2, colonne « latitude » : latitude 7.35584, longitude 48.08078 : ce point est à plus de "
            "100 km du département Haut-Rhin (68) (tolérance : 2 km) ; latitude et longitude semblent "
            "inversées. Vérifiez « latitude » et « longitude », ou relancez « python -m geocode ».",
        ),
        (
            "point_in_another_department.csv",
            "ligne 4, colonne « latitude » : latitude 48.08078, longitude 7.35584 : ce point est à plus de "
            "100 km du département La Réunion (974) (tolérance : 2 km). Vérifiez « latitude » et "
            "« longitude », ou relancez « python -m geocode ».",
        ),
        (
            "non_numeric_latitude.csv",
            "ligne 3, colonne « latitude » : « quarante-neuf » n'est pas un nombre : des chiffres 0 à 9 et "
            "un point décimal (ex. 48.0794) ; relancez « python -m geocode ».",
        ),
        (
            "nan_longitude.csv",
            "ligne 3, colonne « longitude » : « NaN » n'est pas une coordonnée ; relancez « python -m geocode ».",
        ),
        (
            "out_of_range_latitude.csv",
            "ligne 3, colonne « latitude » : 91.5 est hors de l'intervalle [−90 ; 90].",
        ),
    ],
)
def test_a_bad_coordinate_is_told_in_full_with_what_to_do(name: str, expected: str) -> None:
    """Word for word: only swapped coordinates get the hint that they look swapped."""
    assert refused_problems(BAD / name) == [expected]


@pytest.mark.parametrize(("column", "bound"), [("latitude", 90), ("longitude", 180)])
def test_a_coordinate_past_its_bound_is_out_of_range_and_the_bound_itself_is_not(
    tmp_path: Path, column: str, bound: int
) -> None:
    for value in (f"{bound}.5", f"-{bound}.5"):
        assert refused_problems(with_cell(tmp_path, column, value)) == [
            f"ligne 18, colonne « {column} » : {value} est hors de l'intervalle [−{bound} ; {bound}]."
        ]
    for value in (f"{bound}", f"-{bound}"):
        # In range: what is wrong with it is then that it is not in Colmar's department.
        [problem] = refused_problems(with_cell(tmp_path, column, value))
        assert problem.startswith("ligne 18, colonne « latitude » : latitude ")
        assert "du département Haut-Rhin (68)" in problem


def test_the_apps_table_has_the_files_columns_typed_and_rows_numbered_from_0(geocoded: pd.DataFrame) -> None:
    assert geocoded.columns.tolist() == list(FACT_COLUMNS + GEO_COLUMNS)
    assert geocoded.index.tolist() == list(range(55))
    columns = ("latitude", "longitude", "overseas", "wave")
    assert [str(geocoded[c].dtype) for c in columns] == ["float64", "float64", "bool", "int64"]


HEADER = ",".join(FACT_COLUMNS + GEO_COLUMNS)


def test_each_fault_of_the_whole_file_is_told_in_full(tmp_path: Path) -> None:
    """Word for word, with the line where one is meant: the messages a user reads to fix the file."""
    assert refused_problems(BAD / "empty.csv") == [
        f"le fichier est vide. Il doit commencer par la ligne d'en-tête : {HEADER}."
    ]
    assert refused_problems(BAD / "header_only.csv") == [
        "le fichier ne contient aucune ligne de données après l'en-tête."
    ]
    assert refused_problems(BAD / "semicolon_separated.csv") == [
        "ligne 1 : les colonnes sont séparées par des points-virgules ; utilisez des virgules."
    ]
    assert refused_problems(BAD / "latin1_encoding.csv") == [
        "ligne 2 : le fichier n'est pas encodé en UTF-8 (octet 0xf4 invalide). Réenregistrez-le en UTF-8."
    ]
    without_coordinates = tmp_path / "without_coordinates.csv"
    without_coordinates.write_text(HEADER.replace("latitude,longitude,", "") + "\n", encoding="utf-8")
    assert refused_problems(without_coordinates) == [
        f"ligne 1 : colonne(s) manquante(s) : « latitude », « longitude ». En-tête attendu : {HEADER}."
    ]


def test_a_missing_file_a_folder_and_a_ragged_table_are_told_apart(tmp_path: Path) -> None:
    """Only the geocoded file, which the geocoder writes, is said to be regenerated by it."""
    assert refused_problems(tmp_path / "absent.csv") == [
        "fichier introuvable. Vérifiez le chemin, ou régénérez-le avec « python -m geocode »."
    ]
    with pytest.raises(DatasetError) as refused:
        read_laureates(tmp_path / "absent.csv")
    assert refused.value.notice == "absent.csv — fichier introuvable. Vérifiez le chemin."
    assert refused_problems(tmp_path) == ["lecture impossible (Is a directory)."]
    header, first, second = GEOCODED_PATH.read_text(encoding="utf-8").splitlines()[:3]
    ragged = tmp_path / "ragged.csv"
    ragged.write_text(f"{header}\n{first}\n{second},x,y\n", encoding="utf-8")
    [problem] = refused_problems(ragged)
    assert problem.startswith("le fichier n'est pas un CSV lisible (Error tokenizing data.")
    assert "Expected 14 fields in line 3, saw 16" in problem


def test_a_semicolon_in_a_comma_separated_header_is_only_a_column_name(tmp_path: Path) -> None:
    header, first = GEOCODED_PATH.read_text(encoding="utf-8").splitlines()[:2]
    path = tmp_path / "semicolon_in_a_name.csv"
    path.write_text(f"{header},remarque;interne\n{first},x\n", encoding="utf-8")
    assert read_geocoded(path)["town"].tolist() == [first.split(",")[3]]


def test_a_bad_row_after_blank_lines_is_named_by_its_line_in_the_file(tmp_path: Path) -> None:
    header, *rows = GEOCODED_PATH.read_text(encoding="utf-8").splitlines()[:3]
    bad = rows[1].replace(",1,2019-09-26,", ",0,2019-09-26,")
    assert bad != rows[1]
    path = tmp_path / "blank_lines.csv"
    path.write_text(f"{header}\n\n{rows[0]}\n\n\n{bad}\n", encoding="utf-8")
    assert [p.split(" : ")[0] for p in refused_problems(path)] == ["ligne 6, colonne « wave »"]


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("town", " ", ["colonne « town » : nom de ville vide."]),
        (
            "town",
            "Chaumont",
            ["colonne « town » : « Chaumont » figure déjà ligne 17 ; supprimez le doublon."],
        ),
        ("place", " ", ["colonne « place » : lieu vide : indiquez la commune où la lauréate est placée."]),
        (
            "region",
            "Alsace",
            [
                "colonne « region » : région inconnue « Alsace » ; utilisez son nom officiel (ex. « Grand Est »)."
            ],
        ),
        (
            "region_code",
            "42",
            ["colonne « region_code » : code de région inconnu « 42 » (ex. « 44 », « 04 », « 978 »)."],
        ),
        (  # the code is the region the department is checked against
            "region_code",
            "53",
            [
                "colonne « region_code » : le code « 53 » est celui de Bretagne, pas de Grand Est (44).",
                "colonne « region » : le département Haut-Rhin (68) est en Grand Est (44), pas en Bretagne : "
                "corrigez « region » et « region_code », ou le département.",
            ],
        ),
        (
            "insee_code",
            "68O66",
            [
                "colonne « insee_code » : code INSEE mal formé « 68O66 » : cinq caractères attendus "
                "(ex. « 68297 », « 2B033 »)."
            ],
        ),
        (
            "insee_code",
            "52121",
            [
                "colonne « insee_code » : le code INSEE « 52121 » est déjà celui de la ligne 17 ; chaque ville a "
                "le sien : corrigez l'un des deux.",
                "colonne « department_code » : le département « 68 » ne correspond pas au code INSEE « 52121 » : "
                "« 52 » attendu.",
            ],
        ),
        (
            "insee_code",
            "99001",
            [
                "colonne « department_code » : le code INSEE « 99001 » ne commence par aucun département connu ; "
                "vérifiez-le dans le COG."
            ],
        ),
        (
            "department_code",
            "67",
            [
                "colonne « department_code » : le département « 67 » ne correspond pas au code INSEE « 68066 » : "
                "« 68 » attendu."
            ],
        ),
        ("overseas", "oui", ["colonne « overseas » : valeur « oui » : « true » ou « false » attendu."]),
        (
            "overseas",
            "true",
            ["colonne « overseas » : « true » contredit la région Grand Est : écrivez « false »."],
        ),
        (
            "wave",
            "x",
            ["colonne « wave » : vague « x » : un nombre entier en chiffres 0 à 9 attendu (ex. 1)."],
        ),
        (
            "announced",
            "26/09/2019",
            ["colonne « announced » : date « 26/09/2019 » : format AAAA-MM-JJ attendu."],
        ),
        (
            "announced",
            "2019-02-29",
            [
                "colonne « announced » : la date « 2019-02-29 » n'existe pas : corrigez le jour ou le mois "
                "(AAAA-MM-JJ)."
            ],
        ),
    ],
)
def test_each_fault_of_a_row_is_told_in_full_on_its_line_and_column(
    tmp_path: Path, column: str, value: str, expected: list[str]
) -> None:
    """Word for word, every problem of the row and only them: Colmar's row (line 18) with one cell changed."""
    assert refused_problems(with_cell(tmp_path, column, value)) == [f"ligne 18, {e}" for e in expected]


def test_a_row_whose_region_name_and_code_are_both_unknown_gets_those_two_problems_alone(
    tmp_path: Path,
) -> None:
    """With no region to go by, the department and the overseas flag are checked against none."""
    table = pd.read_csv(with_cell(tmp_path, "region", "Alsace"), dtype=str, keep_default_na=False)
    table.loc[table["town"] == "Colmar", "region_code"] = "42"
    path = tmp_path / "no_region.csv"
    path.write_text(table.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    assert [p.split(" : ")[0] for p in refused_problems(path)] == [
        "ligne 18, colonne « region »",
        "ligne 18, colonne « region_code »",
    ]


def test_a_notice_shows_five_problems_one_a_line_and_counts_the_others(tmp_path: Path) -> None:
    table = pd.read_csv(GEOCODED_PATH, dtype=str, keep_default_na=False)
    colmar = table["town"] == "Colmar"
    cells = {"town": " ", "place": " ", "region": "Alsace", "region_code": "42", "overseas": "oui"}
    for column, value in {**cells, "wave": "x", "announced": "hier"}.items():
        table.loc[colmar, column] = value
    path = tmp_path / "edited.csv"
    path.write_text(table.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    with pytest.raises(DatasetError) as refused:
        read_geocoded(path)
    assert len(refused.value.problems) == 7
    assert refused.value.notice.split("\n") == [
        f"edited.csv — ligne 18, colonne « {column} » : {text}"
        for column, text in [
            ("town", "nom de ville vide."),
            ("place", "lieu vide : indiquez la commune où la lauréate est placée."),
            ("region", "région inconnue « Alsace » ; utilisez son nom officiel (ex. « Grand Est »)."),
            ("region_code", "code de région inconnu « 42 » (ex. « 44 », « 04 », « 978 »)."),
            ("overseas", "valeur « oui » : « true » ou « false » attendu."),
        ]
    ] + ["… et 2 autre(s) problème(s) dans edited.csv."]
    # The command line's message is the same with the path as given, and is the exception's text.
    assert refused.value.message == refused.value.notice.replace("edited.csv", str(path))
    assert str(refused.value) == refused.value.message


def test_problems_are_listed_in_file_order_whichever_check_found_them(tmp_path: Path) -> None:
    """A bad coordinate on line 3 comes before a bad fact on line 4, though facts are checked first."""
    table = pd.read_csv(GEOCODED_PATH, dtype=str, keep_default_na=False)
    table.loc[1, "latitude"] = "quarante-quatre"
    table.loc[2, "town"] = " "
    path = tmp_path / "edited.csv"
    path.write_text(table.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    assert [p.split(" : ")[0] for p in refused_problems(path)] == [
        "ligne 3, colonne « latitude »",
        "ligne 4, colonne « town »",
    ]
