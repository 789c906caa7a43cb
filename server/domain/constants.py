"""Domain thresholds and vocabularies: every sync number the server uses lives here.

Times are integer milliseconds. Change a threshold here, never inline in a module.
"""

from __future__ import annotations

from typing import Final

# --- the room clock ---------------------------------------------------------------
PLAYBACK_STATES: Final = ("idle", "starting", "playing", "paused", "midroll")
# why a starting/midroll room is waiting (None when it is not)
HOLD_KINDS: Final = ("start", "ad")
# where a room goes when its hold ends
HOLD_THEN_STATES: Final = ("playing", "paused")

# longest wait for every member's player.ready on a new entry
START_TIMEOUT_MS: Final = 8_000
# longest the ads of members may hold the room
AD_HOLD_TIMEOUT_MS: Final = 120_000
# least lead time of a scheduled start ...
PLAYBACK_START_BUFFER_MS: Final = 200
# ... which is max(buffer, factor x the worst connected member's round trip)
START_LEAD_RTT_FACTOR: Final = 2
# how long the server clock runs past a known end before the room advances by itself
END_GRACE_MS: Final = 1_500
# an "ended" report while the room clock is further than this from the end is ignored
END_TOLERANCE_MS: Final = 3_000
# a pausing client's own position is kept when it is this close to the room clock
PAUSE_TRUST_MS: Final = 2_000
MIN_RATE: Final = 0.25
MAX_RATE: Final = 2.0

# --- rooms, members, settings -----------------------------------------------------
ROLES: Final = ("owner", "operator", "participant")  # highest first
CONTROL_MODES: Final = ("owner_only", "operators", "any")
AD_SYNC_MODES: Final = ("off", "pause_all", "operators_only", "starting_only")
# each room setting's type, default and readers: server/domain/room_settings.py
