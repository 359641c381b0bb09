"""A later wave is a data change: with two waves in the file, the page gains its « Vague » filter,
its counts per wave and ?vague= ; with the committed data, one wave, none of it shows."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from territoires.dataset import GEOCODED_PATH
from tests.app.conftest import counts_shown, displayed, towns_in_table, url_values
from tests.waves import SECOND_WAVE, write_two_waves

FOUR_COUNTS = {"Villes lauréates", "Métropole", "Outre-mer", "Régions représentées"}


@pytest.fixture
def two_waves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The committed file with five of its towns turned into a second wave, read by the app."""
    path = write_two_waves(tmp_path / "laureates_geocoded.csv")
    monkeypatch.setenv("CARTE_LAUREATES_CSV", str(path))
    return path


def wave_controls(app: AppTest) -> list[str]:
    """The labels of the page's button groups that choose a wave."""
    return [group.label for group in app.button_group if group.key == "wave"]


def towns_listed(app: AppTest) -> set[str]:
    return set(towns_in_table(app))


@pytest.mark.usefixtures("two_waves")
def test_two_waves_bring_the_wave_control_and_counts(open_app: Callable[..., AppTest]) -> None:
    app = open_app()
    assert not app.exception
    assert wave_controls(app) == ["Vague"]
    control = app.button_group(key="wave")
    assert control.options == ["Toutes", "1re vague", "2e vague"]
    assert control.value == "toutes"
    assert counts_shown(app) == {
        "Villes lauréates": "55 / 55",
        "Métropole": "49 / 49",
        "Outre-mer": "6 / 6",
        "Régions représentées": "18 / 18",
        "1re vague": "50 / 50",
        "2e vague": "5 / 5",
    }
    assert "vague" not in app.query_params  # all waves: the address stays as it was
    assert not app.info


@pytest.mark.usefixtures("two_waves")
def test_choosing_the_second_wave_filters_counts_table_and_url(open_app: Callable[..., AppTest]) -> None:
    app = open_app()
    app.button_group(key="wave").set_value("2").run()
    assert counts_shown(app) == {
        "Villes lauréates": "5 / 55",
        "Métropole": "4 / 49",
        "Outre-mer": "1 / 6",
        "Régions représentées": "4 / 18",
        "1re vague": "0 / 50",
        "2e vague": "5 / 5",
    }
    assert towns_listed(app) == set(SECOND_WAVE)
    assert url_values(app, "vague") == ["2"]
    app.multiselect(key="regions").select("44").run()  # the other filters cut within the wave
    assert towns_listed(app) == {"Colmar", "Troyes"}
    assert counts_shown(app)["2e vague"] == "2 / 5"
    app.button_group(key="wave").set_value("1").run()
    assert counts_shown(app)["Villes lauréates"] == "13 / 55"
    assert not towns_listed(app) & set(SECOND_WAVE)
    assert url_values(app, "vague") == ["1"]
    app.button_group(key="wave").set_value("toutes").run()
    assert counts_shown(app)["Villes lauréates"] == "15 / 55"
    assert "vague" not in app.query_params
    assert url_values(app, "region") == ["grand-est"]


@pytest.mark.usefixtures("two_waves")
def test_a_shared_address_opens_the_wave(open_app: Callable[..., AppTest]) -> None:
    app = open_app(vague="2", zone="metropole")
    assert not app.info
    assert app.button_group(key="wave").value == "2"
    assert counts_shown(app)["Villes lauréates"] == "4 / 55"  # Le Port is overseas
    assert towns_listed(app) == set(SECOND_WAVE) - {"Le Port"}
    assert url_values(app, "vague") == ["2"]  # kept in the address written back
    assert url_values(app, "zone") == ["metropole"]
    app.text_input(key="q").input("bast").run()
    assert url_values(app, "vague") == ["2"]
    assert towns_listed(app) == {"Bastia"}


@pytest.mark.usefixtures("two_waves")
@pytest.mark.parametrize("value", ["7", "abc"])
def test_an_unknown_wave_is_ignored_and_named(value: str, open_app: Callable[..., AppTest]) -> None:
    app = open_app(vague=value, region="bretagne", utm_source="x")
    assert not app.exception
    notice = displayed(app.info[0].value)
    assert f"vague inconnue « {value} » (« 1 » ou « 2 »)" in notice
    assert "utm_source" in notice  # one notice for every ignored parameter
    assert app.button_group(key="wave").value == "toutes"
    assert counts_shown(app)["Villes lauréates"] == "4 / 55"  # the rest of the address holds
    assert "vague" not in app.query_params
    assert url_values(app, "region") == ["bretagne"]


@pytest.fixture
def committed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The committed file, whatever the caller's environment names: one wave."""
    monkeypatch.setenv("CARTE_LAUREATES_CSV", str(GEOCODED_PATH))


@pytest.mark.usefixtures("committed")
def test_the_committed_data_has_one_wave_and_no_wave_control(open_app: Callable[..., AppTest]) -> None:
    app = open_app()
    assert not app.exception
    assert wave_controls(app) == []
    assert [group.key for group in app.button_group] == ["zone"]
    assert set(counts_shown(app)) == FOUR_COUNTS
    assert not app.info
    assert dict(app.query_params) == {}


@pytest.mark.usefixtures("committed")
def test_with_one_wave_the_address_s_wave_is_ignored_and_named(open_app: Callable[..., AppTest]) -> None:
    # Ignored rather than accepted: with one wave there is nothing to choose and no control to show
    # the choice, and the address written back drops it; the notice says why it went.
    app = open_app(vague="1", region="corse")
    assert wave_controls(app) == []
    notice = displayed(app.info[0].value)
    assert "vague « 1 » (la carte n'a qu'une vague)" in notice
    assert counts_shown(app)["Villes lauréates"] == "1 / 55"
    assert "vague" not in app.query_params
    assert url_values(app, "region") == ["corse"]


def replace_file(target: Path, content: bytes) -> None:
    """As a deployment would: a new file renamed over the old one, with a new mtime (same size here)."""
    staging = target.with_suffix(".tmp")
    staging.write_bytes(content)
    staging.replace(target)
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_a_file_replaced_with_other_waves_keeps_the_control_right(
    two_waves: Path, open_app: Callable[..., AppTest]
) -> None:
    """The file replaced while the page is open: a wave chosen in the old one and gone from the new
    one no longer filters, and a control shown again shows « Toutes »."""
    second_wave = two_waves.read_bytes()
    app = open_app(vague="2")
    assert counts_shown(app)["Villes lauréates"] == "5 / 55"
    replace_file(two_waves, GEOCODED_PATH.read_bytes())
    app.run()
    assert not app.exception
    assert wave_controls(app) == []
    assert counts_shown(app)["Villes lauréates"] == "55 / 55"
    assert "vague" not in app.query_params
    app.run()  # the next run, the control's state gone with the control, is the same
    assert not app.exception
    assert counts_shown(app)["Villes lauréates"] == "55 / 55"
    replace_file(two_waves, second_wave)
    app.run()
    assert not app.exception
    assert app.button_group(key="wave").value == "toutes"
    assert counts_shown(app)["2e vague"] == "5 / 5"
