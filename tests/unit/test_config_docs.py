"""README.md's configuration table and deploy/env.example against the variables the code reads
(found by reading the code: tests/support/config_vars.py), both ways. A new variable without a
row fails here, naming the variable, where it is read and which file needs the row."""
from __future__ import annotations

from pathlib import Path

from tests.support.config_vars import (
    env_example_names,
    python_env_reads,
    readme_config_names,
    shell_env_reads,
)


def _where(reads: dict[str, list[str]], name: str) -> str:
    return ", ".join(reads[name][:3])


def test_the_readme_table_has_a_row_for_every_variable_read_and_no_other():
    reads = {**shell_env_reads(), **python_env_reads()}
    documented = readme_config_names()
    problems = [f"README.md '## Configuration' lacks a row for {name} (read at {_where(reads, name)})"
                for name in sorted(set(reads) - documented)]
    problems += [f"README.md '## Configuration' documents {name}, which no code reads: remove the row or fix the name"
                 for name in sorted(documented - set(reads))]
    assert not problems, "\n".join(problems)


def test_env_example_has_every_variable_the_service_reads_and_no_other():
    reads = python_env_reads()  # RESTART.sh's own switches are local-only: README documents them
    documented = env_example_names()
    problems = [f"deploy/env.example lacks {name}= (set, or '# {name}=' commented out; read at "
                f"{_where(reads, name)})" for name in sorted(set(reads) - documented)]
    problems += [f"deploy/env.example has {name}=, which the service does not read" for name in
                 sorted(documented - set(reads))]
    assert not problems, "\n".join(problems)


def test_the_scan_finds_each_way_of_reading(tmp_path: Path):
    """The scanners are not vacuous: every form they claim to see is seen, and the known
    script-internal and test-only names are not taken for configuration."""
    python = python_env_reads()
    for name, form in (("TRUSTED_PROXIES", "env_int"), ("ALLOW_GUESTS", "env_bool"), ("WORKER_CONNECTIONS",
                       "os.environ.get in gunicorn.conf.py"), ("SHARETUBE_LOG_STDOUT", "os.environ.get in server/")):
        assert name in python, f"{name} ({form}) was not found"
    assert "SHARETUBE_TEST_DATABASE_URL" not in python, "TestConfig is test-only"
    shell = shell_env_reads()
    assert {"VERSION", "INSTANCE_DIR", "LISTEN_PORT", "ST_SKIP_NODE"} <= set(shell)
    assert "START_BG" not in shell, "RESTART.sh assigns START_BG itself before reading it"
    readme = tmp_path / "README.md"
    readme.write_text("# x\n\n## Configuration\n\n| variable | default |\n|---|---|\n"
                      "| `A_VAR`, `B_VAR` | `1` |\n\n## Next\n| `NOT_CONFIG` | |\n")
    assert readme_config_names(readme) == {"A_VAR", "B_VAR"}
    example = tmp_path / "env.example"
    example.write_text("# comment mentions NOPE here\nSET_ONE=1\n# COMMENTED_OUT=2\n")
    assert env_example_names(example) == {"SET_ONE", "COMMENTED_OUT"}
