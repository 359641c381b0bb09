"""The project's own files (geocoded data, outlines, caches) are written whole, folders included; a
failure names the file and the system's reason."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from territoires.files import WriteError, write_atomically


def test_a_file_is_written_whole_with_the_folders_it_lacks(tmp_path: Path) -> None:
    path = tmp_path / "checkout" / "data" / "out.csv"
    write_atomically(path, "town,wave\r\nColmar,1\n")
    assert path.read_bytes() == b"town,wave\r\nColmar,1\n"
    assert [p.name for p in path.parent.iterdir()] == ["out.csv"]  # no temporary file left beside it


def test_a_file_that_cannot_be_written_is_named_with_the_system_s_reason(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    path = tmp_path / "file" / "data" / "out.csv"
    with pytest.raises(WriteError) as refused:
        write_atomically(path, "town\n")
    sentence = f"{path} — écriture impossible (Not a directory). Vérifiez le dossier et les droits."
    assert refused.value.message == sentence  # what the geocoder prints
    assert str(refused.value) == sentence  # what `python -m territoires.outlines` prints after « Erreur : »


@pytest.mark.usefixtures("no_system_tempdir")
def test_a_file_is_staged_beside_its_target_not_in_the_system_s_temporary_folder(tmp_path: Path) -> None:
    """os.replace is atomic only within one file system, and /tmp is often another (tmpfs): here the
    system's temporary folder cannot be used at all, and nothing needs it."""
    path = tmp_path / "data" / "out.csv"
    write_atomically(path, "town\n")
    assert path.read_text(encoding="utf-8") == "town\n"


def test_a_file_is_readable_by_all_and_executable_by_none(tmp_path: Path) -> None:
    """The web server serves the outlines, whatever user it runs as; mkstemp alone gives 0o600."""
    path = tmp_path / "out.csv"
    write_atomically(path, "town\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_a_replacement_that_fails_names_the_file_and_leaves_no_staging_file(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    path.mkdir()  # a folder where the file should be: the final rename fails
    with pytest.raises(WriteError, match=r"out\.csv — écriture impossible \(Is a directory\)"):
        write_atomically(path, "town\n")
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
    assert path.is_dir()
