"""The « À propos » says what the data covers, with its sources, and follows the data's waves."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.waves import write_two_waves


def about_text(app: AppTest) -> str:
    (text,) = [element.value for element in app.markdown if "Ce que couvre la carte" in element.value]
    return text


def test_about_states_the_first_wave_alone_and_what_followed_with_sources(
    open_app: Callable[..., AppTest],
) -> None:
    about = about_text(open_app())
    assert "Les 55 villes de la première vague, et elles seules." in about
    assert "communiqué du Cnam du 4 mai 2021 (ouverture du centre de Cognac), 65 villes" in about
    assert "Côtes-d'Armor" in about
    assert "Martigues et Vallauris Golfe-Juan" in about
    assert (
        "Contours des régions, des départements et de Saint-Martin : Natural Earth (domaine public), via le paquet npm"
        in about
    )
    assert "Admin Express" not in about


def test_with_two_waves_title_and_about_name_both_and_drop_the_first_wave_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, open_app: Callable[..., AppTest]
) -> None:
    monkeypatch.setenv("CARTE_LAUREATES_CSV", str(write_two_waves(tmp_path / "laureates_geocoded.csv")))
    app = open_app()
    about = about_text(app)
    assert "Les 55 villes des vagues 1 et 2." in about
    assert "et elles seules" not in about
    assert "Vagues 1 et 2 du programme du Cnam." in [caption.value for caption in app.caption]


def test_with_the_committed_data_the_title_says_first_wave(open_app: Callable[..., AppTest]) -> None:
    captions = [caption.value for caption in open_app().caption]
    assert "Première vague du programme du Cnam, annoncée le 26 septembre 2019." in captions
