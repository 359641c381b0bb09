"""The data file replaced while the app runs: a good one is picked up, a broken one is survived."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from territoires.dataset import GEOCODED_PATH
from tests.app.conftest import counts_shown, displayed

BAD = Path(__file__).resolve().parent.parent / "data" / "bad"


def replace(target: Path, source: Path) -> None:
    """As an editor or a deployment would: a new file renamed over the old one, with a new mtime."""
    staging = target.with_suffix(".tmp")
    shutil.copyfile(source, staging)
    staging.replace(target)
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


@pytest.fixture
def live_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "laureates_geocoded.csv"
    shutil.copyfile(GEOCODED_PATH, path)
    monkeypatch.setenv("CARTE_LAUREATES_CSV", str(path))
    return path


def test_a_valid_new_file_is_picked_up_on_the_next_rerun(
    live_file: Path, open_app: Callable[..., AppTest]
) -> None:
    app = open_app()
    assert counts_shown(app)["Villes lauréates"] == "55 / 55"
    replace(live_file, BAD / "utf8_bom.csv")
    app.run()
    assert counts_shown(app)["Villes lauréates"] == "3 / 3"
    assert not app.warning


def about_text(app: AppTest) -> str:
    (text,) = [element.value for element in app.markdown if "Mise à jour" in element.value]
    return text


def test_a_broken_new_file_leaves_the_last_good_data_with_a_warning(
    live_file: Path, open_app: Callable[..., AppTest]
) -> None:
    app = open_app()
    about = about_text(app)
    replace(live_file, BAD / "duplicate_rows.csv")
    app.run()
    assert not app.exception
    assert not app.error
    assert counts_shown(app)["Villes lauréates"] == "55 / 55"
    warning = displayed(app.warning[0].value)
    assert "version précédente" in warning
    assert "« Aurillac » figure déjà ligne 2" in warning
    live_file.unlink()
    app.run()
    assert counts_shown(app)["Villes lauréates"] == "55 / 55"
    assert "fichier introuvable" in displayed(app.warning[0].value)
    assert about_text(app) == about  # the date of the data shown, not of the missing file
    replace(live_file, GEOCODED_PATH)
    app.run()
    assert not app.warning


def test_the_update_date_is_the_data_s_own_not_the_file_s(
    live_file: Path, open_app: Callable[..., AppTest]
) -> None:
    os.utime(live_file, ns=(0, 978_307_200 * 10**9))  # 1 January 2001, as a clone or a copy may leave it
    about = displayed(about_text(open_app()))
    assert (
        "Données arrêtées à l'annonce du 26/09/2019 ; coordonnées : GeoNames, géocodage hors ligne." in about
    )
    assert "2001" not in about
