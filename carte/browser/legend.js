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

    // spec: {palette: {name: colour}, insets: [{bounds, anchor, label}], legend: HTML, attribution: text,
    //        frame_title, map_label}. Called first: the other parts draw with the palette.
    carte.decorate = function (map, spec) {
        carte.palette = spec.palette;  // the styles have it too, as custom properties in the map's head
        var root = document.documentElement;
        spec.insets.forEach(function (inset) {
            L.rectangle(inset.bounds, {interactive: false, className: "inset-frame", color: spec.palette.region_stroke,
                                       weight: 1, dashArray: "4 3", fill: false}).addTo(map);
            var label = document.createElement("span");
            label.textContent = inset.label;
            L.marker(inset.anchor, {interactive: false, keyboard: false,
                                    icon: L.divIcon({className: "inset-label", html: label,
                                                     iconSize: null, iconAnchor: [0, 18]})}).addTo(map);
        });
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
        map.on("popupopen", function (e) {
            var close = e.popup.getElement().querySelector(".leaflet-popup-close-button");
            if (close) { close.title = "Fermer la fiche"; close.setAttribute("aria-label", "Fermer la fiche"); }
        });
    };
})(window.carte = window.carte || {});
