"""Single sign-on routes: send the browser to the provider, and take its answer."""

import joserfc.errors
import requests
from authlib.common.errors import AuthlibBaseError
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from tracker.absolute_urls import absolute_url
from tracker.auth.operations import locked_message
from tracker.auth.views import (
    SSO_ID_TOKEN_KEY,
    SSO_SIGN_OUT_KEY,
    home_url,
    safe_next,
    start_session,
)
from tracker.sso.client import enabled, end_session_url, provider
from tracker.sso.operations import record_failed_response, sign_in_with_provider
from tracker.sso.queries import active_administrators
from tracker.unit_of_work import unit_of_work

blueprint = Blueprint("sso", __name__)

NEXT_KEY = "sso_next"
MAX_KEPT_ID_TOKEN = 2500  # characters
# Raised by a callback that proves nothing: a wrong state, a bad or tampered ID token, or an
# error answer from the provider.
FAILED_CALLBACK = (AuthlibBaseError, joserfc.errors.JoseError, KeyError, ValueError)
# Authlib's Flask client keeps each sign-in started in this browser (its state, nonce and PKCE
# verifier) in the session under this prefix followed by the state.
PENDING_SIGN_IN_PREFIX = "_state_oidc_"
# A few tabs may start a sign-in at once; every further start used to add another entry, until
# the cookie outgrew what nginx and browsers accept (a 502 on every page).
MAX_PENDING_SIGN_INS = 3


@blueprint.before_request
def require_single_sign_on():
    if not enabled():
        abort(404)


@blueprint.get("/logg-inn/sso")
def start():
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    # Where to go after the provider's answer; an earlier attempt's target is forgotten.
    session.pop(NEXT_KEY, None)
    target = safe_next(request.args.get("next"))
    if target:
        session[NEXT_KEY] = target
    _forget_older_sign_ins(keep=MAX_PENDING_SIGN_INS - 1)
    try:
        extra = {"acr_values": current_app.config["OIDC_ACR_VALUES"]}
        return provider().authorize_redirect(
            absolute_url("sso.callback"), **{k: v for k, v in extra.items() if v}
        )
    except (requests.RequestException, ValueError, KeyError, RuntimeError) as error:
        current_app.logger.warning("single sign-on: provider unreachable: %s", error)
        return render_template("sso/refused.html", reason="unavailable"), 503


def _forget_older_sign_ins(keep: int) -> None:
    """Drop all but the ``keep`` newest sign-ins started in this browser."""
    pending = [key for key in session if key.startswith(PENDING_SIGN_IN_PREFIX)]
    pending.sort(key=lambda key: _expiry(session[key]))
    for key in pending[: max(0, len(pending) - keep)]:
        session.pop(key)


def _expiry(entry) -> float:
    return entry.get("exp") or 0 if isinstance(entry, dict) else 0


def _started_here(state: str | None) -> bool:
    """Whether ``state`` names a sign-in this browser started (and has not finished)."""
    return bool(state) and PENDING_SIGN_IN_PREFIX + str(state) in session


@blueprint.get("/logg-inn/sso/svar")
def callback():
    if not _started_here(request.args.get("state")):
        # Not the answer to a sign-in started in this browser: an old tab, or a link another
        # site made this browser follow. It proves nothing about anyone, so it is no failed
        # sign-in either: counting it let any web page lock its visitors' address.
        current_app.logger.warning("single sign-on: an answer to no sign-in started here")
        return render_template("sso/refused.html", reason="failed"), 400
    try:
        token = provider().authorize_access_token()
        claims = token.get("userinfo")
        if not claims or "id_token" not in token:
            raise ValueError("the provider answered without an ID token")
        _check_issuer(claims)
    except requests.RequestException as error:
        # The provider is down, not the person at fault: nothing counts against them.
        current_app.logger.warning("single sign-on: provider unreachable: %s", error)
        return render_template("sso/refused.html", reason="unavailable"), 503
    except FAILED_CALLBACK as error:
        current_app.logger.warning("single sign-on refused: %r", error)
        with unit_of_work():
            record_failed_response(type(error).__name__, str(error))
        return render_template("sso/refused.html", reason="failed"), 400

    with unit_of_work():
        attempt = sign_in_with_provider(dict(claims))
    user = attempt.user
    if attempt.refusal is None and user is not None:
        target = session.get(NEXT_KEY)
        start_session(user)
        # The session lives in a cookie (at most about 4 KB): a token bloated with claims
        # (Ansattporten's `groups`) is left out, and sign-out names the client instead.
        id_token = token["id_token"]
        session[SSO_ID_TOKEN_KEY] = id_token if len(id_token) <= MAX_KEPT_ID_TOKEN else ""
        return redirect(target or home_url(user))
    if attempt.refusal == "locked":
        message = locked_message(attempt.wait_seconds)
        response = render_template("sso/refused.html", reason="locked", message=message)
        return response, 429, {"Retry-After": str(attempt.wait_seconds)}
    return render_template(
        "sso/refused.html",
        reason=attempt.refusal,
        email=attempt.email,
        administrators=active_administrators(),
    ), 403


@blueprint.get("/logg-ut/leverandor")
def provider_sign_out():
    """After the local sign-out: on to the provider's end_session_endpoint.

    A page of our own rather than a redirect from the sign-out form, because the
    Content-Security-Policy's form-action 'self' stops a form's redirect to another site.
    It acts only on the ID token the sign-out form (a POST with a CSRF token) handed over: a
    link from another site finds nothing to act on, so it can neither sign the person out at
    the provider nor use up the token their own sign-out needs.
    """
    id_token = session.pop(SSO_SIGN_OUT_KEY, None)
    if id_token is None:
        return redirect(url_for("public.home"))
    target = end_session_url(id_token or None, absolute_url("sso.signed_out"))
    if target is None:
        flash(_("Du er logget ut."), "success")
        return redirect(url_for("public.home"))
    return render_template("sso/signing_out.html", target=target)


@blueprint.get("/logg-ut/ferdig")
def signed_out():
    """Where the provider sends the browser back after ending its session too."""
    flash(_("Du er logget ut."), "success")
    return redirect(url_for("public.home"))


def _check_issuer(claims) -> None:
    # Authlib compares `iss` with the discovery document; this ties that to the configured one.
    configured = current_app.config["OIDC_ISSUER"].rstrip("/")
    if str(claims.get("iss", "")).rstrip("/") != configured:
        raise ValueError(f"ID token from issuer {claims.get('iss')!r}, expected {configured!r}")
