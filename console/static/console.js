// Progressive enhancement only: every page works without this file.
// declicFetch adds the session's CSRF token to state-changing calls to /api.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  window.declicFetch = function (url, options) {
    options = options || {};
    var headers = new Headers(options.headers || {});
    if (meta) { headers.set("X-CSRF-Token", meta.getAttribute("content")); }
    options.headers = headers;
    options.credentials = "same-origin";
    return fetch(url, options);
  };
})();
