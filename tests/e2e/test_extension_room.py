"""The ShareTube extension in two Chromium profiles against a real server (issue 5, part 1).

Alice signs in and creates the room from the popup, Bob joins through the invite link (the
overlay asks him for a name), then Alice's play/pause/seek/rate reach Bob, Bob's forbidden seek
snaps back, the queue is filled (this video, a pasted link, a chat link), reordered and trimmed,
and the two chat. One server and one pair of profiles serve the whole module; each test first
makes sure the room exists (so any single test also runs alone).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from extension_helpers import (
    Profile,
    built_extension,
    close_panel,
    create_room_from_popup,
    ensure_playing_early,
    extension_server,  # noqa: F401  (the module's `server` fixture)
    first_page,
    join_by_invite_signed_out,
    launch_profile,
    member_names,
    notice_text,
    open_panel,
    overlay_invite,
    press_on_player,
    queue_video_ids,
    set_rate_with_speed_shortcuts,
    video_state,
    wait_in_sync,
    wait_until,
)
from harness.fake_youtube import FakeYouTube

FIRST = "stRoomVid01"  # the video Alice starts the room from
PASTED = "stPasteVd02"  # added through the queue's URL box
CHATTED = "stChatVid03"  # added through a link in chat
from tests.e2e.screenshots import SCREENSHOTS  # noqa: E402


class Room:
    """The module's room: Alice (owner) and Bob, each in their own browser profile."""

    def __init__(self, fake: FakeYouTube, alice: Profile, bob: Profile) -> None:
        self.fake, self.alice, self.bob = fake, alice, bob
        self.code = ""
        self.popup_invite = ""

    @property
    def pages(self) -> list[Any]:
        return [self.alice.page, self.bob.page]

    def create(self) -> None:
        self.fake.register(FIRST, title="Room opener", channel="Alice's Channel")
        self.code, self.popup_invite = create_room_from_popup(self.alice, self.fake.watch_url(FIRST))

    def overlay_invite(self) -> str:
        return overlay_invite(self.alice, FIRST)

    def ensure_joined(self) -> None:
        if not self.code:
            self.create()
        if not self.bob.notes.get("joined"):
            join_by_invite_signed_out(self.bob, self.overlay_invite(), self.code)
            self.bob.notes["joined"] = True

    def ensure_playing_early(self) -> None:
        """The room plays its video with at least 15 s left (the clip is 30 s long)."""
        self.ensure_joined()
        ensure_playing_early(self.alice, self.pages)


@pytest.fixture(scope="module")
def room(playwright_instance: Any, fake_youtube: FakeYouTube, server: Any,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    extension = built_extension(tmp_path_factory.getbasetemp())
    profiles: list[Profile] = []
    try:
        for name, viewport in (("Alice", {"width": 1280, "height": 900}), ("Bob", None)):
            context = launch_profile(playwright_instance, extension, fake_youtube, server.port,
                                     tmp_path_factory.mktemp(f"profile-{name.lower()}"))
            if viewport:  # tall enough for the screenshot of the expanded panel
                first_page(context).set_viewport_size(viewport)
            profiles.append(Profile(name, context, first_page(context)))
        yield Room(fake_youtube, *profiles)
    finally:
        for profile in profiles:
            profile.context.close()


def test_guest_sign_in_and_room_creation_from_the_popup(room: Room) -> None:
    room.create()
    alice = room.alice
    assert len(room.code) >= 3 and f"#sharetube={room.code}" in room.popup_invite
    # The creator's tab offers its video as the room's first entry, and the room plays it.
    open_panel(alice.page)
    alice.ui("st-room-code").filter(has_text=room.code).wait_for()
    wait_until(lambda: queue_video_ids(alice.page) == [FIRST], timeout_s=10,
               what="the queue to hold the creator's video")
    assert room.overlay_invite() == f"https://www.youtube.com/watch?v={FIRST}#sharetube={room.code}"
    assert member_names(alice) == ["Alice (you)"]
    assert "owner" in alice.ui("st-member").first.text_content()
    wait_until(lambda: video_state(alice.page)["t"] > 0.5 and not video_state(alice.page)["paused"],
               timeout_s=10, what="Alice's video to play in the room")
    assert notice_text(alice.page) == "", "creating a room showed an error"
    pill = alice.ui("st-panel-toggle").text_content() or ""
    assert room.code in pill and pill.endswith("· 1")


def test_invite_link_asks_a_signed_out_guest_for_a_name_and_joins(room: Room) -> None:
    if not room.code:
        room.create()
    invite = room.overlay_invite()
    asked = join_by_invite_signed_out(room.bob, invite, room.code)
    room.bob.notes["joined"] = True
    assert asked == f"Enter a name to join room {room.code}."
    open_panel(room.bob.page)
    for profile in (room.alice, room.bob):
        wait_until(lambda p=profile: len(member_names(p)) == 2, timeout_s=10,
                   what=f"{profile.name}'s roster to list two members")
    assert sorted(member_names(room.bob)) == ["Alice", "Bob (you)"]
    # The invite hash is gone from Bob's address bar (a reload does not join again).
    assert room.bob.page.url == room.fake.watch_url(FIRST)
    spread = wait_in_sync(room.pages, playing=True, video_id=FIRST, timeout_s=10)
    assert spread <= 100


def test_play_pause_seek_and_rate_from_one_profile_reach_the_other(room: Room) -> None:
    room.ensure_playing_early()
    alice, bob = room.alice, room.bob
    close_panel(alice.page)

    alice.page.click(".ytp-play-button")  # pause with YouTube's own button
    wait_in_sync(room.pages, playing=False, timeout_s=6)
    paused_at = video_state(bob.page)["t"]
    assert abs(paused_at - video_state(alice.page)["t"]) < 0.1

    press_on_player(alice, "k")  # play with the keyboard shortcut
    wait_in_sync(room.pages, playing=True, timeout_s=6)
    assert video_state(bob.page)["t"] >= paused_at

    before = video_state(bob.page)["t"]
    press_on_player(alice, "l")  # 10 s forward
    wait_until(lambda: video_state(bob.page)["t"] > before + 9, timeout_s=8,
               what="Bob's player to follow Alice's seek")
    wait_in_sync(room.pages, playing=True, timeout_s=8)

    set_rate_with_speed_shortcuts(alice, 1.5)
    wait_until(lambda: abs(video_state(bob.page)["rate"] - 1.5) < 0.2, timeout_s=8,
               what="Bob's player to take the room's new rate")
    wait_in_sync(room.pages, playing=True, rate=1.5, timeout_s=8)
    set_rate_with_speed_shortcuts(alice, 1.0)
    wait_in_sync(room.pages, playing=True, rate=1.0, timeout_s=8)


def test_a_forbidden_seek_snaps_back_and_the_overlay_says_why(room: Room) -> None:
    room.ensure_playing_early()
    alice, bob = room.alice, room.bob
    open_panel(alice.page)
    alice.page.select_option("[data-testid=st-settings] select[name=control_mode]", "owner_only")
    bob_log = bob.ui("st-chat-log")
    wait_until(lambda: "control mode to owner_only" in (bob_log.text_content() or ""), timeout_s=5,
               what="the new control mode to reach Bob")
    before = video_state(bob.page)["t"]
    press_on_player(bob, "l")  # Bob is a participant: the room says no
    text = wait_until(lambda: notice_text(bob.page), timeout_s=6, what="a notice on Bob's overlay")
    assert "owner" in text.lower(), text
    wait_in_sync(room.pages, playing=True, timeout_s=8)
    assert video_state(bob.page)["t"] < before + 5, "Bob's seek stuck instead of snapping back"
    # Alice's player never moved to Bob's position.
    assert video_state(alice.page)["t"] < before + 5
    alice.page.select_option("[data-testid=st-settings] select[name=control_mode]", "operators")


def test_queue_add_this_video_pasted_url_and_chat_link_then_reorder_and_remove(room: Room) -> None:
    room.ensure_playing_early()  # no auto-advance to a queued entry in the middle of this
    alice, bob = room.alice, room.bob
    room.fake.register(PASTED, title="Pasted in the queue", channel="Queue Channel")
    room.fake.register(CHATTED, title="Linked from chat", channel="Chat Channel")
    for profile in (alice, bob):
        open_panel(profile.page)
    start = queue_video_ids(alice.page)

    bob.ui("st-queue-add-current").click()  # a participant adds the video his tab shows
    wait_until(lambda: queue_video_ids(alice.page) == [*start, FIRST], timeout_s=8,
               what="Bob's 'Add this video' to reach Alice's queue",
               show=lambda: (queue_video_ids(alice.page), notice_text(bob.page)))
    wait_until(lambda: notice_text(bob.page) == "Added to the queue.", timeout_s=3,
               what="Bob's overlay to confirm the add",
               show=lambda: notice_text(bob.page))
    bob.ui("st-queue-add-current").click()  # a double click collapses into the one entry
    wait_until(lambda: notice_text(bob.page) == "That video is already in the queue.", timeout_s=3,
               what="Bob's overlay to say the video is queued already",
               show=lambda: notice_text(bob.page))
    assert queue_video_ids(alice.page) == [*start, FIRST]
    alice.ui("st-queue-url").fill(f"https://www.youtube.com/watch?v={PASTED}&t=5s")
    alice.ui("st-queue-url").press("Enter")
    wait_until(lambda: queue_video_ids(bob.page) == [*start, FIRST, PASTED], timeout_s=8,
               what="the pasted link to reach Bob's queue",
               show=lambda: (queue_video_ids(bob.page), notice_text(alice.page)))
    bob.ui("st-chat-input").fill(f"this one is good https://youtu.be/{CHATTED}")
    bob.ui("st-chat-input").press("Enter")
    expected = [*start, FIRST, PASTED, CHATTED]
    wait_until(lambda: queue_video_ids(alice.page) == expected, timeout_s=8,
               what="the chat link to become a queue entry",
               show=lambda: (queue_video_ids(alice.page), notice_text(bob.page)))
    pasted_row = alice.page.locator(f"[data-testid=st-queue-entry][data-video-id={PASTED}]")
    wait_until(lambda: "Pasted in the queue" in (pasted_row.text_content() or ""), timeout_s=8,
               what="the pasted entry's title (oEmbed)")

    # Reorder: drag the chat entry onto the first upcoming one, then "move down" with a button.
    rows = alice.page.locator("[data-testid=st-queue-entry]:not(.current)")
    chatted = alice.page.locator(f"[data-testid=st-queue-entry][data-video-id={CHATTED}]")
    chatted.drag_to(rows.first)
    dragged = [*start, CHATTED, FIRST, PASTED]
    wait_until(lambda: queue_video_ids(bob.page) == dragged, timeout_s=8,
               what="the dragged order to reach Bob",
               show=lambda: queue_video_ids(bob.page))
    alice.page.get_by_role("button", name="Move Pasted in the queue up").click()
    moved = [*start, CHATTED, PASTED, FIRST]
    wait_until(lambda: queue_video_ids(bob.page) == moved, timeout_s=8,
               what="the moved order to reach Bob",
               show=lambda: (queue_video_ids(bob.page), notice_text(alice.page)))

    upcoming_first = alice.page.locator("[data-testid=st-queue-entry]:not(.current)"
                                        f"[data-video-id={FIRST}]")
    upcoming_first.get_by_role("button", name="Remove").click()
    final = [*start, CHATTED, PASTED]
    for profile in (alice, bob):
        wait_until(lambda p=profile: queue_video_ids(p.page) == final, timeout_s=8,
                   what=f"the removal to reach {profile.name}",
               show=lambda p=profile: (queue_video_ids(p.page), notice_text(alice.page)))


def test_chat_between_profiles(room: Room) -> None:
    room.ensure_playing_early()
    alice, bob = room.alice, room.bob
    for profile in (alice, bob):
        open_panel(profile.page)
    alice.ui("st-chat-input").type("hello Bob")  # typing shows on Bob's side
    wait_until(lambda: "Alice is typing" in (bob.page.locator("#st-panel").text_content() or ""),
               timeout_s=5, what="'Alice is typing…' on Bob's overlay",
               show=lambda: bob.page.locator("#st-panel").text_content())
    alice.ui("st-chat-send").click()
    bob_log = bob.ui("st-chat-log")
    wait_until(lambda: "Alicehello Bob" in (bob_log.text_content() or ""), timeout_s=5,
               what="Alice's line in Bob's chat",
               show=lambda: (bob_log.text_content(), notice_text(alice.page)))
    bob.ui("st-chat-input").fill("hi Alice, watching now")
    bob.ui("st-chat-input").press("Enter")
    alice_log = alice.ui("st-chat-log")
    wait_until(lambda: "Bobhi Alice, watching now" in (alice_log.text_content() or ""),
               timeout_s=5, what="Bob's line in Alice's chat",
               show=lambda: (alice_log.text_content(), notice_text(bob.page)))
    assert alice.ui("st-chat-input").input_value() == ""
    # Typing "k" or "l" in the chat box must not control YouTube's player.
    before = video_state(alice.page)
    alice.ui("st-chat-input").type("kkk lll")
    after = video_state(alice.page)
    assert before["paused"] == after["paused"] and abs(after["t"] - before["t"]) < 3

    # Once in sync, every member's sync-health dot turns green (drift and round trip are small).
    dots = alice.page.locator("[data-testid=st-member]")
    wait_until(lambda: dots.evaluate_all("(rows) => rows.map((r) => r.dataset.health)") == ["green"] * 2,
               timeout_s=10, what="both members' sync-health dots to be green",
               show=lambda: dots.evaluate_all("(rows) => rows.map((r) => r.title + r.innerHTML)"))
    # The expanded panel with roster, queue and chat, for the docs.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    alice.ui("st-chat-input").fill("")
    alice.page.screenshot(path=str(Path(SCREENSHOTS / "overlay.png")))
