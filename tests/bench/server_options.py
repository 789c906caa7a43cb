"""Options shared by capacity and fanout about the server under test: `--server-cpu` (pinning,
tests/bench/cpu_pinning.py), `--encode-once`, `--direct-write`, `--direct-dispatch` and
`--fast-events` on|off (BROADCAST_ENCODE_ONCE, BROADCAST_DIRECT_WRITE, SOCKETIO_DIRECT_DISPATCH,
SOCKETIO_FAST_EVENTS, for A/B runs), and
`--server-env NAME=VALUE` for any other variable."""
from __future__ import annotations

import argparse


def add_server_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--server-cpu", default=None,
                   help="taskset CPU list for the server processes (e.g. 0); the client processes and "
                        "this orchestrator get every other CPU. Default: no pinning")
    p.add_argument("--encode-once", choices=("on", "off"), default=None,
                   help="BROADCAST_ENCODE_ONCE for ShareTube (default: the server's own default, on)")
    p.add_argument("--direct-write", choices=("on", "off"), default=None,
                   help="BROADCAST_DIRECT_WRITE for ShareTube (default: the server's own default, on)")
    p.add_argument("--direct-dispatch", choices=("on", "off"), default=None,
                   help="SOCKETIO_DIRECT_DISPATCH for ShareTube (default: the server's own default, on)")
    p.add_argument("--fast-events", choices=("on", "off"), default=None,
                   help="SOCKETIO_FAST_EVENTS for ShareTube (default: the server's own default, on)")
    p.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE",
                   help="one more environment variable for ShareTube's processes (repeatable), e.g. "
                        "PYTHONMALLOC=malloc or MALLOC_ARENA_MAX=2 for a memory A/B")


def server_env(args: argparse.Namespace) -> dict[str, str]:
    """Environment for ShareTube's processes from the shared options."""
    env: dict[str, str] = {}
    if getattr(args, "encode_once", None):
        env["BROADCAST_ENCODE_ONCE"] = "1" if args.encode_once == "on" else "0"
    if getattr(args, "direct_write", None):
        env["BROADCAST_DIRECT_WRITE"] = "1" if args.direct_write == "on" else "0"
    if getattr(args, "direct_dispatch", None):
        env["SOCKETIO_DIRECT_DISPATCH"] = "1" if args.direct_dispatch == "on" else "0"
    if getattr(args, "fast_events", None):
        env["SOCKETIO_FAST_EVENTS"] = "1" if args.fast_events == "on" else "0"
    for item in getattr(args, "server_env", None) or []:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise SystemExit(f"--server-env wants NAME=VALUE, not {item!r}")
        env[name] = value
    return env
