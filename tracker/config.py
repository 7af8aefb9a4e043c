"""Settings from the environment.

TRACKER_ENV selects the profile: ``development`` (what ``make run`` uses), ``production``
(the default, so a forgotten variable never runs a server with development settings) or
``testing``. DATABASE_URL selects the database; without it an SQLite file in the instance
folder is used.
"""

import os
from datetime import timedelta

from tracker.i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES, TIMEZONE_NAME
from tracker.resources import SEED_FILE
from tracker.user_errors import UserError

# Known to everyone on purpose: load_config refuses it in production.
DEFAULT_SECRET_KEY = "development-only-not-secret"  # nosec B105
# A key anyone could guess signs sessions anyone could forge: production wants at least this many
# bytes (secrets.token_hex(32) gives 64) and none of the values tutorials and templates ship.
MINIMUM_SECRET_KEY_BYTES = 32
KNOWN_SECRET_KEYS = frozenset(  # nosec B105
    {
        DEFAULT_SECRET_KEY,
        "changeme",
        "change-me",
        "change_me",
        "changethis",
        "secret",
        "secret-key",
        "secret_key",
        "secretkey",
        "supersecret",
        "super-secret-key",
        "dev",
        "development",
        "test",
        "test-secret",
        "tracker",
        "your-secret-key",
        "your-secret-key-here",
        "you-will-never-guess",
        "please-change-this-secret-key",
        "replace-with-a-long-random-secret-key",
        "replace-me-with-a-long-random-secret-key-value",
        "a-long-random-secret-key-for-production-use",
    }
)


class ConfigurationError(UserError, RuntimeError):
    """The environment does not describe a configuration we are willing to run with."""


def load_config(instance_path: str, overrides: dict | None = None) -> dict:
    overrides = dict(overrides or {})
    env = overrides.pop("TRACKER_ENV", None) or os.environ.get("TRACKER_ENV", "production")
    if overrides.get("TESTING"):
        env = "testing"
    config = {
        "TRACKER_ENV": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or DEFAULT_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": DEFAULT_LOCALE,
        "BABEL_DEFAULT_TIMEZONE": TIMEZONE_NAME,
        "SUPPORTED_LOCALES": SUPPORTED_LOCALES,
        "SEED_PATH": os.environ.get("TRACKER_SEED_PATH", str(SEED_FILE)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "PERMANENT_SESSION_LIFETIME": timedelta(
            minutes=int(os.environ.get("SESSION_MINUTES", "60"))
        ),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": env == "production",
        "WTF_CSRF_TIME_LIMIT": None,  # the session lifetime already bounds a form's life
        "NARRATIVE_MAX_LENGTH": 20_000,
        # The department that sends the report: named on its title page and as its author.
        "REPORT_DEPARTMENT": os.environ.get(
            "REPORT_DEPARTMENT", "Arbeids- og inkluderingsdepartementet"
        ),
        # Where report builds leave their progress and files (shared by all workers).
        "REPORT_JOBS_DIR": os.environ.get(
            "REPORT_JOBS_DIR", os.path.join(instance_path, "report-jobs")
        ),
        # /healthz fails when less than this is free there (a report is a few MB).
        "REPORT_JOBS_MIN_FREE_MB": _whole_number("REPORT_JOBS_MIN_FREE_MB", default=100),
        # Instances compare the fingerprints of their keys (tracker/secret_key_check.py): what
        # production runs on several machines; a test turns it on where it needs it.
        "SECRET_KEY_CHECK": env == "production",
        # No form here is bigger than a 20,000-character narrative (under 250 KB encoded); a
        # larger body is refused with 413 before it is read, so it cannot swell a worker.
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # Sign-in throttling (tracker/auth/throttle.py): after the free failures in a scope, each
        # attempt waits after the latest failure, from the first wait doubling up to the maximum.
        "LOGIN_FREE_FAILURES": 5,  # per account (or per account and known address)
        "LOGIN_ADDRESS_FREE_FAILURES": 20,  # per address across accounts
        "LOGIN_WAIT_FIRST_SECONDS": 30,
        "LOGIN_WAIT_MAX_SECONDS": 900,
        "LOGIN_WINDOW_HOURS": 24,
        # How many reverse proxies in front may set X-Forwarded-For/-Proto/-Host (0: none).
        "TRUSTED_PROXIES": _whole_number("TRUSTED_PROXIES", default=0),
        # Every wait for the database is bounded (tracker/database.py), well inside the proxy's
        # 60 s (deploy/nginx.conf), so a hung database gives the Norwegian 503, not a 504.
        # 0 turns a timeout off (e.g. for a long `flask data import`).
        "DATABASE_CONNECT_TIMEOUT_SECONDS": _whole_number(
            "DATABASE_CONNECT_TIMEOUT_SECONDS", default=5
        ),
        "DATABASE_STATEMENT_TIMEOUT_SECONDS": _whole_number(
            "DATABASE_STATEMENT_TIMEOUT_SECONDS", default=10
        ),
        "DATABASE_LOCK_TIMEOUT_SECONDS": _whole_number("DATABASE_LOCK_TIMEOUT_SECONDS", default=5),
        # A request older than this, counted from when the proxy received it (X-Request-Start),
        # is not started and its work is not committed: the proxy has given up on it by then or
        # will before the commit could finish (tracker/request_deadline.py).
        "REQUEST_DEADLINE_SECONDS": _whole_number("REQUEST_DEADLINE_SECONDS", default=45),
        # Public page caching (tracker/public/page_cache.py). Tests see every change at once.
        "PUBLIC_VERSION_CHECK_SECONDS": 0 if env == "testing" else 1.0,
        "PUBLIC_PAGE_CACHE_SECONDS": 60,
        "PUBLIC_MAX_AGE_SECONDS": 60,
        # Single sign-on with OpenID Connect (tracker/sso, docs/sso.md); off without an issuer.
        "OIDC_ISSUER": os.environ.get("OIDC_ISSUER", "").strip(),
        "OIDC_CLIENT_ID": os.environ.get("OIDC_CLIENT_ID", "").strip(),
        "OIDC_CLIENT_SECRET": os.environ.get("OIDC_CLIENT_SECRET", "").strip(),
        "OIDC_PROVIDER_NAME": os.environ.get("OIDC_PROVIDER_NAME", "").strip(),
        "OIDC_SCOPES": os.environ.get("OIDC_SCOPES", "").strip() or "openid email profile",
        # Which way of signing in the provider offers (Ansattporten: "entraid", whose ID token
        # carries the e-mail); empty: the provider's default.
        "OIDC_ACR_VALUES": os.environ.get("OIDC_ACR_VALUES", "").strip(),
        "PASSWORD_LOGIN": _on_off("PASSWORD_LOGIN", default=True),
    }
    config.update(overrides)
    _check_single_sign_on(config)
    if config["TRACKER_ENV"] == "production":
        problem = secret_key_problem(config["SECRET_KEY"])
        if problem:
            raise ConfigurationError(
                f"{problem} Sett miljøvariabelen SECRET_KEY til en lang, tilfeldig verdi før "
                "tracker startes i produksjon (eller TRACKER_ENV=development for utvikling). "
                "Lag en slik verdi med: python3 -c 'import secrets; print(secrets.token_hex(32))'"
            )
    return config


def _on_off(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value not in ("on", "off"):
        raise ConfigurationError(f"{name} må være «on» eller «off», ikke «{value}».")
    return value == "on"


def _check_single_sign_on(config: dict) -> None:
    """Refuse settings under which nobody, or the wrong app, could sign in."""
    if not config["OIDC_ISSUER"]:
        if not config["PASSWORD_LOGIN"]:
            raise ConfigurationError(
                "PASSWORD_LOGIN=off krever innlogging med OpenID Connect: sett OIDC_ISSUER, "
                "OIDC_CLIENT_ID og OIDC_CLIENT_SECRET (se docs/sso.md)."
            )
        return
    if not config["OIDC_ISSUER"].startswith(("https://", "http://")):
        raise ConfigurationError(
            f"OIDC_ISSUER må være en adresse (https://...), ikke «{config['OIDC_ISSUER']}»."
        )
    if not config["OIDC_CLIENT_ID"]:
        raise ConfigurationError(
            "OIDC_CLIENT_ID mangler: sett klient-ID-en appen fikk da den ble registrert hos "
            "identitetsleverandøren (se docs/sso.md)."
        )
    if "openid" not in config["OIDC_SCOPES"].split():
        raise ConfigurationError(
            f"OIDC_SCOPES må inneholde «openid», ikke bare «{config['OIDC_SCOPES']}»."
        )


def secret_key_problem(key) -> str | None:
    """Why ``key`` cannot sign production sessions (in Norwegian), or None."""
    if not key or key == DEFAULT_SECRET_KEY:
        return "SECRET_KEY mangler."
    raw = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    if raw.strip().lower() in {known.encode() for known in KNOWN_SECRET_KEYS}:
        return "SECRET_KEY er en kjent standardverdi som hvem som helst kan gjette."
    if len(raw) < MINIMUM_SECRET_KEY_BYTES:
        return (
            f"SECRET_KEY er for kort ({len(raw)} byte); den må ha minst "
            f"{MINIMUM_SECRET_KEY_BYTES} byte."
        )
    return None


def _whole_number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ConfigurationError(f"{name} må være et helt tall (0 eller større), ikke «{value}».")
    return int(value)


def database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "tracker.sqlite")
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
