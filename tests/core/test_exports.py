"""The downloads read back as the programs they are for read them: a spreadsheet program, a CSV
reader, a GeoJSON reader; each holds exactly the view's rows."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from territoires.dataset import GEOCODED_COLUMNS, GEOCODED_PATH
from territoires.exports import (
    EXPORTS,
    NUMBER_COLUMNS,
    TABLE_HEADINGS,
    export_basename,
    table_html,
    to_csv_bytes,
    to_geojson_bytes,
    to_spreadsheet_bytes,
)
from territoires.filters import View, Zone, select
from tests.tables import TableReader

SOFFICE = shutil.which("soffice")
HEADINGS = ["Ville", "Département", "Région", "Code INSEE", "Latitude", "Longitude", "Note"]
# A view that zone and search each narrow: « saint » alone is 9 towns, overseas alone 6.
ZONE_AND_SEARCH = View(zone=Zone.OVERSEAS, query="saint")


def workbook_rows(data: bytes) -> list[tuple[object, ...]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


def test_spreadsheet_has_the_tables_french_headings_and_real_typed_values(laureates: pd.DataFrame) -> None:
    header, *rows = workbook_rows(to_spreadsheet_bytes(laureates))
    assert list(header) == HEADINGS
    assert len(rows) == 55
    charleville = next(row for row in rows if row[0] == "Charleville-Mézières")
    real = laureates[laureates["town"] == "Charleville-Mézières"].iloc[0]
    # The INSEE code stays text with its zero; coordinates are numbers, the real ones (not the inset's).
    assert charleville[1:4] == ("Ardennes (08)", "Grand Est", "08105")
    assert charleville[4:6] == (real["latitude"], real["longitude"])
    port = next(row for row in rows if row[0] == "Le Port")
    assert (port[1], port[4]) == ("La Réunion (974)", pytest.approx(-20.93752))


def test_spreadsheet_text_that_looks_like_a_formula_stays_text(laureates: pd.DataFrame) -> None:
    hostile = ['=HYPERLINK("http://x")', "+33 1 23", "-2+3", "@SUM(A1)", "\tTab", "Note ordinaire"]
    rows = laureates.head(len(hostile)).assign(note=hostile)
    sheet = openpyxl.load_workbook(io.BytesIO(to_spreadsheet_bytes(rows))).active
    assert sheet is not None
    notes = [sheet.cell(row=line, column=HEADINGS.index("Note") + 1) for line in range(2, 2 + len(hostile))]
    assert [cell.value for cell in notes] == hostile
    assert [cell.data_type for cell in notes] == ["s"] * len(hostile)
    assert [cell.quotePrefix for cell in notes] == [True] * 5 + [False]


def test_spreadsheet_header_is_bold_and_frozen_and_only_the_coordinates_have_six_decimals(
    laureates: pd.DataFrame,
) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(to_spreadsheet_bytes(laureates))).active
    assert sheet is not None
    assert [cell.font.b for cell in sheet[1]] == [True] * len(HEADINGS)
    assert sheet.freeze_panes == "A2"  # the headings stay in sight while the rows scroll
    coordinates = {HEADINGS.index("Latitude"), HEADINGS.index("Longitude")}
    formats = [[cell.number_format for cell in row] for row in sheet.iter_rows()]
    assert formats[0] == ["General"] * len(HEADINGS)  # the headings are text, in no number format
    assert len(formats) == 56
    assert all(
        row == ["0.000000" if column in coordinates else "General" for column in range(len(HEADINGS))]
        for row in formats[1:]
    )


def test_libreoffice_opens_the_spreadsheet_with_text_numbers_and_no_formula(
    laureates: pd.DataFrame, tmp_path: Path
) -> None:
    rows = laureates.assign(note=laureates["note"].where(laureates["town"] != "Colmar", "=1+1"))
    book = tmp_path / "laureats.xlsx"
    book.write_bytes(to_spreadsheet_bytes(rows))
    # CSV out: comma, double quotes, UTF-8, every text cell quoted, formulas written as formulas.
    options = "44,34,76,1,,0,true,true,false,true"
    assert SOFFICE is not None, "LibreOffice manque : « python -m tests.browser » l'installe (apt-get)."
    done = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            f"csv:Text - txt - csv (StarCalc):{options}",
            "--outdir",
            str(tmp_path),
            str(book),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = (tmp_path / "laureats.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(f'"{heading}"' for heading in HEADINGS)
    assert '"Charleville-Mézières","Ardennes (08)","Grand Est","08105",49.7685,4.72487,' in lines
    [colmar] = [line for line in lines if line.startswith('"Colmar"')]
    assert colmar.endswith(',"=1+1"')  # quoted: a text cell, neither a formula nor its result 2


def test_csv_for_tools_is_rfc_4180_with_the_data_files_columns_and_values(laureates: pd.DataFrame) -> None:
    data = to_csv_bytes(laureates)
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == data.count(b"\n") == 56
    assert data.replace(b"\r\n", b"\n") == GEOCODED_PATH.read_bytes()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows[0]["region"] == "Auvergne-Rhône-Alpes"
    table = pd.read_csv(io.BytesIO(data), dtype={"insee_code": str})
    assert table["latitude"].dtype == float
    assert table.loc[table["town"] == "Charleville-Mézières", "insee_code"].item() == "08105"


def test_geojson_has_real_coordinates(laureates: pd.DataFrame) -> None:
    collection = json.loads(to_geojson_bytes(select(laureates, View(zone=Zone.OVERSEAS))))
    assert len(collection["features"]) == 6
    port = next(f for f in collection["features"] if f["properties"]["town"] == "Le Port")
    row = laureates[laureates["town"] == "Le Port"].iloc[0]
    assert port["geometry"]["coordinates"] == [round(row["longitude"], 6), round(row["latitude"], 6)]
    assert port["properties"]["overseas"] is True


def test_geojson_is_an_rfc_7946_collection_of_points_with_the_data_file_s_other_columns_as_properties(
    laureates: pd.DataFrame,
) -> None:
    collection = json.loads(to_geojson_bytes(laureates))
    assert set(collection) == {"type", "features"}
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 55
    facts = [column for column in GEOCODED_COLUMNS if column not in ("latitude", "longitude")]
    for feature, row in zip(collection["features"], laureates.to_dict(orient="records"), strict=True):
        assert feature == {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]},  # x, y
            "properties": {column: row[column] for column in facts},
        }


def test_geojson_coordinates_have_six_decimals_and_names_their_letters(laureates: pd.DataFrame) -> None:
    """0.1 m, as in the data file; « Mézières », not « M\\u00e9zi\\u00e8res », for whoever opens it."""
    precise = laureates[laureates["town"] == "Charleville-Mézières"].assign(
        latitude=49.76851234, longitude=4.72487449
    )
    data = to_geojson_bytes(precise)
    [feature] = json.loads(data)["features"]
    assert feature["geometry"]["coordinates"] == [4.724874, 49.768512]
    assert '"town": "Charleville-Mézières"'.encode() in data


def towns_in(kind: str, data: bytes) -> list[str]:
    """The towns of a download, read as its program reads it."""
    if kind == "xlsx":
        return [str(row[0]) for row in workbook_rows(data)[1:]]
    if kind == "csv":
        return [row["town"] for row in csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))]
    return [f["properties"]["town"] for f in json.loads(data)["features"]]


@pytest.mark.parametrize("kind", EXPORTS)
def test_each_download_of_a_view_with_zone_and_search_holds_exactly_that_view(
    laureates: pd.DataFrame, kind: str
) -> None:
    assert sorted(towns_in(kind, EXPORTS[kind].make(select(laureates, ZONE_AND_SEARCH)))) == [
        "Saint-Joseph",
        "Saint-Laurent-du-Maroni",
        "Saint-Martin",
    ]


def test_file_names_say_what_they_hold() -> None:
    assert export_basename(View()) == "laureats-au-coeur-des-territoires"
    assert (
        export_basename(View(regions=("53", "44"))) == "laureats-au-coeur-des-territoires-bretagne-grand-est"
    )
    assert export_basename(View(zone=Zone.OVERSEAS, query="port")) == (
        "laureats-au-coeur-des-territoires-outre-mer-recherche"
    )
    assert export_basename(View(regions=("53",), zone=Zone.METROPOLE, wave=2)) == (
        "laureats-au-coeur-des-territoires-bretagne-metropole-vague-2"
    )
    # Up to four regions are named; more are counted.
    assert export_basename(View(regions=("53", "44", "94", "11"))) == (
        "laureats-au-coeur-des-territoires-bretagne-grand-est-corse-ile-de-france"
    )
    assert export_basename(View(regions=("53", "44", "94", "11", "28"))) == (
        "laureats-au-coeur-des-territoires-5-regions"
    )


def test_the_page_s_table_has_the_headings_rows_and_numbers_of_the_view(laureates: pd.DataFrame) -> None:
    reader = TableReader()
    bretagne = select(laureates, View(regions=("53",)))
    reader.feed(table_html(bretagne))
    header, *rows = reader.rows
    assert header == HEADINGS
    assert [row[0] for row in rows] == bretagne["town"].tolist()
    quimper = next(row for row in rows if row[0] == "Quimper")
    assert quimper[1:4] == ["Finistère (29)", "Bretagne", "29232"]
    assert quimper[4:6] == [
        f"{value:.6f}" for value in bretagne.set_index("town").loc["Quimper", ["latitude", "longitude"]]
    ]
    assert [row[-1] for row in rows] == bretagne["note"].tolist()  # nothing between the rows
    # The coordinates' headings and cells are numbers: right-aligned (page.css), sorted as such (page.js).
    number = [{"class": "number"} if column in NUMBER_COLUMNS else {} for column in TABLE_HEADINGS]
    assert reader.attributes[0] == [{"scope": "col", "aria-sort": "none"} | n for n in number]
    assert reader.attributes[1:] == [number] * len(bretagne)


def test_the_page_s_table_shows_markup_in_the_data_as_text(laureates: pd.DataFrame) -> None:
    reader = TableReader()
    hostile = laureates.head(1).assign(town="<img src=x onerror=alert(1)>", note="<b>gras</b> & co")
    reader.feed(table_html(hostile))
    assert reader.rows[1][0] == "<img src=x onerror=alert(1)>"
    assert reader.rows[1][-1] == "<b>gras</b> & co"
    assert set(reader.tags) == {"div", "table", "thead", "tbody", "tr", "th", "button", "td"}
