"""The dashboard's caches: in a module, so that they are made once per server process.

Functions decorated in the main script are decorated again, and their source hashed again,
at every rerun; here that happens once.
"""

from __future__ import annotations

import functools
import gc
import os
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import streamlit as st

from territoires.assets import LEAFLET_FILE, ensure_leaflet, publish, static_url
from territoires.dataset import GEOCODED_PATH, read_geocoded
from territoires.exports import EXPORTS, table_html
from territoires.filters import View, Zone, per_region, select
from territoires.mapping import (
    MapAssets,
    laureates_geojson,
    outlines_geojson,
    selected_outlines_json,
    selection_previews,
    with_markers,
)

FileKey = tuple[str, int, int]  # path, mtime in ns, size: a changed file is a new key
ViewKey = tuple[tuple[str, ...], str, str, int | None]  # a View's regions, zone, query, wave: cache arguments


BROWSER_DIR: Path = Path(__file__).resolve().parent / "browser"
BROWSER_SCRIPTS = ("kit.js", "legend.js", "regions.js", "previews.js")  # the kit first: the others use it
BROWSER_STYLES = ("map.css",)
PAGE_SCRIPTS, PAGE_STYLES = ("page.js",), ("page.css",)  # inlined in the page, not in the map's frame


def browser_bundle(names: tuple[str, ...]) -> str:
    """The map's browser files, in order, as one text: one request for the map's frame."""
    return "\n".join((BROWSER_DIR / name).read_text(encoding="utf-8") for name in names)


def served(path: str) -> str:
    """The URL of static/<path> on this server, under its base URL path (`--server.baseUrlPath`)."""
    return static_url(path, str(st.get_option("server.baseUrlPath") or ""))


def dataset_path() -> Path:
    """The data file the app reads: CARTE_LAUREATES_CSV (tests, benchmark), else the committed one.
    Read at each call, not at import."""
    return Path(os.environ.get("CARTE_LAUREATES_CSV", GEOCODED_PATH))


def publish_map_files() -> MapAssets:
    """Puts Leaflet, the map's browser code and the drawn outlines under static/ (see
    `territoires.assets`: nothing is written when they are there already)."""
    ensure_leaflet()
    return MapAssets(
        leaflet_js=served(LEAFLET_FILE["js"]),
        leaflet_css=served(LEAFLET_FILE["css"]),
        script=served(publish("carte", ".js", browser_bundle(BROWSER_SCRIPTS))),
        style=served(publish("carte", ".css", browser_bundle(BROWSER_STYLES))),
        # .json rather than .geojson: a type every server's MIME table knows.
        outlines=served(publish("regions", ".json", outlines_geojson())),
    )


@st.cache_resource(show_spinner=False)
def static_files() -> MapAssets:
    """`publish_map_files`, once per server."""
    selected_outlines_json()  # made now rather than on a user's first click
    return publish_map_files()


def publish_markers(laureates: pd.DataFrame) -> str:
    """The markers as a static file, which the map fetches once for its previews; its path under static/."""
    return publish("laureates", ".json", laureates_geojson(laureates))


class Dataset(NamedTuple):
    key: FileKey  # of the file it was read from: what downloads and the date shown refer to
    laureates: pd.DataFrame  # with their markers (`with_markers`)


# A resource, not data: shared as is by every session (nothing mutates it) instead of copied per rerun.
@st.cache_resource(show_spinner=False, max_entries=4)
def load_laureates(path: str, mtime_ns: int, size: int) -> Dataset:
    """The dataset, read again only when the file changes (mtime and size are the key)."""
    laureates = with_markers(read_geocoded(Path(path)))
    return Dataset((path, mtime_ns, size), laureates)


def view_key(view: View) -> ViewKey:
    return view.regions, view.zone.value, view.query, view.wave


def _view(key: ViewKey) -> View:
    regions, zone, query, wave = key
    return View(regions, Zone(zone), query, wave)


@st.cache_resource(show_spinner=False, max_entries=4)
def markers_file(path: str, mtime_ns: int, size: int) -> str:
    """The URL of the dataset's `publish_markers` file."""
    return served(publish_markers(load_laureates(path, mtime_ns, size).laureates))


@st.cache_data(show_spinner=False, max_entries=64)
def export_file(path: str, mtime_ns: int, size: int, view: ViewKey, kind: str) -> bytes:
    """A download of one view, made on the first click and kept: files follow the data file."""
    selected = select(load_laureates(path, mtime_ns, size).laureates, _view(view))
    return EXPORTS[kind].make(selected)


@st.cache_data(show_spinner=False, max_entries=256)
def view_table(path: str, mtime_ns: int, size: int, view: ViewKey) -> str:
    """The table of a view (`table_html`), kept for views seen again."""
    return table_html(select(load_laureates(path, mtime_ns, size).laureates, _view(view)))


@st.cache_data(show_spinner=False, max_entries=256)
def map_previews(path: str, mtime_ns: int, size: int, view: ViewKey) -> str:
    """The map's previews for a view (`selection_previews`): a few ms, kept for views seen again."""
    laureates = load_laureates(path, mtime_ns, size).laureates
    return selection_previews(laureates, _view(view), per_region(laureates))


def file_key(path: Path) -> FileKey:
    try:
        stat = path.stat()
    except OSError:
        return str(path), 0, 0  # read_geocoded then says what is wrong
    return str(path), stat.st_mtime_ns, stat.st_size


@functools.cache  # once per process; not gc.get_freeze_count(), which counts the frozen objects one by one
def freeze_heap_once() -> None:
    """After the process's first full run: what is alive then is left out of the cyclic collector.

    Streamlit collects every generation after each run (runner.postScriptGC). With Streamlit,
    pandas, pyarrow and folium loaded that took 70-90 ms holding the GIL, and the server sent the
    run's last messages, the map's among them, only after it. Frozen objects are still freed by
    reference counting; the collection then walks only what was made since: about 2 ms. Once only:
    freezing again would keep each run's cyclic garbage (folium's elements) for good.
    """
    gc.collect()
    gc.freeze()
