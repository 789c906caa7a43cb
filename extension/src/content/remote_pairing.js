// The phone remote from the overlay: the QR dialog (a one-time pairing code, cancelled on the
// server when the dialog closes before a phone used it) and the user's paired remotes (listed,
// revoked). Every REST call goes through the worker (the page cannot reach the server).
// State lives in app.ui: pairing (the dialog), remotes, remotesError, revokeAsk, revoking.

import { refusalMessage } from "../lib/ack_messages.js";
import { msLeft, pairedRemote, pairingFromAnswer } from "../lib/remote_pairing.js";

export function remoteActions(app) {
  const { transport } = app;
  let listGeneration = 0;
  let opening = false;

  /** Fetches the user's remotes in this room; the newest answer wins. */
  async function refreshRemotes() {
    if (!app.view) return;
    const generation = ++listGeneration;
    const ack = await transport.call("listRemotes");
    if (generation !== listGeneration || !app.view) return;
    if (ack.ok) app.update({ remotes: Array.isArray(ack.remotes) ? ack.remotes : [], remotesError: null });
    else app.update({ remotesError: `Your phone remotes could not be listed: ${refusalMessage(ack)}` });
  }

  /**
   * A code nobody used is deleted on the server, so a photo of an old QR code pairs nothing. The
   * worker checks first that no phone used it since the last refresh (then it stays paired).
   */
  async function cancelIfUnused(pairing, knownRemotes) {
    if (!pairing || pairedRemote(pairing.id, knownRemotes)) return;
    if (msLeft(pairing.expiresMs, app.sync.serverNow()) <= 0) return; // expired: nothing to cancel
    const ack = await transport.call("cancelPairing", { pairingId: pairing.id, code: pairing.roomCode });
    if (ack.ok && ack.kept) refreshRemotes();
  }

  async function openPairing() {
    if (opening) return;
    opening = true;
    try {
      const ack = await transport.call("pairRemote");
      const pairing = pairingFromAnswer(ack);
      if (!pairing) {
        app.showNotice(ack.ok ? "The server's pairing answer was not understood." : refusalMessage(ack));
        return;
      }
      if (!app.view) {
        await cancelIfUnused(pairing, []); // left the room while the code was being made
        return;
      }
      app.update({ pairing });
      refreshRemotes();
    } finally {
      opening = false;
    }
  }

  function closeQr() {
    const pairing = app.ui.pairing;
    app.update({ pairing: null });
    return cancelIfUnused(pairing, app.ui.remotes);
  }

  return {
    refreshRemotes,
    /** The "Phone remote (QR)" button: opens the dialog, or closes it when open. */
    showQr: () => (app.ui.pairing ? closeQr() : openPairing()),
    closeQr,
    /** An expired code: a fresh one in the same dialog, which stays open meanwhile (closing it
     * would drop a keyboard user's focus on "New code" to the page). */
    newPairingCode: async () => {
      await cancelIfUnused(app.ui.pairing, app.ui.remotes);
      await openPairing();
    },
    /** Leaving the room or the page: the open code is cancelled (best effort). */
    dropPairing: () => {
      const pairing = app.ui.pairing;
      const known = app.ui.remotes;
      app.ui.pairing = null;
      return cancelIfUnused(pairing, known);
    },
    copyPairUrl: async () => {
      const url = app.ui.pairing?.pairUrl;
      if (!url) return;
      try {
        await navigator.clipboard.writeText(url);
        app.showNotice("Remote link copied. Open it on your phone.");
      } catch {
        app.showNotice("Copying was not allowed here: select the link and copy it.");
      }
    },
    askRevoke: (pairingId) => app.update({ revokeAsk: pairingId }),
    cancelRevoke: () => app.update({ revokeAsk: null }),
    revokeRemote: async (pairingId) => {
      app.update({ revokeAsk: null, revoking: pairingId });
      const ack = await transport.call("revokeRemote", { pairingId });
      app.update({ revoking: null });
      if (ack.ok) {
        app.update({ remotes: app.ui.remotes.filter((remote) => remote.id !== pairingId) });
        app.showNotice("The phone remote was unpaired and disconnected.");
      } else {
        app.showNotice(refusalMessage(ack));
      }
      await refreshRemotes();
    },
  };
}
