// The page's own script: carte/page.py inlines it in the page at every run; it sets up once.
(function () {
    "use strict";
    // Streamlit's page says lang="en"; the whole page is French, and screen readers read by this.
    document.documentElement.lang = "fr";
    if (window.cartePage) { return; }
    window.cartePage = true;
    // « Passer la carte »: the focus goes to the element the link names (data-target), made focusable
    // for it, so that the next Tab goes on after the map; the address is left as it is.
    document.addEventListener("click", function (event) {
        var link = event.target.closest && event.target.closest("a.skip-link");
        var target = link && document.querySelector(link.dataset.target);
        if (!target) { return; }
        event.preventDefault();
        target.setAttribute("tabindex", "-1");
        target.focus();
        target.scrollIntoView({block: "start"});
    });

    // The table (territoires.exports.table_html): a click on a heading sorts the rows by its column,
    // a second click the other way; numbers as numbers, text as French sorts it. A view's new table,
    // which Streamlit draws anew, is sorted the same way as soon as it is in.
    var order = null;  // {column, descending}
    function orderKey() { return order.column + (order.descending ? "-" : "+"); }
    var collator = new Intl.Collator("fr", {numeric: true, sensitivity: "base"});
    function sortTable(table) {
        var headings = table.tHead.rows[0].cells, body = table.tBodies[0];
        var number = headings[order.column].classList.contains("number");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
            var x = a.cells[order.column].textContent, y = b.cells[order.column].textContent;
            var sign = number ? parseFloat(x) - parseFloat(y) : collator.compare(x, y);
            return order.descending ? -sign : sign;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        Array.prototype.forEach.call(headings, function (heading, i) {
            heading.setAttribute("aria-sort", i !== order.column ? "none" : order.descending ? "descending" : "ascending");
        });
        table.dataset.sorted = orderKey();
    }
    document.addEventListener("click", function (event) {
        var button = event.target.closest && event.target.closest(".laureates-table th button");
        if (!button) { return; }
        var column = button.parentElement.cellIndex;
        order = {column: column, descending: Boolean(order && order.column === column && !order.descending)};
        sortTable(button.closest("table"));
    });
    new window.MutationObserver(function () {
        if (!order) { return; }
        document.querySelectorAll(".laureates-table table").forEach(function (table) {
            if (table.dataset.sorted !== orderKey()) { sortTable(table); }
        });
    }).observe(document.body, {childList: true, subtree: true});

    // Printed, the map's frame keeps the width it has on screen, which page.css scales to the page's:
    // the map's script does not run again for print, so a frame of another width would cut the view.
    // Pinned when printing starts, before Streamlit gives the frame the printed column's width.
    var printMedia = window.matchMedia("print");
    function pinMapWidth(printing) {
        document.querySelectorAll(".st-key-carte iframe").forEach(function (frame) {
            if (!printing) {
                frame.style.removeProperty("--carte-screen-width");
            } else if (!frame.style.getPropertyValue("--carte-screen-width")) {
                frame.style.setProperty("--carte-screen-width", frame.getAttribute("width") + "px");
            }
        });
    }
    window.addEventListener("beforeprint", function () { pinMapWidth(true); });
    window.addEventListener("afterprint", function () { pinMapWidth(printMedia.matches); });
    printMedia.addEventListener("change", function (event) { pinMapWidth(event.matches); });
})();
