"""Files the browser fetches from the app itself, put under static/ at start-up.

Streamlit's static serving gives static/ at <server.baseUrlPath>/app/static/, so the page needs no CDN:
- Leaflet, third-party code, hence a dependency (django-js-lib-leaflet) and never committed;
- files the app derives from its data, named by a hash of their content so that a browser's
  cached copy can never be a stale one.
Nothing is written when the files are already there: a checkout the app cannot write to (a read-only
container) gets them at install time from `python -m carte.publish`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from territoires import PROJECT_DIR

STATIC_DIR: Path = PROJECT_DIR / "static"
STATIC_URL_PATH = "app/static"  # under the server's base URL path
STATIC_LEAFLET_DIR: Path = STATIC_DIR / "leaflet"
LEAFLET_FILE = {
    "js": f"{STATIC_LEAFLET_DIR.name}/leaflet.js",
    "css": f"{STATIC_LEAFLET_DIR.name}/leaflet.css",
}
GENERATED_DIR: Path = STATIC_DIR / "generated"
LEAFLET_FILES = ("leaflet.js", "leaflet.css", "images")


class StaticFilesError(RuntimeError):
    """A file the map needs is missing from static/ and cannot be written there."""


def _unwritable(target: Path, err: OSError) -> StaticFilesError:
    shown = target.relative_to(PROJECT_DIR) if target.is_relative_to(PROJECT_DIR) else target
    return StaticFilesError(
        f"La carte ne peut pas écrire {shown} ({err.strerror or err}). Sur une copie en lecture seule, "
        "préparez static/ à l'installation avec « python -m carte.publish », puis relancez l'application."
    )


def leaflet_source() -> Path:
    return Path(str(resources.files("js_lib_leaflet"))) / "static" / "js_lib_leaflet"


def ensure_leaflet(target: Path = STATIC_LEAFLET_DIR) -> Path:
    """Copies Leaflet's dist into `target` unless it is already there; returns `target`."""
    if all((target / name).exists() for name in LEAFLET_FILES):
        return target
    source = leaflet_source()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # Built aside then renamed, so that a concurrent start never serves half a copy.
        staging = Path(tempfile.mkdtemp(prefix=".leaflet-", dir=target.parent))
    except OSError as err:
        raise _unwritable(target, err) from err
    for name in LEAFLET_FILES:
        if (source / name).is_dir():
            shutil.copytree(source / name, staging / name)
        else:
            shutil.copy2(source / name, staging / name)
    try:
        staging.replace(target)
    except OSError:  # another process got there first
        shutil.rmtree(staging, ignore_errors=True)
    return target


def static_url(served: str, base_url_path: str) -> str:
    """The URL of static/<served> under Streamlit's `server.baseUrlPath`, given with or without
    slashes (« carte », « /carte/ », or nothing for the root)."""
    base = "/".join(part for part in base_url_path.split("/") if part)
    return f"/{base}/{STATIC_URL_PATH}/{served}" if base else f"/{STATIC_URL_PATH}/{served}"


def publish(stem: str, suffix: str, content: str, folder: Path = GENERATED_DIR) -> str:
    """Writes `content` once under a content-addressed name; returns its path under static/.

    `folder` is for tests; the app serves GENERATED_DIR.
    """
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:12]
    target = folder / f"{stem}-{digest}{suffix}"
    if not target.exists():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, staging = tempfile.mkstemp(prefix=f".{stem}-", dir=folder)
        except OSError as err:
            raise _unwritable(target, err) from err
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(content)
        Path(staging).replace(target)
    return f"{GENERATED_DIR.name}/{target.name}"
