"""Reading and validating the laureate files, with French messages that name file, line and column.

One set of checks serves both files: `data/laureates.csv` (hand-curated facts, read by the
geocoder) and `data/laureates_geocoded.csv` (the same rows with coordinates, read by the app).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import chain
from pathlib import Path

import pandas as pd

from territoires import DATA_DIR
from territoires.departments import DEPARTMENT_REGION, department_label
from territoires.regions import BY_CODE, BY_NAME, RegionRef, department_placement_problem

LAUREATES_PATH: Path = DATA_DIR / "laureates.csv"
GEOCODED_PATH: Path = DATA_DIR / "laureates_geocoded.csv"

FACT_COLUMNS: tuple[str, ...] = (
    "region",
    "region_code",
    "department_code",
    "town",
    "place",  # the commune or chef-lieu where the laureate is placed: what gets geocoded
    "insee_code",
    "overseas",
    "wave",
    "announced",
    "note",
)
GEO_COLUMNS: tuple[str, ...] = ("latitude", "longitude", "provider", "matched_name")
GEOCODED_COLUMNS: tuple[str, ...] = FACT_COLUMNS + GEO_COLUMNS

# ASCII digits only: `\d`, str.isdigit and float() also take « ² », « ٣ » or « １ », which int() refuses.
INSEE_RE = re.compile(r"^(?:[0-9]{5}|2[AB][0-9]{3})$")
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
WAVE_RE = re.compile(r"^[1-9][0-9]*$")
COORDINATE_RE = re.compile(r"^-?[0-9]+(?:\.[0-9]+)?$")
MAX_SHOWN_PROBLEMS = 5


# How the files spell the `overseas` flag.
OVERSEAS_TEXT = {True: "true", False: "false"}


def geocoded_csv_text(rows: pd.DataFrame, lineterminator: str = "\n") -> str:
    """Rows in the format of data/laureates_geocoded.csv: its columns in order, facts as their text
    (`overseas` spelled as OVERSEAS_TEXT, whether the rows hold it as that text or as booleans),
    coordinates to six decimals. The geocoder writes the file with it and the dashboard's CSV
    download, so that both are always the same format."""
    if rows["overseas"].dtype == bool:
        rows = rows.assign(overseas=rows["overseas"].map(OVERSEAS_TEXT))
    text: str = rows.loc[:, list(GEOCODED_COLUMNS)].to_csv(
        index=False, lineterminator=lineterminator, float_format="%.6f"
    )
    return text


@dataclass(frozen=True, slots=True)
class Problem:
    line: int | None  # line of the file, the header being line 1
    column: str | None
    text: str

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"ligne {self.line}")
        if self.column is not None:
            where.append(f"colonne « {self.column} »")
        return f"{', '.join(where)} : {self.text}" if where else self.text


class DatasetError(Exception):
    """A data file that cannot be used, with every problem found in it."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(self.message)

    def _lines(self, file: str) -> str:
        shown = [f"{file} — {p}" for p in self.problems[:MAX_SHOWN_PROBLEMS]]
        hidden = len(self.problems) - len(shown)
        if hidden:
            shown.append(f"… et {hidden} autre(s) problème(s) dans {file}.")
        return "\n".join(shown)

    @property
    def message(self) -> str:
        """For the command line: the path as it was given."""
        return self._lines(str(self.path))

    @property
    def notice(self) -> str:
        """For a page anyone may see: the file's name, not where it lives on the server."""
        return self._lines(self.path.name)


def _fail(path: Path, text: str, line: int | None = None, column: str | None = None) -> DatasetError:
    return DatasetError(path, [Problem(line, column, text)])


def _read_table(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    """The file as text cells, blank lines dropped, with its file line numbers as index."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        # Only the geocoded file is generated; the laureates file is curated by hand.
        regenerate = ", ou régénérez-le avec « python -m geocode »" if "latitude" in columns else ""
        raise _fail(path, f"fichier introuvable. Vérifiez le chemin{regenerate}.") from None
    except OSError as err:
        raise _fail(path, f"lecture impossible ({err.strerror}).") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise _fail(
            path,
            f"le fichier n'est pas encodé en UTF-8 (octet {raw[err.start]:#04x} invalide). Réenregistrez-le en UTF-8.",
            line=raw[: err.start].count(b"\n") + 1,
        ) from None
    if not text.strip():
        raise _fail(
            path, "le fichier est vide. Il doit commencer par la ligne d'en-tête : " + ",".join(columns) + "."
        )
    header = text.splitlines()[0]
    if "," not in header and ";" in header:
        raise _fail(
            path, "les colonnes sont séparées par des points-virgules ; utilisez des virgules.", line=1
        )
    try:
        # Blank lines kept, then dropped below, so that the index stays the file's line number.
        table = pd.read_csv(
            path, dtype=str, keep_default_na=False, skip_blank_lines=False, encoding="utf-8-sig"
        )
    except (pd.errors.ParserError, ValueError) as err:
        raise _fail(path, f"le fichier n'est pas un CSV lisible ({err}).") from None
    missing = [c for c in columns if c not in table.columns]
    if missing:
        names = ", ".join(f"« {c} »" for c in missing)
        raise _fail(
            path, f"colonne(s) manquante(s) : {names}. En-tête attendu : {','.join(columns)}.", line=1
        )
    table.index = pd.RangeIndex(2, len(table) + 2)
    table = table.loc[~(table == "").all(axis=1), list(columns)]
    if table.empty:
        raise _fail(path, "le fichier ne contient aucune ligne de données après l'en-tête.")
    return table


def _rows(table: pd.DataFrame) -> Iterator[tuple[int, dict[str, str]]]:
    """(file line, cells) of each row: plain dicts, 50 times faster than `iterrows`."""
    yield from zip(table.index.tolist(), table.to_dict("records"), strict=True)


def _department_problem(insee: str, dept: str) -> str | None:
    """Why the department does not go with the INSEE code, or None."""
    # Overseas, the department is the code's first three digits (971…976, 978 for Saint-Martin).
    expected = insee[:3] if insee.startswith("97") else insee[:2]
    if expected not in DEPARTMENT_REGION:
        return f"le code INSEE « {insee} » ne commence par aucun département connu ; vérifiez-le dans le COG."
    if dept != expected:
        return (
            f"le département « {dept} » ne correspond pas au code INSEE « {insee} » : « {expected} » attendu."
        )
    return None


def _code_problems(
    line: int, insee: str, dept: str, region: RegionRef | None, seen_insee: dict[str, int]
) -> Iterator[Problem]:
    """The INSEE code is well formed and unique; the department is the code's, in the row's region."""
    if not INSEE_RE.match(insee):
        yield Problem(
            line,
            "insee_code",
            f"code INSEE mal formé « {insee} » : cinq caractères attendus (ex. « 68297 », « 2B033 »).",
        )
        return
    if insee in seen_insee:
        yield Problem(
            line,
            "insee_code",
            f"le code INSEE « {insee} » est déjà celui de la ligne {seen_insee[insee]} ; "
            "chaque ville a le sien : corrigez l'un des deux.",
        )
    else:
        seen_insee[insee] = line
    if problem := _department_problem(insee, dept):
        yield Problem(line, "department_code", problem)
        return
    home = BY_CODE[DEPARTMENT_REGION[dept]]
    if region and region != home:
        yield Problem(
            line,
            "region",
            f"le département {department_label(dept)} est en {home.name} ({home.code}), pas en "
            f"{region.name} : corrigez « region » et « region_code », ou le département.",
        )


def _fact_problems(table: pd.DataFrame) -> Iterator[Problem]:
    seen_towns: dict[str, int] = {}
    seen_insee: dict[str, int] = {}
    for line, row in _rows(table):
        town = row["town"].strip()
        if not town:
            yield Problem(line, "town", "nom de ville vide.")
        elif town in seen_towns:
            yield Problem(
                line, "town", f"« {town} » figure déjà ligne {seen_towns[town]} ; supprimez le doublon."
            )
        else:
            seen_towns[town] = line
        if not row["place"].strip():
            yield Problem(line, "place", "lieu vide : indiquez la commune où la lauréate est placée.")
        by_name = BY_NAME.get(row["region"])
        by_code = BY_CODE.get(row["region_code"])
        if by_name is None:
            yield Problem(
                line,
                "region",
                f"région inconnue « {row['region']} » ; utilisez son nom officiel (ex. « Grand Est »).",
            )
        if by_code is None:
            yield Problem(
                line,
                "region_code",
                f"code de région inconnu « {row['region_code']} » (ex. « 44 », « 04 », « 978 »).",
            )
        if by_name and by_code and by_name != by_code:
            yield Problem(
                line,
                "region_code",
                f"le code « {by_code.code} » est celui de {by_code.name}, pas de {by_name.name} ({by_name.code}).",
            )
        region = by_code or by_name
        yield from _code_problems(line, row["insee_code"], row["department_code"], region, seen_insee)
        if row["overseas"] not in OVERSEAS_TEXT.values():
            yield Problem(
                line,
                "overseas",
                f"valeur « {row['overseas']} » : « {OVERSEAS_TEXT[True]} » ou « {OVERSEAS_TEXT[False]} » attendu.",
            )
        elif region and (row["overseas"] == OVERSEAS_TEXT[True]) != region.overseas:
            yield Problem(
                line,
                "overseas",
                f"« {row['overseas']} » contredit la région {region.name} : "
                f"écrivez « {OVERSEAS_TEXT[region.overseas]} ».",
            )
        if not WAVE_RE.match(row["wave"]):
            yield Problem(
                line, "wave", f"vague « {row['wave']} » : un nombre entier en chiffres 0 à 9 attendu (ex. 1)."
            )
        if not DATE_RE.match(row["announced"]):
            yield Problem(line, "announced", f"date « {row['announced']} » : format AAAA-MM-JJ attendu.")
        else:
            try:
                date.fromisoformat(row["announced"])
            except ValueError:
                yield Problem(
                    line,
                    "announced",
                    f"la date « {row['announced']} » n'existe pas : corrigez le jour ou le mois (AAAA-MM-JJ).",
                )


def _coordinate(text: str) -> float | str:
    """The coordinate, or why it is not one."""
    if COORDINATE_RE.match(text):
        return float(text)
    try:
        finite = math.isfinite(float(text))
    except ValueError:
        finite = True
    if not finite:
        return f"« {text} » n'est pas une coordonnée ; relancez « python -m geocode »."
    return (
        f"« {text} » n'est pas un nombre : des chiffres 0 à 9 et un point décimal (ex. 48.0794) ; "
        "relancez « python -m geocode »."
    )


def placement_text(dept: str, lat: float, lon: float) -> str | None:
    """Why the point cannot be in the department, with what to do, or None."""
    problem = department_placement_problem(dept, lon, lat)
    if problem is None:
        return None
    swapped = (
        " ; latitude et longitude semblent inversées"
        if not department_placement_problem(dept, lat, lon)
        else ""
    )
    return (
        f"latitude {lat}, longitude {lon} : {problem}{swapped}. Vérifiez « latitude » et « longitude », "
        "ou relancez « python -m geocode »."
    )


def _coordinate_problems(table: pd.DataFrame, facts_ok: set[int]) -> Iterator[Problem]:
    """Each coordinate parses and is in range; each point of a row whose facts hold lies in its department."""
    for line, row in _rows(table):
        values: dict[str, float] = {}
        for column, bound in (("latitude", 90.0), ("longitude", 180.0)):
            value = _coordinate(row[column])
            if isinstance(value, str):
                yield Problem(line, column, value)
            elif abs(value) > bound:
                yield Problem(
                    line, column, f"{row[column]} est hors de l'intervalle [−{bound:g} ; {bound:g}]."
                )
            else:
                values[column] = value
        if len(values) == 2 and line in facts_ok:
            problem = placement_text(row["department_code"], values["latitude"], values["longitude"])
            if problem:
                yield Problem(line, "latitude", problem)


def _checked(path: Path, table: pd.DataFrame, problems: Iterator[Problem]) -> pd.DataFrame:
    found = sorted(problems, key=lambda p: p.line or 0)  # in file order, whichever check found them
    if found:
        raise DatasetError(path, found)
    return table


def read_laureates(path: Path = LAUREATES_PATH) -> pd.DataFrame:
    """The hand-curated facts, checked; raises DatasetError naming every bad line."""
    table = _read_table(path, FACT_COLUMNS)
    return _checked(path, table, _fact_problems(table))


def read_geocoded(path: Path = GEOCODED_PATH) -> pd.DataFrame:
    """The geocoded dataset the app shows, checked and typed (floats, booleans, ints)."""
    table = _read_table(path, GEOCODED_COLUMNS)
    facts = list(_fact_problems(table))
    facts_ok = set(table.index) - {p.line for p in facts if p.line is not None}
    table = _checked(path, table, chain(facts, _coordinate_problems(table, facts_ok)))
    return table.assign(
        latitude=table["latitude"].astype(float),
        longitude=table["longitude"].astype(float),
        overseas=table["overseas"] == OVERSEAS_TEXT[True],
        wave=table["wave"].astype(int),
    ).reset_index(drop=True)
