from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from territoires import PROJECT_DIR
from territoires.assets import STATIC_LEAFLET_DIR, StaticFilesError, ensure_leaflet, publish, static_url


def test_leaflet_is_copied_from_its_package(tmp_path: Path) -> None:
    target = ensure_leaflet(tmp_path / "leaflet")
    assert (target / "leaflet.js").read_text(encoding="utf-8").startswith("/* @preserve")
    assert "Leaflet 1.9.4" in (target / "leaflet.js").read_text(encoding="utf-8")[:200]
    assert (target / "leaflet.css").exists()


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
