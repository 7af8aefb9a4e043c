"""The coordinator's report page: choose a round, final or draft, and download the DOCX."""

import io

from flask import Blueprint, abort, render_template, send_file
from flask_babel import gettext as _

from tracker.auth.models import Role
from tracker.auth.permissions import role_required
from tracker.export.forms import ReportDownloadForm
from tracker.export.midterm import DOCX_MIMETYPE, export_midterm_report
from tracker.export.queries import exportable_rounds
from tracker.reporting.queries import get_round

blueprint = Blueprint("export", __name__, url_prefix="/koordinator/rapport")


def _page(submitted: dict[str, ReportDownloadForm] | None = None, error: str | None = None):
    rounds = exportable_rounds()
    # One form per round; the prefix keeps the radio buttons' ids apart on the page.
    forms = {r.slug: ReportDownloadForm(prefix=r.slug, formdata=None) for r in rounds}
    forms.update(submitted or {})
    return render_template("export/index.html", rounds=rounds, forms=forms, error=error)


@blueprint.get("/")
@role_required(Role.COORDINATOR)
def index():
    return _page()


@blueprint.post("/<slug>")
@role_required(Role.COORDINATOR)
def download(slug: str):
    reporting_round = get_round(slug)
    if reporting_round is None:
        abort(404)
    form = ReportDownloadForm(prefix=slug)
    if not form.validate():
        error = _("Rapporten ble ikke laget: velg endelig rapport eller utkast og prøv igjen.")
        return _page({slug: form}, error), 400
    report = export_midterm_report(
        reporting_round,
        draft=form.mode.data == "draft",
        include_changes=form.include_changes.data,
    )
    return send_file(
        io.BytesIO(report.content),
        mimetype=DOCX_MIMETYPE,
        as_attachment=True,
        download_name=report.filename,
        max_age=0,
    )
