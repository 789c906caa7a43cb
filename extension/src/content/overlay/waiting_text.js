// What a holding room's banner says: why it waits and for whom. Pure.

import { waitingNames } from "../../lib/room_view.js";

const WHY = { ad: "an ad", buffer: "a player that is loading", start: "everyone's player" };

export function waitingText(view) {
  const playback = view.playback;
  const hold = playback.hold || (playback.state === "midroll" ? "ad" : "start");
  const why = WHY[hold] || WHY.start;
  const names = waitingNames(view);
  return names.length ? `Waiting for ${why}: ${names.join(", ")}` : `Waiting for ${why}…`;
}
