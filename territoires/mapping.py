"""The folium map: a constant base (outlines, inset frames, legend) and the layer of a selection.

What the map does in the browser is in plain files, carte/browser/*.js and map.css, served as one
content-addressed bundle each (`MapAssets`); this module only computes their data and places
`Call`s of them. Text from the data never goes through folium's Popup or Tooltip, which paste it
into JavaScript template literals and HTML: each call carries its data as JSON, and the browser
code builds tooltips and popups with DOM text nodes, so a name like `<img onerror=…>` stays text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache

import folium
import pandas as pd
import shapely
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from jinja2 import Template
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from territoires.departments import department_label
from territoires.filters import View, focus, region_option, select, toggled
from territoires.insets import DEFAULT_LAYOUT, LAYOUTS, display_geometry, display_position, insets
from territoires.regions import REGIONS, region_outlines
from territoires.sources import MAP_ATTRIBUTION

DISPLAY_TOLERANCE_DEG = 0.01  # about 1 km: invisible at the zooms that show a whole region
DISPLAY_DECIMALS = 3
MAP_HEIGHT_PX = 560
MIN_ZOOM, MAX_ZOOM = 3, 11
NAMED_TOWNS_MAX = 15  # with at most this many towns shown (a region, a search, overseas), names are drawn
TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

METROPOLE_COLOUR = "#000091"  # "bleu France" of the State's charter
OVERSEAS_COLOUR = "#A0340B"  # dark terracotta: distinct from the blue for most colour visions
# Every colour the map draws with; tests/core/test_palette.py checks their contrasts (RGAA).
PALETTE: dict[str, str] = {
    "metropole": METROPOLE_COLOUR,
    "overseas": OVERSEAS_COLOUR,
    "background": "#ffffff",
    "region_fill": "#e8edff",
    "region_empty_fill": "#f4f4f4",
    "region_stroke": "#5c5c70",
    "selected_stroke": "#000000",
    "marker_ring": "#ffffff",
    "text": "#3a3a3a",
    "legend_border": "#767676",
    "focus": "#000000",
    "meter_track": "#e6e6e6",
}


@cache
def palette_properties() -> str:
    """The palette as CSS custom properties, `--carte-region-fill` and so on: the styles of the page
    and of the map's frame use them."""
    return (
        ":root { "
        + " ".join(f"--carte-{name.replace('_', '-')}: {colour};" for name, colour in PALETTE.items())
        + " }"
    )


def to_safe_json(data: object) -> str:
    """JSON that can sit inside a <script> element and inside a Jinja template, inert in both.

    No markup-significant character is left raw, nor any Jinja opener ({{, {%, {#): these can
    only occur inside JSON strings, where their second character is written as a \\u escape.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(raw, escaped)
    for raw, escaped in (("{{", "{\\u007b"), ("{%", "{\\u0025"), ("{#", "{\\u0023")):
        text = text.replace(raw, escaped)
    return text


def laureate_count_label(n: int) -> str:
    """In the page's words, « villes lauréates », not « lauréats »."""
    return "aucune ville lauréate" if n == 0 else f"{n} ville lauréate" if n == 1 else f"{n} villes lauréates"


@cache
def display_outlines(layout: str = DEFAULT_LAYOUT) -> dict[str, BaseGeometry]:
    """Outlines as drawn: overseas ones moved into their boxes, then lightened for the browser."""
    return {
        code: shapely.set_precision(
            shapely.simplify(
                display_geometry(code, geometry, layout), DISPLAY_TOLERANCE_DEG, preserve_topology=True
            ),
            10**-DISPLAY_DECIMALS,
        )
        for code, geometry in region_outlines().items()
    }


def _outline_features(code: str, properties: dict[str, object]) -> list[dict[str, object]]:
    """A region's drawn outline as GeoJSON features: an overseas one once per layout, which says its
    layout (the browser keeps the features of the layout it draws)."""
    if code not in insets():
        return [{"type": "Feature", "properties": properties, "geometry": mapping(display_outlines()[code])}]
    return [
        {
            "type": "Feature",
            "properties": {**properties, "layout": layout},
            "geometry": mapping(display_outlines(layout)[code]),
        }
        for layout in LAYOUTS
    ]


@cache
def outlines_geojson() -> str:
    """The drawn outlines, with their region's code: the same for every dataset, so served as a file."""
    features = [feature for ref in REGIONS for feature in _outline_features(ref.code, {"code": ref.code})]
    return to_safe_json({"type": "FeatureCollection", "features": features})


def region_labels(per_region: dict[str, int]) -> dict[str, dict[str, object]]:
    """What each outline's tooltip and click need: « Grand Est — 15 villes lauréates », slug, count.
    `per_region` has every region, 0 included (`territoires.filters.per_region`)."""
    return {
        ref.code: {
            "slug": ref.slug,
            "count": per_region[ref.code],
            "label": f"{ref.name} — {laureate_count_label(per_region[ref.code])}",
        }
        for ref in REGIONS
    }


def with_markers(laureates: pd.DataFrame) -> pd.DataFrame:
    """The laureates plus each one's marker as GeoJSON, where it is drawn, computed once per dataset.

    The marker's properties keep the real coordinates for the popup.
    """
    real = list(laureates[["region_code", "longitude", "latitude"]].itertuples(index=False, name=None))
    drawn = [display_position(code, lon, lat) for code, lon, lat in real]
    # Overseas markers' places in each layout, which the browser chooses among.
    placed = [
        {layout: _rounded(display_position(code, lon, lat, layout)) for layout in LAYOUTS}
        if code in insets()
        else None
        for code, lon, lat in real
    ]
    markers = [
        to_safe_json(
            {
                "type": "Feature",
                "properties": {
                    **({"placed": where} if where else {}),
                    "town": row["town"],
                    "department": department_label(row["department_code"]),
                    "region": row["region"],
                    "insee": row["insee_code"],
                    "note": row["note"],
                    "overseas": bool(row["overseas"]),
                    "lat": row["latitude"],
                    "lon": row["longitude"],
                },
                "geometry": {"type": "Point", "coordinates": _rounded((lon, lat))},
            }
        )
        for row, (lon, lat), where in zip(laureates.to_dict(orient="records"), drawn, placed, strict=True)
    ]
    return laureates.assign(marker_json=markers)


def _rounded(lonlat: tuple[float, float]) -> list[float]:
    return [round(lonlat[0], 5), round(lonlat[1], 5)]


def laureates_geojson(laureates: pd.DataFrame) -> str:
    """The markers of laureates prepared by `with_markers`, as one FeatureCollection."""
    return '{"type":"FeatureCollection","features":[' + ",".join(laureates["marker_json"]) + "]}"


class _Rendered(Element):
    """Script or style text already rendered. branca wraps rendered text in Element(text), which
    compiles it as a Jinja template at every rerun: slow, and a template injection for data."""

    _template = Template("{{ this.text }}")

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class _RenderedParts(MacroElement):
    """Rendered as branca's MacroElement.render does, but with its parts as `_Rendered`."""

    def render(self, **kwargs: object) -> None:  # type: ignore[override]  # as MacroElement.render
        figure = self.get_root()
        assert isinstance(figure, Figure), "a map element is rendered within its figure"
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):
            if part in macros:
                getattr(figure, part).add_child(_Rendered(macros[part](self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class _Map(_RenderedParts, folium.Map):
    def render(self, **kwargs: object) -> None:  # type: ignore[override]  # as folium.Map.render
        figure = self.get_root()
        assert isinstance(figure, Figure), "a map is rendered within its figure"
        assert not self.includes, "folium's class includes are not rendered here"
        for name, url in self.default_js:
            figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in self.default_css:
            figure.header.add_child(CssLink(url), name=name)
        super().render(**kwargs)


class _SelectionGroup(_RenderedParts, folium.FeatureGroup):
    """The layer st_folium replaces at each rerun. folium's FeatureGroup compiles two scripts of its
    own as templates at every render; this one adds itself to the map in its single script."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = L.featureGroup().addTo({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )


class Call(MacroElement):
    """A call of the map's browser code (carte/browser/*.js) on its parent layer, or on the map, with
    its data as JSON: `carte.<function>(<layer>, <data>);` is the only JavaScript Python writes.
    streamlit-folium renders the selection layer's children through their `script` macro, the page
    through `render`: both give the same text, a value of the template, never compiled as one."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.call() }}{% endmacro %}")

    def __init__(self, function: str, data: str, *, on_map: bool = False) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.function, self.data, self.on_map = function, data, on_map

    def target(self) -> str:
        parent = self._parent
        while self.on_map and not isinstance(parent, folium.Map):
            assert parent is not None, f"carte.{self.function} must be placed on a map"
            parent = parent._parent
        assert parent is not None, f"carte.{self.function} must be placed on a layer"
        name: str = parent.get_name()
        return name

    def call(self) -> str:
        return f"carte.{self.function}({self.target()}, {self.data});"

    def render(self, **kwargs: object) -> None:  # type: ignore[override]  # as MacroElement.render
        figure = self.get_root()
        assert isinstance(figure, Figure), "a map script is rendered within its figure"
        figure.script.add_child(_Rendered(self.call()), name=self.get_name())


# What st_folium returns: the region clicked, nothing on pans and zooms (they cause no rerun).
RETURNED_OBJECT = "last_active_drawing"
REGIONS_LIST_LABEL = "Régions"  # the page's multiselect, which the previews find by this label
FRAME_TITLE = "Carte des villes lauréates"
MAP_LABEL = "Carte des villes lauréates d'Au cœur des territoires ; leur liste complète suit dans le tableau."


@dataclass(frozen=True, slots=True)
class MapAssets:
    """Where the map's files are served: Leaflet, the map's browser code and styles (one bundle
    each), the drawn outlines (`outlines_geojson`) and, for the previews, the dataset's markers."""

    leaflet_js: str
    leaflet_css: str
    script: str
    style: str
    outlines: str
    markers: str | None = None


def _legend_html() -> str:
    def dot(colour: str, dashed: bool) -> str:
        dash = ' stroke-dasharray="3 2"' if dashed else ""
        return (
            f'<svg width="18" height="18" aria-hidden="true"><circle cx="9" cy="9" r="{7 if dashed else 6}" '
            f'fill="{colour}" stroke="{PALETTE["marker_ring"]}" stroke-width="2"{dash}/></svg>'
        )

    return (
        # On a phone the words in .legend-long are not shown: the legend then leaves room for the
        # zoom buttons and « Recentrer » in the same top band.
        f'<div>{dot(METROPOLE_COLOUR, False)}<span class="legend-long">Ville lauréate en </span>métropole</div>'
        f'<div>{dot(OVERSEAS_COLOUR, True)}<span class="legend-long">Ville lauréate en </span>outre-mer (encadrés)</div>'
    )


def _insets(layout: str) -> list[dict[str, object]]:
    frames = []
    for inset in insets(layout).values():
        (west, south), (east, north) = inset.box
        frames.append(
            {
                "bounds": [[south, west], [north, east]],
                "anchor": [north, west],
                "label": inset.label,
                "code": inset.code,
            }
        )
    return frames


Bounds = tuple[float, float, float, float]  # west, south, east, north


@cache
def region_bounds(layout: str = DEFAULT_LAYOUT) -> dict[str, Bounds]:
    return {code: tuple(float(v) for v in g.bounds) for code, g in display_outlines(layout).items()}  # type: ignore[misc]


def _union(bounds: Iterable[Bounds]) -> Bounds:
    wests, souths, easts, norths = zip(*bounds, strict=True)
    return min(wests), min(souths), max(easts), max(norths)


INSET_LABEL_ROOM = 0.2  # of a box's height, above it: its label sits on its north-west corner


@cache
def framed_bounds(layout: str = DEFAULT_LAYOUT) -> dict[str, Bounds]:
    """What framing a region shows: its outline, or an overseas region's whole box and label, which
    are drawn whole or not at all (carte/browser/legend.js)."""
    framed = dict(region_bounds(layout))
    for code, inset in insets(layout).items():
        (west, south), (east, north) = inset.box
        framed[code] = west, south, east, north + INSET_LABEL_ROOM * (north - south)
    return framed


@cache
def whole_map_bounds(layout: str = DEFAULT_LAYOUT) -> Bounds:
    """Metropolitan France and every inset box: what the first view must show."""
    return _union(framed_bounds(layout).values())


def selection_bounds(
    region_codes: Iterable[str], laureates: pd.DataFrame, layout: str = DEFAULT_LAYOUT
) -> Bounds:
    """What to show for a selection: its regions' outlines, else the regions of its markers (a town
    found alone is shown with its region around it, not at street level), else everything."""
    return _bounds_of(region_codes, laureates["region_code"].tolist(), layout)


def _bounds_of(region_codes: Iterable[str], marker_regions: Iterable[str], layout: str) -> Bounds:
    codes = list(region_codes) or list(dict.fromkeys(marker_regions))
    if codes:
        return _union(framed_bounds(layout)[code] for code in codes)
    return whole_map_bounds(layout)


@cache
def selected_outlines_json() -> dict[str, str]:
    """Each region's drawn outline as GeoJSON features (`_outline_features`), serialised once for
    every selection."""
    return {code: ",".join(map(to_safe_json, _outline_features(code, {}))) for code in region_outlines()}


def _leaflet_corners(bounds: Bounds) -> list[list[float]]:
    west, south, east, north = bounds
    return [[round(south, 4), round(west, 4)], [round(north, 4), round(east, 4)]]


def framings(region_codes: Iterable[str], laureates: pd.DataFrame) -> dict[str, list[list[float]]]:
    """The framing of a selection (`selection_bounds`) in each layout, as Leaflet's corners."""
    return _framings_of(region_codes, laureates["region_code"].tolist())


def _framings_of(region_codes: Iterable[str], marker_regions: Iterable[str]) -> dict[str, list[list[float]]]:
    codes, regions = list(region_codes), list(marker_regions)
    return {layout: _leaflet_corners(_bounds_of(codes, regions, layout)) for layout in LAYOUTS}


def whole_framings() -> dict[str, list[list[float]]]:
    return {layout: _leaflet_corners(whole_map_bounds(layout)) for layout in LAYOUTS}


def selection_previews(everything: pd.DataFrame, view: View, numbers: Mapping[str, int]) -> str:
    """For each region the « Régions » list can add to `view` or remove from it, what the map then
    shows: the markers (indices into `everything`, from `with_markers`) and the framing; and the
    framing of `view` itself. Keyed as the list shows its choice: the labels of the regions chosen,
    sorted, one per line; `numbers` are the laureates per region."""
    with_laureates = [code for code, n in numbers.items() if n]
    in_zone = select(everything, replace(view, regions=()))  # a toggle changes the regions alone
    # (position in `everything`, region) of each marker: one selection per toggle on lists, as
    # `select` would give it: 18 DataFrame selections cost 20 ms each (pandas over Arrow columns).
    positions = everything.index.get_indexer(in_zone.index).tolist()
    rows = list(zip(positions, in_zone["region_code"].tolist(), strict=True))

    def key(codes: Iterable[str]) -> str:
        return "\n".join(sorted(region_option(code, numbers) for code in codes))

    def chosen(after: View) -> tuple[list[int], dict[str, list[list[float]]]]:
        wanted = set(after.regions)
        shown = [(position, code) for position, code in rows if not wanted or code in wanted]
        framing = _framings_of(focus(after, with_laureates), (code for _, code in shown))
        return [position for position, _ in shown], framing

    views = {}
    for code in with_laureates:
        after = toggled(view, code)
        markers, framing = chosen(after)
        views[key(after.regions)] = {"markers": markers, "bounds": framing}
    return to_safe_json({"own": {"key": key(view.regions), "bounds": chosen(view)[1]}, "views": views})


def base_map(assets: MapAssets, per_region: dict[str, int]) -> folium.Map:
    """The constant part of the map. Built the same way at every rerun, so it never remounts.

    `per_region` gives the outlines' tooltips; with `assets.markers`, the map previews the choices
    of the « Régions » list (`selection_previews`).
    """
    west, south, east, north = whole_map_bounds()
    fmap = _Map(
        location=((south + north) / 2, (west + east) / 2),
        zoom_start=5,
        tiles=None,
        zoom_snap=0.25,
        zoom_delta=0.5,
        # Leaflet's own names: folium gives its min_zoom and max_zoom to a tile layer only, and the
        # map starts with none; so they were lost, and the map zoomed out to the whole world.
        minZoom=MIN_ZOOM,
        maxZoom=MAX_ZOOM,
    )
    # Leaflet alone, self-hosted, and the map's own code: folium's default CDN scripts (jQuery,
    # Bootstrap…) are not used.
    fmap.default_js = [("leaflet", assets.leaflet_js), ("carte", assets.script)]
    fmap.default_css = [("leaflet_css", assets.leaflet_css), ("carte_css", assets.style)]
    root = fmap.get_root()
    assert isinstance(root, Figure)
    root.header.add_child(_Rendered(f"<style>{palette_properties()}</style>"), name="palette")
    furniture = {
        "palette": PALETTE,
        "insets": {layout: _insets(layout) for layout in LAYOUTS},
        "whole": whole_framings(),  # the browser draws the layout whose whole map is the largest
        "legend": _legend_html(),
        "attribution": MAP_ATTRIBUTION,
        "frame_title": FRAME_TITLE,
        "map_label": MAP_LABEL,
        "named_towns_max": NAMED_TOWNS_MAX,
    }
    fmap.add_child(Call("decorate", to_safe_json(furniture)))  # first: the palette the others draw with
    regions = {"url": assets.outlines, "labels": region_labels(per_region), "returned": RETURNED_OBJECT}
    fmap.add_child(Call("regions", to_safe_json(regions)))
    fmap.add_child(Call("fit", to_safe_json(whole_framings())))
    if assets.markers is not None:
        watched = {"url": assets.markers, "list_label": REGIONS_LIST_LABEL}
        fmap.add_child(Call("watchPreviews", to_safe_json(watched)))
    return fmap


def asks_for_page(script: str) -> bool:
    """Whether the map's script, as streamlit-folium is sent it, carries the map's request for the
    rest of the page (selection_layer's `ask_for_page`, carte/browser/regions.js)."""
    return "carte.askForPage(" in script


def selection_layer(
    laureates: pd.DataFrame,
    region_codes: Iterable[str],
    framed: Iterable[str],
    tiles: bool,
    previews: str | None = None,
    framing: int = 0,
    ask_for_page: bool = False,
) -> folium.FeatureGroup:
    """What changes with the filter: the selected markers and outlines, the view, the optional tiles.

    `laureates` come from `with_markers`; `framed` is the regions the view frames (the selected
    ones, or a zone's); none frames the markers. `previews` come from `selection_previews`. The map
    keeps the user's zoom while the framing and `framing`, a count of resets, stay the same. With
    `ask_for_page`, the map asks Streamlit for a run once the laureates are drawn (carte.page.main).
    """
    region_codes = list(region_codes)
    group = _SelectionGroup()
    if tiles:
        folium.TileLayer(
            TILE_URL, attr="© contributeurs d'OpenStreetMap", max_zoom=19, name="OpenStreetMap"
        ).add_to(group)
    if region_codes:
        outlines = ",".join(selected_outlines_json()[code] for code in region_codes)
        group.add_child(Call("showSelected", '{"type":"FeatureCollection","features":[' + outlines + "]}"))
    group.add_child(Call("showLaureates", laureates_geojson(laureates)))
    frame = {"bounds": framings(framed, laureates), "framing": framing}
    group.add_child(Call("frame", to_safe_json(frame), on_map=True))
    if previews is not None:
        group.add_child(Call("setPreviews", previews))
    if ask_for_page:
        group.add_child(Call("askForPage", to_safe_json({"returned": RETURNED_OBJECT}), on_map=True))
    return group
