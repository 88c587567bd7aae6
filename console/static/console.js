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
    if (!text || button.disabled) { return; }
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
