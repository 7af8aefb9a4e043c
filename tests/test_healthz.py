"""/healthz tells a load balancer whether this instance can serve: its database answers, the
schema is the one the code expects, the report folder can take a report, and every instance signs
sessions with the same key. Anything else is 503, so the instance is taken out."""

import secrets
import socket

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from tests.support.app import make_app
from tests.support.disks import fill
from tracker.resources import MIGRATIONS_DIR


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_healthz_reports_ok_when_everything_needed_to_serve_is_there(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {
        "status": "ok",
        "database": "ok",
        "schema": "ok",
        "report_folder": "ok",
    }


def test_healthz_reports_503_when_the_database_is_unreachable():
    app = make_app(f"postgresql+psycopg://tracker@127.0.0.1:{closed_port()}/tracker")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unavailable"}
    assert "127.0.0.1" not in response.get_data(as_text=True)


def test_healthz_reports_503_when_the_schema_is_one_migration_behind(tmp_path):
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    scripts = ScriptDirectory.from_config(config)
    one_behind = scripts.get_revision(scripts.get_current_head()).down_revision
    app = make_app("sqlite:///" + str(tmp_path / "behind.sqlite"))
    with app.app_context():
        upgrade(revision=one_behind)
        response = app.test_client().get("/healthz")
        upgrade()
        current = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "error" and response.json["schema"] == "outdated"
    assert current.status_code == 200 and current.json["schema"] == "ok"


def test_healthz_reports_503_when_the_report_folder_is_full(_migrated, small_disk):
    app = make_app(_migrated, REPORT_JOBS_DIR=str(small_disk), REPORT_JOBS_MIN_FREE_MB=0)
    with app.app_context():
        before = app.test_client().get("/healthz")
        fill(small_disk)
        after = app.test_client().get("/healthz")
    assert before.status_code == 200 and before.json["report_folder"] == "ok"
    assert after.status_code == 503
    assert after.json["status"] == "error" and after.json["report_folder"] == "full"


def test_healthz_reports_503_when_less_than_the_minimum_is_free(_migrated, tmp_path):
    app = make_app(_migrated, REPORT_JOBS_DIR=str(tmp_path), REPORT_JOBS_MIN_FREE_MB=10**9)
    with app.app_context():
        response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["report_folder"] == "full"


def test_an_instance_with_another_secret_key_says_so_and_is_taken_out(tmp_path):
    """Two instances on one database, each with a key of its own (the README's recipe run on
    each machine): the one whose key was seen second answers 503, the first stays in."""
    url = "sqlite:///" + str(tmp_path / "keys.sqlite")
    production = {
        "TESTING": False,
        "TRACKER_ENV": "production",
        "SECRET_KEY_CHECK": True,
        "PUBLIC_URL": "https://tracker.example.no",
    }
    the_sites_key, other_key = secrets.token_hex(32), secrets.token_hex(32)
    first = make_app(url, **production, SECRET_KEY=the_sites_key)
    with first.app_context():
        upgrade()
        alone = first.test_client().get("/healthz")
    second = make_app(url, **production, SECRET_KEY=other_key)
    # Each instance says its key is in use as it serves (every /healthz, and every 20 s).
    with second.app_context():
        second.test_client().get("/")
    with first.app_context():
        site_key = first.test_client().get("/healthz")
    with second.app_context():
        odd_one = second.test_client().get("/healthz")
    same = make_app(url, **production, SECRET_KEY=the_sites_key)  # a third, with the site's key
    with second.app_context():
        second.test_client().get("/healthz")
    with same.app_context():
        same_key = same.test_client().get("/healthz")
    assert alone.status_code == 200 and alone.json["secret_key"] == "ok"
    assert odd_one.status_code == 503
    assert odd_one.json["status"] == "error" and odd_one.json["secret_key"] == "differs"
    assert site_key.status_code == 200 and site_key.json["secret_key"] == "others_differ"
    assert same_key.status_code == 200 and same_key.json["secret_key"] == "others_differ"
