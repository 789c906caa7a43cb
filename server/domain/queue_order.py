"""Order of a room's queued entries, as a plain list of entry ids (index 0 plays next).

Positions are 0-based and dense: after any change, ``renumber`` gives each entry its index, and
``changed_positions`` says which rows actually need writing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from server.domain.queue_chat_limits import MAX_QUEUED

LIVE_STATUSES = ("queued", "playing")
"""An entry ahead of the room or on screen: what the queue shows, what a repeat add collapses into."""
HISTORY_STATUSES = ("played", "skipped")
"""An entry the room has finished with: the played list, and what may be played again."""


class UnknownEntry(LookupError):
    """The entry id is not in the queue (already played, removed, or never there)."""

    def __init__(self, entry_id: int) -> None:
        super().__init__(f"entry {entry_id} is not in the queue")
        self.entry_id = entry_id


def move(order: Sequence[int], entry_id: int, to_index: int) -> list[int]:
    """A new order with ``entry_id`` at ``to_index`` (clamped to the queue's ends).

    ``to_index`` is where the entry ends up, counted in the resulting order, which is what a
    drag-and-drop list reports. Raises ``UnknownEntry`` for an id that is not queued.
    """
    if isinstance(to_index, bool) or not isinstance(to_index, int):
        raise TypeError("to_index must be an int")
    result = list(order)
    try:
        current = result.index(entry_id)
    except ValueError:
        raise UnknownEntry(entry_id) from None
    del result[current]
    target = min(max(to_index, 0), len(result))
    result.insert(target, entry_id)
    return result


def remove(order: Sequence[int], entry_id: int) -> list[int]:
    """A new order without ``entry_id``; raises ``UnknownEntry`` if it was not queued."""
    result = list(order)
    try:
        result.remove(entry_id)
    except ValueError:
        raise UnknownEntry(entry_id) from None
    return result


def renumber(order: Sequence[int]) -> dict[int, int]:
    """Entry id → 0-based position; raises ``ValueError`` if an id appears twice."""
    positions = {entry_id: index for index, entry_id in enumerate(order)}
    if len(positions) != len(order):
        raise ValueError("an entry appears twice in the queue order")
    return positions


def changed_positions(before: Sequence[int], after: Sequence[int]) -> dict[int, int]:
    """Entry id → new position, only for entries whose position differs from ``before``."""
    old = renumber(before)
    new = renumber(after)
    return {entry_id: index for entry_id, index in new.items() if old.get(entry_id) != index}


def next_entry(order: Sequence[int], current_id: int | None = None) -> int | None:
    """The entry that plays after ``current_id`` (the first when it is None or not queued)."""
    if current_id is not None and current_id in order:
        index = list(order).index(current_id) + 1
        return order[index] if index < len(order) else None
    return order[0] if order else None


def shuffle(order: Sequence[int], rand: Callable[[int], int]) -> list[int]:
    """A random order of the same ids (Fisher–Yates; ``rand(n)`` gives 0 <= i < n). With two or
    more entries it always differs from ``order``: a shuffle that changes nothing looks broken."""
    result = list(order)
    if len(result) < 2:
        return result
    for _attempt in range(8):
        for i in range(len(result) - 1, 0, -1):
            j = rand(i + 1)
            result[i], result[j] = result[j], result[i]
        if result != list(order):
            return result
    return result[1:] + result[:1]  # eight identical draws: rotate by one instead


def can_add(queued_count: int, adding: int = 1) -> bool:
    """True when ``adding`` more entries keep the room within ``MAX_QUEUED`` queued entries."""
    return adding >= 0 and queued_count + adding <= MAX_QUEUED


def free_slots(queued_count: int) -> int:
    """How many entries can still be queued (a chat message with 5 links may fit only some)."""
    return max(0, MAX_QUEUED - queued_count)


__all__ = [
    "MAX_QUEUED",
    "UnknownEntry",
    "can_add",
    "changed_positions",
    "free_slots",
    "move",
    "next_entry",
    "remove",
    "renumber",
    "shuffle",
]
