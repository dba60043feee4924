// Staff console over /api/staff/*. Texts are inserted with textContent only.
(function () {
  "use strict";
  var csrf = "", me = "", selected = null, lastCount = -1;
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

  function renderQueue(items) {
    var list = $("queue");
    list.textContent = "";
    $("queue-empty").hidden = items.length > 0;
    items.forEach(function (q) {
      var li = el("li"), b = el("button");
      b.type = "button";
      b.setAttribute("aria-current", q.conversation_id === selected ? "true" : "false");
      b.appendChild(el("strong", null, (q.mode === "waiting" ? "Waiting " + Math.round(q.waiting_seconds / 60) + " min" : "With " + q.claimed_by)));
      b.appendChild(el("span", "small", "Asked: " + (q.last_question || "-")));
      if (q.last_bot_answer) b.appendChild(el("span", "small", "Bot: " + q.last_bot_answer.slice(0, 120) + (q.last_bot_sources.length ? " [" + q.last_bot_sources.map(function (s) { return s.title; }).join(", ") + "]" : "")));
      if (q.candidate_id) b.appendChild(el("span", "small", "Signed-in candidate: " + q.candidate_id));
      if (q.offline) b.appendChild(el("span", "small", "Left outside staff hours; reply to: " + (q.contact_email || "no email yet")));
      b.addEventListener("click", function () { selected = q.conversation_id; lastCount = -1; refreshConversation(); });
      li.appendChild(b);
      list.appendChild(li);
    });
  }

  function refreshQueue() { return api("GET", "/api/staff/queue").then(renderQueue).catch(function () {}); }

  function refreshConversation() {
    if (!selected) return;
    api("GET", "/api/staff/conversations/" + selected).then(function (t) {
      $("conv-title").textContent = "Conversation " + t.conversation_id;
      $("conv-meta").textContent = "Mode: " + t.mode + (t.claimed_by ? " · claimed by " + t.claimed_by : "") + (t.candidate_id ? " · candidate " + t.candidate_id : "");
      var mine = t.mode === "human" && t.claimed_by === me;
      $("claim").disabled = t.mode !== "waiting";
      $("handback").disabled = !mine;
      $("close").disabled = !mine;
      $("reply-text").disabled = !mine;
      $("send").disabled = !mine;
      if (t.messages.length === lastCount) return;
      lastCount = t.messages.length;
      var list = $("transcript");
      list.textContent = "";
      t.messages.forEach(function (m) {
        var who = m.sender === "staff" ? (m.staff_username || "staff") : m.sender;
        var li = el("li", m.sender, who + ": " + m.text);
        if (m.sources && m.sources.length) li.appendChild(el("span", "small", "Sources: " + m.sources.map(function (s) { return s.title + " — " + s.heading; }).join("; ")));
        list.appendChild(li);
      });
      list.scrollTop = list.scrollHeight;
    }).catch(function (e) { $("notice").textContent = e.message; });
  }

  function act(path) {
    $("notice").textContent = "";
    return api("POST", "/api/staff/conversations/" + selected + path).then(function () { lastCount = -1; refreshConversation(); refreshQueue(); })
      .catch(function (e) { $("notice").textContent = e.message; });
  }

  $("claim").addEventListener("click", function () { act("/claim"); });
  $("handback").addEventListener("click", function () { act("/handback"); });
  $("close").addEventListener("click", function () { act("/close"); });
  $("reply").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = $("reply-text").value.trim();
    if (!text) return;
    api("POST", "/api/staff/conversations/" + selected + "/messages", { text: text })
      .then(function () { $("reply-text").value = ""; refreshConversation(); })
      .catch(function (e) { $("notice").textContent = e.message; });
  });
  $("logout").addEventListener("click", function () { api("POST", "/api/staff/logout").then(function () { window.location.href = "/staff/login"; }); });

  api("GET", "/api/staff/me").then(function (m) {
    csrf = m.csrf_token; me = m.username;
    $("who").textContent = "Signed in as " + m.username;
    refreshQueue();
    setInterval(refreshQueue, 1500);
    setInterval(refreshConversation, 1000);
  });
})();
