"""The answer cache: resuming an interrupted run, and corrupt files set aside rather than trusted."""

from __future__ import annotations

import csv
import json
import re
import signal
import time
from pathlib import Path

import pytest

from geocode.cli import main
from territoires.dataset import LAUREATES_PATH
from tests.geocode.geocode_support import (
    FakeService,
    Reply,
    ban_answer,
    online_args,
    running,
    signalled_mid_run,
    write_subset,
)

# Colmar's key and answer in a cache file, as `AnswerCache.put` writes them.
COLMAR_KEY = "44|68066|Colmar"
COLMAR = {"latitude": 48.08078, "longitude": 7.35584, "matched_name": "Colmar"}


def cache_of(**entry: object) -> str:
    """A BAN cache file holding Colmar's answer with these fields replaced."""
    return json.dumps({"version": 1, "provider": "ban", "answers": {COLMAR_KEY: {**COLMAR, **entry}}})


def test_interrupted_run_says_so_and_the_rerun_resumes_from_the_cache(
    ban_service: FakeService, tmp_path: Path
) -> None:
    towns = ["Colmar", "Saverne", "Verdun", "Vittel"]
    subset = write_subset(tmp_path / "laureates.csv", towns)
    args = [*online_args(ban_service, tmp_path), "--input", str(subset)]
    code, err = signalled_mid_run(ban_service, args, signal.SIGINT)

    assert code == 130
    assert err.endswith(
        "\nInterrompu. Les villes déjà résolues sont dans le cache : relancez la commande pour reprendre.\n"
    )
    assert "Traceback" not in err
    assert not (tmp_path / "out.csv").exists()
    assert ban_service.requested_places() == ["Colmar", "Saverne", "Verdun"]

    assert main(args) == 0

    assert ban_service.requested_places()[3:] == ["Verdun", "Vittel"]


def test_full_run_after_a_subset_asks_only_for_the_towns_not_cached(
    ban_service: FakeService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    subset = write_subset(tmp_path / "laureates.csv", ["Colmar", "Le Port"])
    assert main([*online_args(ban_service, tmp_path), "--input", str(subset)]) == 0

    assert main([*online_args(ban_service, tmp_path), "--input", str(LAUREATES_PATH)]) == 0

    asked = ban_service.requested_places()
    assert asked.count("Colmar") == 1
    assert asked.count("Le Port") == 1
    assert len(asked) == 55
    assert "53 résolue(s), 2 depuis le cache, 0 en échec, sur 55." in capsys.readouterr().err


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("{not json", id="invalid-json"),
        pytest.param("[]", id="not-an-object"),
        pytest.param(
            '{"version": 1, "provider": "ban", "answers": {"k": {"latitude": "x"}}}', id="bad-entry"
        ),
        pytest.param('{"version": 1, "provider": "nominatim", "answers": {}}', id="other-provider"),
        pytest.param(cache_of(latitude="48.08078"), id="latitude-as-text"),
        pytest.param(cache_of(longitude="7.35584"), id="longitude-as-text"),
        pytest.param(cache_of(matched_name=1), id="name-not-text"),
    ],
)
def test_corrupt_cache_is_set_aside_with_a_warning_and_not_trusted(
    ban_service: FakeService, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    cache = tmp_path / "cache.json"
    cache.write_text(content, encoding="utf-8")
    subset = write_subset(tmp_path / "laureates.csv", ["Colmar"])

    before = time.strftime("%Y%m%d-%H%M%S")
    assert main([*online_args(ban_service, tmp_path), "--input", str(subset)]) == 0
    after = time.strftime("%Y%m%d-%H%M%S")

    [aside] = tmp_path.glob("cache.json.corrupt-*")
    stamp = aside.name.removeprefix("cache.json.corrupt-")  # when it was set aside, to the second
    assert re.fullmatch(r"\d{8}-\d{6}", stamp)
    assert before <= stamp <= after
    assert capsys.readouterr().err.startswith(
        f"Avertissement : cache illisible {cache} (mis de côté sous {aside}) ; "
        "il est ignoré et sera reconstruit.\n"
    )
    assert aside.read_text(encoding="utf-8") == content
    assert ban_service.requested_places() == ["Colmar"]
    answers = json.loads(cache.read_text(encoding="utf-8"))["answers"]
    assert list(answers) == ["44|68066|Colmar"]


def test_cache_is_replaced_atomically_leaving_no_temporary_file(
    ban_service: FakeService, tmp_path: Path
) -> None:
    subset = write_subset(tmp_path / "laureates.csv", ["Colmar", "Verdun"])

    assert main([*online_args(ban_service, tmp_path), "--input", str(subset)]) == 0

    assert sorted(path.name for path in tmp_path.iterdir()) == ["cache.json", "laureates.csv", "out.csv"]


def test_a_corrupt_cache_that_cannot_be_moved_is_left_in_place_and_said_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = Path("/proc/self/status")  # not JSON, on a read-only file system, even for root
    subset = write_subset(tmp_path / "laureates.csv", ["Colmar"])

    code = main(["--input", str(subset), "--output", str(tmp_path / "out.csv"), "--cache", str(cache)])

    assert code == 1  # the answer cannot be cached either
    assert capsys.readouterr().err.startswith(
        f"Avertissement : cache illisible {cache} (laissé en place) ; il est ignoré et sera reconstruit.\n"
    )


def test_a_cache_written_for_one_provider_is_not_trusted_by_another(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    subset = write_subset(tmp_path / "laureates.csv", ["Colmar"])
    with running("ban") as ban:
        assert main([*online_args(ban, tmp_path), "--input", str(subset)]) == 0
    capsys.readouterr()

    with running("nominatim") as nominatim:
        assert main([*online_args(nominatim, tmp_path), "--input", str(subset)]) == 0

    assert nominatim.requested_places() == ["Colmar"]
    assert "Avertissement : cache illisible" in capsys.readouterr().err


def test_the_cache_keeps_names_as_written(ban_service: FakeService, tmp_path: Path) -> None:
    """Readable, and searchable for « Montélimar », by whoever opens it."""
    subset = write_subset(tmp_path / "laureates.csv", ["Montélimar"])

    assert main([*online_args(ban_service, tmp_path), "--input", str(subset)]) == 0

    text = (tmp_path / "cache.json").read_text(encoding="utf-8")
    assert '"84|26198|Montélimar"' in text
    assert '"matched_name": "Montélimar"' in text


def test_a_cached_answer_outside_the_department_is_reported_and_not_written(
    ban_service: FakeService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A cache of an earlier version, or edited by hand, is checked as the service's answers are."""
    (tmp_path / "cache.json").write_text(cache_of(latitude=-21.28585, longitude=55.41124), encoding="utf-8")
    subset = write_subset(tmp_path / "laureates.csv", ["Colmar"])

    assert main([*online_args(ban_service, tmp_path), "--input", str(subset)]) == 1

    err = capsys.readouterr().err
    assert (
        f"{subset} — ligne 2, « Colmar » : ce point est à plus de 100 km du département Haut-Rhin (68) "
        "(tolérance : 2 km).\n" in err
    )
    assert "0 résolue(s), 0 depuis le cache, 1 en échec, sur 1." in err
    assert not (tmp_path / "out.csv").exists()


def test_the_cache_keeps_each_point_as_the_output_file_writes_it(
    ban_service: FakeService, tmp_path: Path
) -> None:
    """To the micro-degree (about 0.1 m): a run from the cache checks and writes the same point."""
    ban_service.script("Colmar", Reply(ban_answer("Colmar", "68066", 48.08078494, 7.35584049)))
    subset = write_subset(tmp_path / "laureates.csv", ["Colmar"])

    assert main([*online_args(ban_service, tmp_path), "--input", str(subset)]) == 0

    [row] = list(csv.DictReader((tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()))
    cached = json.loads((tmp_path / "cache.json").read_text(encoding="utf-8"))["answers"][COLMAR_KEY]
    assert (row["latitude"], row["longitude"]) == ("48.080785", "7.355840")
    assert (cached["latitude"], cached["longitude"]) == (48.080785, 7.35584)
