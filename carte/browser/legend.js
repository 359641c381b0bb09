// The map's furniture and accessibility: palette, inset frames, legend, attribution, French names.
(function (carte) {
    "use strict";

    // Leaflet focuses the map on mousedown, so that its keys work, and restores the scroll of its
    // own window only. In streamlit-folium's frame the focus scrolled the page to bring the frame
    // into view, between mousedown and mouseup: the first click or tap on a map partly on screen
    // landed elsewhere (issue 17). The focus now scrolls nothing.
    L.Map.Keyboard.prototype._onMouseDown = function () {
        if (!this._focused) { this._map._container.focus({preventScroll: true}); }
    };

    var INSET_FONT_PX = {largest: 12, smallest: 7};

    // Inset labels at the largest size, down to the smallest, at which no two of them overlap
    // (zoomed out, or on a narrow map, the boxes' labels ran into each other); all of one size.
    function fitInsetLabels(drawn) {
        var labels = drawn.map(function (inset) { return inset.label.getElement(); });
        var container = labels[0].closest(".leaflet-container");
        function clash() {
            var boxes = labels.map(function (label) { return carte.box(label, container); });
            return boxes.some(function (a, i) {
                return boxes.slice(i + 1).some(function (b) { return carte.overlaps(a, b); });
            });
        }
        var size = INSET_FONT_PX.largest;
        labels.forEach(function (label) { label.style.display = ""; label.style.fontSize = size + "px"; });
        while (size > INSET_FONT_PX.smallest && clash()) {
            size -= 1;
            labels.forEach(function (label) { label.style.fontSize = size + "px"; });
        }
        return !clash();
    }

    // An inset is drawn whole or not at all: its frame, label and outline are hidden while any of
    // them is cut by the map's edge or under a control (a two-region view framed away from the
    // boxes cut four of them at the left edge; the overseas view is fitted clear of the controls),
    // or while the labels cannot be apart.
    function showWholeInsets(map, drawn) {
        var container = map.getContainer(), size = map.getSize();
        var controls = Array.prototype.map.call(container.querySelectorAll(".leaflet-control"), function (c) {
            return carte.box(c, container);
        });
        var outlines = {};
        map.eachLayer(function (layer) {
            var p = layer.feature && layer.feature.properties;
            if (p && p.slug && layer.getElement) { outlines[p.code] = layer; }
        });
        var apart = fitInsetLabels(drawn);
        drawn.forEach(function (inset) {
            var a = map.latLngToContainerPoint(inset.frame.getBounds().getNorthWest());
            var b = map.latLngToContainerPoint(inset.frame.getBounds().getSouthEast());
            var label = inset.label.getElement();
            var parts = [{left: a.x, top: a.y, right: b.x, bottom: b.y}, carte.box(label, container)];
            var whole = apart && parts.every(function (part) {
                return part.left >= 0 && part.top >= 0 && part.right <= size.x && part.bottom <= size.y &&
                    !controls.some(function (control) { return carte.overlaps(part, control); });
            });
            var display = whole ? "" : "none";
            label.style.display = display;
            [inset.frame, outlines[inset.code]].forEach(function (layer) {
                var el = layer && layer.getElement();
                if (el) { el.style.display = display; }
            });
        });
    }

    // The layout of the inset boxes (territoires.insets.LAYOUTS) whose whole map is the largest at the
    // map's size: beside the Hexagone on a wide map, under it on a phone's. Chosen once, at load.
    function largestLayout(map, whole) {
        var bands = carte.controlBands(map), padding = L.point(24, bands.top + bands.bottom + 12);  // as carte.refit
        function zoom(name) { return map.getBoundsZoom(L.latLngBounds(whole[name]), false, padding); }
        return Object.keys(whole).reduce(function (best, name) { return zoom(name) > zoom(best) ? name : best; });
    }

    // spec: {palette: {name: colour}, insets: {layout: [{bounds, anchor, label, code}]}, whole: {layout: bounds},
    //        legend: HTML, attribution: text, frame_title, map_label, named_towns_max}. Called first: the
    //        other parts draw with its palette and layout.
    carte.decorate = function (map, spec) {
        carte.palette = spec.palette;  // the styles have it too, as custom properties in the map's head
        carte.namedMax = spec.named_towns_max;
        // Above the outlines (overlay pane, 400): markers' hit areas, then every dot above every hit
        // area, then the town names; all under the inset labels (marker pane, 600) and tooltips.
        [["laureateHits", 410], ["laureates", 420], ["townNames", 430]].forEach(function (pane) {
            map.createPane(pane[0]).style.zIndex = pane[1];
        });
        var root = document.documentElement;
        var legend = L.control({position: "topright"});
        legend.onAdd = function () {
            var box = L.DomUtil.create("div", "map-legend");
            box.innerHTML = spec.legend;  // made by territoires.mapping from constants, no data in it
            return box;
        };
        legend.addTo(map);
        map.attributionControl.addAttribution(spec.attribution);
        root.lang = "fr";  // the map's own document, inside streamlit-folium's frame
        // The frame's accessible name; Streamlit names it after the component, "streamlit_folium.st_folium".
        if (window.frameElement) { window.frameElement.title = spec.frame_title; }
        var container = map.getContainer();
        container.setAttribute("role", "region");
        container.setAttribute("aria-label", spec.map_label);
        // Leaflet's own controls speak English.
        [[".leaflet-control-zoom-in", "Zoom avant"], [".leaflet-control-zoom-out", "Zoom arrière"]]
            .forEach(function (pair) {
                var button = container.querySelector(pair[0]);
                if (button) { button.title = pair[1]; button.setAttribute("aria-label", pair[1]); }
            });
        carte.wheel(map);
        carte.recentre(map);
        carte.taps(map);
        carte.layout = largestLayout(map, spec.whole);  // once the controls, in its way, are there
        var drawn = spec.insets[carte.layout].map(function (inset) {
            var frame = L.rectangle(inset.bounds, {interactive: false, className: "inset-frame",
                                                   color: spec.palette.region_stroke, weight: 1, dashArray: "4 3",
                                                   fill: false}).addTo(map);
            var label = document.createElement("span");
            label.textContent = inset.label;
            var marker = L.marker(inset.anchor, {interactive: false, keyboard: false,
                                                 icon: L.divIcon({className: "inset-label", html: label,
                                                                  iconSize: null, iconAnchor: [0, 18]})}).addTo(map);
            return {code: inset.code, frame: frame, label: marker};
        });
        function update() {
            showWholeInsets(map, drawn);
            carte.nameTowns(map);  // after the insets: their labels are in the names' way
        }
        map.on("moveend zoomend resize", update);
        // streamlit-folium adds the style sheets with the map: until they are in, the controls are not
        // in their corners and the labels not at their size. Then the view is fitted and drawn again.
        Array.prototype.forEach.call(document.querySelectorAll('link[rel="stylesheet"]'), function (link) {
            if (!link.sheet) {
                link.addEventListener("load", function () { carte.refit(map, false); update(); });
            }
        });
        map.on("zoomstart", function () { map.getPane("townNames").textContent = ""; });
        map.on("popupopen", function (e) {
            var close = e.popup.getElement().querySelector(".leaflet-popup-close-button");
            if (close) { close.title = "Fermer la fiche"; close.setAttribute("aria-label", "Fermer la fiche"); }
        });
    };

    // The wheel scrolls the page, as it does everywhere else on it; the map zooms on an intentional
    // gesture only: Ctrl or ⌘ held (a trackpad's pinch too), or after a click in the map until the
    // pointer leaves it. A plain wheel shows how. Leaflet's own wheel handler stays, and only
    // receives the wheel events it is meant to: the others go on to the page, which scrolls.
    carte.wheel = function (map) {
        var container = map.getContainer(), engaged = false, hidden = null;
        var hint = L.DomUtil.create("div", "map-hint", container);
        hint.setAttribute("role", "status");
        function say(text) {
            hint.textContent = text;
            hint.classList.toggle("map-hint-shown", Boolean(text));
        }
        container.addEventListener("mousedown", function () { engaged = true; say(""); });
        container.addEventListener("mouseleave", function () { engaged = false; });
        document.addEventListener("wheel", function (event) {
            if (engaged || event.ctrlKey || event.metaKey) { return; }
            event.stopPropagation();
            say("Pour zoomer : Ctrl + molette (⌘ + molette sur Mac), les boutons + et −, ou cliquez d'abord dans la carte.");
            window.clearTimeout(hidden);
            hidden = window.setTimeout(function () { say(""); }, 2500);
        }, {capture: true, passive: true});
    };

    // « Recentrer »: back to the framing of the view shown (carte.fit keeps it), after a zoom or a pan.
    carte.recentre = function (map) {
        var control = L.control({position: "topleft"});
        control.onAdd = function () {
            var button = L.DomUtil.create("button", "map-recentre");
            button.type = "button";
            button.textContent = "Recentrer";
            button.title = "Revenir au cadrage de la vue";
            L.DomEvent.disableClickPropagation(button);
            L.DomEvent.on(button, "click", function () { carte.refit(map); });
            return button;
        };
        control.addTo(map);
    };
})(window.carte = window.carte || {});
