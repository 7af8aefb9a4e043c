from flask_babel import lazy_gettext as _l
from flask_login import current_user
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
    """The password rules (tracker.auth.passwords), shown next to the field. The person's own
    e-mail and name come from the form when it has them (a new account), else from the
    signed-in user (changing one's own password)."""
    email, name = _person_on_form(form)
    problem = password_problem(field.data or "", email=email, name=name)
    if problem is not None:
        raise ValidationError(problem)


def _person_on_form(form) -> tuple[str, str]:
    email, name = getattr(form, "email", None), getattr(form, "name", None)
    if email is not None:
        return email.data or "", (name.data if name is not None else "") or ""
    if current_user.is_authenticated:
        return current_user.email, current_user.name
    return "", ""


# Made by functions, not shared objects: each form gets fields created where it declares them,
# so they keep their place in its order (and in its error summary).
def new_password_field() -> PasswordField:
    return PasswordField(
        _l("Nytt passord"),
        validators=[DataRequired(_l("Skriv et nytt passord.")), validate_new_password],
        description=_l(
            "Minst 12 tegn. Flere ord satt sammen er lett å huske og vanskelig å gjette."
        ),
        render_kw={"autocomplete": "new-password"},
    )


def confirm_password_field() -> PasswordField:
    return PasswordField(
        _l("Gjenta det nye passordet"),
        validators=[
            DataRequired(_l("Skriv det nye passordet en gang til.")),
            EqualTo("new_password", _l("De to nye passordene er ikke like.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Nåværende passord"),
        validators=[DataRequired(_l("Skriv passordet du bruker nå.")), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = new_password_field()
    confirm_password = confirm_password_field()
