"""Files the app ships with, found through the package.

A checkout (editable install) and an installed wheel look the same from here: the wheel
carries templates, static files, migrations, catalogs and the seed file as package data
(setup.cfg, setup.py), so nothing depends on the working directory.
"""

from importlib.resources import files
from pathlib import Path

PACKAGE_DIR = Path(str(files("tracker")))
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"
SEED_FILE = PACKAGE_DIR / "plan" / "plan_2024_2027.json"
