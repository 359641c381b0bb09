"""Self-hosted Leaflet: copied from the django-js-lib-leaflet package into static/ at start-up.

Leaflet is third-party code, so it is a dependency, never committed; Streamlit's static serving
then gives it to the map at /app/static/leaflet/ and the page needs no CDN.
"""

from __future__ import annotations

import shutil
import tempfile
from importlib import resources
from pathlib import Path

from territoires import PROJECT_DIR

STATIC_LEAFLET_DIR: Path = PROJECT_DIR / "static" / "leaflet"
LEAFLET_FILES = ("leaflet.js", "leaflet.css", "images")


def leaflet_source() -> Path:
    return Path(str(resources.files("js_lib_leaflet"))) / "static" / "js_lib_leaflet"


def ensure_leaflet(target: Path = STATIC_LEAFLET_DIR) -> Path:
    """Copies Leaflet's dist into `target` unless it is already there; returns `target`."""
    if all((target / name).exists() for name in LEAFLET_FILES):
        return target
    source = leaflet_source()
    target.parent.mkdir(parents=True, exist_ok=True)
    # Built aside then renamed, so that a concurrent start never serves half a copy.
    staging = Path(tempfile.mkdtemp(prefix=".leaflet-", dir=target.parent))
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
