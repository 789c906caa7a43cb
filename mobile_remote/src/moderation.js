// The phone's moderation requests (the same the overlay sends): roles, hand-over, remove, ban,
// the ban list and lifting a ban. Each refusal is shown as a toast with the server's words.

import { toast } from "./ui/toast.js";

export function moderationActions({ request, state, render }) {
  async function send(event, payload, done) {
    const ack = await request(event, payload);
    if (!ack.ok) toast(ack.message, { kind: "error" });
    else if (done) toast(done);
    return ack;
  }

  return {
    setRole: (userId, role) => send("member.role", { user_id: userId, role }),
    kick: (userId) => send("member.kick", { user_id: userId }),
    ban: (userId) => send("member.kick", { user_id: userId, ban: true }),
    loadBans: async () => {
      const ack = await send("room.bans", {});
      if (ack.ok && state.applyBans(ack)) render();
    },
    unban: (userId) => send("room.unban", { user_id: userId }, "Ban lifted: they may join again."),
  };
}
