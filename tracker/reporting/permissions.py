"""Who may see and change which report. The view loaders and the templates both call these,
so a hidden button is never the only guard. What a report's state allows (whoever asks) is
in ``report_is_editable`` and friends; the operations check those too.

Roles are per plan: a coordinator acts on the rounds of the plans they coordinate only; a
contact person on their unit's measures, in every plan where the unit is responsible; an
administrator administers accounts and is no coordinator by that role.
"""

from tracker.auth.models import Role
from tracker.plan.models import Plan
from tracker.reporting.models import MeasureReport, ReportingRound
from tracker.reporting.states import ReviewState, RoundState

# A contact person may change a report until it is sent for review; a returned one again.
EDITABLE_REVIEW_STATES = (ReviewState.DRAFT, ReviewState.RETURNED)


def _is_active(user, role: Role) -> bool:
    return bool(user) and user.is_authenticated and user.active and user.role == role


def is_coordinator(user) -> bool:
    """A coordinator of any plan (the role gate of the coordinator's pages)."""
    return _is_active(user, Role.COORDINATOR)


def coordinates(user, plan: Plan) -> bool:
    """A coordinator of this plan."""
    return is_coordinator(user) and user.coordinates(plan)


def coordinates_round(user, reporting_round: ReportingRound) -> bool:
    return coordinates(user, reporting_round.plan)


def is_responsible_contact(user, report: MeasureReport) -> bool:
    """A contact person of any unit responsible for the measure, lead or co-responsible."""
    return _is_active(user, Role.CONTACT) and any(
        responsibility.unit_id == user.unit_id for responsibility in report.measure.responsibilities
    )


def can_view_report(user, report: MeasureReport) -> bool:
    return coordinates_round(user, report.round) or is_responsible_contact(user, report)


def report_is_editable(report: MeasureReport) -> bool:
    return report.round.state == RoundState.OPEN and report.review_state in EDITABLE_REVIEW_STATES


def can_edit_report(user, report: MeasureReport) -> bool:
    return is_responsible_contact(user, report) and report_is_editable(report)


def can_approve_report(user, report: MeasureReport) -> bool:
    return (
        coordinates_round(user, report.round)
        and report.round.state != RoundState.PUBLISHED
        and report.review_state == ReviewState.SUBMITTED
    )


def can_return_report(user, report: MeasureReport) -> bool:
    # Only while the round is open: a returned report must be something the unit can fix.
    return (
        coordinates_round(user, report.round)
        and report.round.state == RoundState.OPEN
        and report.review_state in (ReviewState.SUBMITTED, ReviewState.APPROVED)
    )


def can_withdraw_report(user, report: MeasureReport) -> bool:
    """A contact person may take a submitted report back until the coordinator has acted."""
    return (
        is_responsible_contact(user, report)
        and report.round.state == RoundState.OPEN
        and report.review_state == ReviewState.SUBMITTED
    )


def can_correct_report(user, report: MeasureReport) -> bool:
    """The coordinator may fix a typo in a sent report without returning it."""
    return (
        coordinates_round(user, report.round)
        and report.round.state != RoundState.PUBLISHED
        and report.review_state in (ReviewState.SUBMITTED, ReviewState.APPROVED)
    )


def can_close_round(user, reporting_round: ReportingRound) -> bool:
    return coordinates_round(user, reporting_round) and reporting_round.state == RoundState.OPEN


def can_publish_round(user, reporting_round: ReportingRound) -> bool:
    return coordinates_round(user, reporting_round) and reporting_round.state == RoundState.CLOSED


def can_unpublish_round(user, reporting_round: ReportingRound) -> bool:
    return (
        coordinates_round(user, reporting_round) and reporting_round.state == RoundState.PUBLISHED
    )


TEMPLATE_RULES = {
    rule.__name__: rule
    for rule in (
        can_view_report,
        can_edit_report,
        can_approve_report,
        can_return_report,
        can_withdraw_report,
        can_correct_report,
        can_close_round,
        can_publish_round,
        can_unpublish_round,
        is_coordinator,
        coordinates,
        coordinates_round,
    )
}
