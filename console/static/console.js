// Progressive enhancement only: every page works without this file.
// The navigation folds behind a "Menu" button on narrow screens (without script it stays open).
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");
  document.documentElement.classList.add("js");
  var toggle = document.querySelector(".menu-toggle");
  var header = document.querySelector(".top");
  if (!toggle || !header) { return; }
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    var open = header.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();

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

// Live relay on a case page: poll /api/cases/ID/messages?after=LAST every second and append
// what is new. One request at a time (setTimeout chain), a growing pause after failures, every
// message id shown once, resident words inserted as text (never as HTML).
(function () {
  "use strict";
  var list = document.getElementById("transcript");
  if (!list || !window.fetch) { return; }
  var labels = {};
  try { labels = JSON.parse(document.getElementById("relay-labels").textContent); } catch (e) { labels = {}; }
  var status = document.getElementById("relay-status");
  var url = list.getAttribute("data-poll");
  var after = parseInt(list.getAttribute("data-after"), 10) || 0;
  var phase = function (s) { return s === "claimed" || s === "waiting" ? "held" : s; };
  var shownPhase = phase(list.getAttribute("data-status"));
  var shownHolder = list.getAttribute("data-holder") || "";
  var seen = {};
  Array.prototype.forEach.call(list.querySelectorAll("li[data-id]"), function (li) {
    seen[li.getAttribute("data-id")] = true;
  });
  var INTERVAL = 1000, MAX_PAUSE = 8000, TIMEOUT = 5000;
  var pause = INTERVAL, timer = null, busy = false, stopped = false, failing = false;
  var lang = document.documentElement.lang || "fr";

  function say(text) { if (status) { status.textContent = text || ""; } }

  function when(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) { return ""; }
    try { return d.toLocaleString(lang, { dateStyle: "short", timeStyle: "short" }); }
    catch (e) { return d.toLocaleString(); }
  }

  function line(className, text) {
    var p = document.createElement("p");
    p.className = className;
    p.textContent = text;  // text, not HTML: a resident's "<script>" stays words
    return p;
  }

  function append(m) {
    var key = String(m.id);
    if (seen[key]) { return; }
    seen[key] = true;
    var li = document.createElement("li");
    li.className = "msg " + (m.direction === "in" ? "in" : "out");
    li.setAttribute("data-id", key);
    var meta = document.createElement("p");
    meta.className = "meta";
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = m.direction === "in" ? (labels.resident || "") : (m.author || labels.team || "");
    var time = document.createElement("time");
    time.setAttribute("datetime", m.at);
    time.textContent = when(m.at);
    meta.appendChild(who);
    meta.appendChild(document.createTextNode(" · "));
    meta.appendChild(time);
    li.appendChild(meta);
    if (m.text) {
      li.appendChild(line("text", m.text));
    } else if (m.kind !== "text" && m.kind !== "agent") {
      li.appendChild(line("text attachment", (labels.kinds || {})[m.kind] || labels.attachment || ""));
    }
    list.appendChild(li);
  }

  function schedule(ms) {
    if (stopped) { return; }
    clearTimeout(timer);
    timer = setTimeout(poll, ms);
  }

  function poll() {
    if (busy || stopped) { return; }
    busy = true;
    var controller = window.AbortController ? new AbortController() : null;
    var guard = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT) : null;
    fetch(url + "?after=" + after, {
      credentials: "same-origin",
      headers: { "Accept": "application/json" },
      cache: "no-store",
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (response.status === 401 || response.status === 403 || response.status === 404) {
        stopped = true;
        say(labels.ended);
        return null;
      }
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (data) {
      if (!data) { return; }
      (data.messages || []).forEach(append);
      if (typeof data.last_id === "number" && data.last_id > after) { after = data.last_id; }
      if (failing) { failing = false; say(labels.back); }
      var holder = data.holder_id == null ? "" : String(data.holder_id);
      if (phase(data.status) !== shownPhase || holder !== shownHolder) { say(labels.changed); }
      pause = INTERVAL;
    }).catch(function () {
      failing = true;
      say(labels.offline);
      pause = Math.min(pause * 2, MAX_PAUSE);
    }).then(function () {
      if (guard) { clearTimeout(guard); }
      busy = false;
      schedule(pause);
    });
  }

  window.declicRelayPoll = function () { pause = INTERVAL; if (!busy) { schedule(0); } };
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { window.declicRelayPoll(); }
  });
  schedule(INTERVAL);

  // The reply form still works without script; with it, the page stays put.
  var form = document.getElementById("reply-form");
  if (!form || !window.declicFetch) { return; }
  var box = form.querySelector("textarea");
  var button = form.querySelector("button[type=submit]");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = box.value.trim();
    if (button.disabled) { return; }
    if (!text) { say(labels.blank); box.focus(); return; }
    button.disabled = true;
    say(labels.sending);
    var target = form.getAttribute("action").replace(/^\/cases\//, "/api/cases/");
    window.declicFetch(target, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ text: text })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok) {
          box.value = "";
          box.dispatchEvent(new Event("input"));
          say(labels.sent);
          shownPhase = "held";
          window.declicRelayPoll();
          return;
        }
        var code = typeof body.detail === "string" ? body.detail : "invalid";
        say((labels.errors || {})[code] || (labels.errors || {}).invalid || "");
      });
    }).catch(function () {
      say(labels.offline);
    }).then(function () {
      button.disabled = false;
      box.focus();
    });
  });
})();

// The reply box: a counter that says how many Telegram messages the reply makes (before
// sending), canned replies chosen with the keyboard, and the closing sentence that follows the
// chosen outcome until the agent edits it.
(function () {
  "use strict";
  var labels = {};
  try { labels = JSON.parse(document.getElementById("relay-labels").textContent); } catch (e) { labels = {}; }
  var form = document.getElementById("reply-form");
  var box = document.getElementById("reply-text");
  var counter = document.getElementById("reply-counter");
  function units(text) { return text.length; }  // UTF-16 code units, as Telegram counts
  function parts(n, max) {
    if (n <= max) { return 1; }
    return Math.ceil(n / (max * 0.97));  // cuts fall on word boundaries, a little early
  }
  function count() {
    if (!box || !counter || !form) { return; }
    var max = parseInt(form.getAttribute("data-part-max"), 10) || 4096;
    var signature = parseInt(form.getAttribute("data-signature"), 10) || 0;
    var n = units(box.value.trim());
    var p = n ? parts(n + signature, max) : 0;
    var template = p > 1 ? (labels.many || "") : (labels.one || "");
    counter.textContent = template.replace("{n}", n.toLocaleString(document.documentElement.lang))
      .replace("{parts}", String(p));
    counter.classList.toggle("parts", p > 1);
  }
  if (box) { box.addEventListener("input", count); count(); }
  var canned = document.getElementById("canned-choice");
  if (canned && box) {
    canned.addEventListener("change", function () {
      var option = canned.options[canned.selectedIndex];
      var body = option ? option.getAttribute("data-body") : null;
      if (body) { box.value = body; box.dispatchEvent(new Event("input")); }
    });
  }
  var outcome = document.getElementById("resolve-outcome");
  var closing = document.getElementById("resolve-message");
  if (outcome && closing) {
    var edited = false;
    closing.addEventListener("input", function () { edited = true; });
    outcome.addEventListener("change", function () {
      var option = outcome.options[outcome.selectedIndex];
      if (!edited && option) { closing.value = option.getAttribute("data-closing") || ""; }
    });
  }
})();

// Keyboard shortcuts on a case page (never while typing): c claim, r reply, n next case.
(function () {
  "use strict";
  if (!document.getElementById("transcript")) { return; }
  document.addEventListener("keydown", function (event) {
    var t = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) { return; }
    var claim = document.querySelector("#claim-form button");
    var box = document.getElementById("reply-text");
    var next = document.getElementById("next-case");
    if (event.key === "c" && claim) { event.preventDefault(); claim.click(); }
    else if (event.key === "r" && box) { event.preventDefault(); box.focus(); }
    else if (event.key === "n" && next) { event.preventDefault(); next.click(); }
  });
})();

// The queue refreshes itself every 30 s (the same page, fetched and swapped in), shows new
// cases in the tab title and, if the agent opted in, as a system notification.
(function () {
  "use strict";
  var live = document.getElementById("queue-live");
  if (!live || !window.fetch || !window.DOMParser) { return; }
  var labels = {};
  try { labels = JSON.parse(document.getElementById("queue-labels").textContent); } catch (e) { labels = {}; }
  var status = document.getElementById("queue-status");
  var optIn = document.getElementById("notify-opt-in");
  var every = (parseInt(live.getAttribute("data-refresh"), 10) || 30) * 1000;
  var known = {};
  (live.getAttribute("data-open") || "").split(",").forEach(function (id) { if (id) { known[id] = true; } });
  var baseTitle = document.title;
  var fresh = 0;
  if (optIn && window.Notification && Notification.permission !== "granted" && Notification.permission !== "denied") {
    optIn.hidden = false;
    optIn.addEventListener("click", function () {
      Notification.requestPermission().then(function (answer) {
        if (answer === "granted") { optIn.hidden = true; if (status) { status.textContent = labels.on || ""; } }
      });
    });
  }
  function refresh() {
    if (document.activeElement && live.contains(document.activeElement)) { return; }
    // what this tab shows: an unchanged queue is not audited again (``pages.QUEUE_SHOWN``)
    var headers = { "X-Declic-Queue-Shown": live.getAttribute("data-shown") || "" };
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store", headers: headers })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var next = new DOMParser().parseFromString(html, "text/html").getElementById("queue-live");
        if (!next) { return; }
        var ids = (next.getAttribute("data-open") || "").split(",").filter(Boolean);
        var added = ids.filter(function (id) { return !known[id]; });
        ids.forEach(function (id) { known[id] = true; });
        live.innerHTML = next.innerHTML;
        live.setAttribute("data-shown", next.getAttribute("data-shown") || "");
        if (added.length) {
          fresh += added.length;
          document.title = "(" + fresh + ") " + (labels["new"] || "") + " · " + baseTitle;
          if (window.Notification && Notification.permission === "granted") {
            try { new Notification(labels["new"] || "", { body: "#" + added.join(", #"), tag: "declic-queue" }); } catch (e) { /* no notification here */ }
          }
        }
      }).catch(function () { /* the next round will try again */ });
  }
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { fresh = 0; document.title = baseTitle; }
  });
  setInterval(refresh, every);
})();
