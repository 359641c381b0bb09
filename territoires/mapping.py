"""The folium map: a constant base (outlines, inset frames, legend) and the layer of a selection.

Text from the data never goes through folium's Popup or Tooltip, which paste it into JavaScript
template literals and HTML: each layer carries its data as JSON and builds tooltips and popups
with DOM text nodes in the browser, so a name like `<img onerror=…>` or `${…}` stays text.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import cache

import folium
import pandas as pd
import shapely
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from jinja2 import Template
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from territoires.assets import STATIC_URL_PATH
from territoires.departments import department_label
from territoires.filters import View, focus, region_option, select, toggled
from territoires.insets import display_geometry, display_position, insets
from territoires.outlines import MAP_ATTRIBUTION
from territoires.regions import BY_CODE, REGIONS, region_outlines

LEAFLET_URL_PATH = f"{STATIC_URL_PATH}/leaflet"
DISPLAY_TOLERANCE_DEG = 0.01  # about 1 km: invisible at the zooms that show a whole region
DISPLAY_DECIMALS = 3
MAP_HEIGHT_PX = 560
MIN_ZOOM, MAX_ZOOM = 3, 11
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
}


def with_palette(text: str) -> str:
    """`text` with each __NAME__ replaced by the palette's colour of that name."""
    for name, colour in PALETTE.items():
        text = text.replace(f"__{name.upper()}__", colour)
    return text


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
    return "aucun lauréat" if n == 0 else f"{n} lauréat" if n == 1 else f"{n} lauréats"


@cache
def display_outlines() -> dict[str, BaseGeometry]:
    """Outlines as drawn: overseas ones moved into their boxes, then lightened for the browser."""
    return {
        code: shapely.set_precision(
            shapely.simplify(display_geometry(code, geometry), DISPLAY_TOLERANCE_DEG, preserve_topology=True),
            10**-DISPLAY_DECIMALS,
        )
        for code, geometry in region_outlines().items()
    }


@cache
def outlines_geojson() -> str:
    """The drawn outlines, keyed by region code: the same for every dataset, so served as a file."""
    features = [
        {
            "type": "Feature",
            "properties": {"code": ref.code},
            "geometry": mapping(display_outlines()[ref.code]),
        }
        for ref in REGIONS
    ]
    return to_safe_json({"type": "FeatureCollection", "features": features})


def region_labels(per_region: dict[str, int]) -> dict[str, dict[str, object]]:
    """What each outline's tooltip and click need: « Grand Est — 15 lauréats », slug, count."""
    return {
        ref.code: {
            "slug": ref.slug,
            "count": per_region.get(ref.code, 0),
            "label": f"{ref.name} — {laureate_count_label(per_region.get(ref.code, 0))}",
        }
        for ref in REGIONS
    }


def with_markers(laureates: pd.DataFrame) -> pd.DataFrame:
    """The laureates plus where each is drawn and its marker as GeoJSON, computed once per dataset.

    The marker's properties keep the real coordinates for the popup.
    """
    drawn = [
        display_position(code, lon, lat)
        for code, lon, lat in laureates[["region_code", "longitude", "latitude"]].itertuples(
            index=False, name=None
        )
    ]
    markers = [
        to_safe_json(
            {
                "type": "Feature",
                "properties": {
                    "town": row["town"],
                    "department": department_label(row["department_code"]),
                    "region": row["region"],
                    "insee": row["insee_code"],
                    "note": row["note"],
                    "overseas": bool(row["overseas"]),
                    "lat": row["latitude"],
                    "lon": row["longitude"],
                },
                "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
            }
        )
        for row, (lon, lat) in zip(laureates.to_dict(orient="records"), drawn, strict=True)
    ]
    return laureates.assign(
        display_lon=[lon for lon, _ in drawn], display_lat=[lat for _, lat in drawn], marker_json=markers
    )


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


class _Script(MacroElement):
    """A piece of JavaScript attached to its parent layer or map, with pre-serialised data."""

    script = ""

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        # Compiled once per class, colours filled in.
        cls._template = Template(
            "{% macro script(this, kwargs) %}" + with_palette(cls.script) + "{% endmacro %}"
        )

    def __init__(self, data: str = "null") -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.data = data

    def render(self, **kwargs: object) -> None:  # type: ignore[override]  # as MacroElement.render
        figure = self.get_root()
        assert isinstance(figure, Figure), "a map script is rendered within its figure"
        script = self._template.module.script(self, kwargs)
        figure.script.add_child(_Rendered(script), name=self.get_name())


# What st_folium returns: the region clicked, nothing on pans and zooms (they cause no rerun).
RETURNED_OBJECT = "last_active_drawing"


class RegionLayer(_Script):
    # The outlines (100 KB) come from a static file rather than the script, which streamlit-folium
    # sends again at every rerun. Read synchronously, so that the layer exists when streamlit-folium
    # attaches its click handlers, right after this script. Their properties get the labels here.
    # Clicks number the clicked feature, so that clicking the same region twice still
    # changes what streamlit-folium returns (it only reports values that differ). A new properties
    # object each time: the value streamlit-folium last sent shares the old one, mutating it hides the change.
    script = """
    var {{ this.get_name() }}_data = (function (spec) {
        var request = new XMLHttpRequest();
        request.open("GET", spec.url, false);
        request.send();
        var outlines = JSON.parse(request.responseText);
        outlines.features.forEach(function (f) {
            f.properties = Object.assign({code: f.properties.code}, spec.labels[f.properties.code]);
        });
        return outlines;
    })({{ this.data }});
    var {{ this.get_name() }} = L.geoJSON({{ this.get_name() }}_data, {
        style: function (f) {
            return {className: "region" + (f.properties.count ? "" : " region-empty"),
                    color: "__REGION_STROKE__", weight: 1,
                    fillColor: f.properties.count ? "__REGION_FILL__" : "__REGION_EMPTY_FILL__",
                    fillOpacity: 1};
        },
        onEachFeature: function (f, layer) {
            layer.bindTooltip(function () {
                var span = document.createElement("span");
                span.textContent = f.properties.label;
                return span;
            }, {sticky: true});
            // Out of the tab order: keyboard users filter with the « Régions » list, which says the same.
            layer.on("add", function () { layer.getElement().setAttribute("tabindex", "-1"); });
        }
    }).addTo({{ this._parent.get_name() }});
    var {{ this.get_name() }}_clicks = 0;
    {{ this.get_name() }}.on("click", function (e) {
        {{ this.get_name() }}_clicks += 1;
        e.layer.feature.properties = Object.assign({}, e.layer.feature.properties, {click: {{ this.get_name() }}_clicks});
        // streamlit-folium reports a click 250 ms later (its debounce). Report it now, with the value
        // its handler, which runs next, computes: finding it already sent, that handler sends nothing.
        var state = window.__GLOBAL_DATA__;
        if (state && state.returned_objects && state.returned_objects.join() === "__RETURNED__") {
            state.__RETURNED__ = e.layer.toGeoJSON();
            state.previous_data = {__RETURNED__: state.__RETURNED__};
            window.parent.postMessage({isStreamlitMessage: true, type: "streamlit:setComponentValue",
                                       value: state.previous_data, dataType: "json"}, "*");
        }
    });
    """.replace("__RETURNED__", RETURNED_OBJECT)


class InsetFrames(_Script):
    script = """
    {{ this.data }}.forEach(function (inset) {
        L.rectangle(inset.bounds, {interactive: false, className: "inset-frame", color: "__REGION_STROKE__",
                                   weight: 1, dashArray: "4 3", fill: false})
            .addTo({{ this._parent.get_name() }});
        L.marker(inset.anchor, {interactive: false, keyboard: false,
                                icon: L.divIcon({className: "inset-label", html: inset.label,
                                                 iconSize: null, iconAnchor: [0, 18]})})
            .addTo({{ this._parent.get_name() }});
    });
    """


class Legend(_Script):
    script = """
    (function (map, data) {
        var legend = L.control({position: "topright"});
        legend.onAdd = function () {
            var box = L.DomUtil.create("div", "map-legend");
            box.innerHTML = data.html;
            return box;
        };
        legend.addTo(map);
        map.attributionControl.addAttribution(data.attribution);
        document.documentElement.lang = "fr";  // the map's own document, inside streamlit-folium's frame
        // The frame's accessible name; Streamlit names it after the component, "streamlit_folium.st_folium".
        if (window.frameElement) { window.frameElement.title = "Carte des villes lauréates"; }
        var container = map.getContainer();
        container.setAttribute("role", "region");
        container.setAttribute("aria-label",
            "Carte des villes lauréates d'Au cœur des territoires ; leur liste complète suit dans le tableau.");
        // Leaflet's own controls speak English.
        [[".leaflet-control-zoom-in", "Zoom avant"], [".leaflet-control-zoom-out", "Zoom arrière"]]
            .forEach(function (pair) {
                var button = container.querySelector(pair[0]);
                if (button) { button.title = pair[1]; button.setAttribute("aria-label", pair[1]); }
            });
        map.on("popupopen", function (e) {
            var close = e.popup.getElement().querySelector(".leaflet-popup-close-button");
            if (close) { close.title = "Fermer la fiche"; close.setAttribute("aria-label", "Fermer la fiche"); }
        });
    })({{ this._parent.get_name() }}, {{ this.data }});
    """


class MapKit(_Script):
    # Defined once with the base map, used by each selection layer and by the previews: how a set of
    # laureates is drawn, how a selection is framed.
    # Markers are SVG circles (no image to host); overseas ones are larger with a dashed ring,
    # so that colour is never the only cue. Tooltips and popups are built from text nodes.
    script = """
    window.carteLaureates = function (data) {
        return L.geoJSON(data, {
            pointToLayer: function (f, latlng) {
                var overseas = f.properties.overseas;
                return L.circleMarker(latlng, {
                    radius: overseas ? 7 : 6, weight: 2, color: "__MARKER_RING__", dashArray: overseas ? "3 2" : null,
                    fillColor: overseas ? "__OVERSEAS__" : "__METROPOLE__", fillOpacity: 1,
                    className: overseas ? "laureate laureate-overseas" : "laureate"});
            },
            onEachFeature: function (f, layer) {
                var p = f.properties;
                function el(tag, text, cls) {
                    var node = document.createElement(tag);
                    if (text !== undefined) { node.textContent = text; }
                    if (cls) { node.className = cls; }
                    return node;
                }
                layer.bindTooltip(function () { return el("span", p.town); });
                // Keyboard access: each marker is a button in the tab order; Enter or Space opens its
                // popup, Escape closes it (Leaflet's own Escape only works while the map itself has the focus).
                layer.on("add", function () {
                    var path = layer.getElement();
                    path.setAttribute("tabindex", "0");
                    path.setAttribute("role", "button");
                    path.setAttribute("aria-label", p.town + " : voir la fiche");
                    path.addEventListener("keydown", function (event) {
                        if (event.key === "Enter" || event.key === " ") {
                            event.preventDefault();
                            layer.openPopup();
                        } else if (event.key === "Escape") {
                            layer.closePopup();
                        }
                    });
                });
                layer.bindPopup(function () {
                    var box = el("div", undefined, "laureate-popup");
                    box.appendChild(el("strong", p.town));
                    var list = el("dl");
                    [["Département", p.department], ["Région", p.region], ["Code INSEE", p.insee],
                     ["Coordonnées", Number(p.lat).toFixed(5) + ", " + Number(p.lon).toFixed(5)]]
                        .forEach(function (pair) {
                            list.appendChild(el("dt", pair[0]));
                            list.appendChild(el("dd", pair[1]));
                        });
                    box.appendChild(list);
                    if (p.note) { box.appendChild(el("p", p.note)); }
                    var lat = Number(p.lat).toFixed(6), lon = Number(p.lon).toFixed(6);
                    var link = el("a", "Voir sur OpenStreetMap");
                    link.href = "https://www.openstreetmap.org/?mlat=" + lat + "&mlon=" + lon + "#map=13/" + lat + "/" + lon;
                    link.target = "_blank";
                    link.rel = "noopener noreferrer";
                    box.appendChild(link);
                    return box;
                });
            }
        });
    };
    // Fitted in the browser, which knows the map's real size (a phone's or a wide screen's).
    window.carteFit = function (map, bounds, animate) {
        map.fitBounds(bounds, {padding: [12, 12], maxZoom: 9, animate: animate});
    };
    """


class LaureateLayer(_Script):
    script = """
    {{ this._parent.get_name() }}.laureates = carteLaureates({{ this.data }}).addTo({{ this._parent.get_name() }});
    """


class Previews(_Script):
    # What the map shows for each region the « Régions » list can add or remove next (`selection_previews`).
    script = (
        """window.cartePreview = Object.assign({group: {{ this._parent.get_name() }}}, {{ this.data }});"""
    )


class PreviewWatch(_Script):
    # The list shows a change 20 to 40 ms after the key or click; the run that follows reaches the map
    # some 200 ms later, after the browser has drawn the whole page again. The map shows at once the
    # markers and framing that the last run computed for that list (this only looks them up, in the
    # dataset's markers, a file fetched once); the run then draws the same, with the selected
    # outlines. The list is found by its label, each chosen region by the aria-label Streamlit gives
    # its tag: if that markup changes, nothing is previewed and the run alone updates the map.
    script = """
    (function (map, url) {
        var host, features = null;
        try { host = window.parent.document; } catch (e) { return; }
        if (!host || host === document) { return; }
        fetch(url).then(function (response) { return response.json(); })
            .then(function (collection) { features = collection.features; }, function () {});
        function chosen() {
            var input = host.querySelector('input[aria-label="Régions"]');
            var list = input && input.closest('[data-testid="stMultiSelect"]');
            if (!list) { return null; }
            return Array.prototype.map.call(list.querySelectorAll("[data-tag]"), function (tag) {
                return tag.getAttribute("aria-label");
            }).sort().join("\\n");
        }
        // Only a change of the list is previewed: after a click on the map, the run's layer can
        // arrive before the list shows the new choice, and the old one must not be taken for a change.
        var seen = chosen();
        // Puts `layers` in the group in place of its markers and selected outlines; returns those.
        function swap(group, layers) {
            var previous = [group.laureates, group.selected].filter(Boolean);
            previous.forEach(function (layer) { group.removeLayer(layer); });
            layers.forEach(function (layer) { group.addLayer(layer); });
            group.laureates = layers[0];
            group.selected = layers[1];
            return previous;
        }
        function show() {
            var key = chosen(), preview = window.cartePreview;
            if (key === null || key === seen) { return; }
            seen = key;
            if (!features || !preview) { return; }
            var group = preview.group, view = preview.views[key];
            if (key === preview.own.key) {
                // Back to what the layer was drawn for, whose run may never come again (streamlit-folium
                // redraws nothing for a layer it already has): its own markers and outlines.
                if (preview.kept) { swap(group, preview.kept); preview.kept = null; carteFit(map, preview.own.bounds, false); }
            } else if (view) {
                var drawn = carteLaureates({type: "FeatureCollection", features: view.markers.map(function (i) {
                    return features[i];
                })});
                var previous = swap(group, [drawn]);
                preview.kept = preview.kept || previous;
                carteFit(map, view.bounds, false);
            }
        }
        // In a task of its own: the list sends its value to Streamlit first, from a timer of its own.
        var watcher = new window.parent.MutationObserver(function () { setTimeout(show); });
        watcher.observe(host.body, {childList: true, subtree: true});
        window.addEventListener("pagehide", function () { watcher.disconnect(); });
    })({{ this._parent.get_name() }}, {{ this.data }});
    """


class SelectedRegions(_Script):
    script = """
    {{ this._parent.get_name() }}.selected = L.geoJSON({{ this.data }}, {interactive: false,
        style: {className: "region-selected", color: "__SELECTED_STROKE__", weight: 3, dashArray: "8 4", fill: false}
    }).addTo({{ this._parent.get_name() }});
    """


_MAP_STYLE = with_palette("""
<style>
.leaflet-container { background: __BACKGROUND__; font: 14px/1.4 system-ui, sans-serif; }
.inset-label { color: __TEXT__; font-size: 12px; font-weight: 600; white-space: nowrap; }
@media (max-width: 480px) { .inset-label { font-size: 8px; } }  /* the boxes are narrow on a phone */
.map-legend { background: __BACKGROUND__; color: __TEXT__; padding: 4px 8px; border: 1px solid __LEGEND_BORDER__;
              font-size: 12px; line-height: 1.5; }
.laureate:focus-visible { outline: 3px solid __FOCUS__; outline-offset: 2px; }
.leaflet-interactive:focus:not(:focus-visible) { outline: none; }  /* no ring after a mouse click */
.map-legend svg { vertical-align: middle; margin-right: 4px; }
.laureate-popup dl { display: grid; grid-template-columns: auto 1fr; gap: 0 8px; margin: 6px 0; }
.laureate-popup dt { color: __TEXT__; } .laureate-popup dd { margin: 0; }
.laureate-popup p { margin: 4px 0; }
</style>
""")


def _legend_html() -> str:
    def dot(colour: str, dashed: bool) -> str:
        dash = ' stroke-dasharray="3 2"' if dashed else ""
        return (
            f'<svg width="18" height="18" aria-hidden="true"><circle cx="9" cy="9" r="{7 if dashed else 6}" '
            f'fill="{colour}" stroke="{PALETTE["marker_ring"]}" stroke-width="2"{dash}/></svg>'
        )

    return (
        f"<div>{dot(METROPOLE_COLOUR, False)}Ville lauréate en métropole</div>"
        f"<div>{dot(OVERSEAS_COLOUR, True)}Ville lauréate en outre-mer (encadrés)</div>"
    )


def _insets_json() -> str:
    frames = []
    for inset in insets().values():
        (west, south), (east, north) = inset.box
        frames.append(
            {
                "bounds": [[south, west], [north, east]],
                "anchor": [north, west],
                "label": html.escape(inset.label),
            }
        )
    return to_safe_json(frames)


Bounds = tuple[float, float, float, float]  # west, south, east, north
MARKER_MARGIN_DEG = 0.3  # around markers framed alone, so that a single town is not zoomed in to the street


@cache
def region_bounds() -> dict[str, Bounds]:
    return {code: tuple(float(v) for v in g.bounds) for code, g in display_outlines().items()}  # type: ignore[misc]


def _union(bounds: Iterable[Bounds]) -> Bounds:
    wests, souths, easts, norths = zip(*bounds, strict=True)
    return min(wests), min(souths), max(easts), max(norths)


@cache
def whole_map_bounds() -> Bounds:
    """Metropolitan France and every inset box: what the first view must show."""
    boxes = [(w, s, e, n) for (w, s), (e, n) in (inset.box for inset in insets().values())]
    metropole = [b for code, b in region_bounds().items() if not BY_CODE[code].overseas]
    return _union(metropole + boxes)


def selection_bounds(region_codes: Iterable[str], laureates: pd.DataFrame) -> Bounds:
    """What to show for a selection: its regions' outlines, else its markers, else everything."""
    codes = list(region_codes)
    if codes:
        return _union(region_bounds()[code] for code in codes)
    if laureates.empty:
        return whole_map_bounds()
    m = MARKER_MARGIN_DEG
    lons, lats = laureates["display_lon"], laureates["display_lat"]
    return float(lons.min()) - m, float(lats.min()) - m, float(lons.max()) + m, float(lats.max()) + m


@cache
def selected_outlines_json() -> dict[str, str]:
    """Each region's drawn outline as a GeoJSON feature, serialised once for every selection."""
    return {
        code: to_safe_json({"type": "Feature", "properties": {}, "geometry": mapping(geometry)})
        for code, geometry in display_outlines().items()
    }


class FitBounds(_Script):
    script = """carteFit({{ this.map_name }}, {{ this.data }});"""

    @property
    def map_name(self) -> str:
        parent = self._parent
        while not isinstance(parent, folium.Map):
            assert parent is not None, "FitBounds must be placed on a map"
            parent = parent._parent
        name: str = parent.get_name()
        return name


def _leaflet_corners(bounds: Bounds) -> list[list[float]]:
    west, south, east, north = bounds
    return [[round(south, 4), round(west, 4)], [round(north, 4), round(east, 4)]]


def _leaflet_bounds(bounds: Bounds) -> str:
    return to_safe_json(_leaflet_corners(bounds))


def selection_previews(everything: pd.DataFrame, view: View, numbers: Mapping[str, int]) -> str:
    """For each region the « Régions » list can add to `view` or remove from it, what the map then
    shows: the markers (indices into `everything`, from `with_markers`) and the framing; and the
    framing of `view` itself. Keyed as the list shows its choice: the labels of the regions chosen,
    sorted, one per line; `numbers` are the laureates per region."""
    with_laureates = [code for code, n in numbers.items() if n]
    in_zone = select(everything, replace(view, regions=()))  # a toggle changes the regions alone

    def key(codes: Iterable[str]) -> str:
        return "\n".join(sorted(region_option(code, numbers) for code in codes))

    def chosen(after: View) -> tuple[pd.DataFrame, list[list[float]]]:
        shown = select(in_zone, View(after.regions))
        return shown, _leaflet_corners(selection_bounds(focus(after, with_laureates), shown))

    views = {}
    for code in with_laureates:
        after = toggled(view, code)
        shown, framing = chosen(after)
        views[key(after.regions)] = {
            "markers": everything.index.get_indexer(shown.index).tolist(),
            "bounds": framing,
        }
    return to_safe_json({"own": {"key": key(view.regions), "bounds": chosen(view)[1]}, "views": views})


def base_map(outlines_url: str, per_region: dict[str, int], markers_url: str | None = None) -> folium.Map:
    """The constant part of the map. Built the same way at every rerun, so it never remounts.

    `outlines_url` serves `outlines_geojson()`; `per_region` gives the outlines' tooltips;
    `markers_url`, if any, serves `laureates_geojson` of the whole dataset, for the previews.
    """
    west, south, east, north = whole_map_bounds()
    fmap = _Map(
        location=((south + north) / 2, (west + east) / 2),
        zoom_start=5,
        tiles=None,
        zoom_snap=0.25,
        zoom_delta=0.5,
        min_zoom=MIN_ZOOM,
        max_zoom=MAX_ZOOM,
    )
    # Leaflet alone, self-hosted: folium's default CDN scripts (jQuery, Bootstrap…) are not used.
    fmap.default_js = [("leaflet", f"{LEAFLET_URL_PATH}/leaflet.js")]
    fmap.default_css = [("leaflet_css", f"{LEAFLET_URL_PATH}/leaflet.css")]
    root = fmap.get_root()
    assert isinstance(root, Figure)
    root.header.add_child(_Rendered(_MAP_STYLE), name="map_css")
    fmap.add_child(MapKit())
    fmap.add_child(RegionLayer(to_safe_json({"url": outlines_url, "labels": region_labels(per_region)})))
    fmap.add_child(InsetFrames(_insets_json()))
    fmap.add_child(Legend(to_safe_json({"html": _legend_html(), "attribution": MAP_ATTRIBUTION})))
    fmap.add_child(FitBounds(_leaflet_bounds(whole_map_bounds())))
    if markers_url is not None:
        fmap.add_child(PreviewWatch(to_safe_json(markers_url)))
    return fmap


def selection_layer(
    laureates: pd.DataFrame,
    region_codes: Iterable[str],
    framed: Iterable[str],
    tiles: bool,
    previews: str | None = None,
) -> folium.FeatureGroup:
    """What changes with the filter: the selected markers and outlines, the view, the optional tiles.

    `laureates` come from `with_markers`; `framed` is the regions the view frames (the selected
    ones, or a zone's); none frames the markers. `previews` come from `selection_previews`.
    """
    region_codes = list(region_codes)
    group = _SelectionGroup()
    if tiles:
        folium.TileLayer(
            TILE_URL, attr="© contributeurs d'OpenStreetMap", max_zoom=19, name="OpenStreetMap"
        ).add_to(group)
    if region_codes:
        outlines = ",".join(selected_outlines_json()[code] for code in region_codes)
        group.add_child(SelectedRegions('{"type":"FeatureCollection","features":[' + outlines + "]}"))
    group.add_child(LaureateLayer(laureates_geojson(laureates)))
    group.add_child(FitBounds(_leaflet_bounds(selection_bounds(framed, laureates))))
    if previews is not None:
        group.add_child(Previews(previews))
    return group
