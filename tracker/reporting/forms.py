"""Forms of the reporting workflow. Pasted text is cleaned by ``clean_text`` before validation."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from tracker.languages import NARRATIVE_LANGUAGES
from tracker.narrative import clean_text
from tracker.reporting.states import STATUS_ORDER, Status
from tracker.reporting.titles import round_title_problem


def _clean(value):
    return clean_text(value) if isinstance(value, str) else value


def _status_choices():
    # The plan's natural order: not started → in progress → completed.
    return [SelectChoice(status.value, _l(status.label)) for status in reversed(STATUS_ORDER)]


# The two written standards of Norwegian, named in themselves.
NARRATIVE_LANGUAGE_CHOICES = [SelectChoice("nb", _l("Bokmål")), SelectChoice("nn", _l("Nynorsk"))]


class NarrativeLength:
    """At most NARRATIVE_MAX_LENGTH characters (a generous limit: 20,000 by default)."""

    def __call__(self, form, field):
        limit = current_app.config["NARRATIVE_MAX_LENGTH"]
        if field.data and len(field.data) > limit:
            raise ValidationError(
                _l(
                    "Teksten er %(length)d tegn. Den kan være på høyst %(limit)d tegn; korter den "
                    "inn.",
                    length=len(field.data),
                    limit=limit,
                )
            )


class StatusReportForm(FlaskForm):
    status = RadioField(
        _l("Status"),
        choices=_status_choices,
        validate_choice=False,
        validators=[InputRequired(_l("Velg en status."))],
    )
    narrative = TextAreaField(
        _l("Statusbeskrivelse"),
        filters=[_clean],
        validators=[NarrativeLength()],
        description=_l(
            "Ren tekst. En tom linje skiller avsnitt; linjer som begynner med «- » "
            "eller «• », blir punktlister."
        ),
    )
    narrative_language = RadioField(
        _l("Språk i statusbeskrivelsen"),
        choices=NARRATIVE_LANGUAGE_CHOICES,
        validate_choice=False,
        # Left out (a client that predates the field), the report keeps its current language.
        validators=[Optional()],
    )
    narrative_se = TextAreaField(
        _l("Tekst på nordsamisk"),
        filters=[_clean],
        validators=[NarrativeLength()],
        description=_l(
            "Valgfritt. Statusbeskrivelsen på nordsamisk, vist på den offentlige siden "
            "ved siden av den norske teksten."
        ),
    )
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    save = SubmitField(_l("Lagre utkast"))
    send = SubmitField(_l("Send til gjennomgang"))

    @property
    def submitting(self) -> bool:
        return bool(self.send.data)

    def validate_status(self, field):
        if field.data not in {status.value for status in Status}:
            raise ValidationError(_l("Velg en av statusene i listen."))

    def validate_narrative_language(self, field):
        if field.data not in NARRATIVE_LANGUAGES:
            raise ValidationError(_l("Velg bokmål eller nynorsk."))

    def validate_narrative(self, field):
        if self.submitting and not (field.data or "").strip():
            raise ValidationError(_l("Skriv en statusbeskrivelse før du sender til gjennomgang."))


class ReturnForm(FlaskForm):
    comment = TextAreaField(
        _l("Kommentar til departementet"),
        filters=[_clean],
        validators=[
            DataRequired(_l("Skriv hva departementet skal rette.")),
            Length(max=5000, message=_l("Kommentaren kan være på høyst 5000 tegn.")),
        ],
    )


class OpenRoundForm(FlaskForm):
    # The choices are the coordinator's own plans, filled in by the view.
    plan = SelectField(_l("Plan"), validate_choice=False)
    slug = StringField(
        _l("Kortnavn"),
        filters=[lambda value: (value or "").strip().lower()],
        validators=[DataRequired(_l("Skriv et kortnavn, f.eks. «status-2026».")), Length(max=100)],
        description=_l(
            "Brukes i adressen. Små bokstaver, tall og bindestrek, f.eks. «status-2026»."
        ),
    )
    title = StringField(
        _l("Tittel"),
        filters=[_clean],
        validators=[DataRequired(_l("Skriv en tittel.")), Length(max=300)],
    )
    as_of = DateField(
        _l("Status pr. dato"),
        validators=[InputRequired(_l("Skriv datoen statusen gjelder for."))],
    )
    deadline = DateField(_l("Frist for departementene"), validators=[Optional()])

    def validate_title(self, field):
        problem = round_title_problem(field.data or "")
        if problem is not None:
            raise ValidationError(problem)

    def set_plan_choices(self, plans) -> None:
        self.plan.choices = [SelectChoice(plan.slug, plan.title) for plan in plans]
        if len(self.plan.choices) == 1 and not self.plan.data:
            self.plan.data = self.plan.choices[0].value

    def validate_plan(self, field):
        if field.data not in {choice.value for choice in self.plan.choices}:
            raise ValidationError(_l("Velg en av planene du koordinerer."))


class DeadlineForm(FlaskForm):
    deadline = DateField(
        _l("Ny frist"),
        validators=[Optional()],
        description=_l("La feltet stå tomt for å fjerne fristen."),
    )


class CloseRoundForm(FlaskForm):
    before_deadline = BooleanField(_l("Jeg vil lukke runden før fristen"))


class VersionForm(FlaskForm):
    """A button that acts on the report as the person saw it (withdraw a submission)."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class CorrectionForm(FlaskForm):
    """The coordinator's typo fix: the same fields as the ministry's, without a review step."""

    status = StatusReportForm.status
    narrative = StatusReportForm.narrative
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    validate_status = StatusReportForm.validate_status


class ConfirmUnchangedForm(FlaskForm):
    """Several pre-filled reports sent as they stand; the choices are the person's own reports."""

    measures = SelectMultipleField(
        _l("Tiltak uten endring siden forrige runde"),
        coerce=int,
        validators=[DataRequired(_l("Kryss av for minst ett tiltak."))],
    )

    def set_measure_choices(self, numbers) -> None:
        self.measures.choices = [SelectChoice(number, str(number)) for number in numbers]
