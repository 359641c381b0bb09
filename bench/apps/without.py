"""The dashboard without one of the parts around its map, for the cold-load ablation of
`python -m bench.firstopen`: CARTE_BENCH_WITHOUT names the part, read here only, never by the page.

The page's function that draws the part is replaced, in carte.page, by one that draws nothing, for the
run only (AppTest runs this script in the process of other tests); the rest is the dashboard's own code.
"""

import os

from carte import page

PARTS = {
    "table": "show_table",
    "downloads": "show_downloads",
    "programme": "show_programme",
    "bars": "show_chart",
    "about": "show_about",
}


def _nothing(*_: object) -> None:
    pass


name = PARTS[os.environ["CARTE_BENCH_WITHOUT"]]
drawn = getattr(page, name)
setattr(page, name, _nothing)
try:
    page.main()
finally:
    setattr(page, name, drawn)
