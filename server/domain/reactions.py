"""Reactions pinned to a moment of the current entry (pure): what may be sent."""

from __future__ import annotations

from server.domain.constants import REACTION_EMOJI


def reaction_refusal(emoji: str, position_ms: int, duration_ms: int | None) -> str | None:
    """Why a reaction is refused (a message for the sender), or None when it is fine.

    `emoji` must be one of REACTION_EMOJI; `position_ms` a moment of the entry: not before its
    start, not after its known end (an unknown duration bounds nothing)."""
    if emoji not in REACTION_EMOJI:
        return "That reaction is not one of " + " ".join(REACTION_EMOJI)
    if isinstance(position_ms, bool) or not isinstance(position_ms, int) or position_ms < 0:
        return "position_ms must be a moment of the video (milliseconds from its start)"
    if duration_ms is not None and position_ms > duration_ms:
        return "position_ms is past the end of the video"
    return None
