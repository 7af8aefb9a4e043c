#!/usr/bin/env python3
"""Today's data, 10 times and 100 times it: round operations, public pages and the export.

    .venv/bin/python bench/bench_scale.py            # 1, 10 and 100; writes bench/results-scale.md
    .venv/bin/python bench/bench_scale.py 1 10       # only these scales (no results file)

For each scale k, a fresh PostgreSQL database (BENCH_POSTGRES_URL's server, as bench_public.py)
holds the seed (plan one: 50 measures, its published midterm round) and a second plan of 50·k
measures with three published rounds, written with bulk inserts: 50·k reports per round and
21 revisions per measure (100×: 5,000 measures, 15,000 reports, 105,000 revisions), then
ANALYZE (the statistics autovacuum keeps on a production server; this one runs without it).

Measured in this process, through the operations and the app's own request handling (the page
cache off, so every page is rendered):

- round operations on the big plan, each with its commit, as the coordinator's buttons and the
  command line do them: open a round (a draft per measure), change its deadline, close, publish,
  withdraw the publication;
- public pages, uncached: the big plan's measure list (its first page and its size), its feed,
  its front page, and plan one's list;
- the coordinator's pages on the big plan, signed in: a second round's overview (open, every
  other report sent in) and its review queue, the first round's publish confirmation, the
  report page and the plan editing page;
- `flask data export` of everything, in a process of its own: time and peak memory (max RSS).
"""

import copy
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_public import bench_database  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

SCALES = (1, 10, 100)
BIG = "skala"
PLAN_ONE = "handlingsplan-rasisme-2024-2027"
REVISIONS_PER_MEASURE = 21  # 7 per report in each of the three published rounds
PUBLISHED_ROUNDS = 3
BATCH = 5000


def build_data(app, scale: int, seed: dict) -> dict:
    """The seed, and the big plan of 50·scale measures with its rounds, reports, revisions."""
    from tracker.extensions import db
    from tracker.measures.models import Measure
    from tracker.plan.loader import load_plan
    from tracker.plan.models import Plan
    from tracker.public.search import refresh_search_index
    from tracker.reporting.models import MeasureReport, ReportingRound, ReportRevision
    from tracker.reporting.states import ReviewState, RoundState, Status

    with app.app_context():
        load_plan(db.session, seed)
        db.session.commit()
        big = copy.deepcopy(seed)
        big["plan"] |= {"slug": BIG, "title": f"Skalaplan ({scale}×)", "title_en": "Scale plan"}
        big["plan"].pop("launched", None)
        big["rounds"] = []
        measures = []
        for copy_number in range(scale):
            for item in seed["measures"]:
                measures.append(
                    item
                    | {"number": len(measures) + 1, "title": f"{item['title']} ({copy_number})"}
                )
        big["measures"] = measures
        started = time.perf_counter()
        load_plan(db.session, big, new_plan=True)
        db.session.commit()
        plan = db.session.scalar(select(Plan).where(Plan.slug == BIG))
        measure_ids = list(db.session.scalars(select(Measure.id).where(Measure.plan_id == plan.id)))
        statuses = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.COMPLETED]
        connection = db.session.connection()
        base = datetime(2024, 6, 1, tzinfo=UTC)
        for number in range(PUBLISHED_ROUNDS):
            as_of = date(2024 + number, 6, 1)
            round_id = connection.execute(
                insert(ReportingRound)
                .values(
                    plan_id=plan.id,
                    slug=f"skala-{number + 1}",
                    title=f"Skalarunde {number + 1}",
                    as_of=as_of,
                    state=RoundState.PUBLISHED,
                    intro="",
                    opened_at=base,
                    closed_at=base,
                    published_at=base + timedelta(days=30 * number),
                )
                .returning(ReportingRound.id)
            ).scalar_one()
            per_report = REVISIONS_PER_MEASURE // PUBLISHED_ROUNDS
            for start in range(0, len(measure_ids), BATCH):
                chunk = measure_ids[start : start + BATCH]
                report_ids = connection.execute(
                    insert(MeasureReport).returning(MeasureReport.id, sort_by_parameter_order=True),
                    [
                        dict(
                            round_id=round_id,
                            measure_id=measure_id,
                            status=statuses[(measure_id + number) % 3],
                            narrative=f"Status for tiltaket i runde {number + 1}: arbeidet går "
                            f"videre med partene ({measure_id}).",
                            narrative_language="nb",
                            review_state=ReviewState.APPROVED,
                            review_comment="",
                            version=per_report,
                            updated_at=base,
                        )
                        for measure_id in chunk
                    ],
                ).scalars()
                revisions = []
                for report_id in report_ids:
                    for version in range(1, per_report + 1):
                        revisions.append(
                            dict(
                                report_id=report_id,
                                version=version,
                                action="saved" if version < per_report else "approved",
                                created_at=base + timedelta(minutes=version),
                                old_status=None if version == 1 else Status.NOT_STARTED,
                                new_status=Status.IN_PROGRESS,
                                old_narrative=None if version == 1 else f"Utkast {version - 1}.",
                                new_narrative=f"Utkast {version}.",
                                narrative_language="nb",
                                old_review_state=None if version == 1 else ReviewState.DRAFT,
                                new_review_state=ReviewState.DRAFT,
                                comment="",
                            )
                        )
                connection.execute(insert(ReportRevision), revisions)
        refresh_search_index(connection)
        db.session.commit()
        # Statistics, as autovacuum gathers them within a minute of a bulk load on a production
        # server (this one runs without autovacuum): without any, PostgreSQL expects one row
        # per table and joins 5,000 measures to 5,000 reports pair by pair.
        connection = db.session.connection()
        connection.exec_driver_sql("ANALYZE")
        db.session.commit()
        counts = {
            "measures": db.session.query(Measure).count(),
            "reports": db.session.query(MeasureReport).count(),
            "revisions": db.session.query(ReportRevision).count(),
            "load_seconds": time.perf_counter() - started,
        }
        db.session.remove()
    return counts


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def approve_every_report(reporting_round) -> None:
    """Every report of the round approved with a text of its own (bulk, not timed): publishing
    then changes every measure's public text, the most the search index can have to follow."""
    from sqlalchemy import update

    from tracker.extensions import db
    from tracker.reporting.models import MeasureReport
    from tracker.reporting.states import ReviewState

    db.session.execute(
        update(MeasureReport)
        .where(MeasureReport.round_id == reporting_round.id)
        .values(
            review_state=ReviewState.APPROVED,
            narrative="Ny status etter runden: tiltaket er videreført med nye samarbeidspartnere.",
        )
    )
    db.session.commit()


def round_operations(app) -> dict:
    from tracker.extensions import db
    from tracker.plan.queries import get_plan
    from tracker.reporting.operations import (
        change_deadline,
        close_round,
        open_round,
        publish_round,
        withdraw_publication,
    )
    from tracker.reporting.queries import get_round

    figures = {}
    with app.app_context():
        plan = get_plan(BIG)

        def opened():
            open_round(plan, "skala-ny", "Ny skalarunde", date(2027, 6, 1), date(2027, 5, 1), None)
            db.session.commit()

        figures["open a round"] = timed(opened)
        the_round = get_round("skala-ny")
        steps = {
            "change its deadline": lambda: change_deadline(the_round, date(2027, 5, 15), None),
            "close it": lambda: close_round(the_round, None, before_deadline_confirmed=True),
            "publish it": lambda: publish_round(the_round, None),
            "withdraw the publication": lambda: withdraw_publication(the_round, None),
        }
        for name, step in steps.items():
            if name == "publish it":
                approve_every_report(the_round)  # as the coordinator has, before publishing
            figures[name] = timed(lambda step=step: (step(), db.session.commit()))
        db.session.remove()
    return figures


PUBLIC_PAGES = (
    ("big plan: measure list", f"/planer/{BIG}/tiltak"),
    ("big plan: measure list, a search", f"/planer/{BIG}/tiltak?q=arbeidsliv"),
    ("big plan: front page", f"/planer/{BIG}/"),
    ("big plan: feed", f"/planer/{BIG}/feed.atom"),
    ("plan one: measure list", f"/planer/{PLAN_ONE}/tiltak"),
)
COORDINATOR_PAGES = (
    ("round overview (open round)", "/rapportering/skala-neste/oversikt"),
    ("review queue (half sent in)", "/rapportering/skala-neste/oversikt?rapport=submitted"),
    ("publish confirmation (closed round)", "/rapportering/skala-ny/publiser"),
    ("report page", "/koordinator/rapport/"),
    ("plan editing page", f"/planarbeid/{BIG}/"),
)


def sign_in_coordinator(app, client) -> None:
    """A second round opened on the big plan (the first is closed after the operations), every
    other report in it sent in for review (bulk, not timed), and ``client`` signed in as the
    plan's coordinator, as the tests' ``login`` fixture does."""
    from sqlalchemy import update

    from tracker.auth.models import Role, User
    from tracker.extensions import db
    from tracker.plan.queries import get_plan
    from tracker.reporting.models import MeasureReport
    from tracker.reporting.operations import open_round
    from tracker.reporting.states import ReviewState

    with app.app_context():
        plan = get_plan(BIG)
        second = open_round(plan, "skala-neste", "Neste skalarunde", date(2028, 6, 1), None, None)
        db.session.execute(
            update(MeasureReport)
            .where(MeasureReport.round_id == second.id, MeasureReport.measure_id % 2 == 0)
            .values(review_state=ReviewState.SUBMITTED, version=2)
        )
        coordinator = User(
            email="koordinator@skala.example.no",
            name="Skala Koordinator",
            role=Role.COORDINATOR,
            active=True,
            password_hash="!",  # signs in through the session below, never with a password
        )
        coordinator.coordinated_plans = [plan]
        db.session.add(coordinator)
        db.session.commit()
        user_id = coordinator.get_id()
        db.session.remove()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True


def pages(app, listed=PUBLIC_PAGES, client=None) -> dict:
    client = client or app.test_client()
    figures = {}
    for name, path in listed:
        times, size, status = [], 0, 0
        for _ in range(3):
            started = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - started)
            size, status = len(response.data), response.status_code
        figures[name] = (statistics.median(times), size, status)
    return figures


def export(url: str) -> tuple[float, float, int]:
    """`flask data export` in a process of its own: seconds, peak memory in MB, file bytes."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "eksport.json"
        env = os.environ | {"DATABASE_URL": url, "TRACKER_ENV": "development"}
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "data", "export", str(path)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        assert status == 0, "the export failed"
        return seconds, usage.ru_maxrss / 1024, path.stat().st_size


def run_scale(scale: int, seed: dict) -> dict:
    from flask_migrate import upgrade

    from tracker import create_app

    database = bench_database()
    url = database.create()
    try:
        config = {
            "SQLALCHEMY_DATABASE_URI": url,
            "TRACKER_ENV": "development",
            "PUBLIC_PAGE_CACHE_BYTES": 1,  # nothing fits: every page is rendered
        }
        app = create_app(config)
        with app.app_context():
            upgrade()
        counts = build_data(app, scale, seed)
        print(f"{scale}×: {counts}", flush=True)
        operations = round_operations(app)
        print(f"{scale}×: {operations}", flush=True)
        page_figures = pages(app)
        print(f"{scale}×: {page_figures}", flush=True)
        client = app.test_client()
        sign_in_coordinator(app, client)
        coordinator_figures = pages(app, COORDINATOR_PAGES, client)
        print(f"{scale}×: {coordinator_figures}", flush=True)
        export_figures = export(url)
        print(f"{scale}×: export {export_figures}", flush=True)
        with app.app_context():
            from tracker.extensions import db

            db.engine.dispose()
    finally:
        database.drop()
    return {
        "counts": counts,
        "operations": operations,
        "pages": page_figures,
        "coordinator": coordinator_figures,
        "export": export_figures,
    }


NOTES = """
## Before

The same script on main before this branch's changes (3501c95, minutes earlier on this machine,
load average 4.3–6.1 during the 100× part), and the previous recorded run (71df1cc, 17:54 UTC,
before the script gathered statistics with ANALYZE):

| at 100× | 71df1cc | main 3501c95 |
|---|---:|---:|
| open a round | 8.34 s | 7.12 s |
| close it | 1.27 s | 1.10 s |
| publish it | 2.91 s | 3.67 s |
| withdraw the publication | 1.82 s | 1.56 s |
| big plan: feed | 594 ms / 59 kB | 307 ms / 59 kB |
| round overview (open round) | | 5,100 ms / 4,284 kB |
| review queue (half sent in) | | 4,175 ms / 2,687 kB |
| publish confirmation (closed round) | | 1,756 ms / 5 kB |
| report page | | 24 ms / 25 kB |
| plan editing page | | 2,769 ms / 1,798 kB |

What changed (issue 25, branch `scale`):

- Opening a round: two `INSERT … SELECT` statements (drafts, then their «opened» revisions)
  instead of two ORM entities per measure; the carried report found per measure by a
  correlated subquery; no search row rewritten (an open round's drafts are not public); the
  round's messages read only the reports of units with an active contact person (also on
  closing, reopening and reminders: closing took 1.1 s for that alone).
- Publishing reads the round's measures and reports for subscribers' messages only when the
  plan has confirmed subscribers (a second at 100×, spent for no message here).
- Publishing, withdrawing and a saved report rewrite only the narratives of the search rows on
  PostgreSQL: each row keeps its plan part (the lexemes weighted A–C, `ts_filter`) and the
  published narratives are computed again, instead of reading, normalising, sending and
  parsing every measure's whole document (2.7 MB of descriptions at 100×).
- The feed: the database compares each public report with the measure's previous one (`LAG`)
  and returns only the changes an entry lists (at most 100 per round) and their count.
- The coordinator's overview (and its review filter) and the publish confirmation count from
  plain rows and show 100 reports a page; the plan editing page 100 measures a page. The first
  plan's 50 stay on one page.
- This script now runs `ANALYZE` after its bulk load: this PostgreSQL runs without autovacuum,
  and without statistics the planner expects one row per table and joins 5,000 measures to
  5,000 reports pair by pair (the status counts of the publish confirmation took 0.7–1.9 s so).

Not done, or still near the line:

- Publishing and withdrawing are now mostly the GIN index writes of the 5,000 rewritten rows
  (0.4–0.8 s by themselves in psql on this machine): 1.2–1.5 s when the load average was 6–7
  while the branch was worked on, 0.5–0.7 s in the run above. Keeping the narratives in an
  index of their own would avoid rewriting the plan's lexemes; not done.
- A plan with confirmed subscribers still reads every measure and report of the round when it
  is published (about a second at 100×).
- A database without statistics (restored and not yet analysed, or a server without
  autovacuum) makes several counting queries slow; opening a round does not depend on them.
- The export and the 100× report are as before (the export table above; the report not
  measured here).
"""


def write_results(results: dict) -> None:
    scales = list(results)
    head = "| | " + " | ".join(f"{k}×" for k in scales) + " |\n|---|" + "---:|" * len(scales)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    lines = [
        "# Scale: today's data, 10 and 100 times it",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `.venv/bin/python bench/bench_scale.py` "
        f"at {commit} on {platform.node()} ({os.cpu_count()} cores, shared with other jobs); "
        "PostgreSQL on 127.0.0.1. How the data is made: the script's docstring.",
        "",
        "## Data",
        "",
        head,
    ]
    for key in ("measures", "reports", "revisions"):
        lines.append(
            f"| {key} | " + " | ".join(f"{results[k]['counts'][key]:,}" for k in scales) + " |"
        )
    lines.append(
        "| load average (1 min) before / after | "
        + " | ".join(f"{results[k]['load'][0]:.1f} / {results[k]['load'][1]:.1f}" for k in scales)
        + " |"
    )
    lines += ["", "## Round operations on the big plan (seconds, with the commit)", "", head]
    for name in results[scales[0]]["operations"]:
        lines.append(
            f"| {name} | "
            + " | ".join(f"{results[k]['operations'][name]:.2f}" for k in scales)
            + " |"
        )
    for key, heading in (
        ("pages", "Public pages, uncached (median of 3: milliseconds / kB)"),
        ("coordinator", "The coordinator's pages on the big plan, signed in (median of 3)"),
    ):
        lines += ["", f"## {heading}", "", head]
        for name in results[scales[0]][key]:
            cells = []
            for k in scales:
                seconds, size, status = results[k][key][name]
                cells.append(
                    f"{seconds * 1000:.0f} ms / {size / 1024:.0f} kB"
                    + ("" if status == 200 else f" ({status})")
                )
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "## `flask data export` (all tables, streamed)", "", head]
    lines.append(
        "| seconds | " + " | ".join(f"{results[k]['export'][0]:.1f}" for k in scales) + " |"
    )
    lines.append(
        "| peak memory (max RSS, MB) | "
        + " | ".join(f"{results[k]['export'][1]:.0f}" for k in scales)
        + " |"
    )
    lines.append(
        "| file (MB) | "
        + " | ".join(f"{results[k]['export'][2] / 1024**2:.1f}" for k in scales)
        + " |"
    )
    text = "\n".join(lines) + "\n" + NOTES
    (ROOT / "bench" / "results-scale.md").write_text(text, encoding="utf-8")


def main() -> int:
    scales = [int(arg) for arg in sys.argv[1:]] or list(SCALES)
    seed = json.loads((ROOT / "seed" / "plan_2024_2027.json").read_text(encoding="utf-8"))
    results = {}
    for scale in scales:
        before = os.getloadavg()[0]
        results[scale] = run_scale(scale, seed)
        results[scale]["load"] = (before, os.getloadavg()[0])
    if scales == list(SCALES):
        write_results(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
