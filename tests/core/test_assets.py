from __future__ import annotations

from pathlib import Path

import pytest

from territoires.assets import ensure_leaflet, publish, static_url


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
