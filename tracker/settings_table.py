"""``python -m tracker.settings_table``: README.md's configuration table, from the declarations
in tracker/config.py (tests/test_config.py fails until the README shows exactly this)."""

import sys

from tracker.config import SETTINGS
from tracker.settings import markdown_table

if __name__ == "__main__":
    sys.stdout.write(markdown_table(SETTINGS))
