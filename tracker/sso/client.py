"""The OpenID Connect client (Authlib's Flask client), one per app.

Authorization code flow with PKCE (S256), ``state`` and ``nonce``; endpoints and signing keys
come from the issuer's discovery document, fetched on first use, so the app starts even when
the provider cannot be reached.
"""

from flask import Flask, current_app
from flask_babel import gettext

EXTENSION_KEY = "tracker.sso"
PUBLIC_CLIENT = {"token_endpoint_auth_method": "none"}  # nosec B105
# Seconds to wait for the provider's discovery document, keys and token endpoint.
PROVIDER_TIMEOUT = 10


def init_app(app: Flask) -> None:
    if not app.config["OIDC_ISSUER"]:
        return
    # Imported only when configured: every gunicorn worker starts faster without it.
    from authlib.integrations.flask_client import OAuth

    oauth = OAuth(app)
    client = oauth.register(
        "oidc",
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"] or None,
        server_metadata_url=discovery_url(app.config["OIDC_ISSUER"]),
        client_kwargs={
            "scope": app.config["OIDC_SCOPES"],
            "code_challenge_method": "S256",
            "timeout": PROVIDER_TIMEOUT,
            # A public client (no secret) proves itself with PKCE alone.
            **({} if app.config["OIDC_CLIENT_SECRET"] else PUBLIC_CLIENT),
        },
    )
    app.extensions[EXTENSION_KEY] = client


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def enabled() -> bool:
    return EXTENSION_KEY in current_app.extensions


def provider():
    """The registered client; only call when ``enabled()``."""
    return current_app.extensions[EXTENSION_KEY]


def provider_label() -> str:
    """The sign-in button's words (OIDC_PROVIDER_NAME)."""
    return current_app.config["OIDC_PROVIDER_NAME"] or gettext("Logg inn med departementets konto")


def single_sign_on_context() -> dict:
    """The sign-in page's and the menu's view of single sign-on (tracker/templating.py)."""
    return {
        "sso_enabled": enabled(),
        "sso_label": provider_label() if enabled() else "",
        "password_login_allowed": password_login_allowed(),
    }


def password_login_allowed() -> bool:
    return current_app.config["PASSWORD_LOGIN"]


def end_session_url(id_token: str | None, post_logout_redirect_uri: str) -> str | None:
    """Where to send the browser to end the provider's session too (RP-initiated logout), or
    None when the provider offers no end_session_endpoint or cannot be reached."""
    try:
        metadata = provider().load_server_metadata()
    except Exception:  # noqa: BLE001 - the local sign-out must succeed whatever the provider does
        current_app.logger.warning("single sign-on: provider metadata unavailable at sign-out")
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    return provider().create_logout_url(
        post_logout_redirect_uri=post_logout_redirect_uri,
        id_token_hint=id_token,
        client_id=current_app.config["OIDC_CLIENT_ID"],
    )["url"]
