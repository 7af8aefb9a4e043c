"""The seed file holds the plan as the midterm report describes it, and loads safely."""

import copy
import json

import pytest
from sqlalchemy import func, select

from tests.factories import UserFactory
from tracker.extensions import db
from tracker.models import (
    Area,
    Measure,
    MeasureReport,
    ReportRevision,
    Responsibility,
    ResponsibleUnit,
)
from tracker.plan.loader import load_plan
from tracker.plan.queries import first_plan
from tracker.reporting.models import ReportingRound
from tracker.reporting.queries import latest_published_round, status_summary
from tracker.reporting.states import ReviewState, Status

# The overview table of the midterm report (status pr. 1 June 2025), counted by hand from
# ../shared/sources/midtveisrapport-2025.txt: area → (completed, in progress, not started).
SOURCE_OVERVIEW_COUNTS = {
    "Arbeidsliv": (5, 9, 2),
    "Ungdom": (4, 11, 2),
    "Lokalt arbeid": (1, 8, 0),
    "Mer kunnskap": (0, 4, 1),
    "Styrket innsats": (3, 0, 0),
}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def table_counts() -> dict[str, int]:
    return {
        model.__name__: count(model)
        for model in (
            Area,
            ResponsibleUnit,
            Measure,
            Responsibility,
            ReportingRound,
            MeasureReport,
            ReportRevision,
        )
    }


def test_seed_loads_the_whole_plan(seeded):
    assert count(Measure) == 50
    assert [a.name for a in db.session.scalars(select(Area).order_by(Area.position))] == list(
        SOURCE_OVERVIEW_COUNTS
    )
    assert sorted(db.session.scalars(select(Measure.number))) == list(range(1, 51))


def test_every_ministry_that_owns_a_measure_is_loaded_with_its_full_name(seeded):
    owners = {a for m in seeded["measures"] for a in m["ministries"]}
    loaded = {m.abbreviation: m.name for m in db.session.scalars(select(ResponsibleUnit))}
    assert owners <= set(loaded)
    # The introduction names seven; the measures themselves name more (DFD, KDD, FIN).
    assert {"AID", "BFD", "FD", "HOD", "JD", "KUD", "KD", "DFD", "KDD", "FIN"} <= owners
    assert all(name.endswith("departementet") for name in loaded.values())


def test_seeded_totals_match_the_published_midterm_report(seeded):
    summary = status_summary(latest_published_round(first_plan()))
    assert summary.total == 50
    assert summary.totals == {Status.COMPLETED: 13, Status.IN_PROGRESS: 32, Status.NOT_STARTED: 5}


def test_seeded_counts_per_area_match_the_overview_table(seeded):
    summary = status_summary(latest_published_round(first_plan()))
    got = {
        area.name: (
            area.counts[Status.COMPLETED],
            area.counts[Status.IN_PROGRESS],
            area.counts[Status.NOT_STARTED],
        )
        for area in summary.areas
    }
    assert got == SOURCE_OVERVIEW_COUNTS


def test_seeded_round_is_published_with_approved_reports(seeded):
    reporting_round = latest_published_round(first_plan())
    assert reporting_round.slug == "midtveis-2025"
    assert reporting_round.as_of.isoformat() == "2025-06-01"
    states = set(db.session.scalars(select(MeasureReport.review_state)))
    assert states == {ReviewState.APPROVED}


def test_measure_with_two_ministries_keeps_the_lead_first(seeded):
    measure = db.session.scalar(select(Measure).where(Measure.number == 19))
    expected = next(m["ministries"] for m in seeded["measures"] if m["number"] == 19)
    assert [m.abbreviation for m in measure.units] == expected
    assert len(expected) >= 2
    assert measure.lead_unit.abbreviation == expected[0]


def test_seed_command_twice_changes_nothing_the_second_time(app, runner):
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    before = table_counts()
    second = runner.invoke(args=["seed"])
    assert second.exit_code == 0, second.output
    assert "ingenting endret" in second.output
    assert table_counts() == before


def write(tmp_path, data) -> str:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def broken(plan_data, change):
    data = copy.deepcopy(plan_data)
    change(data)
    return data


BAD_FILES = {
    "unknown ministry": (
        lambda d: d["measures"][4].update(ministries=["AID", "XYZ"]),
        ["tiltak 5", "ministries", "XYZ"],
    ),
    "unknown area": (
        lambda d: d["measures"][9].update(area="sport"),
        ["tiltak 10", "area", "sport"],
    ),
    "duplicate number": (
        lambda d: d["measures"][11].update(number=3),
        ["tiltak 3", "mer enn ett tiltak"],
    ),
    "bad status": (
        lambda d: d["rounds"][0]["reports"][6].update(status="done"),
        ["tiltak 7", "status", "done"],
    ),
    "missing title": (lambda d: d["measures"][20].update(title="  "), ["tiltak 21", "title"]),
    "missing narrative": (
        lambda d: d["rounds"][0]["reports"][30].pop("narrative"),
        ["tiltak 31", "narrative"],
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_seed_file_names_the_fault_and_changes_nothing(
    case, seeded, runner, plan_data, tmp_path
):
    change, expected_words = BAD_FILES[case]
    data = broken(plan_data, change)
    # A legitimate edit in the same file must not be applied either: nothing is written.
    data["measures"][0]["title"] = "Endret tittel som ikke skal lagres"
    before = table_counts()

    result = runner.invoke(args=["seed", write(tmp_path, data)])

    assert result.exit_code != 0
    for word in expected_words:
        assert word in result.output
    assert "databasen er uendret" in result.output
    db.session.expire_all()
    assert table_counts() == before
    assert (
        db.session.scalar(select(Measure.title).where(Measure.number == 1))
        == plan_data["measures"][0]["title"]
    )


def test_malformed_json_is_reported_with_its_position_and_changes_nothing(seeded, runner, tmp_path):
    path = tmp_path / "plan.json"
    path.write_text('{"plan": {"title": "x"},\n "areas": [,]}', encoding="utf-8")
    before = table_counts()
    result = runner.invoke(args=["seed", str(path)])
    assert result.exit_code != 0
    assert "ikke gyldig JSON (linje 2" in result.output
    assert table_counts() == before


def test_missing_file_is_reported(app, runner, tmp_path):
    result = runner.invoke(args=["seed", str(tmp_path / "finnes-ikke.json")])
    assert result.exit_code != 0
    assert "Fant ikke filen" in result.output
    assert count(Measure) == 0


def test_reseeding_updates_plan_text_but_keeps_reports_people_edited(
    seeded, plan_data, runner, tmp_path
):
    # A contact person has edited measure 1's report in the app.
    report_1 = db.session.scalar(select(MeasureReport).join(Measure).where(Measure.number == 1))
    person = UserFactory()
    report_1.narrative = "Tekst skrevet av departementet i appen."
    db.session.add(
        ReportRevision(
            report=report_1,
            version=report_1.version + 1,
            action="saved",
            author=person,
            old_status=report_1.status,
            new_status=report_1.status,
            old_narrative="",
            new_narrative=report_1.narrative,
            old_review_state=report_1.review_state,
            new_review_state=report_1.review_state,
        )
    )
    db.session.commit()

    data = copy.deepcopy(plan_data)
    data["measures"][1]["title"] = "Ny tittel fra planfilen"
    for report in data["rounds"][0]["reports"]:
        if report["measure"] in (1, 2):
            report["narrative"] = "Ny tekst fra planfilen."
    result = runner.invoke(args=["seed", write(tmp_path, data)])
    assert result.exit_code == 0, result.output

    db.session.expire_all()
    narratives = dict(
        db.session.execute(
            select(Measure.number, MeasureReport.narrative)
            .join(MeasureReport)
            .where(Measure.number.in_([1, 2]))
        ).all()
    )
    assert narratives == {
        1: "Tekst skrevet av departementet i appen.",
        2: "Ny tekst fra planfilen.",
    }
    assert (
        db.session.scalar(select(Measure.title).where(Measure.number == 2))
        == "Ny tittel fra planfilen"
    )
    assert "Beholdt 1 rapporter" in result.output


def test_reseeding_records_the_change_in_the_history(seeded, plan_data):
    data = copy.deepcopy(plan_data)
    data["rounds"][0]["reports"][1]["status"] = "completed"
    load_plan(db.session, data)
    db.session.commit()
    report = db.session.scalar(
        select(MeasureReport)
        .join(Measure)
        .where(Measure.number == data["rounds"][0]["reports"][1]["measure"])
    )
    assert report.version == 2
    assert [(r.version, r.new_status) for r in report.revisions][-1] == (2, Status.COMPLETED)


def test_changing_responsible_ministries_replaces_them_in_order(seeded, plan_data):
    data = copy.deepcopy(plan_data)
    data["measures"][0]["ministries"] = ["KD", "AID"]
    load_plan(db.session, data)
    db.session.commit()
    db.session.expire_all()
    measure = db.session.scalar(select(Measure).where(Measure.number == 1))
    assert [m.abbreviation for m in measure.units] == ["KD", "AID"]


def test_seed_stores_the_plan_and_a_changed_file_updates_it(seeded, plan_data):
    plan = first_plan()
    assert (plan.title, plan.period, plan.launched) == (
        plan_data["plan"]["title"],
        plan_data["plan"]["period"],
        plan_data["plan"]["launched"],
    )
    data = copy.deepcopy(plan_data)
    data["plan"]["title"] = "Handlingsplan mot rasisme og diskriminering – revidert"
    result = load_plan(db.session, data)
    db.session.commit()
    assert result.updated == {"plan": 1}
    assert first_plan().title == "Handlingsplan mot rasisme og diskriminering – revidert"


def test_a_plan_period_that_is_not_text_is_refused(seeded, runner, plan_data, tmp_path):
    data = broken(plan_data, lambda d: d["plan"].update(period=2024))
    result = runner.invoke(args=["seed", write(tmp_path, data)])
    assert result.exit_code != 0
    assert "plan: planperioden mangler eller er ugyldig" in result.output
    assert first_plan().period == plan_data["plan"]["period"]
