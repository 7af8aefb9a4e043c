"""«Glemt passord?» and the pages the e-mailed links open."""

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from tracker.account_links.forms import ForgotPasswordForm, SetPasswordForm
from tracker.account_links.operations import request_password_reset, set_password_from_link
from tracker.account_links.tokens import INVITATION, PASSWORD_RESET, LinkError, read_token
from tracker.auth.operations import AccountError
from tracker.auth.views import SIGN_IN_EMAIL
from tracker.unit_of_work import on_form, on_page, refusals_shown, unit_of_work

blueprint = Blueprint("account_links", __name__)


@blueprint.route("/glemt-passord", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        with unit_of_work():
            request_password_reset(form.email.data)
        # The same answer whether or not the address has an account.
        return render_template("account_links/reset_requested.html", email=form.email.data)
    return render_template(
        "account_links/forgot_password.html", form=form
    ), 400 if form.errors else 200


# The e-mailed link carries its token in the path. The first request moves it into the session
# and sends the browser on to an address without it, so the token is not in the next request
# lines, the browser's history or any Referer; the request log redacts it from that first one
# (tracker/request_log.py). Links mailed before this change keep working: GET and POST alike.
LINK_PAGES = {
    INVITATION: "account_links.invitation_form",
    PASSWORD_RESET: "account_links.reset_form",
}


@blueprint.route("/velkommen/<token>", methods=["GET", "POST"])
def invitation(token: str):
    return _take_token(token, INVITATION)


@blueprint.route("/nytt-passord/<token>", methods=["GET", "POST"])
def reset(token: str):
    return _take_token(token, PASSWORD_RESET)


@blueprint.route("/velkommen", methods=["GET", "POST"])
def invitation_form():
    return _set_password(session.get(_session_key(INVITATION), ""), INVITATION)


@blueprint.route("/nytt-passord", methods=["GET", "POST"])
def reset_form():
    return _set_password(session.get(_session_key(PASSWORD_RESET), ""), PASSWORD_RESET)


def _session_key(purpose: str) -> str:
    return f"account_link_{purpose}"


def _take_token(token: str, purpose: str):
    if request.method == "POST":  # a form from a page rendered before the token moved
        return _set_password(token, purpose)
    with refusals_shown(on_page(_link_error_page)):
        read_token(token, purpose)
    session[_session_key(purpose)] = token
    return redirect(url_for(LINK_PAGES[purpose]), 303)


def _link_error_page(error) -> str:
    return render_template("account_links/link_error.html", error=error.message)


def _set_password(token: str, purpose: str):
    # A link that is tampered with, used or expired gets its own page (410 Gone).
    with refusals_shown(on_page(_link_error_page)):
        user = read_token(token, purpose)
    form = SetPasswordForm()

    def page() -> str:
        return render_template(
            "account_links/set_password.html", form=form, user=user, purpose=purpose
        )

    if not form.validate_on_submit():
        return page(), 400 if form.errors else 200
    refused = {
        LinkError: on_page(_link_error_page),
        AccountError: on_form(form, page, "new_password"),
    }
    with unit_of_work(refused):
        set_password_from_link(token, purpose, form.new_password.data)
    if current_user.is_authenticated:
        logout_user()  # whoever was signed in here, the link's owner signs in next
    session.pop(_session_key(purpose), None)
    session[SIGN_IN_EMAIL] = user.email
    flash(
        _("Passordet er lagret. Logg inn med det nye passordet."),
        "success",
    )
    return redirect(url_for("auth.login"))


@blueprint.after_request
def _no_referrer(response):
    """Nothing loaded from a page that may have held a token says where it came from."""
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
