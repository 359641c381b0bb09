// The region layer: outlines with counted tooltips, and a click reported to Streamlit at once; and
// the map's request for the rest of the page at a session's first run.
// Relies on streamlit-folium's undocumented internals (docs/internals.md): window.__GLOBAL_DATA__,
// its `previous_data`, and the `streamlit:setComponentValue` message its frame posts.
(function (carte) {
    "use strict";

    // spec: {url, labels: {code: {slug, count, label}}, returned: the st_folium returned object's name}.
    // The outlines (100 KB) come from a static file rather than the script, which streamlit-folium
    // sends again at every rerun. Read synchronously, so that the layer exists when streamlit-folium
    // attaches its click handlers, right after the map's script. Their properties get the labels here.
    carte.regions = function (map, spec) {
        var colours = carte.palette;
        var request = new XMLHttpRequest();
        request.open("GET", spec.url, false);
        request.send();
        var outlines = JSON.parse(request.responseText);
        outlines.features = outlines.features.filter(carte.inLayout);
        outlines.features.forEach(function (f) {
            f.properties = Object.assign({code: f.properties.code}, spec.labels[f.properties.code]);
        });
        var layer = L.geoJSON(outlines, {
            style: function (f) {
                return {className: "region" + (f.properties.count ? "" : " region-empty"),
                        color: colours.region_stroke, weight: 1,
                        fillColor: f.properties.count ? colours.region_fill : colours.region_empty_fill,
                        fillOpacity: 1};
            },
            onEachFeature: function (f, region) {
                region.bindTooltip(function () {
                    var span = document.createElement("span");
                    span.textContent = f.properties.label;
                    return span;
                }, {sticky: true});
                // Out of the tab order: keyboard users filter with the « Régions » list, which says the same.
                region.on("add", function () { region.getElement().setAttribute("tabindex", "-1"); });
            }
        }).addTo(map);
        // Clicks number the clicked feature, so that clicking the same region twice still changes
        // what streamlit-folium returns (it only reports values that differ). A new properties
        // object each time: the value streamlit-folium last sent shares the old one.
        var clicks = 0;
        layer.on("click", function (e) {
            clicks += 1;
            e.layer.feature.properties = Object.assign({}, e.layer.feature.properties, {click: clicks});
            // streamlit-folium reports a click 250 ms later (its debounce). Report it now, with the value
            // its handler, which runs next, computes: finding it already sent, that handler sends nothing.
            var state = streamlitFolium(spec.returned);
            if (state) {
                var value = {};
                value[spec.returned] = e.layer.toGeoJSON();
                state[spec.returned] = value[spec.returned];
                state.previous_data = value;
                report(value);
            }
        });
        return layer;
    };

    // streamlit-folium's state in this frame, if it returns what the page expects.
    function streamlitFolium(returned) {
        var state = window.__GLOBAL_DATA__;
        return state && state.returned_objects && state.returned_objects.join() === returned ? state : null;
    }

    function report(value) {
        window.parent.postMessage({isStreamlitMessage: true, type: "streamlit:setComponentValue",
                                   value: value, dataType: "json"}, "*");
    }

    // A session's first run sends the map and little else (carte.page.main): once its laureates
    // are drawn, the map asks for the rest of the page, with the value streamlit-folium last sent,
    // so that the run it starts sees no click; without its state, with the value it starts from.
    // spec: {returned: as carte.regions'}.
    carte.askForPage = function (map, spec) {
        var state = streamlitFolium(spec.returned), start = {};
        start[spec.returned] = null;
        report(state ? state.previous_data : start);
    };
})(window.carte = window.carte || {});
