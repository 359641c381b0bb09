"""Arbitrary query strings never break the page: what is valid is kept, the rest is named and ignored."""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from territoires.regions import BY_SLUG
from tests.app.conftest import DASHBOARD, TIMEOUT_S, counts_shown, displayed, opened

SLUGS = sorted(BY_SLUG)
MARKUP = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "{{7*7}}",
    "**x**",
]

texts = st.one_of(
    st.text(max_size=40),
    st.text(min_size=1000, max_size=5000),
    st.sampled_from([*SLUGS, "metropole", "outre-mer", "toutes", "", " ", *MARKUP]),
    st.builds(quote, st.text(max_size=30)),  # percent-encoded text, as a pasted URL may hold
)
keys = st.one_of(st.sampled_from(["region", "zone", "q", "vague"]), st.text(min_size=1, max_size=20))
values = st.one_of(
    st.lists(texts, min_size=1, max_size=5), st.lists(st.sampled_from(SLUGS), min_size=100, max_size=300)
)
# Streamlit drops a query string of more than 1000 parameters whole; that case has its own test.
query_strings = st.dictionaries(keys, values, max_size=3).filter(lambda d: sum(map(len, d.values())) <= 1000)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(params=query_strings)
def test_any_query_string_renders_the_page(params: dict[str, list[str]]) -> None:
    app = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT_S)
    for key, value in params.items():
        app.query_params[key] = value
    opened(app)
    assert not app.exception
    assert not app.error
    assert set(counts_shown(app)) == {"Villes lauréates", "Métropole", "Outre-mer", "Régions représentées"}
    chosen = app.multiselect(key="regions").value
    valid = [
        BY_SLUG[v.strip().lower()].code for v in params.get("region", []) if v.strip().lower() in BY_SLUG
    ]
    assert set(chosen) == set(valid) - {BY_SLUG["martinique"].code}  # the valid ones, and only them
    assert len(app.text_input(key="q").value or "") <= 80
    unknown_keys = [k for k in params if k not in ("region", "zone", "q", "vague")]
    if unknown_keys:
        notice = displayed(app.info[0].value)
        assert "paramètre inconnu" in notice
    if "vague" in params:  # the committed data has one wave: nothing to choose
        assert "(la carte n'a qu'une vague)" in displayed(app.info[0].value)
        assert "vague" not in app.query_params


def test_a_query_string_beyond_streamlits_limit_is_dropped_whole() -> None:
    app = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT_S)
    app.query_params["region"] = ["bretagne"] * 1001
    opened(app)
    assert not app.exception
    assert counts_shown(app)["Villes lauréates"] == "55 / 55"
