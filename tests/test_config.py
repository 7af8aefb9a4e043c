"""Production refuses settings that would be unsafe, with a message saying what to do."""

import os
import re
import secrets
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import cli as flask_cli

from tracker import create_app
from tracker.config import SETTINGS, ConfigurationError, load_config, server_settings
from tracker.settings import markdown_table

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("secret", [None, ""])
def test_production_refuses_to_start_without_a_secret_key(monkeypatch, secret):
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)
    monkeypatch.setenv("TRACKER_ENV", "production")
    with pytest.raises(ConfigurationError, match="SECRET_KEY mangler") as refused:
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert "secrets.token_hex" in str(refused.value)


def test_production_starts_with_a_secret_key_and_secure_cookies(monkeypatch):
    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))
    monkeypatch.setenv("PUBLIC_URL", "https://tracker.example.no")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_a_bad_number_of_trusted_proxies_is_refused_clearly(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "én")
    with pytest.raises(ConfigurationError, match="TRUSTED_PROXIES må være et helt tall"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.mark.parametrize(
    ("command", "environment", "message"),
    [
        (["seed"], {"TRACKER_ENV": "production"}, "SECRET_KEY mangler. Sett miljøvariabelen"),
        (["db", "upgrade"], {"TRACKER_ENV": "production"}, "SECRET_KEY mangler"),
        (
            ["users", "demo"],
            {"TRACKER_ENV": "development", "TRUSTED_PROXIES": "to"},
            "TRUSTED_PROXIES må være et helt tall (0 eller større), ikke «to».",
        ),
    ],
)
def test_a_command_with_bad_settings_prints_only_the_message(
    tmp_path, command, environment, message
):
    settings = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "TRACKER_ENV", "TRUSTED_PROXIES", "DATABASE_URL")
    }
    settings |= environment | {"DATABASE_URL": f"sqlite:///{tmp_path / 'untouched.sqlite'}"}
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *command],
        cwd=ROOT,
        env=settings,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1  # the message, no traceback
    assert result.stdout == ""
    assert not (tmp_path / "untouched.sqlite").exists()


# --- One loader: every variable declared once, every bad value refused in one line ------------

# A bad value for every setting that can refuse one, with the line it must produce.
BAD_VALUES = {
    "TRACKER_ENV": ("prod", "TRACKER_ENV må være «development», «production» eller «testing»"),
    "DATABASE_URL": ("database.example.no", "DATABASE_URL må være en databaseadresse"),
    "TRUSTED_PROXIES": ("to", "TRUSTED_PROXIES må være et helt tall (0 eller større)"),
    "SESSION_MINUTES": ("tjue", "SESSION_MINUTES må være et helt tall (1 eller større)"),
    "MAIL_URL": ("http://tracker:hemmelig@mail.example.no", "MAIL_URL må ha formen smtp://"),
    "MAIL_FROM": ("tracker", "MAIL_FROM må være en e-postadresse"),
    "PUBLIC_URL": ("tracker.example.no", "PUBLIC_URL må være nettstedets offentlige adresse"),
    "ACCESSIBILITY_STATEMENT_URL": (
        "uustatus.no/nb/erklaringer/publisert/1",
        "ACCESSIBILITY_STATEMENT_URL må være en adresse som begynner med https://",
    ),
    "ACCESSIBILITY_FEEDBACK": ("skriv til oss", "ACCESSIBILITY_FEEDBACK må være en e-postadresse"),
    "PRIVACY_CONTACT": ("personvernombudet", "PRIVACY_CONTACT må være en e-postadresse"),
    "OPEN_DATA_CONTACT": ("data på dep.no", "OPEN_DATA_CONTACT må være en e-postadresse"),
    "EMBED_ALLOWED_ORIGINS": (
        "https://www.regjeringen.no/tema",
        "EMBED_ALLOWED_ORIGINS må være nettstedsadresser uten sti",
    ),
    "RETENTION_ADDRESS_DAYS": ("90d", "RETENTION_ADDRESS_DAYS må være et helt tall (1 eller"),
    "RETENTION_AUDIT_MONTHS": ("0", "RETENTION_AUDIT_MONTHS må være et helt tall (1 eller"),
    "OIDC_ISSUER": ("login.example.no", "OIDC_ISSUER må være en adresse som begynner med"),
    "OIDC_SCOPES": ("email profile", "OIDC_SCOPES må inneholde «openid»"),
    "PASSWORD_LOGIN": ("nei", "PASSWORD_LOGIN må være «on» eller «off»"),
    "PORT": ("99999", "PORT må være et portnummer fra 1 til 65535"),
    "WEB_CONCURRENCY": ("mange", "WEB_CONCURRENCY må være et helt tall (1 eller større)"),
    "GUNICORN_TIMEOUT": ("0", "GUNICORN_TIMEOUT må være et helt tall (1 eller større)"),
    "GUNICORN_LOG_LEVEL": ("loud", "GUNICORN_LOG_LEVEL må være «debug», «info»"),
    "REPORT_JOB_CLAIM_SECONDS": ("0", "REPORT_JOB_CLAIM_SECONDS må være et helt tall (1 eller"),
    "REPORT_JOBS_IN_WEB": ("ja", "REPORT_JOBS_IN_WEB må være «on» eller «off»"),
    "REPORT_PDF_TIMEOUT_SECONDS": ("fem", "REPORT_PDF_TIMEOUT_SECONDS må være et helt tall (1"),
    "REPORT_JOBS_MIN_FREE_MB": ("mye", "REPORT_JOBS_MIN_FREE_MB må være et helt tall (0 eller"),
    "DATABASE_CONNECT_TIMEOUT_SECONDS": (
        "5s",
        "DATABASE_CONNECT_TIMEOUT_SECONDS må være et helt tall (0 eller større)",
    ),
    "DATABASE_STATEMENT_TIMEOUT_SECONDS": (
        "-1",
        "DATABASE_STATEMENT_TIMEOUT_SECONDS må være et helt tall (0 eller større)",
    ),
    "DATABASE_LOCK_TIMEOUT_SECONDS": (
        "fem",
        "DATABASE_LOCK_TIMEOUT_SECONDS må være et helt tall (0 eller større)",
    ),
    "REQUEST_DEADLINE_SECONDS": ("1.5", "REQUEST_DEADLINE_SECONDS må være et helt tall"),
    "MAIL_CLAIM_SECONDS": ("0", "MAIL_CLAIM_SECONDS må være et helt tall (1 eller større)"),
    "MAIL_BATCH_SIZE": ("alle", "MAIL_BATCH_SIZE må være et helt tall (1 eller større)"),
    "MAIL_WORKER_BACKOFF_MAX_SECONDS": (
        "inf",
        "MAIL_WORKER_BACKOFF_MAX_SECONDS må være et antall sekunder større enn 0",
    ),
    "MAIL_REVIEW_QUIET_MINUTES": (
        "ti",
        "MAIL_REVIEW_QUIET_MINUTES må være et helt tall (1 eller større)",
    ),
}
# Settings whose every text is a value (names, paths, secrets): nothing to refuse.
FREE_TEXT = {
    "PRIVACY_OWNER",
    "SECRET_KEY",
    "TRACKER_SEED_PATH",
    "OIDC_CLIENT_ID",
    "OIDC_CLIENT_SECRET",
    "OIDC_PROVIDER_NAME",
    "OIDC_ACR_VALUES",
    "REPORT_DEPARTMENT",
    "REPORT_JOBS_DIR",
    "TRACKER_UNO_PYTHON",
    "BIND",
}


def clean_environment(**settings) -> dict:
    """This process's environment without any tracker setting, plus ``settings``."""
    names = {setting.name for setting in SETTINGS}
    return {k: v for k, v in os.environ.items() if k not in names} | settings


def run_flask(tmp_path, *command, **settings) -> subprocess.CompletedProcess:
    environment = clean_environment(
        **{"TRACKER_ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}
        | settings
    )
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *command],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@dataclass
class CommandResult:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def flask_command(monkeypatch, tmp_path) -> Callable[..., CommandResult]:
    """``flask --app wsgi <command>`` run in this process, with the environment ``run_flask``
    gives: the ``flask`` executable is ``flask.cli.main``, which calls ``cli.main()``, the same
    function called here with the same arguments, so the app is found, imported (wsgi.py's
    ``create_app()``) and its settings refused by the same code. Starting an interpreter for
    each of 35 bad values cost 0.75 s apiece, mostly imports; the subprocess tests above and
    below (``seed``, ``db upgrade``, ``users demo``, gunicorn) keep the real entry points."""
    monkeypatch.chdir(ROOT)

    def run(*command: str, **settings: str) -> CommandResult:
        environment = {setting.name: None for setting in SETTINGS} | {
            "TRACKER_ENV": "development",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
            **settings,
        }
        monkeypatch.delitem(
            sys.modules, "wsgi", raising=False
        )  # imported afresh, as a new process would
        result = CliRunner().invoke(flask_cli, ["--app", "wsgi", *command], env=environment)
        # An exception other than the exit click makes would be a traceback on the terminal.
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
        return CommandResult(result.exit_code, result.stdout, result.stderr)

    return run


def test_every_setting_that_can_be_wrong_has_a_refusal_tested():
    declared = {setting.name for setting in SETTINGS}
    assert set(BAD_VALUES) | FREE_TEXT == declared
    assert not set(BAD_VALUES) & FREE_TEXT


def test_a_bad_value_stops_a_flask_command_process_with_one_norwegian_line(tmp_path):
    value, message = BAD_VALUES["SESSION_MINUTES"]
    result = run_flask(tmp_path, "routes", SESSION_MINUTES=value)
    assert result.returncode == 1
    assert result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1  # the message, no traceback
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize("name", sorted(BAD_VALUES))
def test_a_bad_value_stops_a_flask_command_with_one_norwegian_line(flask_command, name):
    value, message = BAD_VALUES[name]
    result = flask_command("routes", **{name: value})
    assert result.returncode == 1
    assert result.stderr.startswith(message)
    assert result.stderr.strip().endswith(".")
    assert len(result.stderr.strip().splitlines()) == 1  # the message, no traceback
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_a_refused_address_never_shows_its_password(flask_command):
    for name, value in [
        ("MAIL_URL", "http://tracker:hemmelig@mail.example.no"),
        ("DATABASE_URL", "tracker:hemmelig@db.example.no/tracker"),
    ]:
        result = flask_command("routes", **{name: value})
        assert result.returncode == 1
        assert "hemmelig" not in result.stderr
    result = flask_command("routes", MAIL_URL="http://tracker:hemmelig@mail.example.no")
    assert "«http://tracker:***@mail.example.no»" in result.stderr


def test_production_mail_must_name_its_sender_and_site(flask_command):
    result = flask_command(
        "routes",
        TRACKER_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
        MAIL_URL="smtp://mail.example.no:587",
        PUBLIC_URL="https://tracker.example.no",
    )
    assert result.returncode == 1
    assert result.stderr.startswith("MAIL_FROM mangler: når MAIL_URL er satt i produksjon")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"SESSION_MINUTES": "tjue"}, BAD_VALUES["SESSION_MINUTES"][1]),
        ({"PORT": "99999"}, BAD_VALUES["PORT"][1]),
        ({"GUNICORN_LOG_LEVEL": "loud"}, BAD_VALUES["GUNICORN_LOG_LEVEL"][1]),
        ({"TRACKER_ENV": "production"}, "SECRET_KEY mangler."),
    ],
)
def test_gunicorn_stops_at_start_with_the_same_line(tmp_path, settings, message):
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [str(gunicorn), "--config", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=clean_environment(
            # gunicorn reads WEB_CONCURRENCY itself before any config file (make serve's
            # preflight checks it first); port 1 is never reached, the start stops before.
            **{"TRACKER_ENV": "development", "PORT": "1", "DATABASE_URL": "sqlite://"} | settings
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr and "Booting worker" not in result.stderr


def test_values_from_the_environment_reach_the_app(monkeypatch):
    for name, value in {
        "SESSION_MINUTES": " 20 ",
        "DATABASE_URL": "postgres://tracker@db.example.no/tracker",
        "PASSWORD_LOGIN": "OFF",
        "OIDC_ISSUER": "https://login.example.no",
        "OIDC_CLIENT_ID": "tracker",
        "MAIL_FROM": "Handlingsplanen <tracker@dep.example.no>",
    }.items():
        monkeypatch.setenv(name, value)
    config = load_config("/srv/tracker", {"TRACKER_ENV": "development"})
    assert config["PERMANENT_SESSION_LIFETIME"] == timedelta(minutes=20)
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://tracker@db.example.no/tracker"
    assert config["PASSWORD_LOGIN"] is False
    assert config["MAIL_FROM"] == "Handlingsplanen <tracker@dep.example.no>"
    assert config["REPORT_JOBS_DIR"] == "/srv/tracker/report-jobs"


def test_gunicorn_listens_where_the_environment_says(monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert server_settings()["bind"] == "127.0.0.1:8123"
    assert server_settings()["workers"] == 3
    monkeypatch.setenv("BIND", "0.0.0.0:9000")
    assert server_settings()["bind"] == "0.0.0.0:9000"


def test_a_setting_given_to_create_app_as_text_is_checked_like_the_environment():
    with pytest.raises(
        ConfigurationError, match="PUBLIC_URL må være nettstedets offentlige adresse"
    ):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "PUBLIC_URL": "x"})


def test_the_readme_table_is_the_declared_settings():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    expected = markdown_table(SETTINGS)
    assert expected in readme, (
        "README.md's configuration table differs from tracker/config.py's SETTINGS; "
        "replace it with the output of `python -m tracker.settings_table`"
    )
    # And nothing else there names a variable as if it were one of them.
    rows = re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", readme, flags=re.MULTILINE)
    assert sorted(rows) == sorted(setting.name for setting in SETTINGS)
