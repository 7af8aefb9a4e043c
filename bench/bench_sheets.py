"""The spreadsheets' costs: reading and previewing a contact person's sheet of 50 measures with
20,000-character narratives (the issue asks under 1 s), and the coordinator's export of a round
of 500 and 5,000 measures (is it linear?).

    .venv/bin/python bench/bench_sheets.py           # writes bench/results-sheets.md

Runs on a throwaway SQLite file (BENCH_DATABASE_URL: a PostgreSQL server instead, on a
throwaway database of its own). Each figure is the median of REPEATS runs after one warm-up,
timed around the same functions the views call (no HTTP).
"""

import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import current_app  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import String, cast, literal, select, update  # noqa: E402

from tests.factories import (  # noqa: E402
    AreaFactory,
    IndicatorFactory,
    MeasureFactory,
    MilestoneFactory,
    PlanFactory,
    UnitFactory,
)
from tests.support.app import make_app  # noqa: E402
from tests.support.databases import ThrowawayDatabase  # noqa: E402
from tests.support.public_helpers import load_synthetic_plan  # noqa: E402
from tests.support.sheets import edit_results, edit_sheet  # noqa: E402
from tests.support.workflow import make_user  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import MeasureReport, ReportingRound, Role, SheetUpload  # noqa: E402
from tracker.reporting.operations import open_round  # noqa: E402
from tracker.spreadsheets.export import build_reports_export  # noqa: E402
from tracker.spreadsheets.queries import (  # noqa: E402
    preview_upload,
    round_reports_for_export,
    round_sheet,
)
from tracker.spreadsheets.round_sheet import build_round_sheet  # noqa: E402

REPEATS = 5
SHEET_MEASURES = 50
NARRATIVE_CHARACTERS = 20_000
INDICATORS_PER_MEASURE = 2
MILESTONES_PER_MEASURE = 2
EXPORT_SIZES = (500, 5_000)
EXPORT_NARRATIVE_CHARACTERS = 1_500  # a long midterm-report paragraph or two
WORDS = (
    "arbeidet tiltaket departementet rapporten kommunene likestilling diskriminering rasisme "
    "kartlegging tilskudd evaluering veileder samarbeid frivillige organisasjoner ungdom skole "
    "arbeidsliv helse bolig politiet domstolene samisk nasjonale minoriteter innvandrere æøå"
).split()


def text(generator: random.Random, length: int) -> str:
    words = []
    size = 0
    while size < length:
        word = generator.choice(WORDS)
        words.append(word)
        size += len(word) + 1
    body = " ".join(words)[: length - 1]
    return body.rstrip() + "."


def median_seconds(work, repeats: int = REPEATS) -> float:
    work()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def sheet_bench() -> dict:
    generator = random.Random(22)
    unit = UnitFactory(abbreviation="KUD", name="Kultur- og likestillingsdepartementet")
    area = AreaFactory(plan=PlanFactory())
    for number in range(1, SHEET_MEASURES + 1):
        measure = MeasureFactory(number=number, area=area, units=[unit])
        for index in range(INDICATORS_PER_MEASURE):
            IndicatorFactory(measure=measure, name=f"Indikator {number}.{index}")
        for index in range(MILESTONES_PER_MEASURE):
            MilestoneFactory(measure=measure, title=f"Delmål {number}.{index}")
    coordinator = make_user(Role.COORDINATOR)
    contact = make_user(Role.CONTACT, unit=unit)
    reporting_round = open_round(PlanFactory(), "benk", "Benk", date(2027, 3, 1), None, coordinator)
    db.session.flush()
    for report in reporting_round.reports:
        report.narrative = text(generator, NARRATIVE_CHARACTERS)
    db.session.commit()
    with current_app.test_request_context():
        sheet = build_round_sheet(round_sheet(reporting_round, unit))
        build = median_seconds(lambda: build_round_sheet(round_sheet(reporting_round, unit)))
        # Every row changed: a word in every narrative (each diff has work to do).
        rows = {}
        for report in reporting_round.reports:
            words = report.narrative.split(" ")
            words[len(words) // 2] = words[len(words) // 2].upper()  # same length
            rows[report.measure.number] = {"narrative": " ".join(words)}
        # And every indicator value and milestone date filled in.
        indicators = {
            f"Indikator {number}.{index}": {"value": 1000 + number + index / 10, "period": "2026"}
            for number in range(1, SHEET_MEASURES + 1)
            for index in range(INDICATORS_PER_MEASURE)
        }
        milestones = {
            f"Delmål {number}.{index}": {"done": date(2026, 11, 1)}
            for number in range(1, SHEET_MEASURES + 1)
            for index in range(MILESTONES_PER_MEASURE)
        }
        edited = edit_results(edit_sheet(sheet, rows), indicators, milestones)
        upload = SheetUpload(
            user_id=contact.id,
            round_id=reporting_round.id,
            filename="benk.xlsx",
            content=edited,
            submit=False,
        )
        db.session.add(upload)
        db.session.commit()
        preview = preview_upload(upload, reporting_round, unit.id)
        assert len(preview.changes) == SHEET_MEASURES and not preview.problems, preview.problems
        results = SHEET_MEASURES * (INDICATORS_PER_MEASURE + MILESTONES_PER_MEASURE)
        assert len(preview.result_changes) == results, preview.result_changes
        read = median_seconds(lambda: preview_upload(upload, reporting_round, unit.id))
    return {"bytes": len(edited), "build": build, "preview": read}


def export_bench(measures: int) -> dict:
    load_synthetic_plan(measures, slug=f"plan-{measures}", round_slug=f"runde-{measures}")
    # Each text its own (the report's id at the end), as real ones are: no shared strings.
    body = text(random.Random(measures), EXPORT_NARRATIVE_CHARACTERS - 8)
    db.session.execute(
        update(MeasureReport).values(narrative=literal(body) + " " + cast(MeasureReport.id, String))
    )
    db.session.commit()
    reporting_round = db.session.scalar(
        select(ReportingRound).where(ReportingRound.slug == f"runde-{measures}")
    )
    with current_app.test_request_context():
        size = len(build_reports_export(round_reports_for_export([reporting_round])))

        def export():
            db.session.expire_all()
            build_reports_export(round_reports_for_export([reporting_round]))

        seconds = median_seconds(export, repeats=3)
    return {"measures": measures, "bytes": size, "seconds": seconds}


def main() -> None:
    server = os.environ.get("BENCH_DATABASE_URL")
    throwaway = ThrowawayDatabase(server) if server else None
    url = throwaway.create() if throwaway else f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    backend = "PostgreSQL" if throwaway else "SQLite"
    app = make_app(url)
    try:
        with app.app_context():
            upgrade()
            sheet = sheet_bench()
            exports = [export_bench(size) for size in EXPORT_SIZES]
            db.session.remove()
            db.engine.dispose()
    finally:
        if throwaway:
            throwaway.drop()
    small, large = exports
    ratio = (large["seconds"] / small["seconds"]) / (large["measures"] / small["measures"])
    lines = [
        "# Spreadsheets: reading a round sheet, and the coordinator's export",
        "",
        "Made by `.venv/bin/python bench/bench_sheets.py` (median of the runs after a warm-up; "
        f"{backend}, Python {platform.python_version()}, {os.cpu_count()} cores shared with "
        f"other work: load average {os.getloadavg()[0]:.1f} at the end, so the figures are "
        "upper bounds).",
        "",
        f"## A contact person's sheet: {SHEET_MEASURES} measures, "
        f"{NARRATIVE_CHARACTERS:,}-character narratives, {INDICATORS_PER_MEASURE} indicators "
        f"and {MILESTONES_PER_MEASURE} milestones per measure, every row of the three sheets "
        "changed",
        "",
        "| step | seconds |",
        "|---|---|",
        f"| build the sheet for download | {sheet['build']:.3f} |",
        f"| read the upload ({sheet['bytes'] / 1024:.0f} KiB) and preview it: parse with openpyxl "
        f"(read-only), compare with the database, word-diff {SHEET_MEASURES} narratives, "
        f"check {SHEET_MEASURES * INDICATORS_PER_MEASURE} values and "
        f"{SHEET_MEASURES * MILESTONES_PER_MEASURE} dates "
        f"| {sheet['preview']:.3f} |",
        "",
        f"Target: under 1 s. {'Met.' if sheet['preview'] < 1 else 'NOT met.'}",
        "",
        "## The coordinator's export of one round (one row per measure and responsible unit; "
        f"{EXPORT_NARRATIVE_CHARACTERS:,}-character narratives; a third of the measures have a "
        "co-responsible unit)",
        "",
        "| measures | seconds | file |",
        "|---|---|---|",
    ]
    for export in exports:
        lines.append(
            f"| {export['measures']:,} | {export['seconds']:.2f} | "
            f"{export['bytes'] / 1024 / 1024:.1f} MiB |"
        )
    lines += [
        "",
        f"Time per measure at {large['measures']:,} divided by time per measure at "
        f"{small['measures']:,}: {ratio:.2f} (1.00 is exactly linear).",
        "",
    ]
    out = ROOT / "bench" / "results-sheets.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
