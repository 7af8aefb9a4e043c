"""`make serve` refuses to start misconfigured, and serves the plan on PostgreSQL when
configured."""

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.databases import fresh_postgres_database

ROOT = Path(__file__).resolve().parent.parent


def make_serve(**env) -> subprocess.Popen:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "DATABASE_URL", "TRACKER_ENV", "PUBLIC_URL")
    }
    environment.update(env)
    return subprocess.Popen(
        ["make", "-s", "serve"],
        cwd=ROOT,
        env=environment,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def finished(process: subprocess.Popen) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise
    return process.returncode, out, err


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_make_serve_without_secret_key_says_so_and_does_not_start():
    code, out, err = finished(
        make_serve(DATABASE_URL="postgresql://tracker@127.0.0.1:5432/tracker")
    )
    assert code != 0
    assert "make serve: SECRET_KEY mangler" in err
    assert "secrets.token_hex(32)" in err  # tells how to make one
    assert "tracker ble ikke startet" in err
    assert "Traceback" not in err and "gunicorn" not in out + err


def test_make_serve_refuses_sqlite_and_a_missing_database_url():
    code, _, err = finished(
        make_serve(SECRET_KEY=secrets.token_hex(32), DATABASE_URL="sqlite:///tracker.sqlite")
    )
    assert code != 0 and "DATABASE_URL må peke på en PostgreSQL-database" in err
    code, _, err = finished(make_serve(SECRET_KEY=secrets.token_hex(32)))
    assert code != 0 and "DATABASE_URL mangler" in err


def test_make_serve_without_public_url_says_so_and_does_not_start():
    code, out, err = finished(
        make_serve(
            SECRET_KEY=secrets.token_hex(32),
            DATABASE_URL="postgresql://tracker@127.0.0.1:5432/tracker",
        )
    )
    assert code != 0
    assert "make serve: PUBLIC_URL mangler" in err and "https://tracker.example.no" in err
    assert "tracker ble ikke startet" in err
    assert "Traceback" not in err and "gunicorn" not in out + err


def test_make_serve_migrates_seeds_and_serves_on_postgresql():
    port = free_port()
    with fresh_postgres_database() as url:
        server = make_serve(
            SECRET_KEY=secrets.token_hex(32),
            DATABASE_URL=url,
            PUBLIC_URL="https://tracker.example.no",
            PORT=str(port),
            WEB_CONCURRENCY="1",
        )
        try:
            health = wait_for_health(f"http://127.0.0.1:{port}/healthz", server)
            page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60)
            body = page.read().decode()
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            out, err = server.communicate(timeout=60)
    assert health == {
        "status": "ok",
        "database": "ok",
        "schema": "ok",
        "report_folder": "ok",
        "secret_key": "ok",
    }
    assert body.count("<tr>") >= 50  # the plan was seeded into the empty database
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    log_lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert {"path": "/", "status": 200, "method": "GET"}.items() <= log_lines[-1].items()
    assert "Opprettet" in out  # the seed command's report
    assert "Skrev 2 feilsider til instance/error-pages." in out  # the pages nginx shows
    assert "Booting worker" in err


def wait_for_health(url: str, server: subprocess.Popen, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"make serve stopped: {server.communicate()}")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return json.loads(response.read())
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    pytest.fail("make serve did not answer /healthz within a minute")
