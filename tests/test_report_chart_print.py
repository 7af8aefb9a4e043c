"""The report's chart printed in greyscale: the statuses stay apart by lightness alone."""

import io
from itertools import combinations

from PIL import Image

from tests.factories import AreaFactory, MeasureFactory, PlanFactory, ReportFactory, RoundFactory
from tracker.export.chart import STATUS_COLOURS, ChartUnavailable, render_png, status_figure
from tracker.export.colours import grey_level
from tracker.extensions import db
from tracker.reporting.queries import public_status_summary
from tracker.reporting.states import ReviewState, RoundState, Status

MARGIN = 40  # of 255: clearly different greys on paper


def test_every_two_statuses_print_as_clearly_different_greys():
    for first, second in combinations(STATUS_COLOURS.values(), 2):
        assert abs(grey_level(first) - grey_level(second)) >= MARGIN, (first, second)


def test_the_rendered_chart_in_greyscale_has_each_status_as_its_own_grey(app):
    plan = PlanFactory()
    area = AreaFactory(plan=plan)
    published = RoundFactory(plan=plan, state=RoundState.PUBLISHED)
    for status, count in ((Status.COMPLETED, 4), (Status.IN_PROGRESS, 6), (Status.NOT_STARTED, 3)):
        for _ in range(count):
            ReportFactory(
                round=published,
                measure=MeasureFactory(plan=plan, area=area),
                status=status,
                review_state=ReviewState.APPROVED,
            )
    db.session.commit()
    try:
        png = render_png(status_figure(public_status_summary(plan)))
    except ChartUnavailable as error:  # pragma: no cover - the machine has Chromium
        raise AssertionError(f"no chart: {error}") from error
    histogram = Image.open(io.BytesIO(png)).convert("L").histogram()
    for status, colour in STATUS_COLOURS.items():
        level = round(grey_level(colour))
        # A bar is thousands of pixels of its one grey.
        assert sum(histogram[level - 2 : level + 3]) > 2000, status
