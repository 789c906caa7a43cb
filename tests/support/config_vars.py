"""Which environment variables the code reads, found in the code itself (not a hand list):

- Python (`server/`, `gunicorn.conf.py`): `env_str/env_bool/env_int/env_list("NAME", …)`,
  `os.environ.get("NAME")`, `os.getenv("NAME")`, `os.environ["NAME"]` (read, not assigned);
  the test-only `TestConfig` is left out;
- shell (`RESTART.sh`, `scripts/bootstrap.sh`): `${NAME:-default}` / `${NAME-…}` / `${NAME:=…}`,
  unless the script assigned NAME itself before (then it is the script's own variable).
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PYTHON_SOURCES = (REPO_ROOT / "server", REPO_ROOT / "gunicorn.conf.py")
SHELL_SOURCES = (REPO_ROOT / "RESTART.sh", REPO_ROOT / "scripts" / "bootstrap.sh",
                 REPO_ROOT / "scripts" / "restart_lib.sh")
TEST_ONLY_CLASSES = {"TestConfig"}
SHELL_READ = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?::?[-=])")


def _python_files() -> list[Path]:
    files: list[Path] = []
    for source in PYTHON_SOURCES:
        files += sorted(source.rglob("*.py")) if source.is_dir() else [source]
    return files


def _is_os_environ(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ" and \
        isinstance(node.value, ast.Name) and node.value.id == "os"


def _read_name(node: ast.AST) -> str | None:
    """The variable an expression reads from the environment, if it is one of the known forms."""
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
            and isinstance(node.args[0].value, str):
        func = node.func
        if isinstance(func, ast.Name) and func.id.startswith("env_"):
            return node.args[0].value
        if isinstance(func, ast.Attribute) and func.attr == "get" and _is_os_environ(func.value):
            return node.args[0].value
        if isinstance(func, ast.Attribute) and func.attr == "getenv" and \
                isinstance(func.value, ast.Name) and func.value.id == "os":
            return node.args[0].value
    if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and _is_os_environ(node.value) \
            and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value
    return None


def python_env_reads() -> dict[str, list[str]]:
    """Variable → where the server or gunicorn.conf.py reads it."""
    found: dict[str, list[str]] = {}
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name in TEST_ONLY_CLASSES:
                skipped |= {id(inner) for inner in ast.walk(node)}
        for node in ast.walk(tree):
            name = None if id(node) in skipped else _read_name(node)
            if name:
                found.setdefault(name, []).append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}")
    return found


def shell_env_reads() -> dict[str, list[str]]:
    """Variable → where RESTART.sh or the bootstrap it sources reads it from the environment."""
    found: dict[str, list[str]] = {}
    for path in SHELL_SOURCES:
        text = path.read_text(encoding="utf-8")
        for match in SHELL_READ.finditer(text):
            name = match.group(1)
            upto = text[:match.end()]  # includes this read, so `X="${X:-…}"` is not an own assignment
            own = re.search(rf"(?m)(^|[\s;&|(]){name}=(?!\"?\$\{{{name}\b)", upto)
            if own is None:
                line = upto.count("\n") + 1
                found.setdefault(name, []).append(f"{path.relative_to(REPO_ROOT)}:{line}")
    return found


def readme_config_names(readme: Path = REPO_ROOT / "README.md") -> set[str]:
    """Backticked names in the first column of the table under '## Configuration'."""
    section = readme.read_text(encoding="utf-8").split("\n## Configuration", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`([A-Z_][A-Z0-9_]*)`", line.split("|")[1]))
    return names


def env_example_names(path: Path = REPO_ROOT / "deploy" / "env.example") -> set[str]:
    """Every `NAME=` line of the env example, set or commented out (`# NAME=`)."""
    return set(re.findall(r"(?m)^#?\s*([A-Z][A-Z0-9_]*)=", path.read_text(encoding="utf-8")))
