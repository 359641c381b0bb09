"""The corpus of broken data files (tests/data/bad/), what each one must get, and big files."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

BAD = Path(__file__).resolve().parent / "data" / "bad"

REFUSED = {
    "empty.csv": ["le fichier est vide"],
    "header_only.csv": ["aucune ligne de données"],
    "missing_latitude_column.csv": ["ligne 1", "colonne(s) manquante(s) : « latitude »"],
    "missing_region_column.csv": ["ligne 1", "« region »"],
    "latin1_encoding.csv": ["ligne 2", "pas encodé en UTF-8"],
    "semicolon_separated.csv": ["points-virgules"],
    "non_numeric_latitude.csv": ["ligne 3", "colonne « latitude »", "« quarante-neuf » n'est pas un nombre"],
    "nan_longitude.csv": ["ligne 3", "colonne « longitude »", "« NaN » n'est pas une coordonnée"],
    "out_of_range_latitude.csv": ["ligne 3", "colonne « latitude »", "91.5 est hors de l'intervalle"],
    "unknown_region.csv": ["ligne 3", "région inconnue « Atlantide »"],
    "region_name_and_code_disagree.csv": ["ligne 3", "« 53 » est celui de Bretagne, pas de Grand Est"],
    "duplicate_rows.csv": ["ligne 4", "« Aurillac » figure déjà ligne 2"],
    "malformed_insee_code.csv": ["ligne 3", "code INSEE mal formé « 5110 »"],
    "empty_town.csv": ["ligne 3", "nom de ville vide"],
    # The edits of issue 18, one row of the real file each (Colmar line 2, Verdun 3, Le Port 4).
    "wave_superscript_two.csv": ["ligne 2", "colonne « wave »", "vague « ² » : un nombre entier en chiffres"],
    "swapped_coordinates.csv": [
        "ligne 2",
        "colonne « latitude »",
        "latitude 7.35584, longitude 48.08078 : ce point est à plus de 100 km du département Haut-Rhin (68)",
        "latitude et longitude semblent inversées",
    ],
    "region_not_of_department.csv": [
        "ligne 2",
        "colonne « region »",
        "le département Haut-Rhin (68) est en Grand Est (44), pas en Bretagne : corrigez « region »",
    ],
    "department_and_insee_of_another_region.csv": [
        "ligne 2",
        "colonne « region »",
        "le département Finistère (29) est en Bretagne (53), pas en Grand Est",
    ],
    "duplicate_insee_code.csv": [
        "ligne 3",
        "colonne « insee_code »",
        "le code INSEE « 68066 » est déjà celui de la ligne 2 ; chaque ville a le sien",
    ],
    "impossible_date.csv": [
        "ligne 2",
        "colonne « announced »",
        "la date « 2019-02-31 » n'existe pas : corrigez le jour ou le mois",
    ],
    "overseas_department_two_digits.csv": [
        "ligne 4",
        "colonne « department_code »",
        "le département « 97 » ne correspond pas au code INSEE « 97407 » : « 974 » attendu",
    ],
    "point_in_another_department.csv": [
        "ligne 4",
        "colonne « latitude »",
        "ce point est à plus de 100 km du département La Réunion (974)",
    ],
    "overseas_flag_contradicts_region.csv": [
        "ligne 4",
        "colonne « overseas »",
        "« false » contredit la région La Réunion : écrivez « true »",
    ],
}
# Files whose only fault is in the coordinates: the geocoder, which reads none, accepts them.
COORDINATES_ONLY = {
    "missing_latitude_column.csv",
    "non_numeric_latitude.csv",
    "nan_longitude.csv",
    "out_of_range_latitude.csv",
    "swapped_coordinates.csv",
    "point_in_another_department.csv",
}
ACCEPTED = {"blank_lines.csv": 2, "extra_column.csv": 3, "utf8_bom.csv": 3, "markup_in_text_fields.csv": 6}


def write_many_rows(source: Path, target: Path, count: int) -> list[str]:
    """`count` rows of `source`'s metropolitan rows, repeated, each town and INSEE code made unique
    (the department's code and a three-digit number: 1,000 a department); returns the header."""
    with source.open(encoding="utf-8", newline="") as file:
        header, *rows = list(csv.reader(file))
    town, insee, department = (header.index(c) for c in ("town", "insee_code", "department_code"))
    metropolitan = [row for row in rows if len(row[department]) == 2]
    numbers: Counter[str] = Counter()
    many = []
    for i in range(count):
        row = metropolitan[i % len(metropolitan)]
        numbers[row[department]] += 1
        code = f"{row[department]}{numbers[row[department]]:03d}"
        many.append([*row[:town], f"{row[town]} {i}", *row[town + 1 : insee], code, *row[insee + 1 :]])
    with target.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows([header, *many])
    return header
