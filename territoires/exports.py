"""Downloads of the current selection, always with the real coordinates.

For people, a spreadsheet (.xlsx, openpyxl) with the table's columns and French headings: typed
cells, so that Excel and LibreOffice in any locale show numbers as numbers (with the locale's decimal
comma) and keep INSEE codes as text (« 08105 », not 8105, which any CSV would become); text that a
spreadsheet would take for a formula is stored as text with a quote prefix (OWASP's CSV advice).
For tools, the CSV of the data file's format (RFC 4180: UTF-8, `,`, dot decimals, CRLF) and GeoJSON.
"""

from __future__ import annotations

import html
import io
import json
from collections.abc import Callable
from typing import NamedTuple

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from territoires.dataset import GEOCODED_COLUMNS, geocoded_csv_text
from territoires.departments import department_label
from territoires.filters import View, Zone
from territoires.regions import BY_CODE

BASENAME = "laureats-au-coeur-des-territoires"
MAX_SLUGS_IN_NAME = 4

# The table's columns, in order, with their headings: the page's table and the spreadsheet both.
# `department` is the department's name and code, made by `table_rows`.
TABLE_HEADINGS: dict[str, str] = {
    "town": "Ville",
    "department": "Département",
    "region": "Région",
    "insee_code": "Code INSEE",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "note": "Note",
}
NUMBER_COLUMNS = frozenset({"latitude", "longitude"})
NUMBER_CLASS = ' class="number"'  # the page's table: right-aligned by page.css, sorted as numbers by page.js
# OWASP's CSV injection advice: text starting with one of these is taken by spreadsheets for a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE = "Lauréates"
TABLE_LABEL = "Liste des villes lauréates"  # the table's heading on the page, and its scrolled region's name
COORDINATE_FORMAT = "0.000000"
COLUMN_WIDTHS = {"town": 28, "department": 28, "region": 28, "insee_code": 11, "note": 60}  # characters


def export_basename(view: View) -> str:
    """A file name that says what the file holds, e.g. `…-bretagne-grand-est`, `…-outre-mer-vague-2`."""
    parts = [BASENAME]
    if view.regions:
        slugs = [BY_CODE[code].slug for code in view.regions]
        parts += slugs if len(slugs) <= MAX_SLUGS_IN_NAME else [f"{len(slugs)}-regions"]
    if view.zone is not Zone.ALL:
        parts.append(view.zone.value)
    if view.wave is not None:
        parts.append(f"vague-{view.wave}")
    if view.query:
        parts.append("recherche")
    return "-".join(parts)


def table_rows(laureates: pd.DataFrame) -> pd.DataFrame:
    """The laureates' TABLE_HEADINGS columns, in order, under their own names (not the headings)."""
    shown = laureates.assign(department=laureates["department_code"].map(department_label))
    return shown.loc[:, list(TABLE_HEADINGS)]


def table_html(laureates: pd.DataFrame) -> str:
    """The page's table of a view, on screen and printed: a plain HTML table, which the page's script
    (carte/browser/page.js) sorts by the column whose heading is clicked; numbers sort as numbers."""
    head = "".join(
        f'<th scope="col" aria-sort="none"{NUMBER_CLASS if column in NUMBER_COLUMNS else ""}>'
        f'<button type="button">{html.escape(heading)}</button></th>'
        for column, heading in TABLE_HEADINGS.items()
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{NUMBER_CLASS}>{value:.6f}</td>"
            if column in NUMBER_COLUMNS
            else f"<td>{html.escape(str(value))}</td>"
            for column, value in row.items()
        )
        + "</tr>"
        for row in table_rows(laureates).to_dict(orient="records")
    )
    return (
        f'<div class="laureates-table" role="region" aria-label="{TABLE_LABEL}" tabindex="0">'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def to_spreadsheet_bytes(laureates: pd.DataFrame) -> bytes:
    """The table as an .xlsx workbook: French headings, coordinates as numbers, every text as text."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    sheet.append(list(TABLE_HEADINGS.values()))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table_rows(laureates).itertuples(index=False):
        sheet.append(list(row))
    for number, column in enumerate(TABLE_HEADINGS, start=1):
        letter = get_column_letter(number)
        if column in COLUMN_WIDTHS:
            sheet.column_dimensions[letter].width = COLUMN_WIDTHS[column]
        for (cell,) in sheet.iter_rows(min_row=2, min_col=number, max_col=number):
            if column in NUMBER_COLUMNS:
                cell.number_format = COORDINATE_FORMAT
                continue
            text = str(cell.value)
            cell.value, cell.data_type = text, "s"  # openpyxl would store « =… » as a formula
            cell.quotePrefix = text.startswith(FORMULA_STARTS)  # and shown as text, even once edited
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_csv_bytes(laureates: pd.DataFrame) -> bytes:
    """Same columns and values as data/laureates_geocoded.csv, with RFC 4180's CRLF line ends."""
    return geocoded_csv_text(laureates, lineterminator="\r\n").encode("utf-8")


def to_geojson_bytes(laureates: pd.DataFrame) -> bytes:
    """A FeatureCollection of points (WGS84, real positions) with every other column as a property."""
    facts = [c for c in GEOCODED_COLUMNS if c not in ("latitude", "longitude")]
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [round(row["longitude"], 6), round(row["latitude"], 6)],
            },
            "properties": {column: row[column] for column in facts},
        }
        for row in laureates.to_dict(orient="records")
    ]
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, indent=1).encode("utf-8")


class Export(NamedTuple):
    label: str  # in the button: « Télécharger la sélection (<label>) »
    suffix: str  # ends the file name
    mime: str
    make: Callable[[pd.DataFrame], bytes]


# Each download, in the page's order: the spreadsheet for people first, then the files for tools.
EXPORTS = {
    "xlsx": Export(
        "tableur",
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        to_spreadsheet_bytes,
    ),
    "csv": Export("CSV", ".csv", "text/csv", to_csv_bytes),
    "geojson": Export("GeoJSON", ".geojson", "application/geo+json", to_geojson_bytes),
}
