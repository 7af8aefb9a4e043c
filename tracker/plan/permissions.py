"""Who may change a plan's own text: the coordinators of that plan, and no one else (an
administrator administers accounts, not plans). The view loaders and the templates both call
these, so a hidden button is never the only guard."""

from tracker.plan.models import Plan
from tracker.reporting.permissions import coordinates, is_coordinator


def can_edit_plan(user, plan: Plan) -> bool:
    return coordinates(user, plan)


def can_make_plans(user) -> bool:
    """Any coordinator may make a new plan (from a spreadsheet, or as a successor of one of
    theirs); they coordinate the plan they make."""
    return is_coordinator(user)


def can_reorganise_unit(user, unit_plans: list[Plan]) -> bool:
    """A unit is shared between plans: renaming, merging or splitting it changes every plan it
    takes part in, so only a coordinator of all of them may."""
    return is_coordinator(user) and all(user.coordinates(plan) for plan in unit_plans)
