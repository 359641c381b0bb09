"""Each broken data file gets its French message naming file, line and problem; never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from territoires.dataset import GEOCODED_PATH
from tests.app.conftest import counts_shown, displayed, towns_in_table
from tests.corpus import ACCEPTED, BAD, REFUSED, write_many_rows


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
    assert str(BAD) not in message  # but not where it lives on the server
    for part in REFUSED[name]:
        assert part in message
    assert not counts_shown(app)  # nothing half-drawn from a file that was refused


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
    assert counts_shown(app)["Villes lauréates"] == f"{ACCEPTED[name]} / {ACCEPTED[name]}"


def test_markup_in_data_is_shown_as_text(
    monkeypatch: pytest.MonkeyPatch, open_app: Callable[..., AppTest]
) -> None:
    app = open_with(BAD / "markup_in_text_fields.csv", monkeypatch, open_app)
    towns = towns_in_table(app)
    assert "<img src=x onerror=alert(1)>" in towns
    assert "<script>alert(2)</script>" in towns


def test_ten_thousand_rows_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, open_app: Callable[..., AppTest]
) -> None:
    path = tmp_path / "big.csv"
    write_many_rows(GEOCODED_PATH, path, 10_000)
    app = open_with(path, monkeypatch, open_app)
    assert not app.exception
    assert counts_shown(app)["Villes lauréates"] == "10000 / 10000"
