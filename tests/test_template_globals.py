"""Every template helper comes from one registration (tracker/templating.py), made when the app
is built: a page renders the same whichever blueprints a module happened to import first."""

import re
from pathlib import Path

TRACKER = Path(__file__).resolve().parent.parent / "tracker"
REGISTRATION = re.compile(
    r"jinja_env\.(globals|filters)|add_app_template_(global|filter)|app_template_(global|filter)"
    r"|template_(global|filter)\(|context_processor"
)


def test_only_the_templating_module_registers_template_helpers():
    elsewhere = [
        f"{path.relative_to(TRACKER.parent)}:{number}"
        for path in TRACKER.rglob("*.py")
        if path.name != "templating.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if REGISTRATION.search(line)
    ]
    assert elsewhere == []
