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
