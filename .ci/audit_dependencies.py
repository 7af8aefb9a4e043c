"""Check every pin in constraints.txt against the known-vulnerability data PyPI publishes.

pip-audit's PyPI source asks https://pypi.org/pypi/NAME/VERSION/json. When that answers,
this runs pip-audit itself. From a machine where only the project pages
(https://pypi.org/pypi/NAME/json) answer, the same vulnerability data (PyPI's, from OSV) is
available for each project's newest release only: a pin that is the newest release is audited
exactly; an older pin cannot be, and is listed as not audited. Exit status: 1 if any pin has a
known vulnerability, or if any pin could not be audited and REQUIRE_FULL_AUDIT=1.
"""

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "constraints.txt"
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;#]+)")


def fetch(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:  # nosec B310 - fixed https URL
            return json.load(response)
    except (urllib.error.URLError, TimeoutError, ValueError):
        return None


def pins() -> list[tuple[str, str]]:
    found = []
    for line in CONSTRAINTS.read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            found.append((match.group(1), match.group(2)))
    return found


def main() -> int:
    name, version = pins()[0]
    if fetch(f"https://pypi.org/pypi/{name}/{version}/json") is not None:
        print("PyPI's per-release data answers: running pip-audit.")
        return subprocess.call(
            [
                str(Path(sys.executable).with_name("pip-audit")),
                "--strict",
                "--progress-spinner",
                "off",
                "--no-deps",
                "--disable-pip",
                "-r",
                str(CONSTRAINTS),
            ]
        )
    print(
        "pip-audit cannot run here: PyPI's per-release JSON (its vulnerability source) does not "
        "answer from this machine, and api.osv.dev is not reachable. Using PyPI's project JSON, "
        "which carries the same vulnerability data for each project's newest release."
    )
    vulnerable, not_audited, audited = [], [], 0
    for name, version in pins():
        project = fetch(f"https://pypi.org/pypi/{name}/json")
        if project is None:
            not_audited.append(f"{name}=={version} (no answer from PyPI)")
            continue
        latest = project["info"]["version"]
        if latest != version:
            not_audited.append(f"{name}=={version} (newest is {latest})")
            continue
        audited += 1
        for vulnerability in project.get("vulnerabilities", []):
            if not vulnerability.get("withdrawn"):
                vulnerable.append(
                    f"{name}=={version}: {vulnerability['id']} "
                    f"(fixed in {', '.join(vulnerability.get('fixed_in', [])) or '?'})"
                )
    print(f"Audited {audited} of {len(pins())} pins: {len(vulnerable)} with known vulnerabilities.")
    for line in vulnerable:
        print(f"  VULNERABLE {line}")
    for line in not_audited:
        print(f"  NOT AUDITED {line}")
    if vulnerable:
        return 1
    if not_audited and os.environ.get("REQUIRE_FULL_AUDIT"):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
