from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from territoires import PROJECT_DIR
from territoires.assets import (
    LEAFLET_FILES,
    STATIC_LEAFLET_DIR,
    StaticFilesError,
    ensure_leaflet,
    leaflet_source,
    publish,
    static_url,
)


def test_leaflet_is_copied_from_its_package(tmp_path: Path) -> None:
    target = ensure_leaflet(tmp_path / "leaflet")
    assert (target / "leaflet.js").read_text(encoding="utf-8").startswith("/* @preserve")
    assert "Leaflet 1.9.4" in (target / "leaflet.js").read_text(encoding="utf-8")[:200]
    assert (target / "leaflet.css").exists()


def test_leaflet_is_copied_with_the_folders_it_lacks(tmp_path: Path) -> None:
    target = ensure_leaflet(tmp_path / "checkout" / "static" / "leaflet")
    assert all((target / name).exists() for name in LEAFLET_FILES)


@pytest.mark.parametrize("removable", [True, False])
def test_a_start_that_loses_the_race_to_another_keeps_the_other_s_copy_and_no_staging_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, removable: bool
) -> None:
    """Another start puts Leaflet in place while this one copies it: this one's copy is dropped,
    and a copy that cannot be removed (a file held open on a network share) does not stop it."""
    target = tmp_path / "static" / "leaflet"
    source = leaflet_source()

    def source_once_the_other_start_is_done() -> Path:
        shutil.copytree(source, target)
        (target / "other-start").touch()
        return source

    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("territoires.assets.leaflet_source", source_once_the_other_start_is_done)
    with monkeypatch.context() as held:
        if not removable:
            held.setattr(os, "unlink", refused)
        assert ensure_leaflet(target) == target
    assert (target / "other-start").exists()
    if removable:
        assert [p.name for p in target.parent.iterdir()] == ["leaflet"]


@pytest.mark.usefixtures("no_system_tempdir")
def test_files_are_staged_beside_their_target_not_in_the_system_s_temporary_folder(tmp_path: Path) -> None:
    """A rename is atomic only within one file system, and /tmp is often another (tmpfs): here the
    system's temporary folder cannot be used at all, and nothing needs it."""
    target = ensure_leaflet(tmp_path / "static" / "leaflet")
    assert all((target / name).exists() for name in LEAFLET_FILES)
    published = publish("regions", ".json", "{}", tmp_path / "static" / "generated")
    assert (tmp_path / "static" / published).read_text(encoding="utf-8") == "{}"


def test_published_files_are_named_by_their_content(tmp_path: Path) -> None:
    folder = tmp_path / "static" / "generated"
    first = publish("regions", ".geojson", '{"a":1}', folder)
    assert publish("regions", ".geojson", '{"a":1}', folder) == first
    second = publish("regions", ".geojson", '{"a":2}', folder)
    assert second != first
    assert sorted(p.name for p in folder.iterdir()) == sorted(u.rsplit("/", 1)[1] for u in (first, second))
    assert first.startswith("generated/regions-")


def test_a_static_dir_that_cannot_be_written_says_what_to_run(tmp_path: Path) -> None:
    blocked = tmp_path / "static"
    blocked.write_text("not a folder", encoding="utf-8")  # unwritable even for root, unlike a chmod
    for write in (
        lambda: publish("regions", ".json", "{}", blocked / "generated"),
        lambda: ensure_leaflet(blocked / "leaflet"),
    ):
        with pytest.raises(StaticFilesError, match=r"python -m carte\.publish"):
            write()


@pytest.mark.parametrize("inside", [True, False])
def test_an_unwritable_file_is_named_from_the_project_with_the_system_s_reason(
    tmp_path: Path, inside: bool
) -> None:
    """Inside the project, the path a maintainer knows (« README.md/… »); elsewhere, the whole path."""
    blocked = PROJECT_DIR / "README.md" if inside else tmp_path / "static"
    if not inside:
        blocked.write_text("not a folder", encoding="utf-8")
    with pytest.raises(StaticFilesError) as refused:
        publish("regions", ".json", "{}", blocked / "generated")
    name = f"regions-{hashlib.sha256(b'{}').hexdigest()[:12]}.json"
    shown = Path("README.md", "generated", name) if inside else blocked / "generated" / name
    assert str(refused.value) == (
        f"La carte ne peut pas écrire {shown} (Not a directory). Sur une copie en lecture seule, "
        "préparez static/ à l'installation avec « python -m carte.publish », puis relancez l'application."
    )


def test_the_publish_command_prepares_static_quietly() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "carte.publish"], cwd=PROJECT_DIR, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.startswith("static/ est prêt")
    assert (STATIC_LEAFLET_DIR / "leaflet.js").is_file()


@pytest.mark.parametrize(
    ("base", "url"),
    [
        ("", "/app/static/generated/x.json"),
        ("/", "/app/static/generated/x.json"),
        ("carte", "/carte/app/static/generated/x.json"),
        ("/carte/", "/carte/app/static/generated/x.json"),
        ("carte/", "/carte/app/static/generated/x.json"),
        ("outils/carte", "/outils/carte/app/static/generated/x.json"),
    ],
)
def test_static_urls_follow_the_base_url_path_with_or_without_slashes(base: str, url: str) -> None:
    assert static_url("generated/x.json", base) == url
