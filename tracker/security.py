"""Security headers on every response, proxy awareness, and sessions that end when idle."""

from flask import Flask, abort, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter
from werkzeug.wrappers import Request

from tracker import request_guards

# No inline script or style anywhere: templates load JavaScript and CSS from static/ only.
# Designsystemet's CSS draws some icons as data: URIs, hence img-src data:.
# plotly.js appends an empty <style> element and fills it through the CSSOM; the hash of the
# empty string admits exactly that element and no inline style with content.
EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        f"style-src 'self' {EMPTY_STYLE_HASH}",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"
# Set by a page other sites may show in a frame (the embeddable status cards).
EMBEDDABLE_KEY = "tracker.security.embeddable"


def allow_framing() -> None:
    """Called by a view whose page EMBED_ALLOWED_ORIGINS may frame; every other page keeps
    ``frame-ancestors 'none'``."""
    request.environ[EMBEDDABLE_KEY] = True


def embeddable_policy(allowed_origins) -> str:
    ancestors = " ".join(allowed_origins) if allowed_origins else "'none'"
    return CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", f"frame-ancestors {ancestors}")


def init_app(app: Flask) -> None:
    """Last of the WSGI layers: ProxyFix goes around everything, so the page cache and the
    request log see the client's scheme, host and address."""
    trusted_proxies = app.config["TRUSTED_PROXIES"]
    if trusted_proxies:
        # Believe X-Forwarded-For/-Proto/-Host only from the proxies we were told sit in front.
        # Flask's documented way to add WSGI middleware replaces the method on the instance.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies, x_host=trusted_proxies
        )
    request_guards.register(app, refuse_nul_characters)
    app.session_interface = StaticFilesLeaveTheSession()
    app.after_request(add_security_headers)
    app.after_request(keep_session_alive_while_active)
    app.after_request(forbid_storing_signed_in_pages)


# PostgreSQL's INTEGER: every id and measure number in a URL is looked up in such a column, and a
# larger one made the database raise (a 500) instead of finding nothing.
LARGEST_ID = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    """``<int:…>`` that matches only numbers the database can hold; larger ones are a 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=LARGEST_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register_url_converters(app: Flask) -> None:
    """Called before any route is added: rules pick their converter when they are added."""
    app.url_map.converters["int"] = BoundedIntegerConverter


def refuse_nul_characters(incoming: Request) -> None:
    """A NUL character in the path or the query string is never meaningful, and PostgreSQL
    refuses it in any text it is asked to compare: answer 400 before anything looks it up."""
    # In the query string a NUL can only be written %00 (or sent raw): no need to decode it.
    if (
        "\x00" in incoming.path
        or b"%00" in incoming.query_string
        or b"\x00" in incoming.query_string
    ):
        abort(400)


def add_security_headers(response):
    # A page that held a secret (an e-mailed link's token) sets a stricter Referrer-Policy.
    stricter_referrer_policy = response.headers.get("Referrer-Policy")
    response.headers.update(security_headers(request.is_secure))
    if stricter_referrer_policy == "no-referrer":
        response.headers["Referrer-Policy"] = stricter_referrer_policy
    if request.environ.get(EMBEDDABLE_KEY):
        allowed = current_app.config["EMBED_ALLOWED_ORIGINS"]
        response.headers["Content-Security-Policy"] = embeddable_policy(allowed)
        if allowed:  # X-Frame-Options cannot name origins: frame-ancestors alone decides
            del response.headers["X-Frame-Options"]
    return response


def security_headers(is_secure: bool) -> list[tuple[str, str]]:
    """The headers every response carries (a replayed page has them from its recording)."""
    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY"),  # for browsers that predate frame-ancestors
    ]
    if is_secure:
        headers.append(("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY))
    return headers


def forbid_storing_signed_in_pages(response):
    """A page shown to a signed-in person (their drafts, a new one-time password) must not stay
    in a browser's or a proxy's cache after they leave the machine."""
    # Decided without the database: this runs after the view's commit has expired the user
    # row, and when the database is what failed (a 503), reading it again would crash here.
    user = g.get("_login_user")  # set by Flask-Login once the request looked at current_user
    signed_in = user is not None and not user.is_anonymous
    if signed_in or session.get("_user_id"):
        response.cache_control.no_store = True
        response.cache_control.private = True
        response.cache_control.public = False
        response.cache_control.max_age = None
    return response


class StaticFilesLeaveTheSession(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that a static file's answer never sets the cookie.

    Flask re-issues a permanent session's cookie with every answer. A static file the browser
    fetches beside a page (the favicon, a stylesheet) carries the cookie the browser had when it
    asked; answered after the page, it put that older session back. Right after signing out,
    the sign-in form's new CSRF token was lost that way and the sign-in refused as an expired
    form. Pages still renew the cookie, so an active session stays alive."""

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if request.endpoint == "static" and not session.modified:
            return False
        return super().should_set_cookie(app, session)


def keep_session_alive_while_active(response):
    """Make every non-empty session permanent, so it expires PERMANENT_SESSION_LIFETIME after
    the last request (Flask re-issues the cookie on each one) rather than never."""
    if session and not session.permanent:
        session.permanent = True
    return response
