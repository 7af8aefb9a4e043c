from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from tracker.auth.passwords import password_problem
from tracker.narrative import clean_text


def clean_field(value):
    """Pasted text without control characters (PostgreSQL refuses NUL in text), or None."""
    return clean_text(value) if isinstance(value, str) else value


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-postadresse"),
        filters=[clean_field],
        validators=[DataRequired(_l("Skriv e-postadressen din.")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Passord"),
        validators=[DataRequired(_l("Skriv passordet ditt.")), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )


def validate_new_password(form, field):
    """The password rules (length, not a common one), shown next to the field."""
    problem = password_problem(field.data or "")
    if problem is not None:
        raise ValidationError(problem)


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Nåværende passord"),
        validators=[DataRequired(_l("Skriv passordet du bruker nå.")), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("Nytt passord"),
        validators=[DataRequired(_l("Skriv et nytt passord.")), validate_new_password],
        description=_l(
            "Minst 12 tegn. Flere ord satt sammen er lett å huske og vanskelig å gjette."
        ),
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("Gjenta det nye passordet"),
        validators=[
            DataRequired(_l("Skriv det nye passordet en gang til.")),
            EqualTo("new_password", _l("De to nye passordene er ikke like.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
