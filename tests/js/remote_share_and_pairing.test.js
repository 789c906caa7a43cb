import assert from "node:assert/strict";
import { test } from "node:test";

import { pairCodeFromHash, pairingErrorText } from "../../mobile_remote/src/lib/pairing_fragment.js";
import { findYouTubeLink, sharedFields } from "../../mobile_remote/src/lib/share_link.js";

test("the pairing code comes from the fragment only", () => {
  const code = "Abc_def-ghijklmnopqrstuvwxyz012";
  assert.equal(pairCodeFromHash(`#pair=${code}`), code);
  assert.equal(pairCodeFromHash(""), null);
  assert.equal(pairCodeFromHash("#other=1"), null);
  assert.equal(pairCodeFromHash("#pair=<script>"), "", "present but malformed");
});

test("each refusal tells the person what to do next", () => {
  assert.match(pairingErrorText({ reason: "used" }).title, /already used/);
  assert.match(pairingErrorText({ reason: "expired" }).title, /expired/);
  assert.match(pairingErrorText({ error: "rate_limited" }).title, /Too many/);
  assert.equal(pairingErrorText({ error: "internal", message: "boom" }).hint, "boom");
});

test("a YouTube link is found in whichever field the sharing app used", () => {
  assert.equal(findYouTubeLink({ url: "https://youtu.be/dQw4w9WgXcQ?si=x" }), "https://youtu.be/dQw4w9WgXcQ?si=x");
  assert.equal(
    findYouTubeLink({ title: "Song", text: "Watch this: https://www.youtube.com/watch?v=dQw4w9WgXcQ." }),
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
  );
  assert.equal(findYouTubeLink({ text: "https://m.youtube.com/shorts/abcdefghijk" }), "https://m.youtube.com/shorts/abcdefghijk");
  assert.equal(findYouTubeLink({ url: "https://example.com/video" }), null);
  assert.equal(findYouTubeLink({}), null);
});

test("only the /share path is a share", () => {
  const shared = sharedFields({ pathname: "/mobile-remote/share", search: "?title=T&text=hello&url=https%3A%2F%2Fyoutu.be%2Fx" });
  assert.deepEqual(shared, { url: "https://youtu.be/x", text: "hello", title: "T" });
  assert.equal(sharedFields({ pathname: "/mobile-remote/", search: "?url=x" }), null);
});
