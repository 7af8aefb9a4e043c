/* The signed-in forms' helpers, all progressive: without JavaScript every form still works.
 * - After a refused submit, focus goes to the error summary, whose links focus their field.
 * - Leaving a form with unsaved changes asks first.
 * - The report form keeps what was typed in this tab until a page shows it saved (or the
 *   server re-shows it: a refused save, a conflict), so a save refused because the session
 *   expired loses nothing: after signing in, it is put back.
 * - The narrative shows its length against the limit; a screen reader hears it when typing
 *   pauses. */
(function () {
  "use strict";
  var DRAFT_PREFIX = "tracker-draft:";
  var DRAFT_MAX_AGE_MS = 24 * 60 * 60 * 1000;

  function focusErrorSummary() {
    var summary = document.querySelector(".ds-error-summary");
    if (!summary) { return; }
    summary.focus();
    Array.prototype.forEach.call(summary.querySelectorAll("a[href^='#']"), function (link) {
      link.addEventListener("click", function (event) {
        var field = document.getElementById(link.getAttribute("href").slice(1));
        if (!field) { return; }
        event.preventDefault();
        field.scrollIntoView({ block: "center" });
        field.focus();
      });
    });
  }

  var dirty = false;
  function warnBeforeLeaving() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-warn-unsaved]"), function (form) {
      form.addEventListener("input", function () { dirty = true; });
      form.addEventListener("change", function () { dirty = true; });
      form.addEventListener("submit", function () { dirty = false; });
    });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty) { return; }
      event.preventDefault();
      event.returnValue = "";  // older browsers need a value to show their own warning
    });
  }

  function readFields(form) {
    var checked = form.querySelector("input[name='status']:checked");
    return {
      status: checked ? checked.value : "",
      narrative: form.elements.narrative ? form.elements.narrative.value : "",
      version: form.elements.version ? form.elements.version.value : ""
    };
  }

  function storage() {
    try { return window.sessionStorage; } catch (error) { return null; }
  }

  function keepDrafts() {
    var store = storage();
    var holder = document.querySelector("[data-draft-key]");
    if (!store || !holder) { return; }
    var key = DRAFT_PREFIX + holder.getAttribute("data-draft-key");
    var form = holder.querySelector("form[data-keep-draft]");
    var saved = null;
    try { saved = JSON.parse(store.getItem(key) || "null"); } catch (error) { saved = null; }
    if (!form) {
      store.removeItem(key);  // the report cannot be edited now: nothing to put back
      return;
    }
    var shown = readFields(form);
    if (holder.hasAttribute("data-draft-posted")) {
      store.removeItem(key);  // the server re-showed what was sent (refused or a conflict)
    } else if (saved && (Date.now() - saved.at > DRAFT_MAX_AGE_MS ||
        (saved.narrative === shown.narrative && saved.status === shown.status))) {
      store.removeItem(key);  // the page already shows it: it was saved (or refused visibly)
    } else if (saved) {
      form.elements.narrative.value = saved.narrative;
      var radio = form.querySelector("input[name='status'][value='" + saved.status + "']");
      if (radio) { radio.checked = true; }
      // The version it was typed on: if someone saved since, the save shows the conflict page.
      if (form.elements.version && saved.version) { form.elements.version.value = saved.version; }
      var notice = document.createElement("div");
      notice.className = "ds-alert";
      notice.setAttribute("data-color", "warning");
      notice.setAttribute("role", "status");
      notice.id = "restored-draft";
      var text = document.createElement("p");
      text.className = "ds-paragraph";
      text.textContent = form.getAttribute("data-restored-text");
      notice.appendChild(text);
      form.parentNode.insertBefore(notice, form);
      dirty = true;
    }
    form.addEventListener("submit", function () {
      var fields = readFields(form);
      fields.at = Date.now();
      try { store.setItem(key, JSON.stringify(fields)); } catch (error) { /* storage full */ }
    });
  }

  function countCharacters() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-count-for]"), function (output) {
      var field = document.getElementById(output.getAttribute("data-count-for"));
      if (!field) { return; }
      var limit = field.getAttribute("data-count-limit");
      var template = field.getAttribute("data-count-template");
      var announcer = document.querySelector("[data-count-announce-for='" + field.id + "']");
      var pause = null;
      function count() {
        return template.replace("{count}", field.value.length).replace("{limit}", limit);
      }
      function update() {
        output.textContent = count();
        if (!announcer) { return; }
        // A polite live region is read each time it changes: only when typing pauses.
        window.clearTimeout(pause);
        pause = window.setTimeout(function () { announcer.textContent = count(); }, 1000);
      }
      output.textContent = count();
      output.hidden = false;
      field.addEventListener("input", update);
    });
  }

  warnBeforeLeaving();
  keepDrafts();
  countCharacters();
  focusErrorSummary();
}());
