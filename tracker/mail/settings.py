"""The mail settings, read from the environment: MAIL_URL, MAIL_FROM, PUBLIC_URL and the
sender's knobs. Kept here rather than in tracker/config.py so the mail module owns them."""

import os

from flask import Flask

from tracker.config import ConfigurationError
from tracker.mail.smtp import parse_mail_url

DEFAULTS = {
    "MAIL_URL": "",  # empty: messages stay in the outbox (development)
    "MAIL_FROM": "tracker@localhost",
    "PUBLIC_URL": "http://127.0.0.1:5000",
    "MAIL_TIMEOUT_SECONDS": 15.0,
    "MAIL_MAX_ATTEMPTS": 10,
    "MAIL_RETRY_SECONDS": 60,  # first wait after a failure; doubles each try
    "MAIL_RETRY_MAX_SECONDS": 3600,
    # A claim's lease: renewed by a heartbeat every third of it while the sender lives, so a
    # sender that died is noticed (its messages taken over) within this many seconds.
    "MAIL_CLAIM_SECONDS": 60,
    "MAIL_BATCH_SIZE": 50,
    "MAIL_WORKER_INTERVAL_SECONDS": 10.0,
    # While the database is away the worker waits 1 s, 2 s, 4 s … up to this between tries.
    "MAIL_WORKER_BACKOFF_MAX_SECONDS": 60.0,
    # Reset e-mails per address, and reset requests per client address, per hour (counts, not
    # passwords).
    "PASSWORD_RESET_LIMIT_PER_EMAIL": 3,  # nosec B105
    "PASSWORD_RESET_LIMIT_PER_ADDRESS": 10,  # nosec B105
}
# Settings a deployment may give as environment variables (numbers are converted).
FROM_ENVIRONMENT = (
    "MAIL_URL",
    "MAIL_FROM",
    "PUBLIC_URL",
    "MAIL_CLAIM_SECONDS",
    "MAIL_BATCH_SIZE",
    "MAIL_WORKER_BACKOFF_MAX_SECONDS",
)


def init_app(app: Flask) -> None:
    for name, default in DEFAULTS.items():
        if name in app.config:
            continue  # given to create_app(), e.g. by the tests
        value = os.environ.get(name, "").strip() if name in FROM_ENVIRONMENT else None
        app.config[name] = _converted(name, value, default) if value else default
    if app.config["MAIL_URL"]:
        parse_mail_url(app.config["MAIL_URL"])  # refuse a malformed URL at start, not at send
        if app.config["TRACKER_ENV"] == "production":
            for name in ("MAIL_FROM", "PUBLIC_URL"):
                if not os.environ.get(name) and app.config[name] == DEFAULTS[name]:
                    raise ConfigurationError(
                        f"{name} mangler: når MAIL_URL er satt i produksjon, må også {name} "
                        "settes (se docs/mail.md)."
                    )


def _converted(name: str, value: str, default):
    """``value`` as the type of the default; a bad number stops the app with its name."""
    if isinstance(default, str):
        return value
    try:
        number = type(default)(value)
    except ValueError:
        number = 0
    if number <= 0:
        raise ConfigurationError(f"{name} må være et tall større enn 0, ikke «{value}».")
    return number
