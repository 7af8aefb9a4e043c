"""Writes of the report page: the round's introduction. Flush only; the view commits."""

import hashlib

from flask_babel import lazy_gettext as _l

from tracker.audit.operations import record_event
from tracker.extensions import db
from tracker.narrative import clean_text
from tracker.reporting.models import ReportingRound
from tracker.user_errors import UserError


class IntroChangedMeanwhile(UserError):
    """Someone saved another introduction after this form was opened: nothing is overwritten."""

    status = 409


def intro_fingerprint(text: str | None) -> str:
    """What the form remembers of the text it was opened with (no version column needed)."""
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()[:32]


def set_round_intro(reporting_round: ReportingRound, text: str, based_on: str, user) -> None:
    if intro_fingerprint(reporting_round.intro) != based_on:
        raise IntroChangedMeanwhile(
            str(
                _l(
                    "Innledningen er endret av noen andre etter at du åpnet siden. Teksten din er "
                    "ikke lagret: les den nye innledningen under og gjør endringen på nytt."
                )
            )
        )
    reporting_round.intro = clean_text(text or "")
    db.session.flush()
    record_event("round_intro_changed", user=user, details={"round": reporting_round.slug})
