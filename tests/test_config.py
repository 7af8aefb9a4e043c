"""Production refuses settings that would be unsafe, with a message saying what to do."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tracker import create_app
from tracker.config import ConfigurationError

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
    monkeypatch.setenv("SECRET_KEY", "s" * 64)
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
