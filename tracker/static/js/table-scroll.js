/* A wide table sits in a region that can be scrolled sideways; the region takes keyboard focus
 * (tabindex="0" in the page) so that it can be scrolled with the arrow keys. When the table fits,
 * that focus stop is in the way: a screen reader moving into the table (Orca's table keys in
 * Chromium) has focus pulled to the region and leaves the table ("Not in a table"). So the region
 * is a focus stop only while it actually scrolls, checked again when the window changes size.
 * Without JavaScript every region stays focusable, as in the page. */
(function () {
  "use strict";
  var regions = document.querySelectorAll(".table-scroll[role='region']");
  if (!regions.length) { return; }

  function update() {
    Array.prototype.forEach.call(regions, function (region) {
      if (region.scrollWidth > region.clientWidth) {
        region.setAttribute("tabindex", "0");
      } else if (region !== document.activeElement) {
        region.removeAttribute("tabindex");
      }
    });
  }

  update();
  window.addEventListener("resize", update);
}());
