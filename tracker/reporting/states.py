"""The vocabularies of the reporting workflow: the values stored, and their Norwegian labels."""

from tracker.labelled_enum import LabelledEnum
from tracker.text import N_


class Status(LabelledEnum):
    """How far a measure has come. Stored as the key; shown as the label."""

    NOT_STARTED = "not_started", N_("Ikke igangsatt")
    IN_PROGRESS = "in_progress", N_("Pågående")
    COMPLETED = "completed", N_("Gjennomført")


# Report order (the midterm report lists completed first in its summary sentence).
STATUS_ORDER = (Status.COMPLETED, Status.IN_PROGRESS, Status.NOT_STARTED)
# Not a stored status: what the public sees for a measure never reported in a published round,
# and the value a reader filters on to find those measures.
NOT_REPORTED = "not_reported"
NOT_REPORTED_LABEL = N_("Ikke rapportert")


class ReviewState(LabelledEnum):
    """Where a report is in the coordinator's review."""

    DRAFT = "draft", N_("Utkast")
    SUBMITTED = "submitted", N_("Sendt til gjennomgang")
    RETURNED = "returned", N_("Sendt tilbake")
    APPROVED = "approved", N_("Godkjent")


class RoundState(LabelledEnum):
    """A reporting round's lifecycle: open → closed → published."""

    OPEN = "open", N_("Åpen")
    CLOSED = "closed", N_("Lukket")
    PUBLISHED = "published", N_("Publisert")
