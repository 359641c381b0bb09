from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from territoires import PROJECT_DIR
from tests.tables import table_cells

DASHBOARD = str(PROJECT_DIR / "dashboard.py")
TIMEOUT_S = 60  # a first run imports folium, pandas and the outlines; later ones are fast


def opened(app: AppTest) -> AppTest:
    """The page as a browser opens it: the session's first run, which draws the first screen, then the
    run the map asks for once its laureates are drawn (carte.page.main), with nothing changed."""
    return app.run().run()


@pytest.fixture
def open_app() -> Callable[..., AppTest]:
    """The dashboard opened under AppTest, with the URL's query parameters given as keywords."""

    def run(**params: str | list[str]) -> AppTest:
        app = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT_S)
        for key, value in params.items():
            app.query_params[key] = value
        return opened(app)

    return run


COUNT = re.compile(r"<dt>(.*?)</dt><dd>(.*?)</dd>")


def counts_shown(app: AppTest) -> dict[str, str]:
    """The counts above the map, label → "selection / whole", read from the one element drawing them."""
    blocks = [element.value for element in app.html if 'class="counts"' in element.value]
    assert len(blocks) <= 1, blocks
    return {
        html.unescape(label): html.unescape(value)
        for block in blocks
        for label, value in COUNT.findall(block)
    }


def towns_in_table(app: AppTest) -> list[str]:
    """The towns of the page's table, in its order; none when it is not drawn."""
    tables = [element.value for element in app.html if 'class="laureates-table"' in element.value]
    assert len(tables) <= 1, tables
    return [row[0] for table in tables for row in table_cells(table)[1:]]


def url_values(app: AppTest, key: str) -> list[str]:
    """The values of one URL parameter after the run, always as a list."""
    value = app.query_params.get(key, [])
    return [value] if isinstance(value, str) else list(value)


def displayed(markdown: str) -> str:
    """What a reader sees of markdown the app escaped: the backslashes gone."""
    return markdown.replace("\\", "")
