"""Each broken data file gets its French message naming file, line and problem; never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import displayed, metrics

BAD = Path(__file__).resolve().parent.parent / "data" / "bad"

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


def open_with(path: Path, monkeypatch: pytest.MonkeyPatch, open_app: Callable[..., AppTest]) -> AppTest:
    monkeypatch.setenv("CARTE_LAUREATES_CSV", str(path))
    return open_app()


def test_the_corpus_is_covered() -> None:
    assert {p.name for p in BAD.glob("*.csv")} == set(REFUSED) | set(ACCEPTED)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_broken_file_gets_its_message(
    name: str, monkeypatch: pytest.MonkeyPatch, open_app: Callable[..., AppTest]
) -> None:
    app = open_with(BAD / name, monkeypatch, open_app)
    assert not app.exception
    assert len(app.error) == 1
    message = displayed(app.error[0].value)
    assert "Les données de la carte ne peuvent pas être lues." in message
    assert name in message  # the file is named
    for part in REFUSED[name]:
        assert part in message
    assert not app.metric  # nothing half-drawn from a file that was refused


def test_missing_file_gets_its_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, open_app: Callable[..., AppTest]
) -> None:
    app = open_with(tmp_path / "absent.csv", monkeypatch, open_app)
    assert not app.exception
    message = displayed(app.error[0].value)
    assert "absent.csv" in message
    assert "fichier introuvable" in message
    assert "python -m geocode" in message


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_odd_but_valid_file_is_shown(
    name: str, monkeypatch: pytest.MonkeyPatch, open_app: Callable[..., AppTest]
) -> None:
    app = open_with(BAD / name, monkeypatch, open_app)
    assert not app.exception
    assert not app.error
    assert metrics(app)["Villes lauréates"] == f"{ACCEPTED[name]} / {ACCEPTED[name]}"


def test_markup_in_data_is_shown_as_text(
    monkeypatch: pytest.MonkeyPatch, open_app: Callable[..., AppTest]
) -> None:
    app = open_with(BAD / "markup_in_text_fields.csv", monkeypatch, open_app)
    towns = list(app.dataframe[0].value["town"])
    assert "<img src=x onerror=alert(1)>" in towns
    assert "<script>alert(2)</script>" in towns
