"""The built wheel runs on its own: installed outside the checkout, it migrates, seeds and
serves the public page with its styles, scripts and translations, opens a round whose mail
reaches a real SMTP server (the mail templates travel in the wheel), and builds a report."""

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from docx import Document

from tests.support.live_stack import free_port
from tests.support.smtp_server import SmtpServer

# On one pytest-xdist worker: the wheel is built and installed once for the module.
pytestmark = pytest.mark.xdist_group("wheel")

ROOT = Path(__file__).resolve().parent.parent
# What a fresh clone holds; the rest is local state the build must not see.
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "build",
    "dist",
    "instance",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".hypothesis",
    "test-results",
    "*.mo",
)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtual environment outside the checkout holding only the wheel of tracker.

    Its dependencies come from the project's environment through a .pth line (a path, so the
    project's own editable install of tracker is not activated), which keeps the test fast.
    """
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, symlinks=True, ignore=NOT_SOURCE)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", work / "dist", source])
    (wheel,) = (work / "dist").glob("tracker-*.whl")

    venv = work / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv])
    python = venv / "bin" / "python"
    site_packages = Path(
        run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).strip()
    )
    (site_packages / "project_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", wheel])
    return python


@pytest.fixture(scope="module")
def seeded_database(installed, tmp_path_factory) -> tuple[Path, str]:
    """A database the installed wheel migrated and seeded, once for the module (two commands of
    seconds each), and what the seed command said; each test works on a copy of it."""
    folder = tmp_path_factory.mktemp("seeded")
    elsewhere = folder / "elsewhere"  # neither the checkout nor its parent
    elsewhere.mkdir()
    environment = app_environment(folder)
    flask = [installed, "-m", "flask", "--app", "tracker"]
    run([*flask, "db", "upgrade"], cwd=elsewhere, env=environment)
    said = run([*flask, "seed"], cwd=elsewhere, env=environment)
    return folder / "tracker.sqlite", said


def copy_of(seeded_database: tuple[Path, str], tmp_path: Path) -> None:
    """The seeded database where app_environment(tmp_path) points."""
    shutil.copyfile(seeded_database[0], tmp_path / "tracker.sqlite")


def run(command: list, **kwargs) -> str:
    result = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=300, **kwargs
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def app_environment(tmp_path: Path) -> dict:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "TRACKER_SEED_PATH", "PYTHONPATH")
    }
    environment.update(
        TRACKER_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
        PUBLIC_URL="https://tracker.example.no",
        DATABASE_URL=f"sqlite:///{tmp_path / 'tracker.sqlite'}",
    )
    return environment


def test_installed_wheel_migrates_seeds_and_serves_the_public_page(
    installed, seeded_database, tmp_path
):
    elsewhere = tmp_path / "elsewhere"  # neither the checkout nor its parent
    elsewhere.mkdir()
    copy_of(seeded_database, tmp_path)
    environment = app_environment(tmp_path)
    flask = [installed, "-m", "flask", "--app", "tracker"]

    where = run([installed, "-c", "import tracker; print(tracker.__file__)"], cwd=elsewhere)
    assert not Path(where.strip()).is_relative_to(ROOT), where

    # `db upgrade` and `seed` ran in seeded_database, from the installed wheel too.
    assert "Opprettet" in seeded_database[1]

    port = free_port()
    server = subprocess.Popen(
        [str(part) for part in (*flask, "run", "--port", port)],
        cwd=elsewhere,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        page = fetch_when_up(base + "/", server)
        assert "Handlingsplan mot rasisme og diskriminering" in page
        assert "Tiltak 1" in page or "50 tiltak" in page

        styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
        scripts = re.findall(r'<script src="([^"]+)"', page)
        assert len(styles) >= 3 and len(scripts) >= 2
        for address in styles + scripts:
            with urllib.request.urlopen(base + address.replace("&amp;", "&")) as response:
                assert response.status == 200
                kind = "css" if address in styles else "javascript"
                assert kind in response.headers["Content-Type"]
                assert len(response.read()) > 100

        # The compiled English catalog travelled in the wheel.
        english = fetch_when_up(base + "/?lang=en", server)
        assert "Action plan against racism and discrimination" in english
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def fetch_when_up(url: str, server: subprocess.Popen, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url) as response:
                return response.read().decode("utf-8")
        except (urllib.error.URLError, ConnectionError):
            if server.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_installed_wheel_sends_a_rounds_mail_and_builds_its_report(
    installed, seeded_database, tmp_path
):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    copy_of(seeded_database, tmp_path)
    smtp = SmtpServer().start()
    try:
        environment = app_environment(tmp_path) | {
            "MAIL_URL": smtp.url,
            "MAIL_FROM": "tracker@example.no",
            "PUBLIC_URL": "https://tracker.example.no",
        }
        flask = [installed, "-m", "flask", "--app", "tracker"]
        run(
            [*flask, "users", "create", "kontakt@aid.example.no", "--role", "contact"]
            + ["--ministry", "AID", "--name", "Kari Kontakt", "--password-stdin"],
            cwd=elsewhere,
            env=environment,
            input=secrets.token_urlsafe(24) + "\n",
        )
        run(
            [*flask, "rounds", "open", "status-2026", "--title", "Status 2026"]
            + ["--as-of", "2026-06-01", "--deadline", "2099-01-15"],
            cwd=elsewhere,
            env=environment,
        )
        sent = run([*flask, "mail", "send"], cwd=elsewhere, env=environment)
        assert "Ga opp: 0" in sent, sent

        (opened,) = [m for m in smtp.received if "kontakt@aid.example.no" in m.recipients]
        assert "Status 2026" in opened.subject
        assert "Status 2026" in opened.text and "<p" in opened.html  # both templates rendered

        report = tmp_path / "rapport.docx"
        run(
            [*flask, "report", "--round", "midtveis-2025", "--output", report, "--no-chart"],
            cwd=elsewhere,
            env=environment,
        )
        headings = [p.text for p in Document(report).paragraphs if p.style.name.startswith("Head")]
        assert any("Arbeidsliv" in heading for heading in headings), headings[:10]
    finally:
        smtp.stop()
