"""Packaging hook: compile the message catalogs into the wheel.

Everything else the app reads at run time is package data (setup.cfg). ``templates/`` and
``seed/plan_2024_2027.json`` stay at the top of the repository and reach the package through
the links ``tracker/templates`` and ``tracker/plan/plan_2024_2027.json``, which the build
follows, so a checkout and an installed wheel find them the same way. The compiled ``.mo``
files are build output (``make install`` makes them in a checkout); a wheel gets them here.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithCatalogs(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout, where `make install` compiles
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po_path in Path("tracker/translations").glob("*/LC_MESSAGES/messages.po"):
            mo_path = Path(self.build_lib) / po_path.with_suffix(".mo")
            mo_path.parent.mkdir(parents=True, exist_ok=True)
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)


setup(cmdclass={"build_py": BuildPyWithCatalogs})
