"""The project's own files (geocoded data, outlines, caches) are written whole, folders included; a
failure names the file and the system's reason."""

from __future__ import annotations

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
