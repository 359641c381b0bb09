from __future__ import annotations

import io
import json

import pandas as pd

from territoires.dataset import GEOCODED_PATH
from territoires.exports import export_basename, to_csv_bytes, to_geojson_bytes
from territoires.filters import View, Zone, select


def test_csv_of_everything_is_the_committed_file(laureates: pd.DataFrame) -> None:
    assert to_csv_bytes(laureates) == GEOCODED_PATH.read_bytes()


def test_csv_of_a_selection_holds_its_rows(laureates: pd.DataFrame) -> None:
    table = pd.read_csv(io.BytesIO(to_csv_bytes(select(laureates, View(regions=("53",))))), dtype=str)
    assert sorted(table["town"]) == ["Fougères", "Morlaix", "Quimper", "Saint-Brieuc"]


def test_geojson_has_real_coordinates(laureates: pd.DataFrame) -> None:
    collection = json.loads(to_geojson_bytes(select(laureates, View(zone=Zone.OVERSEAS))))
    assert len(collection["features"]) == 6
    port = next(f for f in collection["features"] if f["properties"]["town"] == "Le Port")
    row = laureates[laureates["town"] == "Le Port"].iloc[0]
    assert port["geometry"]["coordinates"] == [round(row["longitude"], 6), round(row["latitude"], 6)]
    assert port["properties"]["overseas"] is True


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
