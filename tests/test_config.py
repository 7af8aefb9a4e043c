"""Production refuses settings that would be unsafe, with a message saying what to do."""

import pytest

from tracker import create_app
from tracker.config import ConfigurationError


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
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_a_bad_number_of_trusted_proxies_is_refused_clearly(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "én")
    with pytest.raises(ConfigurationError, match="TRUSTED_PROXIES må være et helt tall"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
