"""The status chart: counts per area × status as a plotly figure, and as a PNG for the DOCX.

Free of Flask, so the public page can draw the same figure with plotly.js from
``status_figure(summary)`` while the report gets a picture of it.
"""

import threading

from tracker.export.report_language import _
from tracker.reporting.queries import StatusSummary
from tracker.reporting.states import STATUS_ORDER, Status

# Green, blue and navy like the website's, but far apart in lightness: printed in greyscale
# (or seen without colour vision) the three bars are mid grey, light grey and near black
# (colours.grey_level 108, 190 and 41), and every bar carries its count as a direct label.
STATUS_COLOURS = {
    Status.COMPLETED: "#3C8D40",
    Status.IN_PROGRESS: "#90CAF9",
    Status.NOT_STARTED: "#1E2B3C",
}
# A dark outline keeps the light bar's edge visible on white paper (3:1 for graphics).
BAR_OUTLINE = "#1E2B3C"
PNG_WIDTH, PNG_HEIGHT, PNG_SCALE = 900, 480, 2
# The DOCX shows the picture 15 cm wide: 900 px over 15 cm makes 20 px a 9.45 pt letter.
FONT_SIZE = 20

_server_lock = threading.Lock()


class ChartUnavailable(RuntimeError):
    """The PNG could not be made (no browser, or it failed); the report goes on without it."""


def status_figure(summary: StatusSummary, *, title: str = "") -> dict:
    """A grouped bar chart: one group per area, one bar per status, each bar labelled with its
    count."""
    area_names = [area.name for area in summary.areas]
    data = [
        {
            "type": "bar",
            "name": _(status.label),
            "x": area_names,
            "y": [area.counts[status] for area in summary.areas],
            "text": [str(area.counts[status]) for area in summary.areas],
            "textposition": "outside",
            "marker": {
                "color": STATUS_COLOURS[status],
                "line": {"color": BAR_OUTLINE, "width": 1.5},
            },
        }
        for status in STATUS_ORDER
    ]
    return {
        "data": data,
        "layout": {
            "title": {"text": title} if title else None,
            "barmode": "group",
            "font": {"family": "Arial, Liberation Sans, sans-serif", "size": FONT_SIZE},
            "yaxis": {"title": {"text": _("Antall tiltak")}, "rangemode": "tozero", "dtick": 2},
            "legend": {"orientation": "h", "x": 0, "y": -0.15},
            "margin": {"l": 70, "r": 20, "t": 40 if title else 20, "b": 90},
            "plot_bgcolor": "#ffffff",
            "paper_bgcolor": "#ffffff",
        },
    }


def render_png(figure: dict) -> bytes:
    """The figure as PNG through kaleido's long-lived browser (started once per process)."""
    try:
        import kaleido

        _start_server(kaleido)
        return kaleido.calc_fig_sync(
            figure,
            opts={"format": "png", "width": PNG_WIDTH, "height": PNG_HEIGHT, "scale": PNG_SCALE},
        )
    except Exception as error:  # noqa: BLE001 - any failure of the browser means "no chart"
        raise ChartUnavailable(str(error)) from error


def _start_server(kaleido) -> None:
    # Starting Chromium costs seconds; every later figure costs a fraction of one.
    with _server_lock:
        kaleido.start_sync_server(mathjax=False, silence_warnings=True)


def chart_alt_text(summary: StatusSummary) -> str:
    """What the chart shows, in words: every number in it, for readers who cannot see it."""

    def counts(values: dict[Status, int]) -> str:
        return ", ".join(f"{values[status]} {_(status.label).lower()}" for status in STATUS_ORDER)

    per_area = "; ".join(f"{area.name}: {counts(area.counts)}" for area in summary.areas)
    return _(
        "Stolpediagram over antall tiltak per område og status. %(areas)s. Totalt: %(totals)s."
    ) % {
        "areas": per_area,
        "totals": counts(summary.totals),
    }
