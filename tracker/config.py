"""Settings: every environment variable the app reads, declared once in ``SETTINGS``, and the
fixed values beside them.

TRACKER_ENV selects the profile: ``development`` (what ``make run`` uses), ``production``
(the default, so a forgotten variable never runs a server with development settings) or
``testing``. DATABASE_URL selects the database; without it an SQLite file in the instance
folder is used. A bad value stops the app (and every ``flask`` command, ``make serve`` and
gunicorn) with one Norwegian line saying what the value must be.

To add a setting, add one ``Setting`` line to ``SETTINGS`` (how: tracker/settings.py) and run
``python -m tracker.settings_table`` for README.md's table; tests/test_config.py checks both agree.
"""

import os
import re
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from tracker.i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES, TIMEZONE_NAME
from tracker.mail.smtp import parse_mail_url
from tracker.resources import SEED_FILE
from tracker.settings import (
    ConfigurationError,
    Context,
    Invalid,
    Setting,
    check_overrides,
    choice,
    hidden_password,
    is_set,
    minutes,
    on_off,
    port,
    positive_number,
    read,
    read_all,
    seconds,
    text,
    web_address,
    whole_number,
)

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


PROFILES = ("development", "production", "testing")


# --- Parsers of this app's own kinds of value (the general ones are in tracker/settings.py) ---


def exact(value: str) -> str:
    """As given, spaces included: a secret is not ours to trim."""
    return value


def database_url(value: str) -> str:
    url = value.strip()
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
    try:
        make_url(url)
    except ArgumentError:
        raise Invalid(
            "må være en databaseadresse (for eksempel postgresql://tracker@127.0.0.1:5432/tracker)"
        ) from None
    return url


def mail_url(value: str) -> str:
    parse_mail_url(value)  # refuses a malformed URL at start, not at the first message
    return value.strip()


def mail_sender(value: str) -> str:
    if "@" not in parseaddr(value.strip())[1]:
        raise Invalid("må være en e-postadresse (for eksempel Handlingsplanen <tracker@dep.no>)")
    return value.strip()


def site_address(value: str) -> str:
    """The site's public address: scheme and host, perhaps a port and a path; no user,
    query or fragment (every absolute link is built from it: tracker/absolute_urls.py)."""
    value = value.strip()
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or parts.password is not None
        or parts.query
        or parts.fragment
    ):
        raise Invalid(
            "må være nettstedets offentlige adresse, for eksempel https://tracker.example.no"
        )
    return value.rstrip("/")


def contact_address(value: str) -> str:
    """Where a reader can write: an e-mail address or a web address (a form)."""
    value = value.strip()
    if value.startswith(("https://", "http://")):
        return web_address(value)
    if " " in value or "@" not in parseaddr(value)[1] or parseaddr(value)[1] != value:
        raise Invalid(
            "må være en e-postadresse (for eksempel postmottak@dep.no) eller en adresse som "
            "begynner med https://"
        )
    return value


_ORIGIN = re.compile(r"^https?://(\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$")


def origins(value: str) -> tuple[str, ...]:
    """Web origins separated by spaces or commas: scheme and host (``*.`` allowed in front), and
    a port if not the scheme's own, e.g. ``https://www.regjeringen.no https://*.kommune.no``."""
    found = tuple(part.rstrip("/").lower() for part in re.split(r"[\s,]+", value) if part)
    for origin in found:
        if not _ORIGIN.match(origin):
            raise Invalid(
                "må være nettstedsadresser uten sti, skilt med mellomrom (for eksempel "
                "https://www.regjeringen.no https://*.kommune.no)"
            )
    return found


def oidc_scopes(value: str) -> str:
    if "openid" not in value.split():
        raise Invalid("må inneholde «openid»")
    return value.strip()


def _sqlite_in_instance(context: Context) -> str:
    return "sqlite:///" + os.path.join(context.instance_path, "tracker.sqlite")


def _report_jobs_in_instance(context: Context) -> str:
    return os.path.join(context.instance_path, "report-jobs")


def _workers_for_this_machine(context: Context) -> int:
    # gunicorn's rule of thumb for sync workers: two per core, plus one.
    return (os.cpu_count() or 1) * 2 + 1


# --- Every environment variable, once ------------------------------------------------------

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "TRACKER_ENV",
        choice(*PROFILES),
        "production",
        "`development`, `production` or `testing`",
        shown_default="`production` (`make run` sets `development`)",
    ),
    Setting(
        "DATABASE_URL",
        database_url,
        _sqlite_in_instance,
        "SQLAlchemy URL; `postgres://` and `postgresql://` are accepted",
        key="SQLALCHEMY_DATABASE_URI",
        shown_default="SQLite file in the instance folder",
        echo=hidden_password,
    ),
    Setting(
        "SECRET_KEY",
        exact,
        DEFAULT_SECRET_KEY,
        "signs sessions; production refuses to start without one",
        shown_default="development-only value",
        echo=None,
    ),
    Setting(
        "TRACKER_SEED_PATH",
        text,
        str(SEED_FILE),
        "the plan file `flask seed` loads",
        key="SEED_PATH",
        shown_default="the one the package ships",
    ),
    Setting(
        "TRUSTED_PROXIES",
        whole_number,
        "0",
        "how many reverse proxies in front may set `X-Forwarded-For/-Proto/-Host`",
        shown_default="`0` (believe none)",
    ),
    Setting(
        "SESSION_MINUTES",
        minutes,
        "60",
        "a session ends after this many minutes without a request",
        key="PERMANENT_SESSION_LIFETIME",
    ),
    Setting(
        "MAIL_URL",
        mail_url,
        "",
        "the SMTP server: `smtp://[user:password@]host:port` or `smtps://…` (docs/mail.md)",
        shown_default="empty: messages wait in the outbox",
        echo=hidden_password,
    ),
    Setting(
        "MAIL_FROM",
        mail_sender,
        "tracker@localhost",
        "the sender of every message; needed with `MAIL_URL` in production",
    ),
    Setting(
        "PUBLIC_URL",
        site_address,
        "http://127.0.0.1:5000",
        "the site's public address: every absolute link (mail, feeds, sign-in) is built from it, "
        "never from the request; needed in production",
    ),
    Setting(
        "ACCESSIBILITY_STATEMENT_URL",
        web_address,
        "",
        "the accessibility statement (made in uustatus.no), linked in the footer of every page; "
        "production warns without it (docs/accessibility.md)",
    ),
    Setting(
        "ACCESSIBILITY_FEEDBACK",
        contact_address,
        "",
        "where readers report barriers: an e-mail address or a web form's address, linked in "
        "every page's footer",
    ),
    Setting(
        "PRIVACY_OWNER",
        text,
        "",
        "who is responsible for the personal data (behandlingsansvarlig), named on `/personvern`",
        shown_default="`REPORT_DEPARTMENT`",
    ),
    Setting(
        "PRIVACY_CONTACT",
        contact_address,
        "",
        "whom to ask about personal data (the data protection officer): an e-mail address or "
        "a web address, on `/personvern`; production warns without it",
    ),
    Setting(
        "OPEN_DATA_CONTACT",
        contact_address,
        "",
        "the open data's contact point in the DCAT-AP-NO catalogue (`/data/katalog.jsonld`): "
        "an e-mail address or a web address",
        shown_default="empty: each plan's «Om dataene» page",
    ),
    Setting(
        "EMBED_ALLOWED_ORIGINS",
        origins,
        "",
        "the sites that may show the embeddable status cards (`…/innebygd`) in a frame, separated "
        "by spaces: `frame-ancestors` for those pages only (docs/reuse.md)",
        shown_default="empty: no site may",
    ),
    Setting(
        "RETENTION_ADDRESS_DAYS",
        positive_number,
        "90",
        "`flask retention apply` blanks the client addresses of audit rows older than this many "
        "days (docs/privacy.md)",
    ),
    Setting(
        "RETENTION_AUDIT_MONTHS",
        positive_number,
        "12",
        "`flask retention apply` deletes audit rows older than this many months",
    ),
    Setting(
        "OIDC_ISSUER",
        web_address,
        "",
        "the OpenID Connect provider; empty: no single sign-on (docs/sso.md)",
    ),
    Setting(
        "OIDC_CLIENT_ID",
        text,
        "",
        "the client ID the provider gave the app; needed with `OIDC_ISSUER`",
    ),
    Setting(
        "OIDC_CLIENT_SECRET",
        text,
        "",
        "the client secret; empty for a public client (PKCE alone)",
        echo=None,
    ),
    Setting(
        "OIDC_PROVIDER_NAME",
        text,
        "",
        "the sign-in button's words",
        shown_default="`Logg inn med departementets konto`",
    ),
    Setting(
        "OIDC_SCOPES",
        oidc_scopes,
        "openid email profile",
        "the scopes asked for; must contain `openid`",
    ),
    Setting(
        "OIDC_ACR_VALUES",
        text,
        "",
        "the way of signing in asked of the provider (Ansattporten: `entraid`)",
        shown_default="empty: the provider's default",
    ),
    Setting(
        "PASSWORD_LOGIN",
        on_off,
        "on",
        "`off` refuses passwords except for break-glass accounts; needs `OIDC_ISSUER`",
    ),
    Setting(
        "REPORT_DEPARTMENT",
        text,
        "Arbeids- og inkluderingsdepartementet",
        "the department that sends the report: its title page and author",
    ),
    Setting(
        "REPORT_JOBS_DIR",
        text,
        _report_jobs_in_instance,
        "scratch space of report builds on this machine (LibreOffice's input and output); "
        "the jobs and their files are in the database",
        shown_default="`report-jobs` in the instance folder",
    ),
    Setting(
        "REPORT_JOB_CLAIM_SECONDS",
        positive_number,
        "30",
        "a report build's claim, renewed while its worker lives: a dead build is reported "
        "failed within this time",
    ),
    Setting(
        "REPORT_JOBS_IN_WEB",
        on_off,
        "on",
        "web instances build queued reports in a thread of their own; `off` where "
        "`flask report-jobs work` runs (docs/report.md)",
    ),
    Setting(
        "REPORT_PDF_TIMEOUT_SECONDS",
        positive_number,
        "300",
        "LibreOffice is killed when one report's PDF takes longer; the report comes without it",
        key=None,
    ),
    Setting(
        "REPORT_JOBS_MIN_FREE_MB",
        whole_number,
        "100",
        "`/healthz` fails when less than this many MB are free for report builds",
    ),
    Setting(
        "DATABASE_CONNECT_TIMEOUT_SECONDS",
        whole_number,
        "5",
        "the longest wait for a database connection; `0`: no limit (docs/hardening.md)",
    ),
    Setting(
        "DATABASE_STATEMENT_TIMEOUT_SECONDS",
        whole_number,
        "10",
        "the longest a statement may run, well inside the proxy's 60 s; `0`: no limit "
        "(e.g. for a long `flask data import`)",
    ),
    Setting(
        "DATABASE_LOCK_TIMEOUT_SECONDS",
        whole_number,
        "5",
        "the longest wait for a row another request holds; `0`: no limit",
    ),
    Setting(
        "REQUEST_DEADLINE_SECONDS",
        whole_number,
        "45",
        "a request older than this, counted from the proxy's `X-Request-Start`, is neither "
        "started nor committed: the proxy has given up on it",
    ),
    Setting(
        "MAIL_CLAIM_SECONDS",
        positive_number,
        "60",
        "a mail sender's claim on a message; renewed while it lives, so a dead sender is "
        "noticed within this time",
    ),
    Setting("MAIL_BATCH_SIZE", positive_number, "50", "messages a sender claims at a time"),
    Setting(
        "MAIL_WORKER_BACKOFF_MAX_SECONDS",
        seconds,
        "60",
        "the longest wait between tries while `flask mail worker` cannot reach the database",
    ),
    Setting(
        "MAIL_REVIEW_QUIET_MINUTES",
        minutes,
        "10",
        "approvals and returns are gathered per contact person and sent as one message once "
        "the coordinator has made no decision for this long (or says the review is done)",
    ),
    Setting(
        "TRACKER_UNO_PYTHON",
        text,
        "/usr/bin/python3",  # Debian's, where python3-uno installs ``uno``
        "the interpreter that has LibreOffice's `uno` (docs/report.md)",
        key=None,
    ),
    Setting("PORT", port, "8000", "the port gunicorn listens on (at 127.0.0.1)", key=None),
    Setting(
        "BIND",
        text,
        "",
        "where gunicorn listens, instead of `PORT`, e.g. `0.0.0.0:8000`",
        key=None,
        shown_default="`127.0.0.1:8000`",
    ),
    Setting(
        "WEB_CONCURRENCY",
        positive_number,
        _workers_for_this_machine,
        "gunicorn's worker processes",
        key=None,
        shown_default="2 × cores + 1",
    ),
    Setting(
        "GUNICORN_TIMEOUT",
        positive_number,
        "30",
        "seconds before gunicorn restarts a worker stuck on one request",
        key=None,
    ),
    Setting(
        "GUNICORN_LOG_LEVEL",
        choice("debug", "info", "warning", "error", "critical"),
        "info",
        "what gunicorn itself logs",
        key=None,
    ),
)
SETTINGS_BY_NAME = {setting.name: setting for setting in SETTINGS}


def fixed_values(profile: str) -> dict[str, Any]:
    """The settings no environment variable changes (``create_app(config)`` can, for tests)."""
    production = profile == "production"
    return {
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": DEFAULT_LOCALE,
        "BABEL_DEFAULT_TIMEZONE": TIMEZONE_NAME,
        "SUPPORTED_LOCALES": SUPPORTED_LOCALES,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": production,
        "WTF_CSRF_TIME_LIMIT": None,  # the session lifetime already bounds a form's life
        "NARRATIVE_MAX_LENGTH": 20_000,
        # Instances compare the fingerprints of their keys (tracker/secret_key_check.py): what
        # production runs on several machines; a test turns it on where it needs it.
        "SECRET_KEY_CHECK": profile == "production",
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
        # Public page caching (tracker/public/replay.py). Tests see every change at once.
        "PUBLIC_VERSION_CHECK_SECONDS": 0 if profile == "testing" else 1.0,
        "PUBLIC_PAGE_CACHE_SECONDS": 60,
        "PUBLIC_PAGE_CACHE_BYTES": 32 * 1024 * 1024,  # per worker: its recorded pages, at most
        "PUBLIC_MAX_AGE_SECONDS": 60,
        # The mail sender (tracker/mail/sender.py).
        "MAIL_TIMEOUT_SECONDS": 15.0,
        "MAIL_MAX_ATTEMPTS": 10,
        "MAIL_RETRY_SECONDS": 60,  # first wait after a failure; doubles each try
        "MAIL_RETRY_MAX_SECONDS": 3600,
        "MAIL_WORKER_INTERVAL_SECONDS": 10.0,
        # Reset e-mails per address, and reset requests per client address, per hour (counts, not
        # passwords).
        "PASSWORD_RESET_LIMIT_PER_EMAIL": 3,  # nosec B105
        "PASSWORD_RESET_LIMIT_PER_ADDRESS": 10,  # nosec B105
    }


def load_config(instance_path: str, overrides: dict | None = None) -> dict:
    """The app's settings: the environment's, read through ``SETTINGS``, the fixed values, and
    ``overrides`` on top; then the checks that look at several settings together."""
    overrides = dict(overrides or {})
    given_profile = overrides.pop("TRACKER_ENV", None)
    profile = read(SETTINGS_BY_NAME["TRACKER_ENV"])  # checked even when overridden
    if given_profile:
        profile = check_overrides(SETTINGS, {"TRACKER_ENV": given_profile})["TRACKER_ENV"]
    if overrides.get("TESTING"):
        profile = "testing"
    config = read_all(SETTINGS, Context(profile, instance_path))
    config.update(fixed_values(profile))
    config["TRACKER_ENV"] = profile
    config.update(check_overrides(SETTINGS, overrides))
    for check in CHECKS:
        check(config)
    return config


def server_settings() -> dict[str, Any]:
    """gunicorn's settings (gunicorn.conf.py), from the same declarations."""

    def value(name: str) -> Any:
        return read(SETTINGS_BY_NAME[name])

    return {
        "bind": value("BIND") or f"127.0.0.1:{value('PORT')}",
        "workers": value("WEB_CONCURRENCY"),
        "timeout": value("GUNICORN_TIMEOUT"),
        "loglevel": value("GUNICORN_LOG_LEVEL"),
    }


def database_url_is_set() -> bool:
    return is_set(SETTINGS_BY_NAME["DATABASE_URL"])


def database_url_setting() -> str:
    """DATABASE_URL as given, checked and with the driver named (when it is set)."""
    return read(SETTINGS_BY_NAME["DATABASE_URL"])


# --- Checks across settings ------------------------------------------------------------------


def _check_single_sign_on(config: dict) -> None:
    """Refuse settings under which nobody, or the wrong app, could sign in."""
    if not config["OIDC_ISSUER"]:
        if not config["PASSWORD_LOGIN"]:
            raise ConfigurationError(
                "PASSWORD_LOGIN=off krever innlogging med OpenID Connect: sett OIDC_ISSUER, "
                "OIDC_CLIENT_ID og OIDC_CLIENT_SECRET (se docs/sso.md)."
            )
        return
    if not config["OIDC_CLIENT_ID"]:
        raise ConfigurationError(
            "OIDC_CLIENT_ID mangler: sett klient-ID-en appen fikk da den ble registrert hos "
            "identitetsleverandøren (se docs/sso.md)."
        )


def _check_secret_key(config: dict) -> None:
    if config["TRACKER_ENV"] != "production":
        return
    problem = secret_key_problem(config["SECRET_KEY"])
    if problem:
        raise ConfigurationError(
            f"{problem} Sett miljøvariabelen SECRET_KEY til en lang, tilfeldig verdi før "
            "tracker startes i produksjon (eller TRACKER_ENV=development for utvikling). "
            "Lag en slik verdi med: python3 -c 'import secrets; print(secrets.token_hex(32))'"
        )


def _check_mail(config: dict) -> None:
    """Production mail must say who sends it, not the default."""
    if not config["MAIL_URL"] or config["TRACKER_ENV"] != "production":
        return
    if config["MAIL_FROM"] == SETTINGS_BY_NAME["MAIL_FROM"].default:
        raise ConfigurationError(
            "MAIL_FROM mangler: når MAIL_URL er satt i produksjon, må også MAIL_FROM "
            "settes (se docs/mail.md)."
        )


def _check_public_url(config: dict) -> None:
    """Production links must point at the real site: a default would send readers of every
    mail and feed to 127.0.0.1."""
    if config["TRACKER_ENV"] == "production" and (
        config["PUBLIC_URL"] == SETTINGS_BY_NAME["PUBLIC_URL"].default
    ):
        raise ConfigurationError(
            "PUBLIC_URL mangler: i produksjon må PUBLIC_URL være nettstedets offentlige "
            "adresse, for eksempel https://tracker.example.no. Lenker i e-post og "
            "Atom-feeder lages fra den (se docs/public.md)."
        )


def production_warnings(config: dict) -> list[str]:
    """What production can run without, but a public body must not publish without: logged at
    start-up (create_app) and printed by `make serve`'s preflight."""
    if config["TRACKER_ENV"] != "production":
        return []
    warnings = []
    if not config["ACCESSIBILITY_STATEMENT_URL"]:
        warnings.append(
            "ACCESSIBILITY_STATEMENT_URL mangler: et offentlig nettsted må lenke til "
            "tilgjengelighetserklæringen sin (laget i uustatus.no) fra hver side "
            "(se docs/accessibility.md)."
        )
    if not config["ACCESSIBILITY_FEEDBACK"]:
        warnings.append(
            "ACCESSIBILITY_FEEDBACK mangler: leserne må kunne melde fra om "
            "tilgjengelighetsproblemer (en e-postadresse eller et skjema)."
        )
    if not config["PRIVACY_CONTACT"]:
        warnings.append(
            "PRIVACY_CONTACT mangler: personvernsiden må si hvem man kan spørre om "
            "personopplysninger (se docs/privacy.md)."
        )
    return warnings


CHECKS = (_check_single_sign_on, _check_secret_key, _check_public_url, _check_mail)


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
    # Imported here: zxcvbn's dictionaries load only when a production key is judged.
    from tracker.secret_keys import weak_key_problem

    return weak_key_problem(raw.decode("utf-8", "replace"))
