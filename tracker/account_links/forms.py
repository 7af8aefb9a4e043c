from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired, Length

from tracker.auth.forms import clean_field, confirm_password_field, new_password_field


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-postadresse"),
        filters=[clean_field],
        validators=[DataRequired(_l("Skriv e-postadressen din.")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )


class SetPasswordForm(FlaskForm):
    new_password = new_password_field()
    confirm_password = confirm_password_field()
