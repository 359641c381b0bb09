"""A session's first run draws the first screen only, and its map asks for the rest (carte.page.main).

On a cold page every widget type is a script Streamlit's frontend loads and draws beside the map's
frame: the first run sends the counts, the « Régions » list and the map, whose layer asks for a run
once its laureates are drawn; that run draws the whole page.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from carte import page
from territoires.assets import StaticFilesError
from territoires.mapping import asks_for_page
from tests.app.conftest import DASHBOARD, TIMEOUT_S, counts_shown, towns_in_table


def map_layer(app: AppTest) -> str:
    """The selection layer's script the run sent to the map."""
    (component,) = app.get("component_instance")
    layer: str = component.proto.json_args
    return layer


def drawn(app: AppTest) -> dict[str, int]:
    """The page's parts beyond the first screen, counted in the run's elements."""
    return {
        "table": len(towns_in_table(app)),
        "downloads": len(app.get("download_button")),
        "search": len(app.text_input),
        "zone": len(app.button_group),
        "switch": len(app.toggle),
        "about": len(app.expander),
    }


def test_the_first_run_draws_the_first_screen_and_the_map_asks_for_the_rest() -> None:
    app = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT_S).run()
    assert not app.exception
    assert counts_shown(app)["Villes lauréates"] == "55 / 55"
    assert [widget.label for widget in app.multiselect] == ["Régions"]
    assert set(drawn(app).values()) == {0}, drawn(app)
    assert asks_for_page(map_layer(app))
    assert "carte.setPreviews(" not in map_layer(app)  # for later filter changes: they come with the rest

    app.run()  # what the map asks for, nothing changed
    assert not app.exception
    assert all(drawn(app).values()), drawn(app)
    assert len(towns_in_table(app)) == 55
    assert not asks_for_page(map_layer(app))
    assert "carte.setPreviews(" in map_layer(app)
    app.run()
    assert not asks_for_page(map_layer(app))  # asked once a session


def test_the_first_screen_shows_the_url_s_view_and_the_rest_keeps_it() -> None:
    app = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT_S)
    app.query_params["q"] = "Colmar"
    app.query_params["zone"] = "metropole"
    app.run()
    assert counts_shown(app)["Villes lauréates"] == "1 / 55"
    app.run()  # the search box and the control, drawn now, have the URL's values
    assert app.text_input(key="q").value == "Colmar"
    assert app.button_group(key="zone").value == "metropole"
    assert counts_shown(app)["Villes lauréates"] == "1 / 55"
    assert towns_in_table(app) == ["Colmar"]


def test_without_a_map_the_first_run_draws_the_whole_page(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise StaticFilesError("static/ : dossier en lecture seule.")

    monkeypatch.setattr(page, "static_files", broken)
    app = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT_S).run()
    assert not app.exception
    assert "La carte ne peut pas être affichée" in app.error[0].value
    assert not app.get("component_instance")
    assert all(drawn(app).values()), drawn(app)  # no map would ask for it
