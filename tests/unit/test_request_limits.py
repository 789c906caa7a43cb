"""The limits engine (the `limits` package): bursts, retry times, keys kept apart, client IPs."""
from __future__ import annotations

import time

import pytest

from server.errors import ApiError
from server.services.request_limits import RULES, Limits, client_ip, is_loopback, storage_uri


def engine(**rules: str) -> Limits:
    return Limits("sharetube-memory://", {k.replace("_", "."): v for k, v in rules.items()})


def test_a_burst_then_refusals_with_the_time_to_wait() -> None:
    lim = engine(x="3 per 2 seconds")
    assert [lim.hit("x", "u1") for _ in range(3)] == [0, 0, 0]
    wait = lim.hit("x", "u1")
    assert 1000 <= wait <= 2000
    with pytest.raises(ApiError) as exc:
        lim.check("x", "u1", message="slow down")
    assert exc.value.code == "rate_limited" and 0 < exc.value.extra["retry_after_ms"] <= 2000


def test_keys_and_rules_are_counted_apart() -> None:
    lim = engine(x="1 per minute", y="1 per minute")
    assert lim.allow("x", "u1") and not lim.allow("x", "u1")
    assert lim.allow("x", "u2")  # another user
    assert lim.allow("y", "u1")  # another rule
    assert lim.allow("x", "u1", "room2")  # another room


def test_the_window_frees_again_and_refused_hits_are_not_counted() -> None:
    lim = engine(x="2 per 1 second")
    assert lim.allow("x", "k") and lim.allow("x", "k")
    for _ in range(20):  # a flood while refused must not push the release further away
        assert not lim.allow("x", "k")
    time.sleep(1.05)
    assert lim.allow("x", "k")


def test_an_allowed_request_of_a_one_item_rule_is_one_storage_call_and_a_multi_item_rule_tests_first() -> None:
    """With Redis each strategy call is a round trip (a Lua call): a one-item rule's hit is its
    own test (a refused moving-window hit counts nothing), so it is not tested first."""
    calls: list[str] = []

    def counting(lim: Limits) -> Limits:
        real = lim.strategy
        for method in ("test", "hit"):
            setattr(lim.strategy, method, lambda *a, _m=method, _f=getattr(real, method): calls.append(_m) or _f(*a))
        return lim

    one = counting(engine(x="2 per minute"))
    assert one.hit("x", "k") == 0
    assert calls == ["hit"]
    calls.clear()
    two = counting(engine(x="5 per second; 2 per minute"))
    assert two.hit("x", "k") == 0
    assert calls == ["test", "test", "hit", "hit"]


def test_every_item_of_a_rule_applies() -> None:
    lim = engine(x="5 per second; 2 per minute")
    assert lim.allow("x", "k") and lim.allow("x", "k")
    assert lim.hit("x", "k") > 50_000  # the per-minute item decides the wait


def test_an_unknown_rule_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        engine(x="1 per second").hit("nope", "k")


def test_every_named_rule_parses() -> None:
    lim = Limits("sharetube-memory://")
    assert set(lim.rules) == set(RULES) and all(lim.rules.values())


def test_storage_is_redis_only_with_a_redis_message_queue() -> None:
    assert storage_uri(None) == "sharetube-memory://"
    assert storage_uri("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
    assert storage_uri("kafka://x") == "sharetube-memory://"
    assert storage_uri("unix:///run/redis.sock") == "redis+unix:///run/redis.sock"


@pytest.mark.parametrize("environ,proxies,expected", [
    ({"REMOTE_ADDR": "203.0.113.5"}, 0, "203.0.113.5"),
    # nginx on the same host: its X-Real-IP is the client
    ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "198.51.100.7"}, 0, "198.51.100.7"),
    # a remote client cannot choose its address with the header
    ({"REMOTE_ADDR": "203.0.113.5", "HTTP_X_REAL_IP": "10.0.0.1"}, 0, "203.0.113.5"),
    # behind one trusted proxy: the last X-Forwarded-For hop (a client-sent first hop is ignored)
    ({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.8"}, 1, "198.51.100.8"),
    # ProxyFix already resolved it (HTTP routes)
    ({"REMOTE_ADDR": "198.51.100.9", "werkzeug.proxy_fix.orig": {}, "HTTP_X_REAL_IP": "1.1.1.1"}, 1, "198.51.100.9"),
])
def test_client_ip(environ: dict, proxies: int, expected: str) -> None:
    assert client_ip(environ, proxies) == expected


def test_loopback_addresses() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("127.3.4.5")
    assert not is_loopback("192.168.1.2") and not is_loopback("?")
