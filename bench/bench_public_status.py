#!/usr/bin/env python3
"""Benchmark the reads behind "each measure's latest published status" (issue 11).

    .venv/bin/python bench/bench_public_status.py [--measures 50 5000] [--repeat 30]

For each plan size, on a fresh PostgreSQL database: the plan with three published rounds
(the first reports every measure, the second half of them, the third a third), then the
median time of what a public page does on a cache miss, against the old per-round reads it
replaced, in the same run:

- new: latest_public_reports() + public_status_summary() (window function over all rounds)
- old: reports_by_measure(latest round) + status_summary(latest round) (one round only)

Writes bench/results-public-status.md. Only the page cache's misses pay this (a publish or an
edit in a published round); cached pages are measured by bench_public.py.
"""

import argparse
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from tests.support.databases import fresh_postgres_database  # noqa: E402
from tests.support.public_helpers import load_synthetic_plan  # noqa: E402
from tracker import create_app  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.measures.models import Measure  # noqa: E402
from tracker.reporting.models import MeasureReport, ReportingRound  # noqa: E402
from tracker.reporting.queries import (  # noqa: E402
    latest_public_reports,
    latest_published_round,
    public_status_summary,
    reports_by_measure,
    status_summary,
)
from tracker.reporting.states import ReviewState, RoundState, Status  # noqa: E402

RESULTS = ROOT / "bench" / "results-public-status.md"


def add_published_round(plan, slug: str, as_of: date, every: int) -> None:
    reporting_round = ReportingRound(
        plan_id=plan.id,
        slug=slug,
        title=slug,
        as_of=as_of,
        state=RoundState.PUBLISHED,
        published_at=datetime(as_of.year, as_of.month, 15, tzinfo=UTC),
    )
    db.session.add(reporting_round)
    db.session.flush()
    measure_ids = db.session.scalars(select(Measure.id).order_by(Measure.number)).all()
    db.session.execute(
        insert(MeasureReport),
        [
            {
                "round_id": reporting_round.id,
                "measure_id": measure_id,
                "status": Status.COMPLETED,
                "narrative": "Ny status.",
                "review_state": ReviewState.APPROVED,
                "version": 1,
                "review_comment": "",
                "updated_at": datetime(as_of.year, as_of.month, 10, tzinfo=UTC),
            }
            for index, measure_id in enumerate(measure_ids)
            if index % every == 0
        ],
    )
    db.session.commit()


def median_ms(work, repeat: int) -> float:
    work()  # warm: connection, statement cache
    times = []
    for _ in range(repeat):
        db.session.expunge_all()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def measure_size(size: int, repeat: int) -> tuple[float, float]:
    with fresh_postgres_database() as url:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            plan = load_synthetic_plan(size)
            add_published_round(plan, "runde-2", date(2027, 1, 1), every=2)
            add_published_round(plan, "runde-3", date(2027, 6, 1), every=3)

            def new():
                latest_public_reports(plan)
                public_status_summary(plan)

            def old():
                latest = latest_published_round(plan)
                reports_by_measure(latest)
                status_summary(latest)

            result = median_ms(new, repeat), median_ms(old, repeat)
            db.session.remove()
            db.engine.dispose()
            return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--measures", type=int, nargs="+", default=[50, 5000])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    rows = [(size, *measure_size(size, args.repeat)) for size in args.measures]
    lines = [
        "# Public status reads (latest published status per measure)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on 2 shared CPU cores, PostgreSQL, three "
        f"published rounds (all, half, a third of the measures reported), median of "
        f"{args.repeat}. Reproduce: `.venv/bin/python bench/bench_public_status.py`.",
        "",
        "| measures | new: latest per measure (ms) | old: latest round only (ms) | ratio |",
        "|---:|---:|---:|---:|",
    ]
    for size, new, old in rows:
        lines.append(f"| {size:,} | {new:.1f} | {old:.1f} | {new / old:.2f} |")
    lines += [
        "",
        "Both are paid only on a page-cache miss (after a publish or an edit in a published "
        "round); cached public pages are measured by `bench_public.py`.",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
