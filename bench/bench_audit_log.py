"""The audit log page (/admin/logg) with 500,000 events on PostgreSQL, as an administrator sees it
during a flood of failed and refused sign-ins that alternate between kinds (which defeated the
grouping of same-kind runs) with the ordinary work of the day sprinkled in.

    .venv/bin/python bench/bench_audit_log.py           # writes bench/results-audit-log.md

Runs on a throwaway database on BENCH_DATABASE_URL's server (default: the local PostgreSQL,
postgresql+psycopg://root@127.0.0.1:5432/test). Requests go through the app's own request
handling (the Flask test client, one request at a time); each figure is the median of REPEATS
requests after one warm-up. Deeper pages are reached by following the page's own «Eldre» link
(rel="next"), so the script measures whichever way the page paginates.
"""

import logging
import os
import platform
import random
import re
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from tests.support.databases import DEFAULT_SERVER_URL, ThrowawayDatabase  # noqa: E402
from tracker import create_app  # noqa: E402
from tracker.audit.models import AuditEvent  # noqa: E402
from tracker.auth.models import Role, User  # noqa: E402
from tracker.extensions import db  # noqa: E402

ROWS = int(os.environ.get("BENCH_AUDIT_ROWS", "500000"))
REPEATS = 5
DEEP_PAGE = 10
FLOOD_KINDS = ("login_failed", "login_throttled", "password_reset_requested")
ORDINARY_KINDS = ("login", "logout", "report_submitted", "report_approved", "user_updated")
ORDINARY_SHARE = 0.02
NEXT_LINK = re.compile(r'rel="next" href="([^"]+)"')


def fill(rows: int) -> None:
    """``rows`` events over 30 days: a flood from 5,000 addresses, alternating kinds, with 2 %
    ordinary events of 40 people in between."""
    generator = random.Random(2026)
    start = datetime(2026, 10, 1, tzinfo=UTC)
    step = timedelta(days=30) / rows
    batch = []
    for n in range(rows):
        moment = start + step * n
        if generator.random() < ORDINARY_SHARE:
            person = generator.randrange(40)
            batch.append(
                {
                    "event": generator.choice(ORDINARY_KINDS),
                    "email": f"person{person}@aid.dep.no",
                    "remote_addr": f"10.0.0.{person}",
                    "created_at": moment,
                    "details": {"n": n},
                }
            )
        else:
            batch.append(
                {
                    "event": FLOOD_KINDS[n % len(FLOOD_KINDS)],
                    "email": f"gjett{generator.randrange(100000)}@aid.dep.no",
                    "remote_addr": f"203.0.{generator.randrange(20)}.{generator.randrange(250)}",
                    "created_at": moment,
                    "details": {},
                }
            )
        if len(batch) == 10000:
            db.session.execute(insert(AuditEvent), batch)
            batch.clear()
    if batch:
        db.session.execute(insert(AuditEvent), batch)
    db.session.commit()
    db.session.execute(text("ANALYZE audit_events"))
    db.session.commit()


def timed(client, path: str) -> tuple[float, str]:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (path, response.status_code)
    return elapsed, response.get_data(as_text=True)


def median_ms(client, path: str) -> float:
    timed(client, path)  # warm-up
    return statistics.median(timed(client, path)[0] for _ in range(REPEATS)) * 1000


def deep_page_path(client, start: str, depth: int) -> str:
    path = start
    for _ in range(depth - 1):
        _elapsed, page = timed(client, path)
        match = NEXT_LINK.search(page)
        assert match, f"no «Eldre» link on {path}"
        path = unescape(match.group(1))
    return path


def main() -> int:
    server_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_SERVER_URL)
    database = ThrowawayDatabase(server_url, prefix="tracker_bench")
    url = database.create()
    try:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": uuid.uuid4().hex,
                "SQLALCHEMY_DATABASE_URI": url,
                "REPORT_JOBS_DIR": "/tmp/tracker-bench-report-jobs",
            }
        )
        logging.getLogger("tracker.requests").disabled = True  # one JSON line per request
        with app.app_context():
            upgrade()
            admin = User(
                email="admin@kud.dep.no",
                name="Admin",
                role=Role.ADMIN,
                password_hash="scrypt:32768:8:1$x$y",
                active=True,
            )
            db.session.add(admin)
            db.session.commit()
            fill_started = time.perf_counter()
            fill(ROWS)
            fill_seconds = time.perf_counter() - fill_started
            session_id = admin.get_id()
            db.session.remove()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = session_id
            session["_fresh"] = True
        cases = {
            "first page": "/admin/logg",
            f"page {DEEP_PAGE} (following «Eldre»)": deep_page_path(
                client, "/admin/logg", DEEP_PAGE
            ),
            "filtered by event (logout)": "/admin/logg?hendelse=logout",
            "filtered by person (person7@)": "/admin/logg?bruker=person7%40",
            "filtered by date (one day)": "/admin/logg?fra=2026-10-15&til=2026-10-15",
        }
        results = {name: median_ms(client, path) for name, path in cases.items()}
    finally:
        database.drop()
    write_results(results, fill_seconds)
    return 0


def write_results(results: dict[str, float], fill_seconds: float) -> None:
    output = Path(os.environ.get("BENCH_OUTPUT", ROOT / "bench" / "results-audit-log.md"))
    lines = [
        "# The audit log page with 500,000 events",
        "",
        f"CPython {platform.python_version()}, PostgreSQL (local server), {ROWS:,} events "
        f"(filled in {fill_seconds:.0f} s). Command: `.venv/bin/python bench/bench_audit_log.py`.",
        "",
        "| request | median of 5 |",
        "|---|---:|",
        *(f"| {name} | {ms:,.0f} ms |" for name, ms in results.items()),
        "",
    ]
    output.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
