/* Draws the status-per-area chart from the numbers in its table.
 * The table is the source: without JavaScript (or plotly) the reader still has every number,
 * and the chart can never show a number the table does not. */
(function () {
  "use strict";
  var COLORS = {
    completed: "--ds-color-success-base-default",
    in_progress: "--ds-color-info-base-default",
    not_started: "--ds-color-neutral-base-default",
    not_reported: "--ds-color-warning-base-default"
  };

  function cssColor(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#555";
  }

  function tableData(table) {
    var statuses = Array.prototype.map.call(table.querySelectorAll("thead th[data-status]"), function (th) {
      return { key: th.getAttribute("data-status"), label: th.textContent.trim() };
    });
    var rows = Array.prototype.map.call(table.querySelectorAll("tbody tr"), function (tr) {
      return {
        area: tr.querySelector("th").textContent.trim(),
        values: Array.prototype.map.call(tr.querySelectorAll("td[data-value]"), function (td) {
          return Number(td.getAttribute("data-value"));
        })
      };
    });
    return { statuses: statuses, rows: rows.reverse() };  // plotly draws the first row at the bottom
  }

  function draw(container) {
    var table = document.getElementById(container.getAttribute("data-chart-table"));
    if (!table || typeof Plotly === "undefined") { return; }
    var data = tableData(table);
    var traces = data.statuses.map(function (status, column) {
      return {
        type: "bar",
        orientation: "h",
        name: status.label,
        y: data.rows.map(function (row) { return row.area; }),
        x: data.rows.map(function (row) { return row.values[column]; }),
        text: data.rows.map(function (row) { return row.values[column] || ""; }),
        textposition: "inside",
        insidetextanchor: "middle",
        marker: { color: cssColor(COLORS[status.key]) }
      };
    });
    container.hidden = false;
    Plotly.newPlot(container, traces, {
      barmode: "stack",
      font: { family: getComputedStyle(document.body).fontFamily, size: 14 },
      legend: { orientation: "h", y: -0.15, traceorder: "normal" },
      margin: { l: 10, r: 10, t: 10, b: 10 },
      xaxis: { dtick: 1, showgrid: true, fixedrange: true },
      yaxis: { automargin: true, fixedrange: true },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)"
    }, { staticPlot: true, responsive: true, displayModeBar: false });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-chart-table]"), draw);
}());
