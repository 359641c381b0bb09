"""The answer cache: resuming an interrupted run, and corrupt files set aside rather than trusted."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from geocode.cli import main
from territoires.dataset import LAUREATES_PATH
from tests.geocode.geocode_support import FakeService, online_args, signalled_mid_run, write_subset


def test_interrupted_run_says_so_and_the_rerun_resumes_from_the_cache(
    ban_service: FakeService, tmp_path: Path
) -> None:
    towns = ["Colmar", "Saverne", "Verdun", "Vittel"]
    subset = write_subset(tmp_path / "laureates.csv", towns)
    args = [*online_args(ban_service, tmp_path), "--input", str(subset)]
    code, err = signalled_mid_run(ban_service, args, signal.SIGINT)

    assert code == 130
    assert "Interrompu. Les villes déjà résolues sont dans le cache" in err
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
    ],
)
def test_corrupt_cache_is_set_aside_with_a_warning_and_not_trusted(
    ban_service: FakeService, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    cache = tmp_path / "cache.json"
    cache.write_text(content, encoding="utf-8")
    subset = write_subset(tmp_path / "laureates.csv", ["Colmar"])

    assert main([*online_args(ban_service, tmp_path), "--input", str(subset)]) == 0

    assert "Avertissement : cache illisible" in capsys.readouterr().err
    [aside] = tmp_path.glob("cache.json.corrupt-*")
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
