"""What may be asked of the room clock (commands) and what it asks back (effects).

Each command is declared once, here: its fields, the wire event it comes from (`EVENT`, for
transition logs and the socket handler), whether it is audited (`AUDITED`), whether the server
rather than its actor causes the change (`SERVER_CAUSED`), and the system chat line it earns
(`line(before, after)`). Its transition is the function registered for it in transitions.py.

Each command carries `actor`: the user who asked or whom it concerns (None when the server
itself asks, e.g. `Tick`). Effects are for the handler: it updates the queue for `Advanced`,
posts a system chat line for `System`, and may announce `HoldChanged`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from server.domain.queue_order import HISTORY_STATUSES
from server.domain.room_clock.model import EntryRef, Playback
from server.domain.segments import Segment

# --- system chat lines ------------------------------------------------------------------------


def fmt_time(ms: int) -> str:
    """A position as people read it: 1:05, 1:02:03."""
    s = max(0, int(ms) // 1000)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


@dataclass(frozen=True)
class Line:
    """A system chat line. The service fills in `{actor}` (who sent the command) and `{entry}`
    (the title of `entry_id`): names and titles live in the database, not here."""

    template: str
    entry_id: int | None = None


# --- commands -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    """A request to the room clock. Subclasses declare the class variables below."""

    EVENT: ClassVar[str]  # the wire event it comes from
    AUDITED: ClassVar[bool] = False  # a row in the room's audit trail (action `playback.<name>`)
    SERVER_CAUSED: ClassVar[bool] = False  # the change is the server's (actor_id None), not the actor's

    actor: int | None

    def line(self, before: Playback, after: Playback) -> Line | None:
        """The system chat line for a change this command made (None: it goes unsaid)."""
        return None

    @property
    def withdraws(self) -> bool:
        """A player taking back its own claim (an ad or a stall that ended): it only lets the room
        go on, so no request limit ever refuses it."""
        return False

    def may_change(self, pb: Playback) -> bool:
        """False when the command cannot change `pb` whatever the room's members: the runner then
        skips reading the members (an O(N) read of the room's presence) and the transition."""
        return True

    @classmethod
    def audit_action(cls) -> str:
        return f"playback.{cls.__name__.lower()}"


@dataclass(frozen=True)
class Play(Command):
    EVENT = "play"
    AUDITED = True

    def line(self, before: Playback, after: Playback) -> Line | None:
        if before.state == "paused" and after.state == "playing":
            return Line(f"{{actor}} resumed at {fmt_time(after.position_ms)}")
        return None


@dataclass(frozen=True)
class Pause(Command):
    EVENT = "pause"
    AUDITED = True
    position_ms: int | None = None  # what the pausing user saw

    def line(self, before: Playback, after: Playback) -> Line | None:
        if after.state == "paused" and before.state != "paused":
            return Line(f"{{actor}} paused at {fmt_time(after.position_ms)}")
        return None


@dataclass(frozen=True)
class Seek(Command):
    EVENT = "seek"
    AUDITED = True
    position_ms: int
    play: bool | None = None  # None keeps playing/paused as it is

    def line(self, before: Playback, after: Playback) -> Line | None:
        return Line(f"{{actor}} jumped to {fmt_time(after.position_ms)}")


@dataclass(frozen=True)
class Skip(Command):
    EVENT = "skip"
    AUDITED = True

    def line(self, before: Playback, after: Playback) -> Line | None:
        return Line("{actor} skipped {entry}", before.entry_id)


@dataclass(frozen=True)
class Restart(Command):
    EVENT = "restart"
    AUDITED = True

    def line(self, before: Playback, after: Playback) -> Line | None:
        return Line("{actor} restarted the video")


@dataclass(frozen=True)
class SetRate(Command):
    EVENT = "rate"
    AUDITED = True
    rate: float

    def line(self, before: Playback, after: Playback) -> Line | None:
        return Line(f"{{actor}} set the speed to {after.rate:g}×")


@dataclass(frozen=True)
class StartNow(Command):
    EVENT = "start_now"
    AUDITED = True


@dataclass(frozen=True)
class PlayEntry(Command):
    EVENT = "queue.play"
    AUDITED = True
    entry: EntryRef

    def line(self, before: Playback, after: Playback) -> Line | None:
        return Line("{actor} played {entry} now", after.entry_id)


@dataclass(frozen=True)
class VoteSkip(Command):
    """A member who may not skip votes to skip the current entry (`entry_id`: the one they
    see; None: whatever plays). Enough distinct votes skip it (room_clock/votes.py)."""

    EVENT = "vote.skip"
    AUDITED = True
    entry_id: int | None = None

    def line(self, before: Playback, after: Playback) -> Line | None:
        if after.entry_id != before.entry_id:
            return Line(f"The room voted to skip {{entry}} ({len(before.skip_votes) + 1} votes)", before.entry_id)
        return None  # a vote that does not skip yet: the overlay and the remote show the count


@dataclass(frozen=True)
class VoteRecount(Command):
    """The votes are counted again (the owner changed vote_skip_ratio): enough skip the entry."""

    EVENT = "vote.recount"
    SERVER_CAUSED = True

    def line(self, before: Playback, after: Playback) -> Line | None:
        if after.entry_id != before.entry_id:
            return Line(f"The room voted to skip {{entry}} ({len(before.skip_votes)} votes)", before.entry_id)
        return None


@dataclass(frozen=True)
class VoteClear(Command):
    """An owner or operator vetoes the skip votes on the current entry."""

    EVENT = "vote.clear"
    AUDITED = True

    def line(self, before: Playback, after: Playback) -> Line | None:
        return Line("{actor} cleared the votes to skip {entry}", before.entry_id)


@dataclass(frozen=True)
class Ready(Command):
    EVENT = "player.ready"
    entry_id: int | None
    ready: bool = True


@dataclass(frozen=True)
class Ad(Command):
    EVENT = "player.ad"
    entry_id: int | None
    active: bool

    @property
    def withdraws(self) -> bool:
        return not self.active


@dataclass(frozen=True)
class Stall(Command):
    """The actor's player stalls (active) for longer than BUFFER_HOLD_AFTER_MS, or plays again.
    A claim: under buffer_policy "wait" it holds the room, within the hold timeout."""

    EVENT = "player.buffering"
    entry_id: int | None
    active: bool

    @property
    def withdraws(self) -> bool:
        return not self.active


@dataclass(frozen=True)
class Ended(Command):
    EVENT = "player.ended"
    entry_id: int | None
    # the reporter may control the room (so could skip anyway): believed even when the duration
    # is unknown; anyone else's end counts only when the room clock agrees
    trusted: bool = False


@dataclass(frozen=True)
class Duration(Command):
    EVENT = "player.duration"
    entry_id: int | None
    duration_ms: int


@dataclass(frozen=True)
class MemberJoined(Command):
    """The member who connected (actor) now counts for ready checks and ads."""

    EVENT = "join"
    SERVER_CAUSED = True

    def may_change(self, pb: Playback) -> bool:
        # only a start waits for who is there; any other state counts members when it needs them
        # (a join into a filling room of N would otherwise read all N members for nothing)
        return pb.state == "starting"


@dataclass(frozen=True)
class MemberLeft(Command):
    """The member who disconnected (actor) is no longer waited for."""

    EVENT = "leave"
    SERVER_CAUSED = True


@dataclass(frozen=True)
class LoadSegments(Command):
    """The segments the room skips on `entry_id` arrived (fetched off the handler); () clears."""

    EVENT = "segments.load"
    SERVER_CAUSED = True
    entry_id: int | None = None
    segments: tuple[Segment, ...] = ()


@dataclass(frozen=True)
class Tick(Command):
    """The server's own clock: hold deadlines and the end of a video."""

    EVENT = "tick"
    SERVER_CAUSED = True
    actor: int | None = None  # always the server


# --- effects --------------------------------------------------------------------------------

ADVANCE_STATUSES = HISTORY_STATUSES  # what advancing past an entry may make it
# What each System effect says; the service fills in `{who}` (the names of user_ids) and `{by}`
# (the name of detail["by"]); other `{name}`s come from the effect's text details (strings).
SYSTEM_LINES: dict[str, str] = {
    "start_timeout": "Started without {who} (not ready in time)",
    "start_now": "{by} started without waiting for {who}",
    "ad_hold": "Waiting for {who} to finish an ad",
    "ad_release": "Ads are over: playback resumes",
    "ad_timeout": "Stopped waiting for the ad of {who}",
    "autoadvance_off": "The video ended; autoadvance is off, so the room stopped here",
    "queue_finished": "The queue is finished",
    "buffer_hold": "Waiting for {who} (their video is loading)",
    "buffer_release": "Everyone's video has loaded: playback resumes",
    "buffer_timeout": "Stopped waiting for {who} to load",
    "segment_skipped": "Skipped the {category} segment {span} for everyone",
    "repeat_one": "Repeat is on: playing it again",
}
SYSTEM_KINDS = tuple(SYSTEM_LINES)


@dataclass(frozen=True)
class Advanced:
    """The current entry changed: mark `from` with `from_status`, `to` as playing.

    `to_entry_id` None means the queue finished. `requeue` (repeat "all"): a copy of the
    `from` entry goes back to the end of the queue.
    """

    from_entry_id: int | None
    from_status: str | None
    to_entry_id: int | None
    requeue: bool = False


@dataclass(frozen=True)
class System:
    """A system chat line to post; names are looked up by the handler from `user_ids`."""

    kind: str
    user_ids: tuple[int, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict, compare=True, hash=False)


@dataclass(frozen=True)
class HoldChanged:
    """Why the room waits, or whom it waits for, changed."""

    hold: str | None
    waiting_for: tuple[int, ...]


Effect = Advanced | System | HoldChanged
