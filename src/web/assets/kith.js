/* kith.js - the web UI's one script, embedded in the binary and served
 * under /assets/<hash>/kith.js (loaded with defer; the strict CSP allows
 * no inline script, so everything a page does in JavaScript lives here).
 * Every page works without it: this file only makes things nicer, and
 * never takes over the browser's own keys. Hand-written, no build step. */
"use strict";

(function () {
	/* Mark the document so the stylesheet may style enhanced controls. */
	document.documentElement.classList.add("js");
})();
