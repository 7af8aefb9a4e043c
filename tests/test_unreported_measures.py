"""A round published before every report was approved: the measures left out still count as
part of the plan, and the public page and the DOCX report say the same about them."""

from sqlalchemy import select

from tests.factories import PlanFactory
from tests.support.docx_reading import open_docx, paragraph_texts
from tracker.export.docx_report import build_midterm_report
from tracker.export.report_data import collect_report_data
from tracker.extensions import db
from tracker.models import Measure, MeasureReport
from tracker.reporting.queries import latest_published_round, status_summary
from tracker.reporting.states import ReviewState, Status


def withdraw_approval(*numbers: int) -> None:
    for report in db.session.scalars(
        select(MeasureReport).join(Measure).where(Measure.number.in_(numbers))
    ):
        report.review_state = ReviewState.SUBMITTED
    db.session.commit()


def test_summary_counts_unapproved_measures_as_unreported_in_their_area(seeded):
    withdraw_approval(1, 48)  # Arbeidsliv in progress, Styrket innsats completed
    summary = status_summary(latest_published_round(PlanFactory()))
    assert (summary.measure_count, summary.total, summary.unreported) == (50, 48, 2)
    by_key = {area.key: area for area in summary.areas}
    assert by_key["arbeidsliv"].unreported == 1
    assert by_key["arbeidsliv"].counts[Status.IN_PROGRESS] == 8
    assert by_key["styrket-innsats"].measure_count == 3
    assert summary.percentage(Status.COMPLETED) == round(100 * 12 / 50)


def test_public_page_and_docx_agree_on_the_unreported_measures(seeded, client):
    withdraw_approval(1, 48)
    page = client.get("/").get_data(as_text=True)
    assert "Av totalt 50 tiltak er 12 gjennomført, 31 pågående og 5 ikke igangsatt." in page
    assert "2 tiltak er ikke rapportert ennå." in page

    document = open_docx(
        build_midterm_report(collect_report_data(latest_published_round(PlanFactory())))
    )
    texts = paragraph_texts(document)
    assert (
        "Av totalt 50 tiltak i handlingsplanen er 12 tiltak gjennomført, 31 er pågående og "
        "5 er ikke igangsatt ennå."
    ) in texts
    assert "2 tiltak er ikke rapportert ennå." in texts  # the public page's words
