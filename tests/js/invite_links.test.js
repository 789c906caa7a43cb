import assert from "node:assert/strict";
import { test } from "node:test";

import {
  buildInviteLink,
  inviteCodeFromHash,
  parseJoinInput,
  stripInviteFromHash,
} from "../../extension/src/lib/invite_links.js";

const ID = "dQw4w9WgXcQ";

test("an invite link opens the room's video and carries the room code in the fragment", () => {
  assert.equal(buildInviteLink("ab12cd", ID), `https://www.youtube.com/watch?v=${ID}#sharetube=ab12cd`);
  assert.equal(buildInviteLink("ab12cd", null), "https://www.youtube.com/#sharetube=ab12cd");
});

test("the content script reads the room code from the page's hash", () => {
  assert.equal(inviteCodeFromHash("#sharetube=ab12cd"), "ab12cd");
  assert.equal(inviteCodeFromHash("#t=30&sharetube=ab12cd"), "ab12cd");
  assert.equal(inviteCodeFromHash("#sharetube=<script>"), null);
  assert.equal(inviteCodeFromHash(""), null);
});

test("join accepts a bare code, an invite link or the server's join page", () => {
  assert.deepEqual(parseJoinInput(" ab12cd "), { code: "ab12cd", videoId: null });
  assert.deepEqual(parseJoinInput(`https://www.youtube.com/watch?v=${ID}#sharetube=ab12cd`), {
    code: "ab12cd",
    videoId: ID,
  });
  assert.deepEqual(parseJoinInput("http://127.0.0.1:5077/join/ab12cd"), { code: "ab12cd", videoId: null });
  for (const bad of ["", "a b", "https://example.org/", "javascript:alert(1)#sharetube=ab12", "x".repeat(40)]) {
    assert.equal(parseJoinInput(bad), null, bad);
  }
});

test("after joining, the invite part leaves the address so a reload does not re-join", () => {
  assert.equal(stripInviteFromHash("#sharetube=ab12cd"), "");
  assert.equal(stripInviteFromHash("#t=30&sharetube=ab12cd"), "#t=30");
});

test("a private room's invite link carries its secret, read back and stripped with the code", async () => {
  const { inviteFromHash, isInviteSecret } = await import("../../extension/src/lib/invite_links.js");
  const secret = "Abc_def-0123456789xyzXYZ";
  const link = buildInviteLink("ab12cd", ID, secret);
  assert.equal(link, `https://www.youtube.com/watch?v=${ID}#sharetube=ab12cd&invite=${secret}`);
  assert.deepEqual(inviteFromHash(new URL(link).hash), { code: "ab12cd", secret });
  assert.deepEqual(inviteFromHash("#sharetube=ab12cd"), { code: "ab12cd", secret: null });
  assert.deepEqual(inviteFromHash("#sharetube=ab12cd&invite=<bad>"), { code: "ab12cd", secret: null });
  assert.equal(stripInviteFromHash(`#t=3&sharetube=ab12cd&invite=${secret}`), "#t=3");
  assert.equal(buildInviteLink("ab12cd", ID, "short"), `https://www.youtube.com/watch?v=${ID}#sharetube=ab12cd`);
  assert.deepEqual(parseJoinInput(link), { code: "ab12cd", videoId: ID, secret });
  assert.equal(isInviteSecret("x".repeat(200)), false);
});
