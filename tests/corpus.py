"""The corpus of broken data files (tests/data/bad/), what each one must get, and big files."""

from __future__ import annotations

import csv
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
}
ACCEPTED = {"blank_lines.csv": 2, "extra_column.csv": 3, "utf8_bom.csv": 3, "markup_in_text_fields.csv": 6}


def write_many_rows(source: Path, target: Path, count: int) -> list[str]:
    """`count` rows of `source`, repeated, each town made unique; returns the header."""
    with source.open(encoding="utf-8", newline="") as file:
        header, *rows = list(csv.reader(file))
    town = header.index("town")
    copies = -(-count // len(rows))
    many = [[*row[:town], f"{row[town]} {i}", *row[town + 1 :]] for i, row in enumerate(rows * copies)][
        :count
    ]
    with target.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows([header, *many])
    return header
