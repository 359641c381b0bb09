// The marker and popup kit: how a set of laureates is drawn, and how a selection is framed.
// Used by each selection layer and by the previews. Markers are SVG circles (no image to host);
// overseas ones are larger with a dashed ring, so that colour is never the only cue. Tooltips and
// popups are built from text nodes, so that text from the data is never read as markup.
(function (carte) {
    "use strict";

    carte.palette = {};  // set by carte.decorate, from the Python palette (territoires.mapping.PALETTE)

    function el(tag, text, cls) {
        var node = document.createElement(tag);
        if (text !== undefined) { node.textContent = text; }
        if (cls) { node.className = cls; }
        return node;
    }

    function popup(p) {
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
    }

    // Before a popup opens: the map pans it below the controls of the top corners (zoom, legend,
    // « Recentrer ») and above the attribution, which covered its name and close button on a phone.
    function clearOfControls(layer) {
        var map = layer._map, popup = layer.getPopup();
        if (!map || !popup) { return; }
        var bands = carte.controlBands(map);
        popup.options.autoPanPaddingTopLeft = L.point(8, bands.top + 8);
        popup.options.autoPanPaddingBottomRight = L.point(8, bands.bottom + 8);
    }

    // A GeoJSON layer of laureate markers (features made by territoires.mapping.with_markers).
    carte.laureates = function (collection) {
        var colours = carte.palette;
        return L.geoJSON(collection, {
            pointToLayer: function (f, latlng) {
                var overseas = f.properties.overseas;
                return L.circleMarker(latlng, {
                    radius: overseas ? 7 : 6, weight: 2, color: colours.marker_ring, dashArray: overseas ? "3 2" : null,
                    fillColor: overseas ? colours.overseas : colours.metropole, fillOpacity: 1,
                    className: overseas ? "laureate laureate-overseas" : "laureate"});
            },
            onEachFeature: function (f, layer) {
                var p = f.properties;
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
                            clearOfControls(layer);
                            layer.openPopup();
                        } else if (event.key === "Escape") {
                            layer.closePopup();
                        }
                    });
                });
                layer.on("click", function () { clearOfControls(layer); });  // before the popup's own
                layer.bindPopup(function () { return popup(p); });
            }
        });
    };

    // Fitted in the browser, which knows the map's real size (a phone's or a wide screen's). The
    // framing is kept for « Recentrer ».
    carte.fit = function (map, bounds, animate) {
        map.carteFraming = bounds;
        carte.refit(map, animate);
    };

    // The bands the controls take at the map's top (zoom, « Recentrer », legend) and bottom
    // (attribution). Before Leaflet's styles apply (the first fit may come first), the controls are
    // not in their corners yet: typical bands then.
    carte.controlBands = function (map) {
        var container = map.getContainer(), area = container.getBoundingClientRect(), top = 0, bottom = 0;
        var placed = true;
        container.querySelectorAll(".leaflet-top .leaflet-control").forEach(function (control) {
            var box = control.getBoundingClientRect();
            placed = placed && box.top - area.top < area.height / 2;
            top = Math.max(top, box.bottom - area.top);
        });
        container.querySelectorAll(".leaflet-bottom .leaflet-control").forEach(function (control) {
            bottom = Math.max(bottom, area.bottom - control.getBoundingClientRect().top);
        });
        return placed ? {top: top, bottom: bottom} : {top: 60, bottom: 24};
    };

    // A run's framing (territoires.mapping.selection_layer): applied when it differs from the last
    // run's, so that a rerun which frames the same (the background turned on) keeps the user's zoom.
    carte.frame = function (map, spec) {
        var key = JSON.stringify(spec);
        if (map.carteFrameKey === key) { return; }
        map.carteFrameKey = key;
        carte.fit(map, spec.bounds);
    };

    // Clear of the controls' bands.
    carte.refit = function (map, animate) {
        var bands = carte.controlBands(map), top = bands.top, bottom = bands.bottom;
        map.fitBounds(map.carteFraming, {paddingTopLeft: [12, top + 6], paddingBottomRight: [12, bottom + 6],
                                         maxZoom: 9, animate: animate});
    };

    // The selection layer's parts (territoires.mapping.selection_layer), kept on the group so that
    // the previews can swap them.
    carte.showLaureates = function (group, collection) {
        group.laureates = carte.laureates(collection).addTo(group);
    };

    carte.showSelected = function (group, collection) {
        group.selected = L.geoJSON(collection, {
            interactive: false,
            style: {className: "region-selected", color: carte.palette.selected_stroke, weight: 3,
                    dashArray: "8 4", fill: false}
        }).addTo(group);
    };
})(window.carte = window.carte || {});
