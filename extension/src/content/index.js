// Content script entry on https://www.youtube.com/*.

import { ContentApp } from "./app.js";
import { OVERLAY_HOST_ID } from "./overlay/overlay.js";

// An earlier copy of this script (from before an extension reload) may have left its overlay.
document.getElementById(OVERLAY_HOST_ID)?.remove();
new ContentApp().start();
