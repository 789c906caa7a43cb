"""tests/bench/README.md's install command covers what the benchmarks import: every third-party
module the benchmarks import (following their imports into the test helpers) belongs to a
distribution the command installs: pinned (==) in its requirements file, or required by one."""
from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "tests" / "bench"
HELPERS = (ROOT / "tests" / "support", ROOT / "tests" / "e2e" / "harness", ROOT / "tests" / "e2e")
FIRST_PARTY = {"server", "tests", "harness", "extension_helpers"}


def install_command() -> list[str]:
    text = (BENCH / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- bench-install -->", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    lines = [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip()]
    assert len(lines) == 1, f"one command, not {lines}"
    return lines[0].split()


def pinned(requirements: Path) -> dict[str, str]:
    """Distribution name (normalised) → pinned version, following `-r other.txt`."""
    out: dict[str, str] = {}
    for raw in requirements.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith("-r "):
            out.update(pinned(requirements.parent / line[3:].strip()))
        elif "==" in line:
            name, version = line.split("==", 1)
            out[normalise(name.split("[", 1)[0])] = version
    return out


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def local_file(module: str) -> Path | None:
    """The repository file a first-party module name means, as the benchmarks' sys.path has it."""
    parts = module.split(".")
    if parts[0] == "tests":
        base = ROOT.joinpath(*parts)
    elif parts[0] in ("harness", "extension_helpers"):  # tests/e2e is on sys.path for these
        base = ROOT.joinpath("tests", "e2e", *parts)
    else:
        return None
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def third_party_imports() -> dict[str, str]:
    """Top-level module → the first file that imports it, over the benchmarks' import graph
    (the service's own `server` package is requirements.txt's business, not followed)."""
    todo = sorted(BENCH.glob("*.py"))
    seen: set[Path] = set()
    found: dict[str, str] = {}
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            for name in names:
                top = name.split(".", 1)[0]
                if top in FIRST_PARTY:
                    target = local_file(name)
                    if target is not None:
                        todo.append(target)
                elif top not in sys.stdlib_module_names and top != "__future__":
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def installed_by(pins: dict[str, str]) -> set[str]:
    """The pinned distributions and everything they require, transitively (installed metadata)."""
    out: set[str] = set()
    todo = list(pins)
    while todo:
        name = todo.pop()
        if name in out:
            continue
        out.add(name)
        try:
            needs = requires(name) or []
        except PackageNotFoundError:
            continue
        for need in needs:
            if "extra ==" in need:
                continue
            todo.append(normalise(re.split(r"[ ;<>=!~\[(]", need, maxsplit=1)[0]))
    return out


def test_the_bench_install_command_pins_every_module_the_benchmarks_import():
    command = install_command()
    assert command[:3] == [".venv/bin/pip", "install", "-r"], command
    requirements = ROOT / command[3]
    assert requirements.is_file(), command
    pins = pinned(requirements)
    installed = installed_by(pins)
    distributions = packages_distributions()
    missing = []
    for module, where in sorted(third_party_imports().items()):
        names = {normalise(d) for d in distributions.get(module, [module])}
        if not names & installed:
            missing.append(f"{module} (imported by {where}; distribution {sorted(names)})")
    assert not missing, f"{command[3]} does not install: " + ", ".join(missing)
    assert {"aiohttp", "playwright", "python-socketio", "pytest"} <= set(pins)
