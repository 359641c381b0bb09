"""The geocoder against the corpus of broken files and against faults: it refuses or survives,
says why, and leaves its output and its cache as they were."""

from __future__ import annotations

import csv
import json
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from geocode.cli import main
from territoires import PROJECT_DIR
from territoires.dataset import LAUREATES_PATH, read_laureates
from tests.corpus import ACCEPTED, BAD, COORDINATES_ONLY, REFUSED, write_many_rows
from tests.geocode.geocode_support import (
    PREVIOUS_OUTPUT,
    FakeService,
    online_args,
    signalled_mid_run,
    write_subset,
)

PREVIOUS_CACHE = b'{"version": 1, "provider": "offline", "answers": {}}'


@pytest.fixture
def previous(tmp_path: Path) -> tuple[Path, Path]:
    output, cache = tmp_path / "out.csv", tmp_path / "cache.json"
    output.write_bytes(PREVIOUS_OUTPUT)
    cache.write_bytes(PREVIOUS_CACHE)
    return output, cache


def run_offline(source: Path, output: Path, cache: Path) -> int:
    return main(["--input", str(source), "--output", str(output), "--cache", str(cache)])


@pytest.mark.parametrize("name", sorted(set(REFUSED) - COORDINATES_ONLY))
def test_broken_file_is_refused_and_nothing_is_touched(
    name: str, previous: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    output, cache = previous
    assert run_offline(BAD / name, output, cache) == 2
    err = capsys.readouterr().err
    assert name in err
    for part in REFUSED[name]:  # the line and the fault, as the dashboard says them
        assert part in err
    assert "Traceback" not in err
    assert output.read_bytes() == PREVIOUS_OUTPUT
    assert cache.read_bytes() == PREVIOUS_CACHE


@pytest.mark.parametrize("name", sorted(set(ACCEPTED) | COORDINATES_ONLY))
def test_odd_but_valid_facts_are_geocoded(name: str, previous: tuple[Path, Path]) -> None:
    output, cache = previous
    assert run_offline(BAD / name, output, cache) == 0
    with output.open(encoding="utf-8", newline="") as written:
        rows = list(csv.DictReader(written))
    assert len(rows) == (ACCEPTED[name] if name in ACCEPTED else len(read_laureates(BAD / name)))


def test_ten_thousand_rows_with_one_bad_line_are_refused_naming_it(
    tmp_path: Path, previous: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "big.csv"
    header = write_many_rows(LAUREATES_PATH, source, 10_000)
    with source.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    rows[-1][header.index("insee_code")] = "1501"  # line 10001: an INSEE code cut short
    with source.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)
    output, cache = previous
    assert run_offline(source, output, cache) == 2
    assert "ligne 10001, colonne « insee_code »" in capsys.readouterr().err
    assert output.read_bytes() == PREVIOUS_OUTPUT


def test_killed_mid_run_leaves_a_readable_cache_and_the_rerun_resumes(
    ban_service: FakeService, tmp_path: Path
) -> None:
    towns = ["Colmar", "Saverne", "Verdun", "Vittel"]
    subset = write_subset(tmp_path / "laureates.csv", towns)
    (tmp_path / "out.csv").write_bytes(PREVIOUS_OUTPUT)
    args = [*online_args(ban_service, tmp_path), "--input", str(subset)]
    code, _ = signalled_mid_run(ban_service, args, signal.SIGKILL)

    assert code == -signal.SIGKILL
    assert (tmp_path / "out.csv").read_bytes() == PREVIOUS_OUTPUT
    cached = json.loads((tmp_path / "cache.json").read_text(encoding="utf-8"))["answers"]
    assert len(cached) == 2  # Colmar and Saverne, written before the kill
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind

    assert main(args) == 0
    assert ban_service.requested_places()[3:] == ["Verdun", "Vittel"]


def test_read_only_output_folder_is_reported_and_the_cache_kept(
    previous: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, cache = previous
    read_only = Path("/proc/self/laureates_geocoded.csv")  # a read-only file system, even for root
    assert run_offline(LAUREATES_PATH, read_only, cache) == 1
    err = capsys.readouterr().err
    assert str(read_only) in err
    assert "Traceback" not in err
    assert len(json.loads(cache.read_text(encoding="utf-8"))["answers"]) == 55  # the work is not lost


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # so that a write past the limit fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (len(PREVIOUS_CACHE) + 100, resource.RLIM_INFINITY))


def test_a_cache_that_cannot_grow_is_reported_and_nothing_is_lost(previous: tuple[Path, Path]) -> None:
    output, cache = previous
    run = subprocess.run(
        [sys.executable, "-m", "geocode", "--output", str(output), "--cache", str(cache)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        preexec_fn=_limit_file_size,
        timeout=120,
        check=False,
    )
    assert run.returncode == 1
    assert str(cache) in run.stderr
    assert "Traceback" not in run.stderr
    assert output.read_bytes() == PREVIOUS_OUTPUT
    assert cache.read_bytes() == PREVIOUS_CACHE
    assert not [p for p in cache.parent.iterdir() if p.name.startswith(".")]
