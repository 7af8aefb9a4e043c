"""The report of another plan's round (`flask report --plan`): its title page, colophon, author
and introduction come from that plan and round, never from the midterm report of plan one, and
a municipal plan's units are called units, not ministries."""

from datetime import date

from tests.factories import (
    AreaFactory,
    MeasureFactory,
    PlanFactory,
    ReportFactory,
    RoundFactory,
    UnitFactory,
)
from tests.support.docx_reading import headings, open_docx, paragraph_texts
from tracker.extensions import db
from tracker.ministries.models import UnitKind
from tracker.reporting.states import ReviewState, RoundState


def test_a_municipal_plans_report_speaks_of_its_own_plan_round_and_units(app, runner, tmp_path):
    PlanFactory()  # plan one, the national plan, is in the installation too
    oslo = PlanFactory(
        slug="oslo-mot-rasisme-2025-2028",
        title="Oslo kommunes handlingsplan mot rasisme",
        first_year=2025,
        last_year=2028,
        owner="Oslo kommune",
    )
    school = AreaFactory(plan=oslo, key="skole", name="Skole")
    agency = UnitFactory(
        abbreviation="UDE", name="Utdanningsetaten", kind=UnitKind.MUNICIPAL_AGENCY
    )
    measure = MeasureFactory(area=school, number=1, title="Kurs for lærere", units=[agency])
    status = RoundFactory(
        plan=oslo,
        slug="oslo-2026",
        title="Status 2026",
        as_of=date(2026, 6, 1),
        state=RoundState.PUBLISHED,
        intro="Bystyret får her status for planens første år.",
    )
    ReportFactory(round=status, measure=measure, review_state=ReviewState.APPROVED)
    db.session.commit()
    output = tmp_path / "oslo.docx"

    result = runner.invoke(
        args=[
            "report",
            "--plan",
            "oslo-mot-rasisme-2025-2028",
            "--round",
            "oslo-2026",
            "--output",
            str(output),
            "--no-chart",
        ]
    )

    assert result.exit_code == 0, result.output
    document = open_docx(output.read_bytes())
    texts = paragraph_texts(document)
    assert texts[0] == "Oslo kommunes handlingsplan mot rasisme"
    assert "Status 2026" in texts[:3]
    assert any("2025–2028" in text for text in texts[:6])
    assert "Utgitt av: Oslo kommune" in texts
    assert document.core_properties.author == "Oslo kommune"
    assert "Bystyret får her status for planens første år." in texts
    assert ("Heading 1", "Enheter med ansvar for tiltak") in headings(document)
    whole = "\n".join(texts)
    for midterm in ("Midtveis", "ny innsats", "Arbeids- og inkluderingsdepartementet"):
        assert midterm not in whole
    assert "departement" not in whole.lower()
