// The previews: a region chosen in the « Régions » list is drawn before the run that follows.
// The list shows a change 20 to 40 ms after the key or click; the run reaches the map some 200 ms
// later, after the browser has drawn the whole page again. The map shows at once the markers and
// framing that the last run computed for that list (territoires.mapping.selection_previews); this
// only looks them up, in the dataset's markers, a file fetched once. The run then draws the same,
// with the selected outlines. Relies on Streamlit's undocumented markup (docs/internals.md): the
// list is found by its label, each chosen region by the aria-label of its tag. If that markup
// changes, nothing is previewed and the run alone updates the map.
(function (carte) {
    "use strict";

    // What the selection layer leaves for the watcher: its group and the previews of its view.
    carte.setPreviews = function (group, previews) {
        carte.preview = Object.assign({group: group}, previews);
    };

    // spec: {url: the dataset's markers, list_label: the « Régions » list's label}.
    carte.watchPreviews = function (map, spec) {
        var host, features = null;
        try { host = window.parent.document; } catch { return; }  // another origin: no previews
        if (!host || host === document) { return; }
        fetch(spec.url).then(function (response) { return response.json(); })
            .then(function (collection) { features = collection.features; }, function () {});
        function chosen() {
            var input = host.querySelector('input[aria-label="' + spec.list_label + '"]');
            var list = input && input.closest('[data-testid="stMultiSelect"]');
            if (!list) { return null; }
            return Array.prototype.map.call(list.querySelectorAll("[data-tag]"), function (tag) {
                return tag.getAttribute("aria-label");
            }).sort().join("\n");
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
            var key = chosen(), preview = carte.preview;
            if (key === null || key === seen) { return; }
            seen = key;
            if (!features || !preview) { return; }
            var group = preview.group, view = preview.views[key];
            if (key === preview.own.key) {
                // Back to what the layer was drawn for, whose run may never come again (streamlit-folium
                // redraws nothing for a layer it already has): its own markers and outlines.
                if (preview.kept) {
                    swap(group, preview.kept);
                    preview.kept = null;
                    carte.fit(map, preview.own.bounds, false);
                    carte.nameTowns(map);
                }
            } else if (view) {
                var drawn = carte.laureates({type: "FeatureCollection", features: view.markers.map(function (i) {
                    return features[i];
                })});
                var previous = swap(group, [drawn]);
                preview.kept = preview.kept || previous;
                carte.fit(map, view.bounds, false);
                carte.nameTowns(map);
            }
        }
        // In a task of its own: the list sends its value to Streamlit first, from a timer of its own.
        var watcher = new window.parent.MutationObserver(function () { setTimeout(show); });
        watcher.observe(host.body, {childList: true, subtree: true});
        window.addEventListener("pagehide", function () { watcher.disconnect(); });
    };
})(window.carte = window.carte || {});
