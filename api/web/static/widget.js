/*
 * Candidate assistant widget. A careers site adds it with one tag:
 *   <script src="https://<assistant host>/widget.js" data-title="Careers assistant"
 *           data-privacy-url="https://example.com/privacy" data-token="<signed candidate token>"></script>
 * data-token is optional (signed-in visitors); it can also be set later with
 * window.CandidateAssistant.setToken(token). Everything is rendered with textContent, never as HTML.
 * No build step: this file is served as it is.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var cfg = script ? script.dataset : {};
  var API = (cfg.api || (script ? new URL(script.src, location.href).origin : location.origin)).replace(/\/$/, "");
  var TITLE = cfg.title || "Careers assistant";
  var PRIVACY_URL = cfg.privacyUrl || "";
  var KEY = "ca-conversation-id";
  var PRIVACY_KEY = "ca-privacy-seen";
  // Who the stored conversation belongs to, as a fingerprint of the token's subject ("" signed out).
  var OWNER_KEY = "ca-conversation-owner";
  var token = cfg.token || null;
  var QUICK = [
    { title: "How does the process work?", payload: "How does the hiring process work?" },
    { title: "Check my application status", payload: "/check_my_status" },
    { title: "Talk to a person", payload: "/request_human" },
    { title: "Practise an interview answer", payload: "/practice" }
  ];
  // Said once, before the first practice question (docs/practice.md): answers are personal data.
  var PRACTICE_NOTE = "Practice answers are kept only in this conversation: they are exported and erased with it, and never used for anything else.";
  var practiceNoted = false;

  var CSS = [
    ":host { all: initial; font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #16191f; }",
    "* { box-sizing: border-box; }",
    ".launcher { position: fixed; right: 1.25rem; bottom: 1.25rem; z-index: 2147483000; background: #0b5394; color: #fff; border: 0; border-radius: 2rem; padding: .8rem 1.2rem; font: 600 1rem/1.2 inherit; font-family: inherit; cursor: pointer; box-shadow: 0 2px 8px rgba(0,0,0,.3); }",
    ".badge { display: inline-block; min-width: 1.4rem; margin-left: .5rem; padding: .1rem .4rem; border-radius: 1rem; background: #b3261e; color: #fff; font-size: .85rem; text-align: center; }",
    ".badge[hidden] { display: none; }",
    ".panel { position: fixed; right: 1.25rem; bottom: 5rem; z-index: 2147483000; width: 24rem; max-width: calc(100vw - 2rem); height: 34rem; max-height: calc(100vh - 6.5rem); display: flex; flex-direction: column; background: #fff; border: 1px solid #8c959f; border-radius: .75rem; box-shadow: 0 6px 24px rgba(0,0,0,.25); overflow: hidden; }",
    ".panel[hidden] { display: none; }",
    "header { display: flex; align-items: center; gap: .5rem; background: #0b5394; color: #fff; padding: .6rem .8rem; }",
    "header h2 { font-size: 1rem; margin: 0; flex: 1; }",
    "header button { background: transparent; color: #fff; border: 1px solid #fff; border-radius: .3rem; padding: .25rem .5rem; font: inherit; font-size: .85rem; cursor: pointer; }",
    ".privacy { background: #fff8e6; border-bottom: 1px solid #d9c27a; padding: .6rem .8rem; font-size: .85rem; }",
    ".privacy a { color: #0b5394; }",
    ".privacy button { margin-left: .5rem; background: #0b5394; color: #fff; border: 0; border-radius: .4rem; padding: .35rem .9rem; font: inherit; font-weight: 600; cursor: pointer; }",
    ".confirm { background: #fff4e5; border-bottom: 1px solid #d9c27a; padding: .6rem .8rem; font-size: .9rem; color: #4d3200; }",
    ".confirm[hidden] { display: none; }",
    ".confirm p { margin: 0 0 .45rem; }",
    ".confirm button { margin-right: .4rem; padding: .35rem .7rem; font: inherit; border-radius: .4rem; cursor: pointer; border: 1px solid #0b5394; background: #fff; color: #0b5394; }",
    ".confirm button.primary { background: #0b5394; color: #fff; }",
    "ol.log { list-style: none; margin: 0; padding: .6rem; flex: 1; overflow-y: auto; }",
    "li.msg { margin: .4rem 0; padding: .55rem .75rem; border-radius: .6rem; max-width: 88%; white-space: pre-wrap; line-height: 1.4; font-size: .95rem; }",
    "li.user { background: #0b5394; color: #fff; margin-left: auto; }",
    "li.bot { background: #eef1f4; }",
    "li.fallback, li.error, li.verify { background: #fff4e5; }",
    "li.human { background: #e9f7ef; }",
    // Not the red unavailable banner (div.notice): what happened in the hand-off, in the text colour.
    "li.notice { margin: .6rem auto; max-width: 95%; background: #fff; color: #16191f; border: 1px dashed #5f6b7a; border-radius: .6rem; text-align: center; font-size: .88rem; }",
    "li.practice, li.practice_feedback { background: #eaf3fb; border-left: 4px solid #0b5394; }",
    "li.practice-note { background: #fff8e6; font-size: .85rem; max-width: 100%; }",
    "ul.practice-list { margin: .3rem 0 0; padding-left: 1.1rem; }",
    "ul.practice-list li { margin: .25rem 0; }",
    ".who { font-size: .78rem; font-weight: 700; color: #155d31; margin-bottom: .2rem; }",
    ".sources { font-size: .8rem; color: #414750; margin-top: .35rem; }",
    ".sources a { color: #0b5394; }",
    "ul.jobs { list-style: none; margin: .45rem 0 0; padding: 0; white-space: normal; }",
    "ul.jobs li { background: #fff; border: 1px solid #c6ccd2; border-radius: .5rem; padding: .45rem .6rem; margin-top: .35rem; }",
    "ul.jobs a.title { color: #0b5394; font-weight: 600; }",
    "ul.jobs .meta { display: block; font-size: .82rem; color: #414750; margin-top: .15rem; }",
    "ul.jobs a.apply { display: inline-block; margin-top: .3rem; font-size: .85rem; color: #0b5394; }",
    ".row { display: flex; flex-wrap: wrap; gap: .35rem; margin-top: .45rem; }",
    ".row button { border: 1px solid #0b5394; background: #fff; color: #0b5394; border-radius: 1rem; padding: .3rem .7rem; font: inherit; font-size: .85rem; cursor: pointer; }",
    ".rate button { border-color: #5f6b7a; color: #16191f; }",
    ".rate button[aria-pressed='true'] { background: #0b5394; color: #fff; border-color: #0b5394; }",
    "p.state { min-height: 1.3rem; margin: 0; padding: 0 .8rem; font-size: .85rem; color: #414750; }",
    ".notice { margin: 0 .6rem .4rem; padding: .5rem .7rem; background: #fdecea; color: #8a1c15; border-radius: .4rem; font-size: .85rem; }",
    ".notice[hidden] { display: none; }",
    ".notice.wait { background: #fff4e5; color: #4d3200; }",
    "form { display: flex; flex-wrap: wrap; align-items: flex-end; gap: .4rem; padding: .6rem; border-top: 1px solid #d5dbdb; }",
    "form textarea { flex: 1; min-width: 0; padding: .55rem; font: inherit; line-height: 1.35; border: 1px solid #5f6b7a; border-radius: .4rem; resize: none; max-height: 8rem; overflow-y: auto; }",
    "form textarea[aria-invalid='true'] { border-color: #b3261e; outline: 1px solid #b3261e; }",
    "form button { padding: .55rem .9rem; font: inherit; background: #0b5394; color: #fff; border: 0; border-radius: .4rem; cursor: pointer; }",
    "form button:disabled { background: #5f6b7a; cursor: not-allowed; }",
    ".count { flex-basis: 100%; margin: 0; font-size: .8rem; color: #414750; }",
    ".count[hidden] { display: none; }",
    ".count.over { color: #8a1c15; font-weight: 600; }",
    ".vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }",
    ":focus-visible { outline: 3px solid #c45500; outline-offset: 2px; }",
    // Fingers, not mouse pointers: every control at least 44 x 44 px (WCAG 2.5.5).
    "@media (max-width: 480px), (pointer: coarse) { header button, .privacy button, .confirm button, .row button, form button, .notice button { min-height: 44px; min-width: 44px; } form textarea { min-height: 44px; } }",
    "@media (max-width: 480px) { .panel { right: 0; bottom: 0; width: 100vw; max-width: 100vw; height: 100%; max-height: 100%; border-radius: 0; } .launcher { right: .75rem; bottom: .75rem; } }"
  ].join("\n");

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  var host = el("div", { id: "candidate-assistant" });
  var root = host.attachShadow({ mode: "open" });
  var style = el("style", {}, CSS);
  var launcher = el("button", { type: "button", "class": "launcher", "aria-expanded": "false", "aria-controls": "ca-panel" }, "Questions? Chat with us");
  // Messages that arrived while the panel was closed (or the tab in the background).
  var badge = el("span", { "class": "badge", hidden: "" });
  launcher.appendChild(badge);
  var PAGE_TITLE = document.title;
  var panel = el("section", { id: "ca-panel", "class": "panel", role: "dialog", "aria-label": TITLE, hidden: "" });
  var header = el("header");
  var heading = el("h2", {}, TITLE);
  var restart = el("button", { type: "button" }, "Start over");
  var closeBtn = el("button", { type: "button", "aria-label": "Close the chat" }, "Close");
  header.append(heading, restart, closeBtn);
  var privacy = el("div", { "class": "privacy", role: "note" });
  privacy.append(el("span", {}, "This chat stores your messages so we can answer you and improve our answers; transcripts are deleted after a retention period. "));
  if (PRIVACY_URL) privacy.append(el("a", { href: PRIVACY_URL, target: "_blank", rel: "noopener" }, "Privacy notice"));
  var privacyOk = el("button", { type: "button" }, "OK");
  privacy.append(privacyOk);
  var confirmBox = el("div", { "class": "confirm", role: "group", "aria-label": "Start over?", hidden: "" });
  confirmBox.append(el("p", {}, "You are waiting for (or talking to) a person. Start over and leave the queue?"));
  var confirmYes = el("button", { type: "button", "class": "primary" }, "Leave the queue and start over");
  var confirmNo = el("button", { type: "button" }, "Keep waiting");
  confirmBox.append(confirmYes, confirmNo);
  // Focusable: a keyboard user can scroll the conversation even when it holds no button.
  var log = el("ol", { "class": "log", "aria-live": "polite", "aria-relevant": "additions", "aria-label": "Conversation", tabindex: "0" });
  var status = el("p", { "class": "state", role: "status" });
  var notice = el("div", { "class": "notice", role: "alert", hidden: "" });
  var noticeText = el("span");
  var retry = el("button", { type: "button" }, "Retry");
  notice.append(noticeText, el("span", {}, " "), retry);
  var form = el("form", { autocomplete: "off" });
  var label = el("label", { "for": "ca-input", "class": "vh" }, "Your question");
  // Enter sends, Shift+Enter starts a new line; no maxlength, which cut a paste silently: the
  // counter warns before the limit and says by how much a message is over it.
  var input = el("textarea", { id: "ca-input", rows: "1", placeholder: "Type your question…", "aria-describedby": "ca-count" });
  var send = el("button", { type: "submit" }, "Send");
  var counter = el("p", { id: "ca-count", "class": "count", "aria-live": "polite", hidden: "" });
  form.append(label, input, send, counter);
  panel.append(header, privacy, confirmBox, log, status, notice, form);
  root.append(style, launcher, panel);

  var conversationId = null;
  var seen = {};
  var lastMessage = null;
  var source = null;
  var waitTimer = null;
  var mode = "bot";
  var pending = 0;
  var unseen = 0;
  var MAX_CHARS = 2000;
  var WARN_CHARS = 1800;

  function newId() {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return "c-" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // The candidate a token names, as a short fingerprint: only to notice that the person changed (sign
  // out, another candidate) and start a new conversation. The server verifies every token itself.
  function who(t) {
    if (!t) return "";
    try {
      var part = t.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      while (part.length % 4) part += "=";
      var sub = JSON.parse(atob(part)).sub;
      if (typeof sub !== "string") return "?";
      var h = 0x811c9dc5;
      for (var i = 0; i < sub.length; i++) { h ^= sub.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
      return h.toString(16);
    } catch (e) { return "?"; }
  }

  function headers() {
    var h = { "Content-Type": "application/json" };
    if (token) h.Authorization = "Bearer " + token;
    return h;
  }

  function rateRow(id, helpful) {
    var row = el("div", { "class": "row rate", role: "group", "aria-label": "Was this helpful?" });
    [["Helpful", true], ["Not helpful", false]].forEach(function (pair) {
      var b = el("button", { type: "button", "aria-pressed": String(helpful === pair[1]) }, pair[0]);
      b.setAttribute("aria-label", pair[0]);
      b.addEventListener("click", function () {
        fetch(API + "/api/conversations/" + conversationId + "/feedback", { method: "POST", headers: headers(), body: JSON.stringify({ message_id: id, helpful: pair[1] }) })
          .then(function (r) { if (r.ok) { row.querySelectorAll("button").forEach(function (x) { x.setAttribute("aria-pressed", String(x === b)); }); } });
      });
      row.appendChild(b);
    });
    return row;
  }

  // Job cards: a list of links (a screen reader announces "list, 5 items"); each job's title opens
  // its page and "Apply" names the job it applies to. Links from the feed are http(s) only (the API
  // drops others); they open in a new tab so the conversation stays.
  function jobList(jobs) {
    var list = el("ul", { "class": "jobs", "aria-label": "Jobs" });
    jobs.forEach(function (j) {
      var item = el("li");
      var title = j.url ? el("a", { "class": "title", href: j.url, target: "_blank", rel: "noopener" }, j.title) : el("span", { "class": "title" }, j.title);
      item.appendChild(title);
      item.appendChild(el("span", { "class": "meta" }, [j.place, j.team, j.type].filter(Boolean).join(" · ")));
      if (j.apply_url) {
        var apply = el("a", { "class": "apply", href: j.apply_url, target: "_blank", rel: "noopener" }, "Apply");
        apply.setAttribute("aria-label", "Apply: " + j.title + (j.place ? ", " + j.place : ""));
        item.appendChild(apply);
      }
      list.appendChild(item);
    });
    return list;
  }

  // `after`: the bubble this reply answers (its question, or an earlier reply to it), so replies
  // land under their own question even when several questions are in flight.
  function add(role, reply, after) {
    if (reply.id) {
      if (seen[reply.id]) return;
      seen[reply.id] = true;
    }
    var li = el("li", { "class": "msg " + role + (reply.kind ? " " + reply.kind : "") });
    if (reply.kind === "human") li.appendChild(el("div", { "class": "who" }, "Support team (a person)"));
    var box = li;  // where the text and buttons go: a practice reply's labelled group
    if (role === "bot" && (reply.kind === "practice" || reply.kind === "practice_feedback")) {
      if (reply.kind === "practice" && !practiceNoted) {
        practiceNoted = true;
        log.appendChild(el("li", { "class": "msg bot practice-note" }, PRACTICE_NOTE));
      }
      box = addPractice(li, reply);
    } else {
      li.appendChild(el("div", { "class": "text" }, reply.text));
    }
    if (reply.sources && reply.sources.length) {
      var src = el("div", { "class": "sources" }, "Source: ");
      reply.sources.forEach(function (s, i) {
        if (i) src.appendChild(document.createTextNode("; "));
        var name = s.title + " — " + s.heading;
        src.appendChild(s.url ? el("a", { href: s.url, target: "_blank", rel: "noopener" }, name) : el("span", {}, name));
      });
      li.appendChild(src);
    }
    if (reply.jobs && reply.jobs.length) li.appendChild(jobList(reply.jobs));
    if (reply.buttons && reply.buttons.length) {
      var row = el("div", { "class": "row" });
      reply.buttons.forEach(function (b) {
        var btn = el("button", { type: "button" }, b.title);
        btn.addEventListener("click", function () { ask(b.payload, b.title); });
        row.appendChild(btn);
      });
      box.appendChild(row);
    }
    if (reply.kind === "answer" && reply.id) li.appendChild(rateRow(reply.id, reply.helpful));
    if (after && after.parentNode === log) { log.insertBefore(li, after.nextSibling); } else { log.appendChild(li); }
    log.scrollTop = log.scrollHeight;
    return li;
  }

  // A practice question, or the feedback on an answer: a labelled group; the feedback's findings
  // (one a line) as a list, so a screen reader announces how many there are and reads them one by one.
  function addPractice(li, reply) {
    var heading = reply.kind === "practice" ? "Interview practice" : "Feedback on your answer";
    // The group is inside the list item: the log stays a list of items (axe's "list" rule).
    var group = el("div", { role: "group", "aria-label": heading });
    li.appendChild(group);
    group.appendChild(el("div", { "class": "who" }, heading));
    var lines = String(reply.text || "").split("\n").filter(function (t) { return t.trim(); });
    if (reply.kind === "practice_feedback" && lines.length > 1) {
      group.appendChild(el("div", { "class": "text" }, lines[0]));
      var list = el("ul", { "class": "practice-list" });
      lines.slice(1).forEach(function (t) { list.appendChild(el("li", {}, t)); });
      group.appendChild(list);
    } else {
      group.appendChild(el("div", { "class": "text" }, reply.text));
    }
    return group;
  }

  function showMode(m) {
    if (m) mode = m;
    // The typing indicator stays until every message in flight has its replies.
    if (pending > 0 && mode === "bot") { status.textContent = "The assistant is typing…"; return; }
    status.textContent = mode === "waiting" ? "Waiting for a person to join…" : mode === "human" ? "You are chatting with a person." : "";
  }

  function showUnseen() {
    badge.textContent = String(unseen);
    badge.hidden = unseen === 0;
    launcher.setAttribute("aria-label", "Questions? Chat with us" + (unseen ? " (" + unseen + (unseen === 1 ? " new message)" : " new messages)") : ""));
    document.title = unseen && document.hidden ? "(" + unseen + ") " + PAGE_TITLE : PAGE_TITLE;
  }

  function arrived(reply) {
    if (!(panel.hidden || document.hidden)) return;
    unseen += 1;
    showUnseen();
  }

  function counted() {
    var n = input.value.length;
    var over = n > MAX_CHARS;
    counter.hidden = n < WARN_CHARS;
    counter.classList.toggle("over", over);
    counter.textContent = over
      ? "Too long by " + (n - MAX_CHARS).toLocaleString("en") + " characters: shorten it to send (limit " + MAX_CHARS.toLocaleString("en") + ")."
      : n.toLocaleString("en") + " of " + MAX_CHARS.toLocaleString("en") + " characters";
    input.setAttribute("aria-invalid", String(over));
    send.disabled = over;
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight + 2, 128) + "px";
  }

  function unavailable(text) {
    clearTimeout(waitTimer);
    notice.classList.remove("wait");
    retry.hidden = false;
    noticeText.textContent = text;
    notice.hidden = false;
  }

  // 429: the message was not sent (nor stored), so it leaves the log and typed text goes back into
  // the box; the notice says how long to wait (Retry-After) and, once, when sending works again.
  function slowDown(retryAfter, bubble, typed) {
    if (bubble && bubble.parentNode) bubble.parentNode.removeChild(bubble);
    if (typed && !input.value) input.value = typed;
    var seconds = parseInt(retryAfter, 10);
    if (!(seconds > 0)) seconds = 10;
    clearTimeout(waitTimer);
    notice.classList.add("wait");
    retry.hidden = true;
    noticeText.textContent = "You're sending messages faster than we can answer. Please wait " + seconds +
      (seconds === 1 ? " second" : " seconds") + ", then send your message again.";
    notice.hidden = false;
    waitTimer = setTimeout(function () { noticeText.textContent = "You can send your message again now."; }, seconds * 1000);
    input.focus();
  }

  // A 503, a 502 or 504 (nginx: the API instance died with the request) or a network error is retried by itself
  // after these pauses, with the message's same id: the service answers a message it already has
  // with that turn's replies, so a retry is never answered or stored twice. Only then the notice.
  var BACKOFF_MS = [500, 1000, 2000];
  var MAX_RETRY_AFTER_MS = 5000;

  function post(body, attempt) {
    return fetch(API + "/api/chat", { method: "POST", headers: headers(), body: JSON.stringify(body) })
      .then(function (resp) {
        return resp.json().catch(function () { return {}; }).then(function (data) {
          return { status: resp.status, body: data, retryAfter: resp.headers.get("Retry-After") };
        });
      }, function (error) { return { status: 0, body: {}, error: error }; })
      .then(function (r) {
        if ((r.status === 0 || r.status === 502 || r.status === 503 || r.status === 504) && attempt < BACKOFF_MS.length) {
          var asked = parseFloat(r.retryAfter) * 1000;
          var pause = asked > 0 ? Math.min(asked, MAX_RETRY_AFTER_MS) : BACKOFF_MS[attempt];
          return new Promise(function (resolve) { setTimeout(resolve, pause); }).then(function () { return post(body, attempt + 1); });
        }
        if (r.status === 0) throw r.error;
        return r;
      });
  }

  function ask(message, shown, again, id) {
    // One id per typed message or button click, kept by every retry of it (automatic or Retry).
    id = id || newId().replace("c-", "m-");
    lastMessage = { message: message, shown: shown, id: id };
    clearTimeout(waitTimer);
    notice.hidden = true;
    var bubble = add("user", { text: shown || message });
    pending += 1;
    showMode();
    var asked = conversationId;
    post({ conversation_id: conversationId, message: message, client_message_id: id }, 0)
      .then(function (r) {
        pending = Math.max(0, pending - 1);
        if (asked !== conversationId) return;  // started over meanwhile
        showMode();
        if (r.status === 429) { slowDown(r.retryAfter, bubble, shown ? null : message); return; }
        if (r.status === 403 && !again) {
          // The conversation belongs to another signed-in candidate (a shared computer): start a new
          // one, and send the message there.
          start(true);
          ask(message, shown, true, id);
          return;
        }
        if (r.status === 503) { unavailable(typeof r.body.detail === "string" ? r.body.detail : "The assistant is unavailable right now."); return; }
        if (r.status !== 200) { add("bot", { kind: "error", text: typeof r.body.detail === "string" ? r.body.detail : "That message could not be sent." }); return; }
        var anchor = bubble;
        r.body.replies.forEach(function (reply) { anchor = add("bot", reply, anchor) || anchor; });
        showMode(r.body.mode);
      })
      .catch(function () { pending = Math.max(0, pending - 1); showMode(); unavailable("We can't reach the assistant. Check your connection."); });
  }

  function listen() {
    if (source) source.close();
    if (!window.EventSource) return;
    source = new EventSource(API + "/api/conversations/" + encodeURIComponent(conversationId) + "/events");
    source.addEventListener("message", function (ev) {
      var reply = JSON.parse(ev.data);
      if (add("bot", reply)) arrived(reply);
    });
    source.addEventListener("mode", function (ev) { showMode(JSON.parse(ev.data).mode); });
  }

  function welcome() {
    add("bot", { kind: "chitchat", text: "Hi! Ask me anything about how hiring at AWS works.", buttons: QUICK });
  }

  function start(fresh) {
    log.textContent = "";
    seen = {};
    pending = 0;
    mode = "bot";
    confirmBox.hidden = true;
    showMode("bot");
    var owner = localStorage.getItem(OWNER_KEY) || "";
    // A conversation left by someone else on this browser (signed out since, or another candidate) is
    // not continued; an anonymous one is, by the visitor who has since signed in.
    if (owner && owner !== who(token)) fresh = true;
    conversationId = fresh ? newId() : (localStorage.getItem(KEY) || newId());
    localStorage.setItem(KEY, conversationId);
    localStorage.setItem(OWNER_KEY, who(token));
    listen();
    if (fresh) { welcome(); return; }
    var loading = conversationId;
    fetch(API + "/api/conversations/" + conversationId + "/messages")
      .then(function (r) { return r.ok ? r.json() : { messages: [], mode: "bot" }; })
      .then(function (h) {
        // Started over meanwhile (another candidate's message was refused there and carried over to a
        // new conversation): the old conversation's transcript must not land in the new one.
        if (loading !== conversationId) return;
        if (!h.messages.length) { welcome(); return; }
        h.messages.forEach(function (m) { add(m.sender === "candidate" ? "user" : "bot", m); });
        showMode(h.mode);
      })
      .catch(function () { if (loading === conversationId) welcome(); });
  }

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    privacy.hidden = localStorage.getItem(PRIVACY_KEY) === "1";
    unseen = 0;
    showUnseen();
    (privacy.hidden ? input : privacyOk).focus();
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  launcher.addEventListener("click", function () { if (panel.hidden) { open(); } else { close(); } });
  closeBtn.addEventListener("click", close);
  panel.addEventListener("keydown", function (ev) { if (ev.key === "Escape") close(); });
  privacyOk.addEventListener("click", function () { localStorage.setItem(PRIVACY_KEY, "1"); privacy.hidden = true; input.focus(); });
  // Starting over while a person is expected asks first, then takes the request out of the queue.
  restart.addEventListener("click", function () {
    if (mode === "bot") { start(true); input.focus(); return; }
    confirmBox.hidden = false;
    confirmYes.focus();
  });
  confirmNo.addEventListener("click", function () { confirmBox.hidden = true; input.focus(); });
  confirmYes.addEventListener("click", function () {
    var old = conversationId;
    fetch(API + "/api/conversations/" + encodeURIComponent(old) + "/withdraw", { method: "POST", headers: headers() })
      .catch(function () {})
      .then(function () { start(true); input.focus(); });
  });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && !panel.hidden) unseen = 0;
    showUnseen();
  });
  input.addEventListener("input", counted);
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      if (!send.disabled) form.requestSubmit ? form.requestSubmit() : send.click();
    }
  });
  retry.addEventListener("click", function () { if (lastMessage) { notice.hidden = true; ask(lastMessage.message, lastMessage.shown, false, lastMessage.id); } });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = input.value.trim();
    if (!text || text.length > MAX_CHARS) return;
    input.value = "";
    counted();
    ask(text);
  });

  window.CandidateAssistant = {
    // Signing out, or another candidate signing in, starts a new conversation; signing in keeps it.
    setToken: function (t) {
      var before = who(token);
      token = t || null;
      if (before && before !== who(token)) { start(true); } else { localStorage.setItem(OWNER_KEY, who(token)); }
    },
    open: open,
    close: close
  };
  (document.body || document.documentElement).appendChild(host);
  start(false);
  if (sessionStorage.getItem("ca-open") === "1") open();
  window.addEventListener("pagehide", function () { sessionStorage.setItem("ca-open", panel.hidden ? "0" : "1"); });
})();
