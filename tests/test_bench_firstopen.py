"""The cold-load ablation measures what it says: each app of `python -m bench.firstopen` is the
dashboard without its one part, every other part and the map drawn as the dashboard draws them."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from bench.servers import ABLATED, SCRIPTS, WITHOUT
from tests.app.conftest import opened

TIMEOUT_S = 60  # a first run imports folium, pandas and the outlines


def parts_drawn(app: AppTest) -> dict[str, int]:
    """How many elements of each part around the map the run drew, and the map's component."""
    bodies = [element.proto.body for element in app.get("html")]
    return {
        "table": sum('class="laureates-table"' in body for body in bodies),
        "downloads": len(app.get("download_button")),
        "programme": sum("Le programme en chiffres" in body for body in bodies),
        "bars": sum('class="bars"' in body for body in bodies),
        "about": sum(expander.label == "À propos de cette carte" for expander in app.expander),
        "map": len(app.get("component_instance")),
    }


@pytest.mark.parametrize("part", ABLATED)
def test_each_ablated_dashboard_leaves_out_its_part_and_nothing_else(
    part: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = parts_drawn(opened(AppTest.from_file(str(SCRIPTS["dashboard"]), default_timeout=TIMEOUT_S)))
    assert all(whole.values()), whole  # the dashboard draws every part
    name = next(name for name, left_out in WITHOUT.items() if left_out == part)
    monkeypatch.setenv("CARTE_BENCH_WITHOUT", part)
    ablated = opened(AppTest.from_file(str(SCRIPTS[name]), default_timeout=TIMEOUT_S))
    assert not ablated.exception
    assert parts_drawn(ablated) == {**whole, part: 0}
    # The page's own function is back for the next run in this process.
    monkeypatch.delenv("CARTE_BENCH_WITHOUT")
    assert (
        parts_drawn(opened(AppTest.from_file(str(SCRIPTS["dashboard"]), default_timeout=TIMEOUT_S))) == whole
    )
