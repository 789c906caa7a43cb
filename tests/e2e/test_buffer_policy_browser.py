"""The room's buffering policy with a viewer whose video bytes are slow (issue 13, item 6).

Alice and Bob share a room; the imitation YouTube throttles Bob's media bytes (a per-profile
cookie) when the room moves to a new video, so Bob's player stalls while Alice's plays:
- wait: the room holds for Bob (Alice's player stops, her banner names Bob), and once his bytes
  flow again everyone starts together;
- catch_up: nobody waits; once Bob can play he jumps to the live position;
- ignore: nobody waits and nobody jumps; Bob plays on behind the room by what the stall cost.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from extension_helpers import (
    EXTENSION_ONLY,
    Profile,
    close_panel,
    open_panel,
    overlay_element,
    two_viewer_room,
    video_state,
    wait_in_sync,
    wait_until,
)
from harness.browser import sample_playback
from harness.fake_youtube import FakeYouTube

pytestmark = EXTENSION_ONLY


FIRST = "stBuffVid00"
SLOW_BYTES_PER_S = 4_000  # the clip needs ~22 KB/s: Bob's player starves
BOB_KEY = "bob"


class Room:
    def __init__(self, fake: FakeYouTube, alice: Profile, bob: Profile) -> None:
        self.fake, self.alice, self.bob = fake, alice, bob
        self.videos = 0

    @property
    def pages(self) -> list[Any]:
        return [self.alice.page, self.bob.page]

    def set_policy(self, policy: str) -> None:
        open_panel(self.alice.page)
        self.alice.page.select_option("[data-testid=st-settings] select[name=buffer_policy]", policy)
        wait_until(lambda: self.alice.page.locator(
            "[data-testid=st-settings] select[name=buffer_policy]").input_value() == policy,
            timeout_s=5, what=f"buffer_policy {policy}")
        time.sleep(0.5)  # the room.settings broadcast reaches Bob's tab

    def next_video_with_bob_throttled(self) -> str:
        """A new video for the room (Bob's player must fetch it anew), Bob's bytes slow."""
        self.videos += 1
        video_id = f"stBuffVid{self.videos:02d}"
        self.fake.register(video_id, title=f"Slow for Bob {self.videos}")
        self.fake.throttle(BOB_KEY, SLOW_BYTES_PER_S)
        alice = self.alice
        open_panel(alice.page)
        alice.ui("st-queue-url").fill(f"https://youtu.be/{video_id}")
        alice.ui("st-queue-url").press("Enter")
        wait_until(lambda: alice.page.locator(f"[data-testid=st-queue-entry][data-video-id={video_id}]").count() == 1,
                   timeout_s=5, what="the new video in the queue")
        alice.ui("st-skip").click()  # the room's Skip (not "Vote to skip")
        wait_until(lambda: sample_playback([alice.page])[0].video_id == video_id, timeout_s=10,
                   what="Alice's tab on the new video")
        close_panel(alice.page)
        return video_id

    def bytes_flow_again(self) -> None:
        self.fake.throttle(BOB_KEY, None)


@pytest.fixture(scope="module")
def room(playwright_instance: Any, fake_youtube: FakeYouTube, db_templates: Any,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    def throttle_bob(profile: Profile) -> None:
        if profile.name == "Bob":
            profile.context.add_cookies([fake_youtube.throttle_cookie(BOB_KEY)])

    try:
        with two_viewer_room(playwright_instance, fake_youtube, tmp_path_factory, db_templates=db_templates,
                             video_id=FIRST, title="Everyone loads this fast",
                             prepare=throttle_bob) as viewers:
            yield Room(fake_youtube, viewers.alice, viewers.bob)
    finally:
        fake_youtube.throttle(BOB_KEY, None)


def test_the_throttle_slows_only_the_profile_with_the_cookie(room: Room) -> None:
    import requests
    room.fake.register("stThrotCk01")
    room.fake.throttle(BOB_KEY, 50_000)
    try:
        url = f"http://127.0.0.1:{room.fake.http_port}/media/stThrotCk01.webm"
        started = time.monotonic()
        fast = requests.get(url, headers={"Range": "bytes=0-99999"}, timeout=10)
        fast_s = time.monotonic() - started
        started = time.monotonic()
        slow = requests.get(url, headers={"Range": "bytes=0-99999"}, cookies={"fakeyt_throttle": BOB_KEY}, timeout=10)
        slow_s = time.monotonic() - started
    finally:
        room.fake.throttle(BOB_KEY, None)
    assert fast.status_code == slow.status_code == 206 and fast.content == slow.content
    assert fast_s < 0.5 and 1.6 < slow_s < 4, (fast_s, slow_s)


def test_wait_holds_the_room_for_the_stalled_viewer_then_everyone_starts_together(room: Room) -> None:
    room.set_policy("wait")
    video_id = room.next_video_with_bob_throttled()
    banner = wait_until(
        lambda: (b := overlay_element(room.alice.page, "st-waiting")) and b["visible"]
        and "loading: Bob" in b["text"] and b,
        timeout_s=20, what="Alice's banner to name Bob, whose video is loading",
        show=lambda: (video_state(room.bob.page), video_state(room.alice.page),
                      overlay_element(room.alice.page, "st-waiting"), room.fake.media_requests()[-3:]))
    assert "Waiting for a player that is loading: Bob" in banner["text"]
    wait_until(lambda: video_state(room.alice.page)["paused"], timeout_s=4, what="Alice's player to hold")
    held_at = video_state(room.alice.page)["t"]
    time.sleep(1.0)
    assert video_state(room.alice.page)["paused"] and abs(video_state(room.alice.page)["t"] - held_at) < 0.05
    room.bytes_flow_again()
    wait_in_sync(room.pages, playing=True, video_id=video_id, timeout_s=15)
    assert not overlay_element(room.alice.page, "st-waiting")["visible"]


def test_catch_up_lets_the_room_play_and_the_stalled_viewer_jumps_to_the_live_position(room: Room) -> None:
    room.set_policy("catch_up")
    video_id = room.next_video_with_bob_throttled()
    wait_until(lambda: (s := sample_playback(room.pages)) and not s[0].paused and s[0].current_time_s > 2,
               timeout_s=15, what="the room to play on without Bob")
    bob_behind = video_state(room.alice.page)["t"] - video_state(room.bob.page)["t"]
    assert bob_behind > 1.0, f"Bob should be stalled behind ({bob_behind:.2f} s)"
    assert not overlay_element(room.alice.page, "st-waiting")["visible"], "nobody waits under catch_up"
    room.bytes_flow_again()
    wait_in_sync(room.pages, playing=True, video_id=video_id, timeout_s=10)


def test_ignore_lets_the_stalled_viewer_play_on_behind_without_jumping(room: Room) -> None:
    room.set_policy("ignore")
    room.next_video_with_bob_throttled()
    wait_until(lambda: (s := sample_playback(room.pages)) and not s[0].paused and s[0].current_time_s > 4,
               timeout_s=15, what="the room to play on without Bob")
    assert not overlay_element(room.alice.page, "st-waiting")["visible"], "nobody waits under ignore"
    room.bytes_flow_again()
    wait_until(lambda: not video_state(room.bob.page)["paused"] and video_state(room.bob.page)["ready"] >= 3,
               timeout_s=10, what="Bob's player to play again")
    time.sleep(1.0)
    gaps = []
    for _ in range(6):
        alice, bob = sample_playback(room.pages)
        gaps.append(alice.current_time_s - bob.current_time_s)
        assert not bob.paused
        time.sleep(0.5)
    print(f"Bob behind the room under ignore: {[round(g, 2) for g in gaps]}")
    assert min(gaps) > 1.0, f"Bob was pulled to the live position: {gaps}"
    assert max(gaps) - min(gaps) < 0.5, f"Bob's lag should hold steady: {gaps}"
