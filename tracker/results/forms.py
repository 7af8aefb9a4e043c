"""The results forms. The contact person's form has a field per milestone and per indicator,
so its class is made per report; every field is read by the parsers in tracker/results/, and
each refusal lands on its own field while the others keep what was typed."""

from datetime import date
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.plan.models import Plan
from tracker.results import files
from tracker.results.models import Direction, Indicator, Milestone
from tracker.results.parsing import ParseError, format_number, parse_date, parse_number


class _Parsed:
    """A validator that parses the field and keeps the result on ``field.parsed``."""

    def __init__(self, parse, *, optional: bool = True):
        self.parse, self.optional = parse, optional

    def __call__(self, form, field):
        field.parsed = None
        text = (field.data or "").strip()
        if not text and self.optional:
            return
        try:
            field.parsed = self.parse(text)
        except ParseError as refused:
            raise ValidationError(refused.message) from None


def _value_validator(indicator_id: int):
    number = _Parsed(parse_number)

    def validate(form, field):
        if form[f"unchanged_{indicator_id}"].data:
            field.parsed = None  # carried: what was typed is not read
            return
        number(form, field)

    return validate


def _year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise ParseError(str(_l("Skriv et årstall med fire sifre, for eksempel 2025.")))
    return int(text)


def checked_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in text:
        raise ParseError(
            str(_l("Lenken må være en hel nettadresse som begynner med https:// eller http://."))
        )
    return text


def _checked_upload(form, field):
    field.parsed = None
    upload = field.data
    if not upload or not upload.filename:
        return
    stream = upload.stream
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    # The size first: a 21 MB file is refused without reading it into memory.
    if size > files.MAX_BYTES:
        raise ValidationError(
            _l("Filen «%(name)s» er større enn 20 MB.", name=upload.filename[:100])
        )
    data = stream.read()
    try:
        kind = files.check_file(upload.filename, data)
    except files.FileRefused as refused:
        raise ValidationError(refused.message) from None
    field.parsed = (upload.filename, data, kind)


class ResultsFormBase(FlaskForm):
    evidence_file = FileField(
        _l("Legg ved en fil"),
        description=_l("PDF, DOCX, XLSX, ODT, PNG eller JPEG, høyst 20 MB."),
        validators=[_checked_upload],
    )
    evidence_file_title = StringField(
        _l("Hva filen viser (valgfritt)"), validators=[Length(max=300)]
    )
    evidence_url = StringField(
        _l("Eller lenk til dokumentasjon"),
        description=_l("For eksempel en rapport på regjeringen.no."),
        validators=[_Parsed(checked_url), Length(max=2000)],
    )
    evidence_url_title = StringField(
        _l("Hva lenken viser (valgfritt)"), validators=[Length(max=300)]
    )


def results_form_class(
    plan: Plan, milestones: list[Milestone], indicators: list[Indicator], today: date
) -> type[ResultsFormBase]:
    """A form with a done date per milestone and value, period, comment and «ingen endring»
    per indicator."""

    def done_date(text: str) -> date:
        return parse_date(text, plan.first_year, latest=today, period=plan.period)

    fields: dict[str, object] = {}
    for milestone in milestones:
        fields[f"milestone_{milestone.id}"] = StringField(
            _l("Nådd dato for «%(title)s»", title=milestone.title),
            description=_l(
                "Planlagt %(date)s. Skriv datoen delmålet ble nådd (dd.mm.åååå), ellers tomt.",
                date=milestone.due_on.strftime("%d.%m.%Y"),
            ),
            validators=[_Parsed(done_date)],
        )
    for indicator in indicators:
        unit = f" ({indicator.unit})" if indicator.unit else ""
        fields[f"value_{indicator.id}"] = StringField(
            _l("Verdi for «%(name)s»%(unit)s", name=indicator.name, unit=unit),
            description=_l("Tall som 1 234,5 eller 12 %."),
            validators=[_value_validator(indicator.id)],
        )
        fields[f"period_{indicator.id}"] = StringField(
            _l("Periode verdien gjelder"),
            description=_l("For eksempel 2025 eller 1. halvår 2026."),
            validators=[Length(max=50)],
        )
        fields[f"comment_{indicator.id}"] = TextAreaField(
            _l("Kommentar til verdien"), validators=[Length(max=2000)]
        )
        fields[f"unchanged_{indicator.id}"] = BooleanField(
            _l("Ingen endring siden forrige runde (forrige verdi føres videre)")
        )
    return type("ResultsForm", (ResultsFormBase,), fields)


def results_form_data(milestones, indicators, values) -> dict:
    """The form as saved: done dates, and this report's values in Norwegian notation."""
    data: dict[str, object] = {}
    for milestone in milestones:
        if milestone.done_on:
            data[f"milestone_{milestone.id}"] = milestone.done_on.strftime("%d.%m.%Y")
    for indicator in indicators:
        value = values.get(indicator.id)
        if value is None:
            continue
        data[f"value_{indicator.id}"] = "" if value.carried else format_number(value.value)
        data[f"period_{indicator.id}"] = value.period
        data[f"comment_{indicator.id}"] = value.comment
        data[f"unchanged_{indicator.id}"] = value.carried
    return data


# --- The coordinator's forms --------------------------------------------------------------------


class MilestoneForm(FlaskForm):
    title = StringField(
        _l("Delmål"), validators=[DataRequired(_l("Skriv hva delmålet er.")), Length(max=500)]
    )
    due_on = StringField(
        _l("Planlagt dato"),
        description=_l("dd.mm.åååå"),
        validators=[DataRequired(_l("Skriv når delmålet skal være nådd."))],
    )
    note = TextAreaField(_l("Merknad (valgfritt)"), validators=[Length(max=2000)])


def _direction_choices():
    return [(direction.value, _l(direction.label)) for direction in Direction]


class IndicatorForm(FlaskForm):
    name = StringField(
        _l("Indikator"),
        validators=[DataRequired(_l("Skriv navnet på indikatoren.")), Length(max=500)],
    )
    unit = StringField(
        _l("Enhet"), description=_l("antall, prosent, kroner …"), validators=[Length(max=50)]
    )
    direction = RadioField(
        _l("Retning"), choices=_direction_choices, default=Direction.HIGHER.value
    )
    baseline_value = StringField(_l("Utgangsverdi"), validators=[_Parsed(parse_number)])
    baseline_year = StringField(_l("År for utgangsverdien"), validators=[_Parsed(_year)])
    target_value = StringField(_l("Målverdi"), validators=[_Parsed(parse_number)])
    target_year = StringField(_l("År for målet"), validators=[_Parsed(_year)])
    source = StringField(_l("Kilde"), validators=[Length(max=500)])


def _kroner(text: str) -> int:
    value = parse_number(text.lower().removesuffix("kr").removesuffix("nok").strip())
    if value != int(value) or value < 0:
        raise ParseError(str(_l("Skriv hele kroner, for eksempel 1 500 000.")))
    return int(value)


class BudgetForm(FlaskForm):
    year = StringField(
        _l("År"), validators=[DataRequired(_l("Skriv året budsjettet gjelder.")), _Parsed(_year)]
    )
    allocated = StringField(_l("Bevilget (kroner)"), validators=[_Parsed(_kroner)])
    spent = StringField(_l("Brukt (kroner)"), validators=[_Parsed(_kroner)])
    source = StringField(
        _l("Kilde"),
        description=_l("Kapittel og post, eller tildelingsbrev."),
        validators=[Length(max=500)],
    )
