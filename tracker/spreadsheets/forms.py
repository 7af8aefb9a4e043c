from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField
from wtforms.validators import InputRequired
from wtforms.widgets import HiddenInput


class SheetUploadForm(FlaskForm):
    sheet = FileField(
        _l("Regnearket (.xlsx)"), validators=[FileRequired(_l("Velg regnearket du har fylt ut."))]
    )
    submit_reports = BooleanField(
        _l("Send inn: send de endrede tiltakene og dem med «ingen endring» til gjennomgang")
    )


class ConfirmSheetForm(FlaskForm):
    upload = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    # What the preview showed; a confirmation of anything else is refused.
    fingerprint = HiddenField(validators=[InputRequired()])
