"""What a report may change of a measure's results (whoever asks; who may edit the report at
all is ``tracker.reporting.permissions.can_edit_report``)."""

from tracker.reporting.models import MeasureReport
from tracker.results.models import Milestone


def milestone_open_to(milestone: Milestone, report: MeasureReport) -> bool:
    """A contact person ticks a milestone off (or undoes it) in a report only while no earlier
    round's report ticked it off and the coordinator has not marked it done."""
    if milestone.done_report_id is not None:
        return milestone.done_report_id == report.id
    return milestone.done_on is None
