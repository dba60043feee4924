// Chat page over POST /api/chat. Every text is inserted with textContent, never as HTML.
(function () {
  "use strict";
  var KEY = "ca-conversation-id";
  var log = document.getElementById("log");
  var form = document.getElementById("form");
  var input = document.getElementById("message");
  var status = document.getElementById("status");

  function newId() {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return "c-" + Array.prototype.map.call(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }
  var conversationId = localStorage.getItem(KEY) || newId();
  localStorage.setItem(KEY, conversationId);

  var seen = {};  // ids of messages that arrive both live and in a /api/chat response

  function add(role, reply) {
    if (reply.id) {
      if (seen[reply.id]) return;
      seen[reply.id] = true;
    }
    var li = document.createElement("li");
    li.className = "msg " + role + (reply.kind ? " " + reply.kind : "");
    if (reply.kind === "human") {
      var who = document.createElement("div");
      who.className = "who";
      who.textContent = "Support team (a person)";
      li.appendChild(who);
    }
    var text = document.createElement("div");
    text.textContent = reply.text;
    li.appendChild(text);
    if (reply.sources && reply.sources.length) {
      var src = document.createElement("div");
      src.className = "sources";
      src.textContent = "Source: " + reply.sources.map(function (s) { return s.title + " — " + s.heading; }).join("; ");
      li.appendChild(src);
    }
    if (reply.buttons && reply.buttons.length) {
      var row = document.createElement("div");
      row.className = "buttons";
      reply.buttons.forEach(function (b) {
        var btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = b.title;
        btn.addEventListener("click", function () { send(b.payload, b.title); });
        row.appendChild(btn);
      });
      li.appendChild(row);
    }
    log.appendChild(li);
    li.scrollIntoView({ block: "end" });
  }

  var TOKEN_KEY = "ca-candidate-token";
  var tokenInput = document.getElementById("token");
  var tokenState = document.getElementById("token-state");
  tokenInput.value = sessionStorage.getItem(TOKEN_KEY) || "";
  document.getElementById("save-token").addEventListener("click", function () {
    var value = tokenInput.value.trim();
    if (value) { sessionStorage.setItem(TOKEN_KEY, value); } else { sessionStorage.removeItem(TOKEN_KEY); }
    tokenState.textContent = value ? "Signed in for this tab." : "Signed out.";
  });

  function send(message, shown) {
    add("user", { text: shown || message });
    status.textContent = "The assistant is typing…";
    var headers = { "Content-Type": "application/json" };
    var token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.Authorization = "Bearer " + token;
    fetch("/api/chat", {
      method: "POST",
      headers: headers,
      body: JSON.stringify({ conversation_id: conversationId, message: message })
    }).then(function (resp) {
      return resp.json().then(function (body) { return { ok: resp.ok, body: body }; });
    }).then(function (r) {
      status.textContent = "";
      if (!r.ok) {
        add("bot", { kind: "error", text: typeof r.body.detail === "string" ? r.body.detail : "Sorry, that message could not be sent." });
        return;
      }
      r.body.replies.forEach(function (reply) { add("bot", reply); });
      showMode(r.body.mode);
    }).catch(function () {
      status.textContent = "";
      add("bot", { kind: "error", text: "The assistant is unavailable right now. Please try again in a moment." });
    });
  }

  function showMode(mode) {
    status.textContent = mode === "waiting" ? "Waiting for a person to join…" : mode === "human" ? "You are chatting with a person." : "";
  }

  // Staff replies and mode changes arrive live; EventSource reconnects by itself with Last-Event-ID.
  var source = null;
  function listen() {
    if (source) source.close();
    source = new EventSource("/api/conversations/" + encodeURIComponent(conversationId) + "/events");
    source.addEventListener("message", function (ev) { add("bot", JSON.parse(ev.data)); });
    source.addEventListener("mode", function (ev) { showMode(JSON.parse(ev.data).mode); });
  }
  listen();

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  });
  document.getElementById("restart").addEventListener("click", function () {
    conversationId = newId();
    localStorage.setItem(KEY, conversationId);
    log.textContent = "";
    listen();
    input.focus();
  });
  add("bot", { kind: "chitchat", text: "Hi! Ask me anything about how hiring at AWS works." });
})();
