"""axe-core (pinned in package.json) run inside a page, for the portals' accessibility checks."""
from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
RUN = """async (rules) => (await axe.run(document, {runOnly: {type: 'rule', values: rules}}))
  .violations.map(v => ({rule: v.id, nodes: v.nodes.map(n => n.html).slice(0, 3)}))"""


def axe_violations(page, rules: list[str]) -> list[dict]:
    """The violations of `rules` on the page as it is now ([] when clean)."""
    if not AXE.is_file():
        raise RuntimeError(f"{AXE} is missing: run `npm ci` (tests/run.sh does)")
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        # Evaluated over the DevTools protocol, so the page's Content-Security-Policy does not block it
        # (a <script> tag would be refused by the portals' script-src 'self').
        page.evaluate(f"() => {{ {AXE.read_text()} ; window.axe = axe; }}")
    return page.evaluate(RUN, rules)
