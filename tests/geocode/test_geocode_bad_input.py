"""Bad input: one line naming file, line and column, exit code 2, previous output left intact; and the
command line's options, their help and their defaults."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from geocode.cli import main, parse_args
from geocode.providers import DEFAULT_USER_AGENT
from territoires import PROJECT_DIR
from territoires.dataset import GEOCODED_PATH, LAUREATES_PATH
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


@pytest.mark.parametrize("option", ["--timeout", "--backoff"])
@pytest.mark.parametrize("value", ["abc", "0", "-1", "nan"])
def test_a_duration_that_is_not_a_positive_number_is_refused_naming_it(
    capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    with pytest.raises(SystemExit) as refused:
        main([f"{option}={value}"])

    assert refused.value.code == 2
    last_line = capsys.readouterr().err.splitlines()[-1]
    expected = f"argument {option}: « {value} » : un nombre de secondes positif est attendu"
    assert last_line == f"python -m geocode: error: {expected}"


@pytest.mark.parametrize("value", ["11", "-1"])
def test_retries_beyond_0_to_10_are_refused(capsys: pytest.CaptureFixture[str], value: str) -> None:
    with pytest.raises(SystemExit) as refused:
        main([f"--retries={value}"])

    assert refused.value.code == 2
    assert (
        f"python -m geocode: error: argument --retries: invalid choice: {value} " in capsys.readouterr().err
    )


def test_help_says_what_the_command_does_and_each_option_in_french(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as shown:
        main(["--help"])

    assert shown.value.code == 0
    words = " ".join(capsys.readouterr().out.split())  # as argparse wraps them for the terminal's width
    assert words.startswith("usage: python -m geocode [-h] [--provider {offline,ban,nominatim}]")
    description = "Géocode les lauréates (data/laureates.csv) et écrit data/laureates_geocoded.csv."
    assert f"[--backoff BACKOFF] {description} options:" in words  # between the usage and the options
    assert words.endswith(
        "options: -h, --help show this help message and exit "
        "--provider {offline,ban,nominatim} défaut : offline "
        "--input INPUT fichier des lauréates "
        "--output OUTPUT fichier géocodé à écrire "
        "--cache CACHE défaut : .cache/geocode-<provider>.json "
        "--refresh ignorer le cache et tout redemander "
        "--partial écrire quand même, sans les villes en échec (code 1) "
        "--domain DOMAIN domaine du service en ligne (tests : 127.0.0.1:PORT) "
        "--scheme {http,https} défaut : https "
        "--user-agent USER_AGENT identifiant envoyé au service "
        "--timeout TIMEOUT secondes par requête "
        "--retries 0..10 "
        "--backoff BACKOFF première attente (s), doublée"
    )


def test_defaults_are_the_offline_run_of_the_project_files_10_s_a_request_3_retries_from_1_s() -> None:
    args = parse_args([])

    assert (args.provider, args.input, args.output, args.cache) == (
        "offline",
        LAUREATES_PATH,
        GEOCODED_PATH,
        None,
    )
    assert (args.refresh, args.partial, args.domain, args.scheme) == (False, False, None, None)
    assert args.user_agent == DEFAULT_USER_AGENT
    assert (args.timeout, args.retries, args.backoff) == (10.0, 3, 1.0)


def test_options_keep_their_values_and_paths_are_paths() -> None:
    args = parse_args(
        [
            *("--provider", "ban", "--input", "in.csv", "--output", "out.csv", "--cache", "c.json"),
            *("--refresh", "--partial", "--scheme", "https"),
            *("--timeout", "2.5", "--retries", "10", "--backoff", "0.5"),
        ]
    )

    assert (args.provider, args.input, args.output, args.cache) == (
        "ban",
        Path("in.csv"),
        Path("out.csv"),
        Path("c.json"),
    )
    assert (args.refresh, args.partial, args.scheme) == (True, True, "https")
    assert (args.timeout, args.retries, args.backoff) == (2.5, 10, 0.5)
