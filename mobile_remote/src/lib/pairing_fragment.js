// The QR link carries the one-time pairing code in the URL fragment: `…/mobile-remote#pair=<code>`.
// Fragments never reach the server, its logs or a proxy's. Pure.

const CODE = /^[A-Za-z0-9_-]{22,64}$/;

export function pairCodeFromHash(hash) {
  if (typeof hash !== "string" || !hash) return null;
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const code = params.get("pair");
  return code && CODE.test(code) ? code : code ? "" : null; // "" = present but malformed
}

/** What the pairing refusal means for the person holding the phone. */
export function pairingErrorText(answer) {
  const reason = answer?.reason || answer?.error;
  const fallback = answer?.message || "The pairing did not work.";
  const byReason = {
    used: ["This QR code was already used", "Each QR code works once. In ShareTube on your computer, make a new one and scan it."],
    expired: ["This QR code expired", "Pairing codes last 5 minutes. In ShareTube on your computer, make a new one and scan it."],
    unknown: ["This QR code is not valid", "Make a new QR code in ShareTube on your computer and scan it."],
    malformed: ["This link is not a pairing link", "Scan the QR code shown by ShareTube on your computer."],
    revoked: ["This pairing was cancelled", "Make a new QR code in ShareTube on your computer."],
    room_closed: ["The room was closed", "Create or join a room in ShareTube, then pair again."],
    not_member: ["You are not in this room any more", "Join the room again in ShareTube, then pair again."],
    rate_limited: ["Too many attempts", "Wait a minute, then scan the QR code again."],
  };
  const [title, hint] = byReason[reason] || ["Pairing failed", fallback];
  return { title, hint, message: answer?.message || "" };
}
