"""PUBLIC_URL is the one source of absolute links, and production will not start without it."""

import os
import secrets
import subprocess
import sys

import pytest

from tracker import create_app
from tracker.absolute_urls import absolute_url
from tracker.config import ConfigurationError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_production_refuses_to_start_without_public_url(monkeypatch):
    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    with pytest.raises(ConfigurationError, match="PUBLIC_URL mangler") as refused:
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert "https://tracker.example.no" in str(refused.value)


def test_a_flask_command_says_so_without_a_traceback(tmp_path):
    environment = os.environ | {
        "TRACKER_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'tracker.sqlite'}",
        "PUBLIC_URL": "tracker.example.no",
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "current"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "PUBLIC_URL må være nettstedets offentlige adresse" in result.stderr
    assert "«tracker.example.no»" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "value",
    [
        "tracker.example.no",
        "ftp://tracker.example.no",
        "https://",
        "https://tracker.example.no/?fra=feed",
        "https://tracker.example.no/#topp",
        "https://bruker:passord@tracker.example.no",
        "https://tracker.example.no:port",
    ],
)
def test_a_public_url_that_is_no_site_address_is_refused(value):
    with pytest.raises(ConfigurationError, match="PUBLIC_URL må være nettstedets offentlige"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "PUBLIC_URL": value})


def test_links_carry_public_url_with_its_path_and_never_the_requests_host():
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "PUBLIC_URL": "https://www.example.no/handlingsplan/",
        }
    )
    with app.test_request_context("/", headers={"Host": "angriper.example"}):
        assert absolute_url("public.measure_detail", plan_slug="en-plan", number=12) == (
            "https://www.example.no/handlingsplan/planer/en-plan/tiltak/12"
        )
    with app.test_request_context("/?lang=en", headers={"Host": "angriper.example"}):
        # An English page links English pages, as url_for does.
        assert absolute_url("public.home") == "https://www.example.no/handlingsplan/?lang=en"
