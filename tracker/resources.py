"""Files the app ships with, found the same way in a checkout and in an installed wheel.

``templates/`` and ``seed/plan_2024_2027.json`` live at the top of the repository (the design
card puts them there). A wheel cannot follow the repository's layout, so the build copies
them into the package under ``tracker/shipped/`` (setup.py). Here, a package that carries
``shipped/`` is an installed wheel; one that does not is a checkout, whose top level holds the
originals. Static files, migrations and catalogs are inside the package in both cases.
"""

from importlib.resources import files
from pathlib import Path

PACKAGE_DIR = Path(str(files("tracker")))
# The folder name the build copies the top-level files into (setup.py reads it from here).
SHIPPED_FOLDER = "shipped"
_shipped = PACKAGE_DIR / SHIPPED_FOLDER
_ROOT = _shipped if _shipped.is_dir() else PACKAGE_DIR.parent

TEMPLATES_DIR = _ROOT / "templates"
SEED_FILE = _ROOT / "seed" / "plan_2024_2027.json"
STATIC_DIR = PACKAGE_DIR / "static"
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"
