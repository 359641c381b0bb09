// The marker and popup kit: how a set of laureates is drawn, and how a selection is framed.
// Used by each selection layer and by the previews. Markers are SVG circles (no image to host);
// overseas ones are larger with a dashed ring, so that colour is never the only cue. Tooltips and
// popups are built from text nodes, so that text from the data is never read as markup.
(function (carte) {
    "use strict";

    carte.palette = {};  // set by carte.decorate, from the Python palette (territoires.mapping.PALETTE)

    // Whether a feature is drawn in the layout of the inset boxes carte.decorate chose: an overseas
    // outline comes once per layout (territoires.mapping._outline_features).
    carte.inLayout = function (f) {
        return !f.properties.layout || f.properties.layout === carte.layout;
    };

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

    var DOT_RADIUS = {metropole: 6, overseas: 7}, RING = 2;
    var HIT_RADIUS = 12;  // a 24 × 24 px target (WCAG 2.2, 2.5.8) around a dot of 14 to 16 px

    // A GeoJSON layer of laureate markers (features made by territoires.mapping.with_markers). Each
    // marker is its dot and, under every dot, a larger invisible circle that takes clicks too.
    carte.laureates = function (collection) {
        var colours = carte.palette;
        return L.geoJSON(collection, {
            pointToLayer: function (f, latlng) {
                var overseas = f.properties.overseas, placed = f.properties.placed;
                if (placed) { latlng = L.latLng(placed[carte.layout][1], placed[carte.layout][0]); }
                var radius = overseas ? DOT_RADIUS.overseas : DOT_RADIUS.metropole;
                var hit = L.circleMarker(latlng, {radius: HIT_RADIUS, stroke: false, fillOpacity: 0,
                                                  pane: "laureateHits", className: "laureate-hit"});
                var dot = L.circleMarker(latlng, {
                    radius: radius, weight: RING, color: colours.marker_ring, dashArray: overseas ? "3 2" : null,
                    fillColor: overseas ? colours.overseas : colours.metropole, fillOpacity: 1,
                    pane: "laureates", className: overseas ? "laureate laureate-overseas" : "laureate"});
                dot.feature = f;
                var marker = L.featureGroup([hit, dot]);
                marker.carteDot = dot;
                return marker;
            },
            onEachFeature: function (f, layer) {
                var p = f.properties, dot = layer.carteDot;
                // Above the dot and its focus ring (3 px, 2 px away), which a tooltip on its right hid.
                layer.bindTooltip(function () { return el("span", p.town); },
                                  {direction: "top", offset: [0, -(dot.getRadius() + RING + 8)]});
                // Keyboard access: each marker is a button in the tab order; Enter or Space opens its
                // popup, Escape closes it (Leaflet's own Escape only works while the map itself has the focus).
                dot.on("add", function () {
                    var path = dot.getElement();
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

    // A tap inside a marker's hit circle but off its dot: the pointer events name the marker, then
    // Chromium's touch adjustment sends the click to the element whose box covers most of the finger's
    // area, a region's outline, which filtered the region instead. Such a click goes to the marker the
    // tap's pointerup named, before Leaflet (listening on the container, bubbling) sees it.
    carte.taps = function (map) {
        var container = map.getContainer(), tapped = null;
        function isMarker(el) {
            return el.classList.contains("laureate-hit") || el.classList.contains("laureate");
        }
        container.addEventListener("pointerup", function (event) {
            tapped = event.pointerType === "touch" && isMarker(event.target) ? event.target : null;
        }, true);
        container.addEventListener("click", function (event) {
            var target = tapped;
            tapped = null;
            if (!target || target === event.target || !target.isConnected) { return; }
            event.stopPropagation();
            target.dispatchEvent(new window.MouseEvent("click", {bubbles: true, cancelable: true, view: window,
                                                          clientX: event.clientX, clientY: event.clientY}));
        }, true);
    };

    function overlaps(a, b) {
        return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    }

    // A box of `el` in the map container's coordinates.
    carte.box = function (el, container) {
        var r = el.getBoundingClientRect(), origin = container.getBoundingClientRect();
        return {left: r.left - origin.left, top: r.top - origin.top, right: r.right - origin.left,
                bottom: r.bottom - origin.top};
    };
    carte.overlaps = overlaps;

    // Where a name may go around its marker, by preference: right, left, above, below, then the diagonals.
    var AROUND = [[1, 0], [-1, 0], [0, -1], [0, 1], [0.7, -0.7], [0.7, 0.7], [-0.7, -0.7], [-0.7, 0.7]];
    var NAME_GAP = 3;

    // Town names drawn beside their markers when few towns are shown (carte.namedMax, from
    // territoires.mapping.NAMED_TOWNS_MAX): each in the first position around its marker that lies
    // inside the map, clear of the markers, of the names already placed, of the controls and of the
    // inset labels. A name with no such position stays in the marker's tooltip only.
    carte.nameTowns = function (map) {
        var pane = map.getPane("townNames"), container = map.getContainer(), size = map.getSize();
        pane.textContent = "";
        var dots = [];
        map.eachLayer(function (layer) { if (layer.carteDot) { dots.push(layer.carteDot); } });
        if (!dots.length || dots.length > carte.namedMax) { return; }
        var taken = Array.prototype.map.call(
            container.querySelectorAll(".leaflet-control, .inset-label"), function (el) { return carte.box(el, container); }
        ).filter(function (b) { return b.right > b.left; });
        dots.forEach(function (dot) {
            var c = map.latLngToContainerPoint(dot.getLatLng()), r = dot.getRadius() + RING;
            taken.push({left: c.x - r, top: c.y - r, right: c.x + r, bottom: c.y + r});
        });
        dots.forEach(function (dot) {
            var name = el("span", dot.feature.properties.town, "town-name");
            name.setAttribute("aria-hidden", "true");  // the marker's own label says it
            pane.appendChild(name);
            var w = name.offsetWidth, h = name.offsetHeight, reach = dot.getRadius() + RING + NAME_GAP;
            var c = map.latLngToContainerPoint(dot.getLatLng());
            var free = null;
            AROUND.some(function (d) {
                var left = c.x + d[0] * reach + (d[0] > 0 ? 0 : d[0] < 0 ? -w : -w / 2);
                var top = c.y + d[1] * reach + (d[1] > 0 ? 0 : d[1] < 0 ? -h : -h / 2);
                var box = {left: left, top: top, right: left + w, bottom: top + h};
                var inside = box.left >= 0 && box.top >= 0 && box.right <= size.x && box.bottom <= size.y;
                if (inside && !taken.some(function (t) { return overlaps(box, t); })) { free = box; }
                return free !== null;
            });
            if (!free) { pane.removeChild(name); return; }
            taken.push(free);
            L.DomUtil.setPosition(name, map.containerPointToLayerPoint([free.left, free.top]));
        });
    };

    // Fitted in the browser, which knows the map's real size (a phone's or a wide screen's), to the
    // framing of the layout drawn (`framings`: {layout: bounds}). The framing is kept for « Recentrer ».
    carte.fit = function (map, framings, animate) {
        map.carteFraming = framings[carte.layout];
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
            var box = control.getBoundingClientRect();
            placed = placed && area.bottom - box.bottom < area.height / 2;
            bottom = Math.max(bottom, area.bottom - box.top);
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
        carte.nameTowns(group._map);
    };

    carte.showSelected = function (group, collection) {
        group.selected = L.geoJSON(collection, {
            interactive: false, filter: carte.inLayout,
            style: {className: "region-selected", color: carte.palette.selected_stroke, weight: 3,
                    dashArray: "8 4", fill: false}
        }).addTo(group);
    };
})(window.carte = window.carte || {});
