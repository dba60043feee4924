// Staff console over /api/staff/*. Texts are inserted with textContent only.
(function () {
  "use strict";
  var csrf = "", me = "", selected = null, shown = "", readOnly = false, known = null, current = null;
  var saved = [];
  var BASE_TITLE = document.title;
  var $ = function (id) { return document.getElementById(id); };

  function api(method, path, body) {
    var headers = { "X-CSRF-Token": csrf };
    if (body) headers["Content-Type"] = "application/json";
    return fetch(path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined, credentials: "same-origin" })
      .then(function (r) {
        if (r.status === 401) { window.location.href = "/staff/login"; throw new Error("signed out"); }
        if (r.status === 204) return null;
        return r.json().then(function (b) { if (!r.ok) { throw new Error(b.detail || "Request failed"); } return b; });
      });
  }

  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text) e.textContent = text; return e; }

  function minutes(seconds) {
    var m = Math.floor(seconds / 60);
    if (m < 1) return "under a minute";
    if (m < 60) return m + " min";
    return Math.floor(m / 60) + " h " + (m % 60) + " min";
  }

  function when(iso) {
    var d = new Date(iso), now = new Date();
    var time = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    return d.toDateString() === now.toDateString() ? time : d.toLocaleDateString([], { day: "numeric", month: "short" }) + " " + time;
  }

  // A short tone when a new conversation starts waiting, if the staff member turned sound on.
  function beep() {
    if (!$("sound").checked) return;
    try {
      var ctx = new (window.AudioContext || window.webkitAudioContext)();
      var osc = ctx.createOscillator(), gain = ctx.createGain();
      osc.frequency.value = 880; gain.gain.value = 0.08;
      osc.connect(gain); gain.connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + 0.2);
    } catch (e) { /* no audio: the tab title still counts */ }
  }

  function card(q) {
    var li = el("li"), b = el("button", "card");
    b.type = "button";
    b.dataset.id = q.conversation_id;
    b.setAttribute("aria-current", q.conversation_id === selected ? "true" : "false");
    var top = el("span", "card-top");
    top.appendChild(el("strong", null, q.title));
    if (q.unread) top.appendChild(el("span", "unread", q.unread + " new"));
    b.appendChild(top);
    b.appendChild(el("span", "small state-" + q.mode,
      (q.mode === "waiting" ? "Waiting " + minutes(q.waiting_seconds) : (q.claimed_by === me ? "With you" : "With " + q.claimed_by)) +
      " · " + (q.candidate_id ? "Signed in" : "Anonymous")));
    b.appendChild(el("span", "small question", "Asked: " + (q.last_question || "(nothing typed)")));
    if (q.offline) b.appendChild(el("span", "small", "Outside staff hours; reply to: " + (q.contact_email || "no email yet")));
    b.addEventListener("click", function () { open(q.conversation_id, false); });
    li.appendChild(b);
    return li;
  }

  function renderQueue(items) {
    var list = $("queue");
    list.textContent = "";
    $("queue-empty").hidden = items.length > 0;
    items.forEach(function (q) { list.appendChild(card(q)); });
    var waiting = items.filter(function (q) { return q.mode === "waiting"; });
    $("queue-count").textContent = "(" + waiting.length + " waiting)";
    document.title = (waiting.length ? "(" + waiting.length + ") " : "") + BASE_TITLE;
    var ids = waiting.map(function (q) { return q.conversation_id; });
    if (known !== null && ids.some(function (id) { return known.indexOf(id) < 0; })) beep();
    known = ids;
  }

  function refreshQueue() { return api("GET", "/api/staff/queue").then(renderQueue).catch(function () {}); }

  function open(id, fromHistory) {
    selected = id; shown = ""; readOnly = !!fromHistory;
    $("empty-state").hidden = true;
    $("conv").hidden = false;
    document.body.classList.add("viewing");
    document.querySelectorAll("#queue .card").forEach(function (b) { b.setAttribute("aria-current", String(b.dataset.id === id)); });
    refreshConversation(true);
  }

  function back() {
    selected = null; current = null;
    $("conv").hidden = true;
    $("empty-state").hidden = false;
    document.body.classList.remove("viewing");
    var first = document.querySelector("#queue .card");
    if (first) first.focus();
  }

  function who(m) {
    if (m.kind === "notice") return "Notice";
    if (m.sender === "staff") return (m.staff_username || "staff") + " (support team)";
    return m.sender === "candidate" ? "Candidate" : "Assistant";
  }

  function bubble(m) {
    var li = el("li", "msg " + m.sender + (m.kind === "notice" ? " notice" : ""));
    var head = el("div", "head");
    head.appendChild(el("span", "who", who(m)));
    var t = el("time", null, when(m.created_at));
    t.setAttribute("datetime", m.created_at);
    head.appendChild(t);
    li.appendChild(head);
    li.appendChild(el("div", "text", m.text));
    if (m.buttons && m.buttons.length) {
      li.appendChild(el("div", "small", "Options offered: " + m.buttons.map(function (b) { return b.title; }).join(" · ")));
    }
    if (m.sources && m.sources.length) {
      li.appendChild(el("div", "small", "Sources: " + m.sources.map(function (s) { return s.title + " — " + s.heading; }).join("; ")));
    }
    return li;
  }

  function describe(t) {
    if (t.mode === "waiting") return "Waiting for a person";
    if (t.mode === "human") return t.claimed_by === me ? "With you" : "With " + t.claimed_by;
    return "Closed: with the assistant";
  }

  function refreshConversation(focus) {
    if (!selected) return;
    var id = selected;
    api("GET", "/api/staff/conversations/" + id).then(function (t) {
      if (id !== selected) return;
      current = t;
      $("conv-title").textContent = t.title;
      $("conv-meta").textContent = describe(t) + " · " + (t.candidate_id ? "Signed in as " + t.candidate_id : "Anonymous visitor") +
        (t.contact_email ? " · email " + t.contact_email : "");
      var mine = t.mode === "human" && t.claimed_by === me;
      var closed = readOnly || t.mode === "bot";
      $("actions").hidden = closed;
      $("readonly").hidden = !closed;
      $("reply").hidden = closed;
      $("claim").disabled = t.mode !== "waiting";
      $("handback").disabled = !mine;
      $("close").disabled = !mine;
      $("reply-text").disabled = !mine;
      $("send").disabled = !mine;
      $("saved-toggle").disabled = !mine;
      if (focus) $("conv-title").focus();
      var key = t.messages.map(function (m) { return m.id; }).join(",");
      if (key === shown) return;
      shown = key;
      var list = $("transcript");
      list.textContent = "";
      t.messages.forEach(function (m) { list.appendChild(bubble(m)); });
      list.scrollTop = list.scrollHeight;
    }).catch(function (e) { $("notice").textContent = e.message; });
  }

  function act(path) {
    if (!selected) return;
    $("notice").textContent = "";
    return api("POST", "/api/staff/conversations/" + selected + path).then(function () { refreshConversation(); refreshQueue(); })
      .catch(function (e) { $("notice").textContent = e.message; });
  }

  // Saved replies: a picker (Alt+S), filtered as one types; Enter in the filter inserts the first.
  function renderSaved() {
    var words = $("saved-filter").value.trim().toLowerCase();
    var list = $("saved-list");
    list.textContent = "";
    var shownReplies = saved.filter(function (s) { return !words || (s.title + " " + s.text).toLowerCase().indexOf(words) >= 0; });
    shownReplies.forEach(function (s) {
      var li = el("li"), b = el("button", "insert");
      b.type = "button";
      b.appendChild(el("strong", null, s.title));
      b.appendChild(el("span", "small", s.text));
      b.setAttribute("aria-label", "Insert: " + s.title);
      b.addEventListener("click", function () { insert(s.text); });
      li.appendChild(b);
      list.appendChild(li);
    });
    $("saved-empty").hidden = shownReplies.length > 0;
    return shownReplies;
  }

  function loadSaved() { return api("GET", "/api/staff/replies").then(function (r) { saved = r; renderSaved(); }); }

  function toggleSaved(show) {
    var box = $("saved");
    show = show === undefined ? box.hidden : show;
    box.hidden = !show;
    $("saved-toggle").setAttribute("aria-expanded", String(show));
    if (show) { loadSaved(); $("saved-filter").focus(); }
  }

  function insert(text) {
    var box = $("reply-text");
    var start = box.selectionStart || 0, end = box.selectionEnd || 0;
    box.value = box.value.slice(0, start) + text + box.value.slice(end);
    toggleSaved(false);
    box.focus();
    box.selectionStart = box.selectionEnd = start + text.length;
    counted();
  }

  function counted() {
    var n = $("reply-text").value.length;
    $("reply-count").textContent = n >= 1800 ? n.toLocaleString("en") + " of 2,000 characters" : "";
  }

  function sendReply() {
    var text = $("reply-text").value.trim();
    if (!text || !selected) return;
    $("notice").textContent = "";
    api("POST", "/api/staff/conversations/" + selected + "/messages", { text: text })
      .then(function () { $("reply-text").value = ""; counted(); refreshConversation(); refreshQueue(); })
      .catch(function (e) { $("notice").textContent = e.message; });
  }

  $("claim").addEventListener("click", function () { act("/claim"); });
  $("handback").addEventListener("click", function () { act("/handback"); });
  $("close").addEventListener("click", function () { act("/close"); });
  $("back").addEventListener("click", back);
  $("reply").addEventListener("submit", function (ev) { ev.preventDefault(); sendReply(); });
  $("reply-text").addEventListener("input", counted);
  $("reply-text").addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); sendReply(); }
  });
  $("saved-toggle").addEventListener("click", function () { toggleSaved(); });
  $("saved-filter").addEventListener("input", renderSaved);
  $("saved-filter").addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { ev.preventDefault(); var first = renderSaved()[0]; if (first) insert(first.text); }
    if (ev.key === "Escape") { toggleSaved(false); $("reply-text").focus(); }
  });
  $("saved-new").addEventListener("submit", function (ev) {
    ev.preventDefault();
    api("POST", "/api/staff/replies", { title: $("saved-title").value, text: $("saved-text").value })
      .then(function (s) {
        $("saved-state").textContent = "Saved “" + s.title + "” for the whole team.";
        $("saved-title").value = ""; $("saved-text").value = "";
        return loadSaved();
      })
      .catch(function (e) { $("saved-state").textContent = e.message; });
  });
  $("find").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = $("find-q").value.trim();
    $("found").textContent = "";
    api("GET", "/api/staff/history?q=" + encodeURIComponent(q)).then(function (items) {
      $("find-state").textContent = items.length ? items.length + (items.length === 1 ? " closed conversation" : " closed conversations") : "No closed conversation matches.";
      items.forEach(function (h) {
        var li = el("li"), b = el("button", "card");
        b.type = "button";
        b.appendChild(el("strong", null, h.title));
        b.appendChild(el("span", "small", "Last activity " + when(h.last_activity)));
        if (h.match) b.appendChild(el("span", "small question", "“" + h.match + "”"));
        b.addEventListener("click", function () { open(h.conversation_id, true); });
        li.appendChild(b);
        $("found").appendChild(li);
      });
    }).catch(function (e) { $("find-state").textContent = e.message; });
  });
  // Shortcuts for the three actions and the picker; by physical key, so Alt+C works on every layout.
  document.addEventListener("keydown", function (ev) {
    if (!ev.altKey || ev.ctrlKey || ev.metaKey || !selected) return;
    var target = { KeyC: "claim", KeyB: "handback", KeyX: "close", KeyS: "saved-toggle" }[ev.code];
    if (!target || $(target).disabled || $("actions").hidden && target !== "saved-toggle") return;
    ev.preventDefault();
    $(target).click();
  });
  $("sound").checked = localStorage.getItem("staff-sound") === "1";
  $("sound").addEventListener("change", function () { localStorage.setItem("staff-sound", $("sound").checked ? "1" : "0"); });
  $("logout").addEventListener("click", function () { api("POST", "/api/staff/logout").then(function () { window.location.href = "/staff/login"; }); });

  api("GET", "/api/staff/me").then(function (m) {
    csrf = m.csrf_token; me = m.username;
    $("who").textContent = "Signed in as " + m.username;
    refreshQueue();
    setInterval(refreshQueue, 1500);
    setInterval(refreshConversation, 1000);
  });
})();
