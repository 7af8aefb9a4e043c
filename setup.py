"""Packaging hook: put into the wheel what lives outside the package.

- ``templates/`` (every file under it) and ``seed/plan_2024_2027.json`` stay at the top of the
  repository; the build copies them into ``tracker/shipped/``, where tracker/resources.py finds
  them in an installed wheel (in a checkout it reads the originals). No symlinks: a link is
  followed by some builders and not others, and a glob list silently missed files before.
- The compiled ``.mo`` catalogs are build output (``make install`` makes them in a checkout);
  a wheel gets them here.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

# Top-level paths the installed app reads, copied as they are (folders whole).
SHIPPED_PATHS = ("templates", "seed/plan_2024_2027.json")
SHIPPED_FOLDER = "shipped"  # tracker/resources.py names the same folder


class BuildPyWithShippedFiles(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself
        package = Path(self.build_lib) / "tracker"
        self._copy_shipped_files(package / SHIPPED_FOLDER)
        self._compile_catalogs(package)

    @staticmethod
    def _copy_shipped_files(target: Path) -> None:
        if target.exists():
            shutil.rmtree(target)  # a file deleted from templates/ must not linger in the wheel
        for name in SHIPPED_PATHS:
            source, destination = Path(name), target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, destination, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(source, destination)

    @staticmethod
    def _compile_catalogs(package: Path) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po_path in Path("tracker/translations").glob("*/LC_MESSAGES/messages.po"):
            mo_path = package.parent / po_path.with_suffix(".mo")
            mo_path.parent.mkdir(parents=True, exist_ok=True)
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)


setup(cmdclass={"build_py": BuildPyWithShippedFiles})
