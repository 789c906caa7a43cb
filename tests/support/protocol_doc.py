"""Reads docs/PROTOCOL.md's tables: requests and pushes per namespace, REST routes, error codes,
room settings. The first column of a row holds the names; each backticked item is one name."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PROTOCOL_MD = REPO_ROOT / "docs" / "PROTOCOL.md"
SECTION = re.compile(r"^## (Requests|Pushes), namespace `([^`]+)`")
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass
class ProtocolDoc:
    requests: dict[str, set[str]] = field(default_factory=dict)  # namespace → event names
    payloads: dict[tuple[str, str], str] = field(default_factory=dict)  # (namespace, event) → payload cell
    pushes: dict[str, set[str]] = field(default_factory=dict)
    routes: set[tuple[str, str]] = field(default_factory=set)  # (METHOD, Flask rule)
    error_codes: set[str] = field(default_factory=set)
    settings: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)  # rows the parser could not read

    def heading_for(self, kind: str, namespace: str) -> str:
        return f"## {kind}, namespace `{namespace}`"


def cells_of(line: str) -> list[str]:
    """A table row's cells ('|' escaped as '\\|' inside a cell does not split it)."""
    return re.split(r"(?<!\\)\|", line)


def first_cell_names(line: str) -> list[str]:
    """`| `a`, `b` | …` → ["a", "b"]; a header or separator row → []."""
    if not line.startswith("|") or line.startswith("|---"):
        return []
    cells = cells_of(line)
    if len(cells) < 3:
        return []
    return re.findall(r"`([^`]+)`", cells[1])


PAYLOAD_FIELD = re.compile(r"(?:\{|,)\s*([a-z_][a-z0-9_]*)(\??)(?=\s*[,}:(])")


def payload_fields(cell: str, settings: set[str]) -> set[str]:
    """Field names of a payload cell: `{a, b?}` or `{a}` or `{b, c?}` (alternatives), or the room
    settings when the cell says "Settings"."""
    if "Settings" in cell:
        return set(settings)
    names: set[str] = set()
    for span in re.findall(r"`([^`]*)`", cell):
        names.update(name for name, _ in PAYLOAD_FIELD.findall(span))
    return names


def optional_marks(cell: str) -> dict[str, bool] | None:
    """Field → marked optional (`name?`), or None when the cell does not say it per field
    (alternatives like `{url}` or `{video_id, …}`, or "partial Settings")."""
    if "Settings" in cell or "` or `" in cell:
        return None
    marks: dict[str, bool] = {}
    for span in re.findall(r"`([^`]*)`", cell):
        marks.update((name, mark == "?") for name, mark in PAYLOAD_FIELD.findall(span))
    return marks


def read_protocol(path: Path = PROTOCOL_MD) -> ProtocolDoc:
    doc = ProtocolDoc()
    section: tuple[str, str] | None = None
    payload_column: int | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("| ") and not line.startswith("| `"):  # a table's header row
            headers = [cell.strip() for cell in cells_of(line)]
            payload_column = headers.index("payload") if "payload" in headers else None
            continue
        if line.startswith("## "):
            match = SECTION.match(line)
            if match:
                section = (match.group(1), match.group(2))
                target = doc.requests if section[0] == "Requests" else doc.pushes
                target.setdefault(section[1], set())
            elif line.startswith("## REST"):
                section = ("REST", "")
            elif line.startswith("## Requests and acks"):
                section = ("errors", "")
            elif line.startswith("## Room settings"):
                section = ("settings", "")
            else:
                section = None
            continue
        names = first_cell_names(line)
        if section is None or not names:
            continue
        kind, namespace = section
        if kind == "Requests":
            doc.requests[namespace].update(names)
            if payload_column is not None:
                for name in names:
                    doc.payloads[(namespace, name)] = cells_of(line)[payload_column]
        elif kind == "Pushes":
            doc.pushes[namespace].update(names)
        elif kind == "errors":
            doc.error_codes.update(names)
        elif kind == "settings":
            doc.settings.update(names)
        elif kind == "REST":
            for name in names:
                method, _, rule = name.partition(" ")
                if method not in HTTP_METHODS or not rule.startswith("/"):
                    doc.problems.append(f"docs/PROTOCOL.md line {number}: `{name}` is not `METHOD /path`")
                else:
                    doc.routes.add((method, rule))
    return doc
