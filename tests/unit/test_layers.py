"""The server's imports run one way: app → entry points → services → models → domain.

An AST scan of every module under server/ (module-level and function-local imports alike):
- no module imports a module of a higher layer ("upward");
- the module import graph has no cycle, inside a layer either;
- a function-local import is allowed only where listed here, with the reason.
Layers are declared here, explicitly, by module prefix (the longest prefix wins).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVER = Path(__file__).resolve().parents[2] / "server"

# (prefix, layer): a module belongs to the layer of its longest matching prefix.
LAYERS: list[tuple[str, int]] = [
    ("server.domain", 0),  # pure: no Flask, SQLAlchemy, sockets, clock
    ("server.errors", 1), ("server.timeutil", 1), ("server.config", 1), ("server.validation", 1),
    ("server.extensions", 1),  # infrastructure: bare extension objects, config, error shape
    ("server.models", 2),
    ("server.services", 3),
    ("server.events", 4), ("server.api", 4), ("server.auth", 4), ("server.background", 4),  # entry points
    ("server.cli", 5),
    ("server.app", 6), ("server.wsgi", 6), ("server", 6),  # the package itself re-exports create_app
]
LAYER_NAMES = {0: "domain", 1: "infrastructure", 2: "models", 3: "services", 4: "events/api/auth/background",
               5: "cli", 6: "app"}
# Third-party packages the pure domain must never import.
DOMAIN_FORBIDDEN = ("flask", "flask_socketio", "flask_sqlalchemy", "sqlalchemy", "socketio", "redis", "gevent")
# module -> imports it may make inside a function, and why (none today).
ALLOWED_LOCAL_IMPORTS: dict[str, dict[str, str]] = {}


def layer_of(module: str) -> int:
    best = max((p for p, _ in LAYERS if module == p or module.startswith(p + ".")), key=len, default=None)
    if best is None:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS in {__file__}")
    return dict(LAYERS)[best]


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules(root: Path) -> dict[str, Path]:
    return {module_name(p, root): p for p in sorted(root.rglob("*.py"))}


def imports_of(module: str, path: Path, known: set[str]) -> list[tuple[str, int, bool]]:
    """(imported server module, line, is function-local) for every import in the file."""
    tree = ast.parse(path.read_text(), str(path))
    is_pkg = path.name == "__init__.py"
    local_lines = {n.lineno for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                   for n in ast.walk(f) if isinstance(n, (ast.Import, ast.ImportFrom))}
    found: list[tuple[str, int, bool]] = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_pkg else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                src = ".".join(base + ([node.module] if node.module else []))
            else:
                src = node.module or ""
            # `from pkg import sub` names the submodule when it is one
            targets = [f"{src}.{a.name}" if f"{src}.{a.name}" in known else src for a in node.names]
        for target in targets:
            found.append((target, node.lineno, node.lineno in local_lines))
    return found


def import_graph(root: Path) -> tuple[dict[str, set[str]], list[str], list[str]]:
    """The graph of server modules, the upward imports and the unlisted function-local ones."""
    modules = all_modules(root)
    known = set(modules)
    graph: dict[str, set[str]] = {m: set() for m in modules}
    upward, local = [], []
    for mod, path in modules.items():
        for target, line, is_local in imports_of(mod, path, known):
            where = f"{path.relative_to(root.parent)}:{line}"
            if mod.startswith("server.domain") and target.split(".")[0] in DOMAIN_FORBIDDEN:
                upward.append(f"{where}: the pure domain imports {target}")
            if target not in known:
                continue
            if is_local and target not in ALLOWED_LOCAL_IMPORTS.get(mod, {}):
                local.append(f"{where}: {mod} imports {target} inside a function")
            graph[mod].add(target)
            if layer_of(target) > layer_of(mod):
                upward.append(f"{where}: {mod} ({LAYER_NAMES[layer_of(mod)]}) imports {target} "
                              f"({LAYER_NAMES[layer_of(target)]})")
    return graph, upward, local


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (or a module importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph[v]:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_every_server_module_has_a_layer():
    for mod in all_modules(SERVER):
        layer_of(mod)


def test_no_import_runs_up_a_layer():
    _graph, upward, _local = import_graph(SERVER)
    assert upward == []


def test_no_import_cycle():
    graph, _upward, _local = import_graph(SERVER)
    assert cycles(graph) == []


def test_no_function_local_import_hides_a_dependency():
    _graph, _upward, local = import_graph(SERVER)
    assert local == []


# --- the checks themselves catch what they must (a scratch tree, not server/) -----------------
def scratch(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "server"
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for d in [root, *[p for p in root.rglob("*") if p.is_dir()]]:
        (d / "__init__.py").touch()
    return root


def test_the_scan_sees_an_upward_import(tmp_path):
    root = scratch(tmp_path, {"services/rooms.py": "from server.events.rooms import join\n",
                              "events/rooms.py": "def join(): pass\n"})
    _graph, upward, _local = import_graph(root)
    assert len(upward) == 1 and "server.services.rooms (services) imports server.events.rooms" in upward[0]


def test_the_scan_sees_a_cycle_and_a_hidden_local_import(tmp_path):
    root = scratch(tmp_path, {"services/a.py": "from server.services import b\n",
                              "services/b.py": "def f():\n    from server.services.a import x\n"})
    graph, upward, local = import_graph(root)
    assert upward == []
    assert cycles(graph) == [["server.services.a", "server.services.b"]]
    assert local == ["server/services/b.py:2: server.services.b imports server.services.a inside a function"]


def test_the_scan_sees_the_domain_reaching_for_flask(tmp_path):
    root = scratch(tmp_path, {"domain/clock.py": "from flask import current_app\n"})
    assert import_graph(root)[1] == ["server/domain/clock.py:1: the pure domain imports flask"]


@pytest.mark.parametrize("module,layer", [("server.domain.room_clock.model", 0), ("server.services.presence.roster", 3),
                                          ("server.events.playback", 4), ("server", 6)])
def test_layers_are_assigned_by_the_longest_prefix(module, layer):
    assert layer_of(module) == layer
