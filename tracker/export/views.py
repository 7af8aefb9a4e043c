"""The coordinator's report page: write the round's introduction, queue a build of the report,
follow its progress, and download the DOCX and the PDF (from whichever instance answers)."""

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from tracker.auth.models import Role
from tracker.auth.permissions import role_required
from tracker.export.forms import ReportDownloadForm, RoundIntroForm
from tracker.export.jobs import build_in_background, get_job, queue_report
from tracker.export.jobs import job_file as finished_file
from tracker.export.midterm import (
    DOCX_MIMETYPE,
    PDF_MIMETYPE,
    IntroductionMissing,
    introduction_missing,
)
from tracker.export.office import office_missing_reason
from tracker.export.operations import intro_fingerprint, set_round_intro
from tracker.export.queries import exportable_rounds
from tracker.plan.context import use_plan
from tracker.reporting.permissions import coordinates_round
from tracker.reporting.queries import get_round
from tracker.unit_of_work import on_page, unit_of_work

blueprint = Blueprint("export", __name__, url_prefix="/koordinator/rapport")
MIMETYPES = {"docx": DOCX_MIMETYPE, "pdf": PDF_MIMETYPE}


def _intro_form(reporting_round, formdata=None) -> RoundIntroForm:
    form = RoundIntroForm(prefix=f"{reporting_round.slug}-intro", formdata=formdata)
    if formdata is None:
        form.intro.data = reporting_round.intro or ""
    form.based_on.data = intro_fingerprint(reporting_round.intro)
    return form


def _page(
    submitted: dict | None = None,
    intro_forms: dict | None = None,
    error: str | None = None,
    unsaved_intro: dict | None = None,
):
    rounds = exportable_rounds(current_user.coordinated_plans)
    # One form per round; the prefix keeps the radio buttons' ids apart on the page.
    forms = {r.slug: ReportDownloadForm(prefix=r.slug, formdata=None) for r in rounds}
    forms.update(submitted or {})
    intros = {r.slug: _intro_form(r) for r in rounds}
    intros.update(intro_forms or {})
    return render_template(
        "export/index.html",
        rounds=rounds,
        forms=forms,
        intro_forms=intros,
        error=error,
        unsaved_intro=unsaved_intro or {},
        pdf_missing_reason=office_missing_reason(),
    )


def _round_or_404(slug: str):
    """The round, if this coordinator coordinates its plan: 404 for no such round, 403 for a
    round of another plan."""
    reporting_round = get_round(slug)
    if reporting_round is None:
        abort(404)
    if not coordinates_round(current_user, reporting_round):
        abort(403)
    use_plan(reporting_round.plan)
    return reporting_round


@blueprint.get("/")
@role_required(Role.COORDINATOR)
def index():
    return _page()


@blueprint.post("/<slug>")
@role_required(Role.COORDINATOR)
def download(slug: str):
    reporting_round = _round_or_404(slug)
    form = ReportDownloadForm(prefix=slug)
    if not form.validate():
        error = _("Rapporten ble ikke laget: velg endelig rapport eller utkast og prøv igjen.")
        return _page({slug: form}, error=error), 400
    draft = form.mode.data == "draft"
    if introduction_missing(reporting_round, draft=draft):
        error = _(
            "Den endelige rapporten ble ikke laget: runden «%(round)s» har ingen innledning "
            "ennå. Skriv innledningen under, eller lag et utkast.",
            round=reporting_round.title,
        )
        return _page({slug: form}, error=error), IntroductionMissing.status
    with unit_of_work():
        job = queue_report(
            reporting_round,
            draft=draft,
            include_changes=bool(form.include_changes.data),
            language=form.language.data,
            kind=form.kind.data,
            user=current_user,
        )
    build_in_background(current_app._get_current_object())  # type: ignore[attr-defined]
    return redirect(url_for("export.job", job_id=job.public_id), code=303)


@blueprint.post("/<slug>/innledning")
@role_required(Role.COORDINATOR)
def save_intro(slug: str):
    reporting_round = _round_or_404(slug)
    form = RoundIntroForm(prefix=f"{slug}-intro")
    if not form.validate():
        return _page(intro_forms={slug: form}), 400

    def changed_meanwhile(conflict) -> str:
        # The field shows the text saved meanwhile; the coordinator's own is shown beside it.
        fresh = _intro_form(reporting_round)
        fresh.intro.errors = [conflict.message]
        return _page(intro_forms={slug: fresh}, unsaved_intro={slug: form.intro.data})

    with unit_of_work(on_page(changed_meanwhile)):
        set_round_intro(reporting_round, form.intro.data, form.based_on.data, current_user)
    flash(_("Innledningen er lagret."), "success")
    return redirect(url_for("export.index") + f"#round-{slug}", code=303)


@blueprint.get("/jobb/<job_id>")
@role_required(Role.COORDINATOR)
def job(job_id: str):
    job = get_job(job_id) or abort(404)
    return render_template("export/job.html", job=job)


@blueprint.get("/jobb/<job_id>/status")
@role_required(Role.COORDINATOR)
def job_status(job_id: str):
    job = get_job(job_id) or abort(404)
    # Signed-in responses are never stored (tracker/security.py), so every poll sees the job now.
    # A queued build reads as running: the page waits the same way for both.
    return jsonify(state="running" if job.running else job.state, message=_(job.message))


@blueprint.get("/jobb/<job_id>/<kind>")
@role_required(Role.COORDINATOR)
def job_file(job_id: str, kind: str):
    job = get_job(job_id) or abort(404)
    found = finished_file(job, kind) if kind in MIMETYPES else None
    if found is None:
        abort(404)
    content, name = found
    return send_file(
        io.BytesIO(content),
        mimetype=MIMETYPES[kind],
        as_attachment=True,
        download_name=name,
        max_age=0,
    )
