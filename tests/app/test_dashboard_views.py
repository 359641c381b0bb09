"""The dashboard's views through AppTest: widgets, counts and the URL, with no browser."""

from __future__ import annotations

import re
from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from tests.app.conftest import counts_shown, displayed, towns_in_table, url_values


def test_counts_with_no_filter(open_app: Callable[..., AppTest]) -> None:
    app = open_app()
    assert not app.exception
    assert counts_shown(app) == {
        "Villes lauréates": "55 / 55",
        "Métropole": "49 / 49",
        "Outre-mer": "6 / 6",
        "Régions représentées": "18 / 18",
    }
    assert not app.info  # no notice when the URL is clean


def test_programme_figures_are_the_press_release_s(open_app: Callable[..., AppTest]) -> None:
    """85 applications (38 % of the 222 Action Cœur de Ville towns), 55 laureates, 67 % in « Territoires
    d'industrie », and the targets: a hundred sites by 2022, at least 75 of them in ACV towns."""
    (block,) = [element.value for element in open_app().html if "Le programme en chiffres" in element.value]
    text = re.sub(r"<[^>]+>", "", block)
    assert "85 candidatures, soit 38 % des 222 villes Action Cœur de Ville" in text
    assert "55 villes lauréates dans la première vague" in text
    assert "67 % des lauréates situées en « Territoires d'industrie »" in text
    meters = re.findall(
        r'role="progressbar" aria-label="([^"]*)" aria-valuemin="0" aria-valuemax="(\d+)" aria-valuenow="(\d+)"',
        block,
    )
    assert [(maximum, now) for _, maximum, now in meters] == [("100", "55"), ("75", "55")]
    assert "Source : Communiqué de presse du Cnam" in text


def test_one_region_chosen_in_the_multiselect(open_app: Callable[..., AppTest]) -> None:
    app = open_app()
    app.multiselect(key="regions").select("53").run()
    assert counts_shown(app)["Villes lauréates"] == "4 / 55"
    assert counts_shown(app)["Régions représentées"] == "1 / 18"
    assert url_values(app, "region") == ["bretagne"]


def test_several_regions(open_app: Callable[..., AppTest]) -> None:
    app = open_app()
    app.multiselect(key="regions").select("44").select("04").run()
    assert counts_shown(app) == {
        "Villes lauréates": "17 / 55",
        "Métropole": "15 / 49",
        "Outre-mer": "2 / 6",
        "Régions représentées": "2 / 18",
    }
    assert url_values(app, "region") == ["grand-est", "la-reunion"]  # in the reference's order


def test_overseas_only(open_app: Callable[..., AppTest]) -> None:
    app = open_app()
    app.button_group(key="zone").set_value("outre-mer").run()
    assert counts_shown(app) == {
        "Villes lauréates": "6 / 55",
        "Métropole": "0 / 49",
        "Outre-mer": "6 / 6",
        "Régions représentées": "5 / 18",
    }
    assert url_values(app, "zone") == ["outre-mer"]


def test_search_on_town_name(open_app: Callable[..., AppTest]) -> None:
    app = open_app()
    app.text_input(key="q").input("saint lo").run()
    assert counts_shown(app)["Villes lauréates"] == "2 / 55"
    assert url_values(app, "q") == ["saint lo"]
    assert len(towns_in_table(app)) == 2


def test_region_options_carry_their_count(open_app: Callable[..., AppTest]) -> None:
    app = open_app()
    options = app.multiselect(key="regions").options
    assert "Grand Est (15)" in options
    assert "Saint-Martin (1)" in options
    assert len(options) == 18  # Martinique has no laureate


def test_url_parameters_set_the_widgets(open_app: Callable[..., AppTest]) -> None:
    app = open_app(region=["bretagne", "corse"], zone="metropole", q="bast")
    assert app.multiselect(key="regions").value == ["53", "94"]
    assert app.button_group(key="zone").value == "metropole"
    assert app.text_input(key="q").value == "bast"
    assert counts_shown(app)["Villes lauréates"] == "1 / 55"  # Bastia
    assert not app.info


def test_embedding_parameters_open_the_view_and_are_not_ignored(open_app: Callable[..., AppTest]) -> None:
    """Streamlit's own `embed` and `embed_options` (the README's iframe snippet) with the view's."""
    app = open_app(embed="true", embed_options="light_theme", zone="outre-mer", q="saint")
    assert app.button_group(key="zone").value == "outre-mer"
    assert (
        counts_shown(app)["Villes lauréates"] == "3 / 55"
    )  # Saint-Laurent-du-Maroni, Saint-Joseph, Saint-Martin
    assert not app.info
    app = open_app(embed="true", region="grand-est", q="saint")
    assert counts_shown(app)["Villes lauréates"] == "4 / 55"  # Saint-Avold, -Dié-des-Vosges, -Dizier, -Louis
    assert not app.info


def test_widget_changes_rewrite_the_url(open_app: Callable[..., AppTest]) -> None:
    app = open_app(region="bretagne")
    app.multiselect(key="regions").unselect("53").select("94").run()
    assert url_values(app, "region") == ["corse"]
    app.button(key="reset_view").click().run()
    assert "region" not in app.query_params
    assert counts_shown(app)["Villes lauréates"] == "55 / 55"


def test_invalid_url_parameters_are_ignored_with_a_notice(open_app: Callable[..., AppTest]) -> None:
    app = open_app(region=["atlantide", "corse", "martinique"], zone="lune", utm_source="x")
    assert not app.exception
    assert app.multiselect(key="regions").value == ["94"]
    assert counts_shown(app)["Villes lauréates"] == "1 / 55"
    notice = displayed(app.info[0].value)
    assert "atlantide" in notice
    assert "Martinique" in notice
    assert "lune" in notice
    assert "utm_source" in notice
    assert url_values(app, "region") == ["corse"]
    assert "zone" not in app.query_params
    assert "utm_source" not in app.query_params


def test_markup_in_the_url_is_shown_as_text(open_app: Callable[..., AppTest]) -> None:
    app = open_app(region=["<img src=x onerror=alert(1)>", "**gras**"])
    assert not app.exception
    source = app.info[0].value
    assert "<img src=x onerror=alert(1)>" in displayed(source)  # what the reader sees...
    assert "**gras**" in displayed(source)
    assert not re.search(r"(?<!\\)[<>*]", source)  # ...because markdown gets each of them escaped


def bars(app: AppTest) -> list[tuple[str, str, int]]:
    """The per-region bars: (region, metropole or overseas, count), top to bottom."""
    bodies = [element.proto.body for element in app.get("html") if 'class="bars"' in element.proto.body]
    assert len(bodies) == 1, f"{len(bodies)} bar charts"
    rows = re.findall(
        r'<li class="(\w+)"><span>([^<]*)</span><span class="bar"[^>]*></span><span>(\d+)</span>', bodies[0]
    )
    return [(name, kind, int(count)) for kind, name, count in rows]


def test_bars_follow_the_selection_most_first(open_app: Callable[..., AppTest]) -> None:
    app = open_app()
    everything = bars(app)
    assert len(everything) == 18
    assert sum(n for _, _, n in everything) == 55
    assert everything[0] == ("Grand Est", "metropole", 15)
    assert [n for _, _, n in everything] == sorted((n for _, _, n in everything), reverse=True)
    app.multiselect(key="regions").select("53").select("04").run()
    assert bars(app) == [("Bretagne", "metropole", 4), ("La Réunion", "overseas", 2)]
    app.text_input(key="q").input("aucune ville de ce nom").run()
    assert not [element for element in app.get("html") if 'class="bars"' in element.proto.body]
