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
        carte.wheel(map);
        carte.recentre(map);
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
