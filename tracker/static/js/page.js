/* Every page's helpers for keyboard and screen-reader users, all progressive: without
 * JavaScript the page works as written (docs/accessibility.md, «Screen reader»).
 *
 * Orca in Chromium lost its place at the first table key on a page: when the reading position
 * moves into a table, Chromium gives focus to the nearest focusable ancestor, and Orca follows
 * focus out of the table ("Not in a table"). So no ancestor of the content is focusable when it
 * need not be:
 * - A wide table sits in a region that can be scrolled sideways; the region takes keyboard focus
 *   (tabindex="0" in the page) so that it can be scrolled with the arrow keys. It stays a focus
 *   stop only while it actually scrolls, checked again when the window changes size.
 * - <main> is focusable only while the skip link has put focus there, so that the next Tab
 *   starts in the content in every browser. */
(function () {
  "use strict";

  function tableRegions() {
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
  }

  function skipLink() {
    var link = document.querySelector("a.skip-link[href^='#']");
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!target) { return; }
    link.addEventListener("click", function () {
      target.setAttribute("tabindex", "-1");
      target.focus();
      target.addEventListener("blur", function () {
        target.removeAttribute("tabindex");
      }, { once: true });
    });
  }

  tableRegions();
  skipLink();
}());
