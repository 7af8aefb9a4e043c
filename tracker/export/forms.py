from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SubmitField


class ReportDownloadForm(FlaskForm):
    mode = RadioField(
        lazy_gettext("Innhold"),
        choices=[
            ("final", lazy_gettext("Endelig rapport (bare godkjente tekster)")),
            ("draft", lazy_gettext("Utkast (også tekster som ikke er godkjent, merket UTKAST)")),
        ],
        default="final",
    )
    include_changes = BooleanField(
        lazy_gettext("Ta med vedlegg med endringer siden forrige publiserte runde")
    )
    submit = SubmitField(lazy_gettext("Last ned rapport (Word)"))
