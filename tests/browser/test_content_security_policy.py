"""The pages work under the strict Content-Security-Policy in a real browser."""

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/", "/finnes-ikke"])
def test_pages_load_without_csp_violations(page, live_server, seeded, path):
    violations, console_errors = [], []
    page.on(
        "console", lambda message: message.type == "error" and console_errors.append(message.text)
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => (window.__cspViolations = window.__cspViolations || []).push(e.violatedDirective));"
    )
    response = page.goto(live_server + path)
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.__cspViolations || []")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert violations == []
    # The 404 page logs its own status as a console error; anything else is a real problem.
    assert [e for e in console_errors if "404" not in e] == []
    # The stylesheets applied: Designsystemet sets the body font.
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != "Times New Roman"
