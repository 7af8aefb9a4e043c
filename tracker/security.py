"""Security headers on every response, proxy awareness, and sessions that end when idle."""

from flask import Flask, request, session
from werkzeug.middleware.proxy_fix import ProxyFix

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


def init_app(app: Flask) -> None:
    trusted_proxies = app.config["TRUSTED_PROXIES"]
    if trusted_proxies:
        # Believe X-Forwarded-For/-Proto/-Host only from the proxies we were told sit in front.
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies, x_host=trusted_proxies
        )
    app.after_request(add_security_headers)
    app.after_request(keep_session_alive_while_active)


def add_security_headers(response):
    response.headers.update(security_headers(request.is_secure))
    return response


def security_headers(is_secure: bool) -> list[tuple[str, str]]:
    """The headers every response carries; tracker/public/fast_path.py adds them too."""
    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY"),  # for browsers that predate frame-ancestors
    ]
    if is_secure:
        headers.append(("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY))
    return headers


def keep_session_alive_while_active(response):
    """Make every non-empty session permanent, so it expires PERMANENT_SESSION_LIFETIME after
    the last request (Flask re-issues the cookie on each one) rather than never."""
    if session and not session.permanent:
        session.permanent = True
    return response
