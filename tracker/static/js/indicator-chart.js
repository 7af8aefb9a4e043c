/* Draws each indicator's chart from the numbers in its table: the reported values as a line,
 * the target (and the baseline) as dashed lines. The table is the source, so the chart never
 * shows a number the table does not, and a reader without JavaScript has them all. */
(function () {
  "use strict";

  function cssColor(name, fallback) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
  }

  function level(value, label, color) {
    return {
      type: "scatter", mode: "lines", name: label, hoverinfo: "skip",
      x: [0, 1], xaxis: "x2", y: [value, value],
      line: { dash: "dash", width: 2, color: color }
    };
  }

  function draw(container) {
    var table = document.getElementById(container.getAttribute("data-indicator-table"));
    if (!table || typeof Plotly === "undefined") { return; }
    var rows = table.querySelectorAll("tbody tr.reported");
    var labels = [], values = [];
    Array.prototype.forEach.call(rows, function (row) {
      labels.push(row.getAttribute("data-label"));
      values.push(Number(row.getAttribute("data-value")));
    });
    var traces = [{
      type: "scatter", mode: "lines+markers+text", name: table.caption ? table.caption.textContent.trim() : "",
      x: labels, y: values, text: values.map(function (v) { return v.toLocaleString("nb-NO"); }),
      textposition: "top center", marker: { size: 10, color: cssColor("--ds-color-accent-base-default", "#0062ba") },
      line: { width: 3, color: cssColor("--ds-color-accent-base-default", "#0062ba") }
    }];
    if (table.hasAttribute("data-target")) {
      traces.push(level(Number(table.getAttribute("data-target")), table.getAttribute("data-target-label"),
        cssColor("--ds-color-success-base-default", "#068718")));
    }
    container.hidden = false;
    Plotly.newPlot(container, traces, {
      font: { family: getComputedStyle(document.body).fontFamily, size: 14 },
      showlegend: false,
      height: 260,
      margin: { l: 50, r: 10, t: 20, b: 40 },
      xaxis: { type: "category", fixedrange: true },
      xaxis2: { overlaying: "x", range: [0, 1], visible: false, fixedrange: true },
      yaxis: { rangemode: "tozero", fixedrange: true, separatethousands: true },
      separators: ", ",
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)"
    }, { staticPlot: true, responsive: true, displayModeBar: false });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-indicator-table]"), draw);
}());
