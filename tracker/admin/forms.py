"""Forms for managing accounts. Unit and plan choices are filled in by the view, so forms never
query."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.auth.emails import email_problem
from tracker.auth.forms import clean_field, validate_new_password
from tracker.auth.models import Role

NO_UNIT = ""


def role_choices():
    return [SelectChoice(role.value, _l(role.label)) for role in Role]


def validate_email_address(form, field):
    problem = email_problem((field.data or "").strip())
    if problem is not None:
        raise ValidationError(problem)


class UserEditForm(FlaskForm):
    name = StringField(
        _l("Navn"),
        filters=[clean_field],
        validators=[Length(max=200, message=_l("Navnet er for langt."))],
    )
    role = SelectField(_l("Rolle"), choices=role_choices, validate_choice=False)
    unit = SelectField(
        _l("Enhet"),
        validate_choice=False,
        description=_l(
            "Bare kontaktpersoner hører til en enhet (et departement, en etat, en bydel …). "
            "De rapporterer på enhetens tiltak i alle planer."
        ),
    )
    plans = SelectMultipleField(
        _l("Planer koordinatoren koordinerer"),
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        description=_l("Bare koordinatorer har planer."),
    )
    break_glass = BooleanField(
        _l("Nødtilgang med passord"),
        description=_l(
            "Kan logge inn med passord også når innlogging med passord er slått av, "
            "for eksempel hvis identitetsleverandøren er nede. Gi det til få."
        ),
    )

    def set_choices(self, units, plans) -> None:
        self.unit.choices = [SelectChoice(NO_UNIT, _l("Ingen"))] + [
            SelectChoice(u.abbreviation, f"{u.abbreviation} – {u.name}") for u in units
        ]
        self.plans.choices = [SelectChoice(plan.slug, plan.title) for plan in plans]

    def validate_role(self, field):
        if field.data not in {role.value for role in Role}:
            raise ValidationError(_l("Velg en av rollene i listen."))

    def validate_unit(self, field):
        known = {choice.value for choice in self.unit.choices}
        if field.data not in known:
            raise ValidationError(_l("Velg en enhet fra listen."))
        if self.role.data == Role.CONTACT.value and field.data == NO_UNIT:
            raise ValidationError(
                _l("En kontaktperson må høre til et departement eller en annen enhet.")
            )

    def validate_plans(self, field):
        known = {choice.value for choice in self.plans.choices}
        if any(slug not in known for slug in field.data or []):
            raise ValidationError(_l("Velg planer fra listen."))


class UserCreateForm(UserEditForm):
    email = EmailField(
        _l("E-postadresse"),
        filters=[clean_field],
        validators=[
            DataRequired(_l("Skriv e-postadressen.")),
            Length(max=254, message=_l("E-postadressen er for lang.")),
            validate_email_address,
        ],
    )
    password = PasswordField(
        _l("Passord"),
        validators=[Optional(), validate_new_password],
        description=_l(
            "La feltet stå tomt for å sende en invitasjon på e-post, "
            "der personen velger passord selv."
        ),
        render_kw={"autocomplete": "new-password"},
    )


class DayField(DateField):
    """A date typed as ÅÅÅÅ-MM-DD (what a date input sends), refused in Norwegian otherwise."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_l("Skriv datoen som ÅÅÅÅ-MM-DD, for eksempel 2026-05-31.")) from None


class AuditFilterForm(FlaskForm):
    """Narrow the audit log; read from the query string, so a filtered page can be linked to."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    hendelse = SelectField(_l("Hendelse"), validate_choice=False, default="")
    bruker = StringField(
        _l("Bruker eller e-post"),
        filters=[clean_field],
        validators=[Optional(), Length(max=254, message=_l("Skriv høyst 254 tegn."))],
        description=_l("Hele eller deler av e-postadressen."),
    )
    fra = DayField(
        _l("Fra og med dato"),
        validators=[Optional()],
        format="%Y-%m-%d",
    )
    til = DayField(
        _l("Til og med dato"),
        validators=[Optional()],
        format="%Y-%m-%d",
    )

    def set_event_choices(self, labels: dict[str, str]) -> None:
        self.hendelse.choices = [SelectChoice("", _l("Alle hendelser"))] + [
            SelectChoice(event, _l(label)) for event, label in labels.items()
        ]

    def validate_hendelse(self, field):
        if field.data and field.data not in {choice.value for choice in self.hendelse.choices}:
            raise ValidationError(_l("Velg en hendelse fra listen."))

    def validate_til(self, field):
        if field.data and self.fra.data and field.data < self.fra.data:
            raise ValidationError(_l("Til-datoen kan ikke være før fra-datoen."))
