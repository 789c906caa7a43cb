// Who may do what in a room: the clients' mirror of server/domain/permissions.py, so every
// client shows the same answer the server will give (the server still decides; a client only
// hides or dims what would be refused). Pure: roles and settings in, a verdict out.
// A verdict is {allowed, reason}; the reasons are the server's own words.

export const ROLES = Object.freeze(["owner", "operator", "participant"]);
export const CONTROL_MODES = Object.freeze(["owner_only", "operators", "any"]);
export const DEFAULT_CONTROL_MODE = "operators";
export const OWNER_ONLY_SETTINGS = Object.freeze(["control_mode", "vote_skip_ratio"]); // settings only the owner changes

const ALLOWED = Object.freeze({ allowed: true, reason: "" });
const refused = (reason) => ({ allowed: false, reason });
const NOT_A_MEMBER = "You are not a member of this room";

/** A roster member's role: the room's owner_id wins over a stale row; no role reads as participant. */
export function memberRole(member, ownerId = null) {
  if (!member) return null;
  if (ownerId !== null && ownerId !== undefined && member.user_id === ownerId) return "owner";
  return ROLES.includes(member.role) ? member.role : "participant";
}

export function isOperatorOrOwner(role) {
  return role === "owner" || role === "operator";
}

/** Playback and queue-order controls under the room's control_mode. */
export function mayControl(role, controlMode = DEFAULT_CONTROL_MODE) {
  if (!ROLES.includes(role)) return refused(NOT_A_MEMBER);
  const mode = CONTROL_MODES.includes(controlMode) ? controlMode : DEFAULT_CONTROL_MODE;
  if (mode === "owner_only" && role !== "owner") return refused("Only the room owner controls playback in this room");
  if (mode === "operators" && !isOperatorOrOwner(role)) return refused("Only the owner and operators control playback in this room");
  return ALLOWED;
}

/** "Start now" (stop waiting for members): playback control, or any owner/operator. */
export function mayStartNow(role, controlMode = DEFAULT_CONTROL_MODE) {
  const control = mayControl(role, controlMode);
  return control.allowed || isOperatorOrOwner(role) ? ALLOWED : control;
}

export function mayAddToQueue(role, queueLocked = false) {
  if (!ROLES.includes(role)) return refused(NOT_A_MEMBER);
  if (queueLocked && !isOperatorOrOwner(role)) return refused("The queue is locked: only the owner and operators add videos");
  return ALLOWED;
}

/** Shuffling (and undoing a shuffle) reorders everyone's entries: owner and operators, in every mode. */
export function mayShuffle(role) {
  if (!ROLES.includes(role)) return refused(NOT_A_MEMBER);
  if (!isOperatorOrOwner(role)) return refused("Only the owner and operators shuffle the queue");
  return ALLOWED;
}

/** Anyone removes their own entries; someone else's needs playback control. */
export function mayRemoveEntry(role, controlMode, addedBy, userId) {
  if (!ROLES.includes(role)) return refused(NOT_A_MEMBER);
  if (addedBy !== null && addedBy !== undefined && addedBy === userId) return ALLOWED;
  if (!mayControl(role, controlMode).allowed) return refused("You can only remove videos you added");
  return ALLOWED;
}

/** Owner and operators change settings; only the owner changes control_mode. */
export function mayChangeSettings(role, keys = []) {
  if (!isOperatorOrOwner(role)) return refused("Only the owner and operators change room settings");
  if (role !== "owner" && [...keys].some((key) => OWNER_ONLY_SETTINGS.includes(key))) {
    return refused("Only the room owner changes who controls playback");
  }
  return ALLOWED;
}

/** The owner promotes and demotes; handing ownership over is the only way it moves. */
export function maySetRole(actorRole, targetRole, newRole) {
  if (!ROLES.includes(newRole)) return refused(`Unknown role '${newRole}'`);
  if (actorRole !== "owner") return refused("Only the room owner changes roles");
  if (targetRole === "owner") return refused("The owner's role changes only by handing ownership to someone else");
  if (!ROLES.includes(targetRole)) return refused("That user is not a member of this room");
  return ALLOWED;
}

/** The owner kicks anyone but themself; operators kick participants only. */
export function mayKick(actorRole, targetRole, sameUser = false) {
  if (sameUser) return refused("You cannot kick yourself; leave the room instead");
  if (!ROLES.includes(targetRole)) return refused("That user is not a member of this room");
  if (targetRole === "owner") return refused("The room owner cannot be kicked");
  if (actorRole === "owner") return ALLOWED;
  if (actorRole === "operator" && targetRole === "participant") return ALLOWED;
  if (actorRole === "operator") return refused("Operators can only kick participants");
  return refused("Only the owner and operators kick members");
}

/** The room's ban list is for the owner and operators (they are the ones who ban). */
export function maySeeBans(actorRole) {
  return isOperatorOrOwner(actorRole) ? ALLOWED : refused("Only the owner and operators see the ban list");
}

/** Who may lift a ban is who may have made it: the owner anyone, operators participants. */
export function mayUnban(actorRole, targetRole) {
  if (!isOperatorOrOwner(actorRole)) return refused("Only the owner and operators lift bans");
  if (actorRole === "operator" && targetRole !== "participant") return refused("Operators can only lift bans of participants");
  return ALLOWED;
}

/** What a roster row says about a member's control: one phrase for every client. */
export function controlSummary(role, controlMode = DEFAULT_CONTROL_MODE) {
  const verdict = mayControl(role, controlMode);
  return { allowed: verdict.allowed, text: verdict.allowed ? "controls playback" : "watches only" };
}
