"""`python -m carte.publish`: writes static/ ahead of time, for a checkout the app cannot write to.

At start-up the app puts Leaflet and its content-hashed files under static/, unless they are there
already. A read-only container image, or a checkout owned by another user, runs this once at install
time (for example `RUN python -m carte.publish` in the image build), with the data file the app will
read (`CARTE_LAUREATES_CSV`, else data/laureates_geocoded.csv); the app then writes nothing.
"""

from __future__ import annotations

import logging
import sys

import streamlit  # noqa: F401  (creates Streamlit's loggers, quietened below)

# carte.cache's caches warn at import that no Streamlit server runs: true here, and not worth showing.
logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)

from carte.cache import dataset_path, publish_map_files, publish_markers  # noqa: E402
from territoires.assets import STATIC_DIR, StaticFilesError  # noqa: E402
from territoires.dataset import DatasetError, read_geocoded  # noqa: E402
from territoires.mapping import with_markers  # noqa: E402


def main() -> int:
    try:
        publish_map_files()
        publish_markers(with_markers(read_geocoded(dataset_path())))
    except DatasetError as err:
        print(err.message, file=sys.stderr)
        return 1
    except StaticFilesError as err:
        print(err, file=sys.stderr)
        return 1
    files = sorted(path for path in STATIC_DIR.rglob("*") if path.is_file() and not path.name.startswith("."))
    print(f"{STATIC_DIR.name}/ est prêt : {len(files)} fichiers.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
