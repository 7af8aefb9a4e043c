"""The public, read-only pages: only what the coordinator has published."""
from flask import Blueprint, render_template

from tracker.measures.queries import areas_with_measures
from tracker.reporting.queries import latest_published_round, reports_by_measure, status_summary

blueprint = Blueprint("public", __name__)


@blueprint.get("/")
def index():
    reporting_round = latest_published_round()
    reports = reports_by_measure(reporting_round) if reporting_round else {}
    summary = status_summary(reporting_round) if reporting_round else None
    return render_template(
        "public/index.html",
        reporting_round=reporting_round,
        reports=reports,
        summary=summary,
        areas=areas_with_measures(),
    )
