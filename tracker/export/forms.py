from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired

from tracker.narrative import clean_text
from tracker.reporting.forms import NarrativeLength


class ReportDownloadForm(FlaskForm):
    mode = RadioField(
        lazy_gettext("Innhold"),
        choices=[
            SelectChoice("final", lazy_gettext("Endelig rapport (bare godkjente tekster)")),
            SelectChoice(
                "draft", lazy_gettext("Utkast (også tekster som ikke er godkjent, merket UTKAST)")
            ),
        ],
        default="final",
    )
    language = RadioField(
        lazy_gettext("Målform"),
        choices=[
            SelectChoice("nb", lazy_gettext("Bokmål")),
            SelectChoice("nn", lazy_gettext("Nynorsk")),
        ],
        default="nb",
    )
    kind = RadioField(
        lazy_gettext("Rapporttype"),
        choices=[
            SelectChoice("statusrapport", lazy_gettext("Statusrapport")),
            SelectChoice("sluttrapport", lazy_gettext("Sluttrapport (resultatene først)")),
        ],
        default="statusrapport",
    )
    include_changes = BooleanField(
        lazy_gettext("Ta med vedlegg med endringer siden forrige publiserte runde")
    )
    submit = SubmitField(lazy_gettext("Lag rapporten (Word og PDF)"))


class RoundIntroForm(FlaskForm):
    intro = TextAreaField(
        lazy_gettext("Innledning («Om rapporten»)"),
        filters=[lambda value: clean_text(value) if isinstance(value, str) else value],
        validators=[NarrativeLength()],
        description=lazy_gettext(
            "Står først i rapporten. Samme format som statusbeskrivelsene: en tom linje skiller "
            "avsnitt, og [ord](https://…) lager en lenke på ordene."
        ),
    )
    based_on = HiddenField(validators=[InputRequired()])
    save_intro = SubmitField(lazy_gettext("Lagre innledningen"))
