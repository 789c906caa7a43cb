// Runs on the ShareTube server's own pages: tells the join page that the extension is here.
document.documentElement.dataset.sharetubeExtension = chrome.runtime.getManifest().version;
