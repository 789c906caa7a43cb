// The dashboard's binding to the client core's DOM builder: elements with text nodes, never
// HTML strings, so every name, title, chat line or email shows as typed.

import { createDom } from "../../clients/core/dom.js";

export const { h, svg, fill } = createDom(document);
