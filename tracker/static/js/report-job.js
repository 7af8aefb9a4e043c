/* Follows a report build: asks the server for the job's state every second, shows its message
 * in the page's live region, and reloads the page (which then has the download links) when the
 * build is done or failed. Without JavaScript the page has a link to reload it by hand. */
(function () {
  "use strict";
  var region = document.getElementById("report-job");
  var message = document.getElementById("report-job-message");
  if (!region || !message || !region.getAttribute("data-status-url")) { return; }
  var url = region.getAttribute("data-status-url");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { window.setTimeout(poll, 3000); return; }
        if (message.textContent !== job.message) { message.textContent = job.message; }
        if (job.state === "running") { window.setTimeout(poll, 1000); }
        else { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
}());
