"""The benches' layouts. CPU (tests/bench/cpu_pinning.py): `--server-cpu` (the server's processes
on their core(s), the clients on the others) and `--own-cores` (each interactive process on a core
of its own, the clients spread over every core) — what each pins, and the layouts it refuses. And
`capacity --split`: which process each room's members connect to."""
from __future__ import annotations

import os

import pytest

from tests.bench import cpu_pinning
from tests.bench.cpu_pinning import Pinning, parse_cpus, pinning

TWO = len(os.sched_getaffinity(0)) >= 2
needs_two = pytest.mark.skipif(not TWO, reason="needs two CPUs this process may use")


def test_parse_cpus_reads_lists_and_ranges() -> None:
    assert parse_cpus("0") == [0]
    assert parse_cpus("0-2,5") == [0, 1, 2, 5]


@needs_two
def test_own_cores_gives_each_interactive_process_its_cpu_and_spreads_the_clients(monkeypatch) -> None:
    pins = pinning(None, "1,0")
    assert pins.process_prefixes() == [["taskset", "-c", "1"], ["taskset", "-c", "0"]]
    assert pins.prefix() == []  # Redis and the background process: unpinned
    ran: list[list[str]] = []
    monkeypatch.setattr(cpu_pinning.subprocess, "run", lambda cmd, **kw: ran.append(cmd))
    pins.pin_clients([101, 102, 103])
    available = sorted(os.sched_getaffinity(0))
    assert [cmd[-2:] for cmd in ran] == [[str(available[i % len(available)]), str(pid)]
                                         for i, pid in enumerate((101, 102, 103))]
    assert pins.facts()["server_cpus"] == "one each: 1,0"


@needs_two
def test_server_cpu_pins_every_server_process_together_and_the_clients_elsewhere(monkeypatch) -> None:
    monkeypatch.setattr(Pinning, "pin_clients", lambda self, pids: None)  # not this test process
    pins = pinning("0")
    assert pins.prefix() == ["taskset", "-c", "0"] and pins.process_prefixes() is None
    assert "0" not in pins.clients.split(",")


@pytest.mark.parametrize("server_cpu, own", [("0", "0,1"), (None, "0,0"), (None, "9999")])
def test_layouts_that_cannot_be_kept_are_refused(server_cpu, own) -> None:
    with pytest.raises(SystemExit):
        pinning(server_cpu, own)


def test_no_layout_pins_nothing() -> None:
    pins = pinning(None)
    assert pins.prefix() == [] and pins.process_prefixes() is None and pins.facts()["client_cpus"] is None


def test_capacity_splits_each_room_or_keeps_it_on_one_process() -> None:
    """`capacity --split`: members (each room's members alternate between the processes) or rooms
    (all of a room's members on one process, the rooms alternating)."""
    from tests.bench.capacity import member_url, prepare_floor
    urls = ["a", "b"]
    assert [member_url(urls, 0, i, "members") for i in range(5)] == ["a", "b", "a", "b", "a"]
    assert [member_url(urls, 1, i, "members") for i in range(5)] == ["b", "a", "b", "a", "b"]
    assert [member_url(urls, 0, i, "rooms") for i in range(5)] == ["a"] * 5
    assert [member_url(urls, 1, i, "rooms") for i in range(5)] == ["b"] * 5
    rooms = prepare_floor(urls, 10, 5, "rooms")
    assert [{url for url, _ in room["members"]} for room in rooms] == [{"a"}, {"b"}]
