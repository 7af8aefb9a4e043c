"""The mail settings, read from the environment: MAIL_URL, MAIL_FROM, PUBLIC_URL and the
sender's knobs. Kept here rather than in tracker/config.py so the mail module owns them.

PUBLIC_URL is the site's address for every absolute link (tracker/absolute_urls.py): mail, feeds,
sign-in redirects. Production refuses to start without it, since a default would send readers to
127.0.0.1."""

import os

from flask import Flask

from tracker.absolute_urls import checked_public_url
from tracker.config import ConfigurationError
from tracker.mail.smtp import parse_mail_url

# Where `make run` serves: links in development and in tests point there.
DEVELOPMENT_PUBLIC_URL = "http://127.0.0.1:5000"
DEFAULTS = {
    "MAIL_URL": "",  # empty: messages stay in the outbox (development)
    "MAIL_FROM": "tracker@localhost",
    "PUBLIC_URL": DEVELOPMENT_PUBLIC_URL,
    "MAIL_TIMEOUT_SECONDS": 15.0,
    "MAIL_MAX_ATTEMPTS": 10,
    "MAIL_RETRY_SECONDS": 60,  # first wait after a failure; doubles each try
    "MAIL_RETRY_MAX_SECONDS": 3600,
    "MAIL_CLAIM_SECONDS": 300,  # a crashed sender's claim runs out after this
    "MAIL_BATCH_SIZE": 50,
    "MAIL_WORKER_INTERVAL_SECONDS": 10.0,
    # Reset e-mails per address, and reset requests per client address, per hour (counts, not
    # passwords).
    "PASSWORD_RESET_LIMIT_PER_EMAIL": 3,  # nosec B105
    "PASSWORD_RESET_LIMIT_PER_ADDRESS": 10,  # nosec B105
}
# Settings a deployment may give as environment variables (numbers are converted).
FROM_ENVIRONMENT = ("MAIL_URL", "MAIL_FROM", "PUBLIC_URL")


def init_app(app: Flask) -> None:
    given = {name for name in DEFAULTS if name in app.config}  # given to create_app(): tests
    for name, default in DEFAULTS.items():
        if name in given:
            continue
        value = os.environ.get(name) if name in FROM_ENVIRONMENT else None
        app.config[name] = value if value else default
    production = app.config["TRACKER_ENV"] == "production"
    app.config["PUBLIC_URL"] = public_url(
        app.config["PUBLIC_URL"] if "PUBLIC_URL" in given else os.environ.get("PUBLIC_URL"),
        production,
    )
    if app.config["MAIL_URL"]:
        parse_mail_url(app.config["MAIL_URL"])  # refuse a malformed URL at start, not at send
        if (
            production
            and not os.environ.get("MAIL_FROM")
            and app.config["MAIL_FROM"] == DEFAULTS["MAIL_FROM"]
        ):
            raise ConfigurationError(
                "MAIL_FROM mangler: når MAIL_URL er satt i produksjon, må også MAIL_FROM "
                "settes (se docs/mail.md)."
            )


def public_url(value: str | None, production: bool) -> str:
    """PUBLIC_URL from its setting, checked; development and tests may leave it out."""
    if not value or not value.strip():
        if production:
            raise ConfigurationError(
                "PUBLIC_URL mangler: i produksjon må PUBLIC_URL være nettstedets offentlige "
                "adresse, for eksempel https://tracker.example.no. Lenker i e-post og "
                "Atom-feeder lages fra den (se docs/public.md)."
            )
        return DEVELOPMENT_PUBLIC_URL
    return checked_public_url(value)
