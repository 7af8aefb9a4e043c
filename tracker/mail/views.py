"""The admin's outbox page, and each coordinator's choice about submitted-report e-mail."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField

from tracker.auth.models import Role
from tracker.auth.permissions import role_required
from tracker.mail import queries
from tracker.mail.models import MessageState, SubmissionMail
from tracker.mail.operations import retry_message, set_submission_choice
from tracker.unit_of_work import unit_of_work

blueprint = Blueprint("mail", __name__)


@blueprint.get("/admin/utboks")
@role_required(Role.ADMIN)
def outbox():
    return render_template(
        "mail/outbox.html",
        messages=queries.recent_messages(),
        counts=queries.state_counts(),
        MessageState=MessageState,
    )


@blueprint.post("/admin/utboks/<int:message_id>/prov-igjen")
@role_required(Role.ADMIN)
def retry(message_id: int):
    message = queries.get_message(message_id)
    if message is None:
        abort(404)
    if message.state != MessageState.FAILED:
        flash(_("Bare meldinger som mislyktes, kan sendes på nytt."), "error")
        return redirect(url_for("mail.outbox"))
    with unit_of_work():
        retry_message(message)
    flash(_("Meldingen til %(email)s sendes på nytt.", email=message.recipient), "success")
    return redirect(url_for("mail.outbox"))


class NotificationForm(FlaskForm):
    submissions = RadioField(
        _l("E-post om innsendte rapporter"),
        choices=[(choice.value, _l(choice.label)) for choice in SubmissionMail],
    )


@blueprint.route("/konto/varsler", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def notifications():
    form = NotificationForm()
    if form.validate_on_submit():
        with unit_of_work():
            set_submission_choice(current_user, SubmissionMail(form.submissions.data))
        flash(_("Valget ditt er lagret."), "success")
        return redirect(url_for("mail.notifications"))
    if not form.is_submitted():
        form.submissions.data = queries.submission_choice(current_user).value
    return render_template("mail/notifications.html", form=form), 400 if form.errors else 200
