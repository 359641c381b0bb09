"""Bad input: one line naming file, line and column, exit code 2, previous output left intact."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from geocode.cli import main
from territoires import PROJECT_DIR
from territoires.dataset import LAUREATES_PATH
from tests.geocode.geocode_support import PREVIOUS_OUTPUT


def edited(replace: tuple[str, str] = ("", ""), drop_column: str | None = None) -> Callable[[str], str]:
    def edit(text: str) -> str:
        old, new = replace
        if old:
            assert old in text
            text = text.replace(old, new, 1)
        if drop_column:
            lines = [line.split(",") for line in text.splitlines()[:3]]
            index = lines[0].index(drop_column)
            text = "\n".join(",".join(cells[:index] + cells[index + 1 :]) for cells in lines) + "\n"
        return text

    return edit


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        pytest.param(
            edited(drop_column="insee_code"),
            "ligne 1 : colonne(s) manquante(s) : « insee_code ».",
            id="missing-column",
        ),
        pytest.param(
            edited(("Grand Est,44,52,Chaumont", "Grand-Est,44,52,Chaumont")),
            "ligne 17, colonne « region » : région inconnue « Grand-Est »",
            id="unknown-region",
        ),
        pytest.param(
            edited(("Grand Est,44,52,Chaumont", "Grand Est,45,52,Chaumont")),
            "ligne 17, colonne « region_code » : code de région inconnu « 45 »",
            id="unknown-region-code",
        ),
        pytest.param(
            edited(("Grand Est,44,52,Chaumont,Chaumont", "Grand Est,44,52,Colmar,Chaumont")),
            "ligne 18, colonne « town » : « Colmar » figure déjà ligne 17 ; supprimez le doublon.",
            id="duplicate-town",
        ),
        pytest.param(
            edited(("Grand Est,44,52,Chaumont,", "Grand Est,44,52, ,")),
            "ligne 17, colonne « town » : nom de ville vide.",
            id="empty-town",
        ),
        pytest.param(
            edited((",52121,", ",5212,")),
            "ligne 17, colonne « insee_code » : code INSEE mal formé « 5212 »",
            id="malformed-insee-code",
        ),
    ],
)
def test_bad_input_names_file_line_and_column_and_leaves_output_intact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: Callable[[str], str], expected: str
) -> None:
    source = tmp_path / "laureates.csv"
    source.write_text(edit(LAUREATES_PATH.read_text(encoding="utf-8")), encoding="utf-8")
    output = tmp_path / "out.csv"
    output.write_bytes(PREVIOUS_OUTPUT)

    code = main(["--input", str(source), "--output", str(output), "--cache", str(tmp_path / "c.json")])

    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{source} — {expected}")
    assert err.count("\n") == 1
    assert output.read_bytes() == PREVIOUS_OUTPUT
    assert not (tmp_path / "c.json").exists()


def test_missing_input_file_exits_2_without_traceback(tmp_path: Path) -> None:
    output = tmp_path / "out.csv"
    output.write_bytes(PREVIOUS_OUTPUT)
    missing = tmp_path / "absent.csv"

    result = subprocess.run(
        [sys.executable, "-m", "geocode", "--input", str(missing), "--output", str(output)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 2
    assert result.stderr == f"{missing} — fichier introuvable. Vérifiez le chemin.\n"
    assert output.read_bytes() == PREVIOUS_OUTPUT


def test_unwritable_output_is_reported_with_its_path_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    subset = tmp_path / "laureates.csv"
    subset.write_text(
        "".join(LAUREATES_PATH.read_text(encoding="utf-8").splitlines(True)[:2]), encoding="utf-8"
    )
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    output = tmp_path / "file" / "out.csv"

    code = main(["--input", str(subset), "--output", str(output), "--cache", str(tmp_path / "c.json")])

    assert code == 1
    err = capsys.readouterr().err
    assert f"{output} — écriture impossible (" in err
    assert "Traceback" not in err
