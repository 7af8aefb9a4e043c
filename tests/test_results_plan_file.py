"""A plan file carries results: milestones, indicators and budget per measure, indicator
values per round report; loaded idempotently, and every problem named at once in Norwegian
with nothing written."""

import json

from sqlalchemy import func, select

from tests.support.plan_files import municipal_plan
from tests.support.workflow import snapshot
from tracker.extensions import db
from tracker.plan.loader import load_plan
from tracker.results.models import BudgetLine, Indicator, IndicatorValue, Milestone


def with_results(data: dict) -> dict:
    measure = data["measures"][0]
    measure["milestones"] = [
        {"title": "Opplegget prøvd ut", "due": "2025-06-30", "done": "2025-06-01"},
        {"title": "Alle skoler med", "due": "2026-12-31"},
    ]
    measure["indicators"] = [
        {
            "name": "Skoler som bruker opplegget",
            "unit": "antall",
            "direction": "higher",
            "baseline": {"value": 0, "year": 2024},
            "target": {"value": "1 200", "year": 2028},
            "source": "Utdanningsetaten",
        }
    ]
    measure["budget"] = [{"year": 2025, "allocated": 1_500_000, "spent": "900 000"}]
    data["rounds"][0]["reports"][0]["indicator_values"] = [
        {"indicator": "Skoler som bruker opplegget", "value": 42, "period": "2025"}
    ]
    return data


def write(tmp_path, data) -> str:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_plan_file_with_results_is_imported_and_loading_it_again_changes_nothing(
    runner, app, tmp_path
):
    data = with_results(municipal_plan())
    result = runner.invoke(args=["plans", "import", write(tmp_path, data)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert count(Milestone) == 2 and count(Indicator) == 1 and count(BudgetLine) == 1
    indicator = db.session.scalars(select(Indicator)).one()
    assert (indicator.baseline_value, indicator.target_value) == (0.0, 1200.0)
    value = db.session.scalars(select(IndicatorValue)).one()
    assert (value.value, value.period, value.round.slug) == (42.0, "2025", "oslo-host-2025")
    assert db.session.scalars(select(BudgetLine)).one().spent == 900_000
    before = snapshot()
    again = load_plan(db.session, data)
    db.session.commit()
    assert "results" not in again.updated
    assert snapshot() == before


def test_bad_results_in_a_plan_file_are_all_named_and_nothing_is_written(runner, app, tmp_path):
    data = with_results(municipal_plan())
    measure = data["measures"][0]
    measure["milestones"][0]["due"] = "2020-01-01"
    measure["indicators"][0]["target"]["value"] = "mange"
    measure["indicators"][0]["direction"] = "up"
    data["rounds"][0]["reports"][0]["indicator_values"][0]["indicator"] = "Finnes ikke"
    before = snapshot()
    result = runner.invoke(args=["plans", "import", write(tmp_path, data)])
    assert result.exit_code != 0
    for expected in (
        "tiltak 1, delmål nr. 1: feltet «due» er før planperioden (2025)",
        "feltet «target.value» må være et tall",
        "feltet «direction» må være «higher» eller «lower»",
        "viser til en indikator tiltaket ikke har: «Finnes ikke»",
    ):
        assert expected in result.output
    assert snapshot() == before
