"""The vocabularies of the reporting workflow: the values stored, and their Norwegian labels."""

import enum

from tracker.text import N_


class Status(enum.StrEnum):
    """How far a measure has come. Stored as the key; shown as the label."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


# Report order (the midterm report lists completed first in its summary sentence).
STATUS_LABELS = {
    Status.COMPLETED: N_("Gjennomført"),
    Status.IN_PROGRESS: N_("Pågående"),
    Status.NOT_STARTED: N_("Ikke igangsatt"),
}
STATUS_ORDER = tuple(STATUS_LABELS)
# Not a stored status: what the public sees for a measure never reported in a published round,
# and the value a reader filters on to find those measures.
NOT_REPORTED = "not_reported"
NOT_REPORTED_LABEL = N_("Ikke rapportert")


class ReviewState(enum.StrEnum):
    """Where a report is in the coordinator's review."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"

    @property
    def label(self) -> str:
        return REVIEW_STATE_LABELS[self]


REVIEW_STATE_LABELS = {
    ReviewState.DRAFT: N_("Utkast"),
    ReviewState.SUBMITTED: N_("Sendt til gjennomgang"),
    ReviewState.RETURNED: N_("Sendt tilbake"),
    ReviewState.APPROVED: N_("Godkjent"),
}


class RoundState(enum.StrEnum):
    """A reporting round's lifecycle: open → closed → published."""

    OPEN = "open"
    CLOSED = "closed"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return ROUND_STATE_LABELS[self]


ROUND_STATE_LABELS = {
    RoundState.OPEN: N_("Åpen"),
    RoundState.CLOSED: N_("Lukket"),
    RoundState.PUBLISHED: N_("Publisert"),
}


def enum_values(enum_class: type[enum.Enum]) -> list[str]:
    """What SQLAlchemy stores for an enum column: the value, not the member name."""
    return [member.value for member in enum_class]
