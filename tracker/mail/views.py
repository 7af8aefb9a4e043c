"""The admin's outbox page, and each person's choice about e-mail: a coordinator's about
submitted reports, a contact person's about approvals and returns."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice

from tracker.auth.models import Role
from tracker.auth.permissions import role_required
from tracker.mail import queries
from tracker.mail.models import DecisionMail, MessageState, SubmissionMail
from tracker.mail.operations import retry_message, set_decision_choice, set_submission_choice
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
    """A coordinator's choice about submitted reports."""

    submissions = RadioField(
        _l("E-post om innsendte rapporter"),
        choices=[SelectChoice(choice.value, _l(choice.label)) for choice in SubmissionMail],
    )


class DecisionNotificationForm(FlaskForm):
    """A contact person's choice about the coordinator's approvals and returns."""

    decisions = RadioField(
        _l("E-post om godkjente og tilbakesendte rapporter"),
        choices=[SelectChoice(choice.value, _l(choice.label)) for choice in DecisionMail],
    )


@blueprint.route("/konto/varsler", methods=["GET", "POST"])
@role_required(Role.COORDINATOR, Role.CONTACT)
def notifications():
    if current_user.role == Role.CONTACT:
        return _contact_notifications()
    form = NotificationForm()
    if form.validate_on_submit():
        with unit_of_work():
            set_submission_choice(current_user, SubmissionMail(form.submissions.data))
        flash(_("Valget ditt er lagret."), "success")
        return redirect(url_for("mail.notifications"))
    if not form.is_submitted():
        form.submissions.data = queries.submission_choice(current_user).value
    return render_template("mail/notifications.html", form=form), 400 if form.errors else 200


def _contact_notifications():
    form = DecisionNotificationForm()
    if form.validate_on_submit():
        with unit_of_work():
            set_decision_choice(current_user, DecisionMail(form.decisions.data))
        flash(_("Valget ditt er lagret."), "success")
        return redirect(url_for("mail.notifications"))
    if not form.is_submitted():
        form.decisions.data = queries.decision_choice(current_user).value
    page = render_template("mail/notifications.html", form=form, field=form.decisions)
    return page, 400 if form.errors else 200
