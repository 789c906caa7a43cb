"""docs/PROTOCOL.md against the code, both ways, never skipped.

- requests: the Socket.IO handlers the running app registered, per namespace;
- pushes: every event name the server code emits (AST scan of `server/`);
- REST: every rule of the app's `url_map`, per method;
- error codes and room settings: the server's own lists.

A failure names each missing item, the side it is missing from and the table to fix.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.protocol_doc import (
    PROTOCOL_MD,
    REPO_ROOT,
    ProtocolDoc,
    optional_marks,
    payload_fields,
    read_protocol,
)

LIFECYCLE = {"connect", "disconnect", "*"}  # Socket.IO's own; "Transport" describes connecting
IGNORED_METHODS = {"HEAD", "OPTIONS"}
DOC = "docs/PROTOCOL.md"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from server import create_app
    from server.config import TestConfig

    folder = tmp_path_factory.mktemp("protocol-app")
    return create_app(TestConfig(folder / "instance", DATABASE_URL=f"sqlite:///{folder / 'unused.db'}",
                                 AUTO_MIGRATE=False))


@pytest.fixture(scope="module")
def doc() -> ProtocolDoc:
    assert PROTOCOL_MD.is_file(), f"{DOC} is missing: it is the wire contract and lives in the repository"
    parsed = read_protocol()
    assert not parsed.problems, "\n".join(parsed.problems)
    return parsed


def registered_events(app) -> dict[str, set[str]]:
    server = app.extensions["socketio"].server
    events: dict[str, set[str]] = {ns: set(handlers) - LIFECYCLE for ns, handlers in server.handlers.items()}
    for ns, handler in server.namespace_handlers.items():  # class-based namespaces, if any appear
        names = {name[3:] for name in dir(handler) if name.startswith("on_")}
        events.setdefault(ns, set()).update(names - LIFECYCLE)
    return events


def compare(kind: str, namespace: str, in_code: set, in_doc: set, source: str) -> list[str]:
    """One line per difference: what is missing, from which side, and where to fix it."""
    where = f"the table under '## {kind}, namespace `{namespace}`'" if namespace else f"the {kind} table"
    lines = [f"{DOC} lacks {name!r}, which is in {source}: add a row to {where}"
             for name in sorted(in_code - in_doc)]
    lines += [f"{DOC} documents {name!r} in {where}, which is not in {source}: remove the row or fix the name"
              for name in sorted(in_doc - in_code)]
    return lines


def test_every_registered_request_is_documented_and_every_documented_request_is_registered(app, doc):
    code = registered_events(app)
    problems = []
    for namespace in sorted(set(code) | set(doc.requests)):
        problems += compare("Requests", namespace, code.get(namespace, set()), doc.requests.get(namespace, set()),
                            f"the handlers the server registers on {namespace!r}")
    assert not problems, "\n".join(problems)


def handler_schema(handler, depth: int = 0) -> dict | None:
    """The payload schema the event wrapper validates with: a dict of validation Fields in the
    closure of the registered handler or of a function it wraps (Flask-SocketIO wraps ours)."""
    from server.validation import Field

    cells = []
    for cell in getattr(handler, "__closure__", None) or ():
        try:
            cells.append(cell.cell_contents)
        except ValueError:
            continue
    for value in cells:
        if isinstance(value, dict) and all(isinstance(v, Field) for v in value.values()) and \
                all(isinstance(k, str) for k in value):
            return value
    if depth < 3:
        for value in cells:
            if callable(value):
                found = handler_schema(value, depth + 1)
                if found is not None:
                    return found
    return None


def test_every_documented_payload_names_the_fields_the_server_validates(app, doc):
    server = app.extensions["socketio"].server
    problems = []
    for namespace, handlers in sorted(server.handlers.items()):
        for event, handler in sorted(handlers.items()):
            if event in LIFECYCLE or (namespace, event) not in doc.payloads:
                continue  # a missing row is the test above's to report
            schema = handler_schema(handler)
            if schema is None:
                problems.append(f"{event!r} on {namespace!r}: no payload schema found on its handler")
                continue
            documented = payload_fields(doc.payloads[(namespace, event)], doc.settings)
            for name in sorted(set(schema) - documented):
                problems.append(f"{DOC}: {event!r} ({namespace!r}) accepts field {name!r}, which its payload "
                                "column does not name: add it (`name?` when optional)")
            for name in sorted(documented - set(schema)):
                problems.append(f"{DOC}: {event!r} ({namespace!r}) documents field {name!r}, which the server "
                                "does not read: remove it or fix the name")
            marks = optional_marks(doc.payloads[(namespace, event)]) or {}
            for name, optional in sorted(marks.items()):
                if name in schema and optional == schema[name].required:
                    problems.append(f"{DOC}: {event!r} ({namespace!r}) field {name!r} is "
                                    f"{'required' if schema[name].required else 'optional'} on the server: write "
                                    f"`{name}{'' if schema[name].required else '?'}`")
    assert not problems, "\n".join(problems)


def emitted_event_names(root: Path = REPO_ROOT / "server") -> dict[str, list[str]]:
    """Event name → where it is emitted: `emit("name", …)` / `x.emit("name", …)`, and a literal
    passed as the `event` parameter of a server function (e.g. `disconnect_sids(sids, "session.ended")`)."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(root.rglob("*.py"))}
    event_param: dict[str, int] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                names = [a.arg for a in node.args.posonlyargs + node.args.args]
                if "event" in names:
                    event_param[node.name] = names.index("event")
    found: dict[str, list[str]] = {}
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            candidates: list[ast.expr] = []
            if name == "emit" and node.args:
                candidates.append(node.args[0])
            elif name in event_param:
                index = event_param[name]
                if len(node.args) > index:
                    candidates.append(node.args[index])
                candidates += [k.value for k in node.keywords if k.arg == "event"]
            for arg in candidates:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    where = f"{path.relative_to(REPO_ROOT)}:{node.lineno}"
                    found.setdefault(arg.value, []).append(where)
    return found


def test_every_emitted_event_is_documented_and_every_documented_push_is_emitted(doc):
    emitted = emitted_event_names()
    documented = set().union(*doc.pushes.values())
    problems = [f"{DOC} lacks push {name!r}, which the server emits at {', '.join(emitted[name])}: add a row to "
                f"a '## Pushes, namespace …' table" for name in sorted(set(emitted) - documented)]
    problems += [f"{DOC} documents push {name!r}, but no server code emits it: remove the row or fix the name"
                 for name in sorted(documented - set(emitted))]
    assert not problems, "\n".join(problems)


def app_routes(app) -> set[tuple[str, str]]:
    return {(method, rule.rule) for rule in app.url_map.iter_rules() if rule.endpoint != "static"
            for method in rule.methods - IGNORED_METHODS}


def test_every_route_is_documented_and_every_documented_route_exists(app, doc):
    code = {f"{m} {r}" for m, r in app_routes(app)}
    documented = {f"{m} {r}" for m, r in doc.routes}
    problems = compare("'## REST'", "", code, documented, "the app's routes (app.url_map)")
    assert not problems, "\n".join(problems)


def test_error_codes_and_room_settings_match_the_server(app, doc):
    from server.errors import ERROR_CODES

    settings_schema = handler_schema(app.extensions["socketio"].server.handlers["/"]["room.settings"])
    assert settings_schema, "room.settings has no payload schema to compare with"
    problems = compare("error code ('## Requests and acks')", "", set(ERROR_CODES), doc.error_codes,
                       "server.errors.ERROR_CODES")
    problems += compare("'## Room settings'", "", set(settings_schema), doc.settings,
                        "the fields room.settings accepts")
    assert not problems, "\n".join(problems)


def test_the_checker_sees_a_missing_and_an_extra_row(app, doc, tmp_path):
    """The comparison is not vacuous: drop one documented request and one route, add a bogus
    event, and the same code reports each by name and side."""
    text = PROTOCOL_MD.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines()
             if not line.startswith("| `queue.move`") and not line.startswith("| `GET /api/stats`")]
    lines.append("")
    lines.append("## Requests, namespace `/`")
    lines.append("| `no.such.event` | any | `{}` | `{}` | — | — |")
    edited = tmp_path / "PROTOCOL.md"
    edited.write_text("\n".join(lines), encoding="utf-8")
    changed = read_protocol(edited)
    code = registered_events(app)
    problems = compare("Requests", "/", code["/"], changed.requests["/"], "the handlers the server registers on '/'")
    assert any("lacks 'queue.move'" in p for p in problems), problems
    assert any("documents 'no.such.event'" in p for p in problems), problems
    route_problems = compare("'## REST'", "", {f"{m} {r}" for m, r in app_routes(app)},
                             {f"{m} {r}" for m, r in changed.routes}, "the app's routes (app.url_map)")
    assert f"{DOC} lacks 'GET /api/stats', which is in the app's routes (app.url_map): add a row to the " \
        "'## REST' table" in route_problems, route_problems
    assert "session.ended" in emitted_event_names(), "the scan must follow disconnect_sids(…, event, …)"
