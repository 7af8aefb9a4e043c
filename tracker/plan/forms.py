"""Forms of the coordinator's plan pages. Pasted text is cleaned by ``clean_text``."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from tracker.ministries.models import UnitKind
from tracker.narrative import clean_text


def _clean(value):
    return clean_text(value) if isinstance(value, str) else value


def _strip(value):
    return value.strip() if isinstance(value, str) else value


UNITS_DESCRIPTION = _l("Forkortelsene, skilt med komma, hovedansvarlig først, f.eks. «AID, KUD».")


class MeasureForm(FlaskForm):
    number = IntegerField(
        _l("Nummer"),
        validators=[
            Optional(),
            NumberRange(min=1, max=2**31 - 1, message=_l("Skriv et positivt heltall.")),
        ],
        description=_l("La feltet stå tomt for neste ledige nummer."),
    )
    title = StringField(
        _l("Tittel"),
        filters=[_clean],
        validators=[DataRequired(_l("Skriv en tittel.")), Length(max=1000)],
    )
    description = TextAreaField(
        _l("Beskrivelse i planen"),
        filters=[_clean],
        validators=[DataRequired(_l("Skriv en beskrivelse.")), Length(max=20_000)],
    )
    summary_se = TextAreaField(
        _l("Sammendrag på nordsamisk"),
        filters=[_clean],
        validators=[Length(max=20_000)],
        description=_l(
            "Valgfritt. Beskrivelsen på nordsamisk, vist på den offentlige siden for tiltaket."
        ),
    )
    area = SelectField(_l("Hovedområde"), validate_choice=False)
    units = StringField(
        _l("Ansvarlige enheter"),
        filters=[_strip],
        validators=[DataRequired(_l("Skriv minst én ansvarlig enhet.")), Length(max=500)],
        description=UNITS_DESCRIPTION,
    )
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])

    def set_area_choices(self, areas) -> None:
        self.area.choices = [SelectChoice(area.key, area.name) for area in areas]

    def unit_abbreviations(self) -> list[str]:
        return [part.strip() for part in (self.units.data or "").split(",") if part.strip()]


class RetireForm(FlaskForm):
    retired_on = DateField(
        _l("Avsluttet eller tatt ut fra"),
        validators=[InputRequired(_l("Skriv datoen tiltaket avsluttes eller tas ut fra."))],
    )
    reason = TextAreaField(
        _l("Begrunnelse"),
        filters=[_clean],
        validators=[
            DataRequired(_l("Skriv hvorfor tiltaket avsluttes eller tas ut.")),
            Length(max=5000),
        ],
        description=_l("Vises på den offentlige siden for tiltaket."),
    )
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class AreaForm(FlaskForm):
    key = StringField(
        _l("Nøkkel"),
        filters=[lambda value: (value or "").strip().lower()],
        validators=[DataRequired(_l("Skriv en nøkkel, f.eks. «idrett».")), Length(max=50)],
        description=_l("Brukes i adresser og filtre. Små bokstaver, tall og bindestrek."),
    )
    name = StringField(
        _l("Navn"),
        filters=[_clean],
        validators=[DataRequired(_l("Skriv et navn.")), Length(max=200)],
    )
    name_en = StringField(
        _l("Navn på engelsk"),
        filters=[_clean],
        validators=[DataRequired(_l("Skriv navnet på engelsk.")), Length(max=200)],
    )


class RenameAreaForm(FlaskForm):
    name = AreaForm.name
    name_en = AreaForm.name_en


class RenameUnitForm(FlaskForm):
    abbreviation = StringField(
        _l("Forkortelse"),
        filters=[_strip],
        validators=[DataRequired(_l("Skriv en forkortelse.")), Length(max=20)],
    )
    name = StringField(
        _l("Navn"),
        filters=[_clean],
        validators=[DataRequired(_l("Skriv et navn.")), Length(max=200)],
    )


class MergeUnitForm(FlaskForm):
    # The choices are the other units of the coordinator's plans, filled in by the view.
    into = SelectField(_l("Slå sammen med"), validate_choice=False)


class SplitUnitForm(FlaskForm):
    abbreviation = RenameUnitForm.abbreviation
    name = RenameUnitForm.name
    kind = SelectField(
        _l("Type enhet"),
        choices=[SelectChoice(kind.value, _l(kind.label)) for kind in UnitKind],
        validate_choice=False,
    )
    measures = SelectMultipleField(
        _l("Tiltak den nye enheten tar over"),
        coerce=int,
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


class PlanSpreadsheetForm(FlaskForm):
    file = FileField(
        _l("Regneark (XLSX)"),
        validators=[FileRequired(_l("Velg regnearket med planen."))],
        description=_l("Malen fylt ut: arkene Plan, Hovedområder, Enheter og Tiltak."),
    )


class SuccessorForm(FlaskForm):
    slug = StringField(
        _l("Kortnavn"),
        filters=[lambda value: (value or "").strip().lower()],
        validators=[
            DataRequired(_l("Skriv et kortnavn, f.eks. «handlingsplan-2028-2031».")),
            Length(max=100),
        ],
        description=_l("Brukes i adressen /planer/<kortnavn>/. Små bokstaver, tall og bindestrek."),
    )
    title = StringField(
        _l("Tittel"),
        filters=[_clean],
        validators=[DataRequired(_l("Skriv en tittel.")), Length(max=1000)],
    )
    first_year = IntegerField(
        _l("Første år"),
        validators=[InputRequired(_l("Skriv det første året.")), NumberRange(min=1900, max=2200)],
    )
    last_year = IntegerField(
        _l("Siste år"),
        validators=[InputRequired(_l("Skriv det siste året.")), NumberRange(min=1900, max=2200)],
    )
    measures = SelectMultipleField(
        _l("Tiltak som videreføres"),
        coerce=int,
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
