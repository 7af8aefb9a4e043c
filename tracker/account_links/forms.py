from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from tracker.auth.forms import clean_field, validate_new_password


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-postadresse"),
        filters=[clean_field],
        validators=[DataRequired(_l("Skriv e-postadressen din.")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )


class SetPasswordForm(FlaskForm):
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
