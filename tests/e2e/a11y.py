"""axe-core (pinned in package.json) run inside a page, for the portals' accessibility checks."""
from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
RUN = """async (rules) => (await axe.run(document, {runOnly: {type: 'rule', values: rules}}))
  .violations.map(v => ({rule: v.id, nodes: v.nodes.map(n => n.html).slice(0, 3)}))"""


def load_axe(page) -> None:
    if not AXE.is_file():
        raise RuntimeError(f"{AXE} is missing: run `npm ci` (tests/run.sh does)")
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        # Evaluated over the DevTools protocol, so the page's Content-Security-Policy does not block it
        # (a <script> tag would be refused by the portals' script-src 'self').
        page.evaluate(f"() => {{ {AXE.read_text()} ; window.axe = axe; }}")


def axe_violations(page, rules: list[str]) -> list[dict]:
    """The violations of `rules` on the page as it is now ([] when clean)."""
    load_axe(page)
    return page.evaluate(RUN, rules)


# WCAG 2.0/2.1 A and AA: every rule axe-core tags so (contrast, names, roles, lists, focusable regions…).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_IN = """async ([selector, tags]) => (await axe.run({include: [[selector]]}, {runOnly: {type: 'tag', values: tags}}))
  .violations.map(v => ({rule: v.id, nodes: v.nodes.map(n => [n.html, n.failureSummary]).slice(0, 4)}))"""


def axe_violations_within(page, selector: str, tags: list[str] = WCAG_TAGS) -> list[dict]:
    """The violations inside the element `selector` and its (open) shadow root ([] when clean):
    axe-core walks shadow trees, so an extension's shadow-DOM overlay is scanned as it is drawn."""
    load_axe(page)
    return page.evaluate(RUN_IN, [selector, tags])
