"""The page: layout, widgets, state and the URL. Everything computed lives in `territoires`.

`dashboard.py` only calls `main`: Streamlit runs that script again at every rerun, and AppTest also
compiles it again each time; here the page's code is compiled and its functions defined once.
"""

from __future__ import annotations

import html
from dataclasses import replace
from functools import partial

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from carte.cache import (
    PAGE_SCRIPTS,
    PAGE_STYLES,
    Dataset,
    browser_bundle,
    dataset_path,
    export_file,
    file_key,
    freeze_heap_once,
    load_laureates,
    map_previews,
    markers_file,
    static_files,
    view_key,
    view_table,
)
from territoires.assets import StaticFilesError
from territoires.dataset import DatasetError
from territoires.exports import EXPORTS, TABLE_LABEL, export_basename
from territoires.filters import (
    MAX_QUERY_LENGTH,
    Counts,
    View,
    Zone,
    counts,
    focus,
    laureates_shown,
    ordered_codes,
    parse_query_params,
    per_region,
    plain_text,
    query_params,
    region_option,
    select,
    wave_label,
    waves,
)
from territoires.mapping import (
    MAP_HEIGHT_PX,
    REGIONS_LIST_LABEL,
    RETURNED_OBJECT,
    MapAssets,
    base_map,
    palette_properties,
    selection_layer,
)
from territoires.programme import LATER_WAVES_NOTE, PROGRAMME, SOURCE_DATE, SOURCE_TITLE
from territoires.regions import PLACEMENT_TOLERANCE_KM, REGIONS
from territoires.sources import sources_text, update_text

MAP_KEY = "carte"
PAGE_TITLE = "Au cœur des territoires — carte des villes lauréates"
ALL_WAVES = "toutes"  # the « Vague » control's first option; the others are the waves, as text
TABLE_KEY = "liste"  # the table's part of the page, after the map
# Before the map's many tab stops (a marker each, the zoom, « Recentrer »): page.js moves the focus
# to the heading of the table, which follows the map.
SKIP_LINK = f'<a class="skip-link" href="#" data-target=".st-key-{TABLE_KEY} h2">Passer la carte</a>'


def init_view_from_url(with_laureates: set[str], known_waves: tuple[int, ...]) -> None:
    """The URL's view becomes the widgets' state, what was invalid is noted: at a session's first
    run, and when the URL is no longer the one the last run wrote (Back or Forward, which Streamlit
    answers with a run on the URL it went back to).

    Every run writes the view to the URL, so that a page reconnected to a new session after the
    server restarted shows the view it showed before."""
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    if "regions" in st.session_state and params == st.session_state.get("url_written"):
        return
    parsed = parse_query_params(params, with_laureates, known_waves)
    st.session_state.regions = list(parsed.view.regions)
    st.session_state.zone = parsed.view.zone.value
    st.session_state.q = parsed.view.query
    st.session_state.wave = ALL_WAVES if parsed.view.wave is None else str(parsed.view.wave)
    st.session_state.ignored = parsed.ignored
    st.session_state.url_view = parsed.view  # the notice of what was ignored goes once the view changes
    # Each reset frames the whole view again, even if it was already shown.
    st.session_state.framings = st.session_state.get("framings", 0)


def as_markdown_text(text: str) -> str:
    """Text from outside (URL, data) shown literally by st.markdown: every ASCII punctuation escaped."""
    return "".join(f"\\{c}" if c.isascii() and not c.isalnum() and not c.isspace() else c for c in text)


def current_view(known_waves: tuple[int, ...]) -> View:
    # With one wave there is no control: its state may be gone (Streamlit drops an unshown widget's).
    chosen = st.session_state.get("wave")
    return View(
        regions=ordered_codes(st.session_state.regions),
        zone=Zone(st.session_state.zone or Zone.ALL),
        query=plain_text(str(st.session_state.q or "")),
        wave=next((n for n in known_waves if str(n) == chosen), None) if len(known_waves) > 1 else None,
    )


def sync_url(view: View) -> None:
    wanted = query_params(view)
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    as_lists = {key: value if isinstance(value, list) else [value] for key, value in wanted.items()}
    if current != as_lists:
        st.query_params.from_dict(wanted)
    st.session_state.url_written = as_lists


def on_map_click(with_laureates: set[str]) -> None:
    """A click on a region selects it alone; a click on the region selected alone clears it."""
    clicked = (st.session_state.get(MAP_KEY) or {}).get(RETURNED_OBJECT) or {}
    code = (clicked.get("properties") or {}).get("code")
    if code not in with_laureates:  # a marker, or Martinique, which has no laureate
        return
    st.session_state.regions = [] if st.session_state.regions == [code] else [code]


def reset_view() -> None:
    """« Réinitialiser la vue »: every filter back to the whole map, which is framed again."""
    st.session_state.regions = []
    st.session_state.zone = Zone.ALL.value
    st.session_state.q = ""
    st.session_state.wave = ALL_WAVES
    st.session_state.framings += 1


def clear_search() -> None:
    st.session_state.q = ""


def close_notice() -> None:
    st.session_state.ignored = ()


def show_notice(view: View) -> None:
    """What the shared address held that was ignored, until it is closed or the view changes."""
    if view != st.session_state.url_view:
        st.session_state.ignored = ()
    if not st.session_state.ignored:
        return
    text_col, close_col = st.columns([12, 2], vertical_alignment="center")
    ignored = " ; ".join(st.session_state.ignored)
    text_col.info(f"Adresse partagée : ignoré {as_markdown_text(ignored)}.", icon="ℹ️")
    close_col.button("Fermer l'avis", key="close_notice", on_click=close_notice, icon=":material/close:")


def is_whole(view: View) -> bool:
    return not view.regions and view.zone is Zone.ALL and not view.query and view.wave is None


def wave_option(value: str) -> str:
    return "Toutes" if value == ALL_WAVES else wave_label(int(value))


def wave_options(known_waves: tuple[int, ...]) -> list[str]:
    return [ALL_WAVES, *(str(n) for n in known_waves)]


def keep_wave_state(known_waves: tuple[int, ...]) -> None:
    """« Vague » for the data read: « Toutes » when the state names none of its waves (no state yet,
    or a wave gone with a new file); no state with a single wave, so that the control, shown again
    with a new file, says « Toutes »."""
    if len(known_waves) > 1:
        if st.session_state.get("wave") not in wave_options(known_waves):
            st.session_state.wave = ALL_WAVES
    else:
        st.session_state.pop("wave", None)


def show_filters(
    region_counts: dict[str, int], known_waves: tuple[int, ...], whole: bool, *, map_first: bool
) -> None:
    """The filters, one under the other in the panel beside the map; « Vague » only when the data
    holds several waves. While the page waits for the map (`map_first`), the « Régions » list alone."""
    st.multiselect(
        REGIONS_LIST_LABEL,
        options=[code for code, n in region_counts.items() if n],
        format_func=lambda code: region_option(code, region_counts),
        key="regions",
        placeholder="Toutes les régions",
        # No « Select N matches » first in the list, which Enter took: Enter chooses the region
        # typed. A substring, not a subsequence: "Bret" is not Bourgogne-Franche-Comté.
        select_all=False,
        filter_mode="contains",
    )
    if map_first:
        return
    st.segmented_control(
        "Territoire",
        options=[zone.value for zone in Zone],
        format_func=lambda value: Zone(value).label,
        key="zone",
        required=True,
    )
    if len(known_waves) > 1:
        st.segmented_control(
            "Vague", options=wave_options(known_waves), format_func=wave_option, key="wave", required=True
        )
    # Live: the map follows the typing after a pause, and Streamlit says no « Press Enter to apply ».
    st.text_input(
        "Rechercher une ville",
        key="q",
        placeholder="ex. Colmar, Haut-Rhin, 68, Bretagne",
        max_chars=MAX_QUERY_LENGTH,
        live=True,
    )
    st.button("Réinitialiser la vue", key="reset_view", on_click=reset_view, disabled=whole)


def counts_html(part: Counts, whole: Counts) -> str:
    """The four counts, selection / whole, as one HTML element: four st.metric in four columns were
    nine elements for the browser to render again at every run. Data of several waves adds one
    count per wave (« 1re vague », « 2e vague »…)."""
    rows = [
        ("Villes lauréates", part.laureates, whole.laureates),
        ("Métropole", part.metropole, whole.metropole),
        ("Outre-mer", part.overseas, whole.overseas),
        ("Régions représentées", part.regions, whole.regions),
    ]
    if len(whole.per_wave) > 1:
        shown = dict(part.per_wave)
        rows += [(wave_label(wave), shown.get(wave, 0), total) for wave, total in whole.per_wave]
    items = "".join(f"<div><dt>{label}</dt><dd>{shown} / {total}</dd></div>" for label, shown, total in rows)
    return f'<dl class="counts">{items}</dl>'


def region_bars(numbers: dict[str, int]) -> str:
    """Laureates per region as HTML bars, most first: text a screen reader reads as a list, and no
    chart library for the browser to load (Vega-Lite's was 0.4 s of the page's cold load)."""
    rows = sorted((ref for ref in REGIONS if numbers[ref.code]), key=lambda ref: -numbers[ref.code])
    most = max((numbers[ref.code] for ref in rows), default=1)
    items = "".join(
        f'<li class="{"overseas" if ref.overseas else "metropole"}"><span>{html.escape(ref.name)}</span>'
        f'<span class="bar" style="width: {100 * numbers[ref.code] / most:.1f}%"></span>'
        f"<span>{numbers[ref.code]}</span></li>"
        for ref in rows
    )
    return (
        '<p class="bars-title">Villes lauréates par région</p>'
        f'<ul class="bars" aria-label="Villes lauréates par région">{items}</ul>'
        '<p class="bars-legend"><span class="metropole"><span class="bar"></span>Métropole</span>'
        '<span class="overseas"><span class="bar"></span>Outre-mer</span></p>'
    )


def show_chart(selected: pd.DataFrame) -> None:
    numbers = per_region(selected)
    if any(numbers.values()):
        st.html(region_bars(numbers))


def programme_html() -> str:
    """The programme's figures and targets, in one HTML element rather than five (see counts_html)."""
    p = PROGRAMME
    targets = (
        (p.target_sites, f"{p.laureates} lauréates sur la centaine de sites visés d'ici {p.target_year}"),
        (
            p.target_acv_sites,
            f"{p.laureates} sur au moins {p.target_acv_sites} sites en villes Action Cœur de Ville",
        ),
    )
    meters = "".join(
        f'<p class="meter-label">{html.escape(text)}</p><div class="meter" role="progressbar" '
        f'aria-label="{html.escape(text)}" aria-valuemin="0" aria-valuemax="{target}" aria-valuenow="{p.laureates}">'
        f'<span style="width: {100 * min(p.laureates / target, 1):.1f}%"></span></div>'
        for target, text in targets
    )
    return (
        "<h2>Le programme en chiffres</h2><ul>"
        f"<li><strong>{p.applications} candidatures</strong>, soit {p.applications_share_of_acv} % des "
        f"{p.acv_towns} villes Action Cœur de Ville</li>"
        f"<li><strong>{p.laureates} villes lauréates</strong> dans la première vague</li>"
        f"<li><strong>{p.industry_share} %</strong> des lauréates situées en « Territoires d'industrie »</li>"
        f'</ul>{meters}<p class="source">Source : {html.escape(SOURCE_TITLE)}, {SOURCE_DATE}.</p>'
    )


def show_programme() -> None:
    st.html(programme_html())


def show_nothing_found(view: View) -> None:
    """An empty view says why, with the way back: the search cleared, or the whole view."""
    if view.query:
        st.warning(f"Aucune ville ne correspond à « {as_markdown_text(view.query)} ».", icon="🔎")
        st.button("Effacer la recherche", key="clear_search", on_click=clear_search)
    else:
        st.warning("Aucune ville lauréate dans cette vue.", icon="🔎")
        st.button("Tout afficher", key="show_all", on_click=reset_view)


def show_table(selected: pd.DataFrame, dataset: Dataset, view: View) -> None:
    st.header(TABLE_LABEL, anchor=False)  # no link, named « Link to heading »
    shown = laureates_shown(len(selected), len(dataset.laureates))
    st.caption(f"{shown}." if selected.empty else f"{shown}. Cliquez un en-tête pour trier.")
    if selected.empty:
        return  # the message above the map says why
    # A plain table rather than st.dataframe: the grid's script (1.2 MB) loaded on every first open,
    # beside the map's, and cost 0.7 s of it; it drew on a canvas, printed ten rows, spoke English.
    st.html(view_table(*dataset.key, view_key(view)))


def show_downloads(dataset: Dataset, view: View) -> None:
    name = export_basename(view)
    # Files are made on the first click (then cached), not at every rerun; a download needs no rerun.
    for column, (kind, (label, suffix, mime, _)) in zip(
        st.columns(len(EXPORTS)), EXPORTS.items(), strict=True
    ):
        column.download_button(
            f"Télécharger la sélection ({label})",
            partial(export_file, *dataset.key, view_key(view), kind),
            f"{name}{suffix}",
            mime,
            on_click="ignore",
            icon=":material/download:",
        )


def named_waves(known_waves: tuple[int, ...]) -> str:
    """« vague 2 », « vagues 1 et 2 », « vagues 1, 2 et 3 »."""
    *others, last = (str(wave) for wave in known_waves)
    return f"vagues {', '.join(others)} et {last}" if others else f"vague {last}"


def coverage(laureates: pd.DataFrame, known_waves: tuple[int, ...]) -> str:
    """What the data holds: the first wave alone, with what is known of the later ones, or its waves."""
    if known_waves == (1,):
        return f"Les {len(laureates)} villes de la première vague, et elles seules. {LATER_WAVES_NOTE}"
    return (
        f"Les {len(laureates)} villes de{'s' if len(known_waves) > 1 else ' la'} {named_waves(known_waves)}."
    )


def caption(known_waves: tuple[int, ...]) -> str:
    if known_waves == (1,):
        return "Première vague du programme du Cnam, annoncée le 26 septembre 2019."
    named = named_waves(known_waves)
    return f"{named[0].upper()}{named[1:]} du programme du Cnam."


def show_about(dataset: Dataset, known_waves: tuple[int, ...]) -> None:
    with st.expander("À propos de cette carte"):
        st.markdown(
            "**Au cœur des territoires** est le programme du Conservatoire national des arts et métiers "
            "(Cnam) qui ouvre des espaces d'accès à la formation dans des villes moyennes, en partenariat "
            "avec le programme national Action Cœur de Ville. Le 26 septembre 2019, le Cnam a annoncé les "
            f"{sum(dataset.laureates['wave'] == 1)} villes lauréates de la première vague.\n\n"
            f"**Ce que couvre la carte.** {coverage(dataset.laureates, known_waves)}\n\n"
            f"**Sources.** {sources_text()}\n\n"
            "**Coordonnées.** Chaque ville a été géocodée une fois pour toutes (script `python -m geocode`), "
            "puis vérifiée : chaque point tombe dans le contour de son "
            f"département, ou à moins de {PLACEMENT_TOLERANCE_KM:g} km de lui (les contours sont simplifiés). "
            "Les territoires d'outre-mer sont rapprochés dans des encadrés à côté de la métropole ; "
            "les infobulles, le tableau et les téléchargements donnent toujours les coordonnées réelles.\n\n"
            f"**Mise à jour.** {caption(known_waves)} {as_markdown_text(update_text(dataset.laureates))}"
        )


# The page's own script and styles, from carte/browser/, inlined once per process; with the palette's
# colours as custom properties, as the map's frame has them.
PAGE_HEAD = (
    f"<script>{browser_bundle(PAGE_SCRIPTS)}</script>"
    f"<style>{palette_properties()}\n{browser_bundle(PAGE_STYLES)}</style>"
)


def set_page_config_once() -> bool:
    """At a session's first run only, which it says: the browser keeps title, icon and layout across
    reruns. Sent again, the page config makes the page reset its icon and post two messages to its
    host, each checked against Streamlit's 16 allowed origins, before the map is drawn: 9 ms per
    filter change (`bench.breakdown`, 128 changes each, 228 against 237 ms)."""
    if "page_config_sent" in st.session_state:
        return False
    st.set_page_config(
        page_title=PAGE_TITLE,
        page_icon="📍",
        layout="wide",
    )
    st.session_state.page_config_sent = True
    return True


def main() -> None:
    opening = set_page_config_once()
    st.html(PAGE_HEAD, unsafe_allow_javascript=True)
    # Read before the title, so that the subtitle is drawn at once: a placeholder filled later was
    # drawn empty at each run, the page under it moving up then down.
    problem = None
    try:
        dataset = load_laureates(*file_key(dataset_path()))
        st.session_state.last_good = dataset
    except DatasetError as err:
        problem = as_markdown_text(err.notice)
    st.title("Au cœur des territoires : la carte des villes lauréates", anchor=False)
    if problem is not None:
        if "last_good" not in st.session_state:
            st.error(f"Les données de la carte ne peuvent pas être lues.\n\n{problem}", icon="⚠️")
            st.stop()
        dataset = st.session_state.last_good
    everything = dataset.laureates
    region_counts = per_region(everything)
    with_laureates = {code for code, n in region_counts.items() if n}
    known_waves = waves(everything)
    st.caption(caption(known_waves))
    if problem is not None:  # the file was replaced by a broken one while this page was open
        st.warning(
            f"Le fichier de données modifié ne peut pas être lu ; la carte montre sa version précédente.\n\n{problem}",
            icon="⚠️",
        )
    init_view_from_url(with_laureates, known_waves)
    try:
        assets: MapAssets | None = replace(static_files(), markers=markers_file(*dataset.key))
    except StaticFilesError as err:  # the rest of the page needs no file of static/: it goes on
        assets, map_problem = None, err
    # A session's first run sends the first screen only: counts, « Régions » list and map. Every
    # widget type more on a cold page is a script Streamlit's frontend loads, runs and draws before
    # and beside the map's frame (README, « Le premier chargement »). Once its laureates are drawn,
    # the map asks for a run, which sends the whole page.
    map_first = opening and assets is not None
    # The view from the widgets' state, before they are drawn: notice and counts come above them, and
    # drawn at once, not into placeholders, which each run drew empty first, the page moving.
    keep_wave_state(known_waves)
    view = current_view(known_waves)
    with st.container():  # always there, so that the page's parts after it keep their places
        show_notice(view)
    sync_url(view)
    selected = select(everything, view)
    st.html(counts_html(counts(selected), counts(everything)))
    # The panel first, so that keyboard users meet the filters before the map's many stops; on a
    # phone the map is drawn first (page.css), so that it is on the first screen.
    panel_col, map_col = st.columns([1, 2], gap="medium")
    with panel_col:
        show_filters(region_counts, known_waves, is_whole(view), map_first=map_first)

    with map_col, st.container(key="carte"):
        if selected.empty:
            show_nothing_found(view)
        if assets is None:
            st.error(f"La carte ne peut pas être affichée.\n\n{as_markdown_text(str(map_problem))}", icon="⚠️")
        else:
            with st.container(key="skip_map"):
                st.html(SKIP_LINK)
            st_folium(
                base_map(assets, region_counts),
                key=MAP_KEY,
                height=MAP_HEIGHT_PX,
                use_container_width=True,
                returned_objects=[RETURNED_OBJECT],
                render=False,  # st_folium renders the map itself; a second full render only costs time
                feature_group_to_add=selection_layer(
                    selected,
                    view.regions,
                    focus(view, with_laureates),
                    bool(st.session_state.get("tiles")),  # the switch under the map, drawn after it
                    None if map_first else map_previews(*dataset.key, view_key(view)),
                    st.session_state.framings,
                    ask_for_page=map_first,
                ),
                on_change=lambda: on_map_click(with_laureates),
            )
        if map_first:
            return
        # Under the map, which it does not move when it comes. No `help`: its button's name is
        # Streamlit's English « Help for … »; the caption says it.
        st.toggle("Afficher le fond de carte OpenStreetMap", key="tiles")
        st.caption(
            "Cliquez une région pour n'afficher qu'elle ; cliquez-la de nouveau pour tout afficher. "
            "Le fond de carte OpenStreetMap se charge depuis openstreetmap.org."
        )
    with panel_col:
        show_chart(selected)
        show_programme()
    with st.container(key=TABLE_KEY):
        show_table(selected, dataset, view)
        if not selected.empty:
            show_downloads(dataset, view)
    show_about(dataset, known_waves)
    freeze_heap_once()
