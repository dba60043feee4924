// Writers' page over /api/knowledge/*. Texts are inserted with textContent only.
(function () {
  "use strict";
  var csrf = "";
  var $ = function (id) { return document.getElementById(id); };
  function api(method, path, body) {
    var headers = { "X-CSRF-Token": csrf };
    if (body) headers["Content-Type"] = "application/json";
    return fetch(path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined, credentials: "same-origin" }).then(function (r) {
      if (r.status === 401) { window.location.href = "/staff/login"; throw new Error("signed out"); }
      return r.json().then(function (b) { if (!r.ok) throw new Error(b.detail || "Request failed"); return b; });
    });
  }
  function el(tag, text) { var e = document.createElement(tag); if (text !== undefined) e.textContent = text; return e; }
  function row(cells) { var tr = el("tr"); cells.forEach(function (c) { tr.appendChild(el("td", String(c))); }); return tr; }

  // What candidates typed is shown tamed: at most two combining marks in a row (a stack of accents
  // drew a line down the whole page) and 300 characters; CSS clamps it to three lines as well.
  var COMBINING = /([\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]{2})[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+/g;
  function tame(text) {
    var t = String(text).replace(COMBINING, "$1");
    return t.length > 300 ? t.slice(0, 300) + "\u2026" : t;
  }
  function clamped(tag, text) { var e = el(tag, tame(text)); e.className = "clamp"; e.title = tame(text); return e; }

  // Dates as people say them; stored times are UTC (an ISO time without an offset is read as UTC).
  function ago(iso) {
    if (!iso) return "";
    var d = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(iso) ? iso : iso + "Z");
    var s = (Date.now() - d.getTime()) / 1000;
    if (s < 60) return "just now";
    if (s < 3600) return Math.floor(s / 60) + " min ago";
    if (s < 86400) return Math.floor(s / 3600) + (Math.floor(s / 3600) === 1 ? " hour ago" : " hours ago");
    if (s < 2 * 86400) return "yesterday";
    if (s < 7 * 86400) return Math.floor(s / 86400) + " days ago";
    return d.toLocaleDateString([], { day: "numeric", month: "short", year: "numeric" });
  }

  var sections = null;
  function sectionList() {
    if (sections) return Promise.resolve(sections);
    return api("GET", "/api/knowledge/sections").then(function (s) { sections = s; return s; });
  }

  function previewOf(question) {
    $("after").value = "";
    $("question").value = question;
    $("preview").requestSubmit();
    $("preview-title").scrollIntoView();
    $("question").focus();
  }

  function dismiss(g, li, answeredBy) {
    var body = { message_ids: g.message_ids };
    if (answeredBy) { body.answered_by = answeredBy; body.question = g.example; }
    return api("POST", "/api/knowledge/unanswered/dismiss", body).then(function (r) {
      li.remove();
      $("unanswered-state").textContent = r.added_to
        ? "Added \u201c" + tame(g.example) + "\u201d to the example questions in " + r.added_to + "."
        : "Dismissed \u201c" + tame(g.example) + "\u201d.";
    });
  }

  function groupItem(g) {
    var li = el("li");
    li.className = "group";
    li.appendChild(clamped("p", g.example)).className = "clamp example";
    li.appendChild(el("p", g.count + (g.count === 1 ? " time" : " times") + " \u00b7 last seen " + ago(g.last_seen))).className = "small";
    if (g.questions.length > 1) {
      var more = el("details");
      more.appendChild(el("summary", "Also asked as (" + (g.questions.length - 1) + ")"));
      var list = el("ul");
      g.questions.slice(1, 20).forEach(function (q) { list.appendChild(clamped("li", q)); });
      more.appendChild(list);
      li.appendChild(more);
    }
    if (g.junk) return li;
    var tools = el("div");
    tools.className = "tools";
    var preview = el("button", "Preview");
    preview.type = "button";
    preview.setAttribute("aria-label", "Preview: " + tame(g.example));
    preview.addEventListener("click", function () { previewOf(g.example); });
    var answered = el("button", "Answered by a section\u2026");
    answered.type = "button";
    var drop = el("button", "Dismiss");
    drop.type = "button";
    drop.setAttribute("aria-label", "Dismiss: " + tame(g.example));
    drop.addEventListener("click", function () { dismiss(g, li).catch(function (e) { $("unanswered-state").textContent = e.message; }); });
    tools.append(preview, answered, drop);
    li.appendChild(tools);
    answered.addEventListener("click", function () {
      answered.disabled = true;
      sectionList().then(function (all) {
        var form = el("form");
        form.className = "answered";
        var id = "sec-" + g.message_ids[0];
        var label = el("label", "Section that answers it");
        label.htmlFor = id;
        var select = el("select");
        select.id = id;
        all.forEach(function (s) { var o = el("option", s.title + " \u2014 " + s.heading); o.value = s.id; select.appendChild(o); });
        var add = el("button", "Add as an example question");
        add.type = "submit";
        form.append(label, select, add);
        form.addEventListener("submit", function (ev) {
          ev.preventDefault();
          dismiss(g, li, select.value).catch(function (e) { $("unanswered-state").textContent = e.message; });
        });
        li.appendChild(form);
        select.focus();
      });
    });
    return li;
  }

  function showStatus(s) {
    $("status").textContent = "Version " + s.version + ", built " + s.built_at + ": " + s.documents + " documents, " + s.sections + " sections.";
    var list = $("problems");
    list.textContent = "";
    s.problems.forEach(function (p) { list.appendChild(el("li", p.path + ":" + p.line + ": " + p.message)); });
    if (!s.problems.length) list.appendChild(el("li", "No problems."));
  }
  function refreshStatus() { api("GET", "/api/knowledge/status").then(showStatus); }
  // The reports change only when candidates ask: they are fetched once a minute while the page is
  // shown, and the unanswered one is revalidated with its ETag (an unchanged report is a 304).
  function refreshReports() {
    if (document.hidden) return;
    api("GET", "/api/knowledge/unanswered").then(function (groups) {
      var body = $("unanswered"), junk = $("junk-list");
      body.textContent = "";
      junk.textContent = "";
      var real = groups.filter(function (g) { return !g.junk; });
      var folded = groups.filter(function (g) { return g.junk; });
      real.forEach(function (g) { body.appendChild(groupItem(g)); });
      if (!real.length) body.appendChild(el("li", "Nothing unanswered: every question found its answer."));
      folded.forEach(function (g) {
        var li = groupItem(g);
        li.insertBefore(el("p", g.junk), li.firstChild).className = "small junk-kind";
        junk.appendChild(li);
      });
      var hidden = folded.reduce(function (n, g) { return n + g.count; }, 0);
      $("junk").hidden = !folded.length;
      $("junk-summary").textContent = hidden + (hidden === 1 ? " message" : " messages") + " folded away as junk (" +
        folded.map(function (g) { return g.junk + ": " + g.count; }).join(", ") + ")";
    });
    api("GET", "/api/knowledge/unhelpful").then(function (items) {
      var body = $("unhelpful");
      body.textContent = "";
      items.forEach(function (r) {
        var tr = row(["", r.sections.join(", "), r.index_version, ago(r.rated_at)]);
        tr.firstChild.appendChild(clamped("span", r.question));
        body.appendChild(tr);
      });
    });
  }
  // Grounding: per file, each sentence with its status, score and supporting source sentence.
  function showGrounding(g) {
    $("grounding-summary").textContent = g.sentences + " sentences against " + (g.sources.join(", ") || "no source") + ": " +
      g.supported + " supported, " + g.general + " marked general, " + g.not_found + " not found in the source (threshold " + g.threshold + ").";
    var list = $("grounding-problems");
    list.textContent = "";
    g.problems.forEach(function (p) { list.appendChild(el("li", p.path + ":" + p.line + ": " + p.message)); });
    var files = $("grounding-files");
    files.textContent = "";
    g.files.forEach(function (f) {
      var details = el("details");
      if (f.not_found) details.open = true;
      details.appendChild(el("summary", f.path + " (" + f.sentences.length + " sentences, " + f.not_found + " not found)"));
      var table = el("table");
      var head = el("tr");
      ["Line", "Sentence", "Status", "Score", "Supporting source sentence"].forEach(function (h) { var th = el("th", h); th.scope = "col"; head.appendChild(th); });
      var thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
      var body = el("tbody");
      f.sentences.forEach(function (s) {
        var status = s.status + (s.reasons.length ? ": " + s.reasons.join("; ") : "") + (s.note ? " (" + s.note + ")" : "");
        var support = s.support ? s.support.path + ":" + s.support.line + ": " + s.support.text : "";
        var tr = row([s.line, s.text, status, s.score.toFixed(3), support]);
        if (s.status === "not found") tr.className = "not-found";
        body.appendChild(tr);
      });
      table.appendChild(body);
      details.appendChild(table);
      files.appendChild(details);
    });
  }
  function refreshGrounding() {
    $("grounding-summary").textContent = "Checking every sentence against the source\u2026";
    api("GET", "/api/knowledge/grounding").then(showGrounding).catch(function (e) { $("grounding-summary").textContent = e.message; });
  }
  $("grounding-check").addEventListener("click", refreshGrounding);
  $("preview").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var url = "/api/knowledge/preview?q=" + encodeURIComponent($("question").value);
    $("after").value.split("\n").map(function (line) { return line.trim(); }).filter(Boolean).slice(0, 5)
      .forEach(function (line) { url += "&after=" + encodeURIComponent(line); });
    api("GET", url).then(function (p) {
      var why = "";
      if (p.context) {
        why += "  ·  in the context of: " + (p.context.section || p.context.doc || "no topic yet") +
          (p.context.listed && p.context.listed.length ? " (listed: " + p.context.listed.join(", ") + ")" : "");
      }
      if (p.uncovered !== null && p.uncovered !== undefined) {
        why += "  ·  uncovered: " + p.uncovered.toFixed(2) + " (refused from " + p.refuse_above_when_flagged.toFixed(2) +
          " when the dialogue also calls it out of scope" + (p.refuse_above < 1 ? ", from " + p.refuse_above.toFixed(2) + " always" : "") + ")";
      }
      if (p.follow_up !== null && p.follow_up !== undefined) {
        why += "  \u00b7  follow-up not answered by its section: " + p.follow_up.toFixed(2) +
          (p.follow_up_refuse_above !== null && p.follow_up_refuse_above !== undefined ? " (refused above " + p.follow_up_refuse_above.toFixed(2) + ")" : "");
      }
      if (p.spelling && p.spelling.length) {
        why += "  \u00b7  read as: " + p.spelling.map(function (w) { return w[0] + " \u2192 " + w[1]; }).join(", ");
      }
      if (p.unknown_words && p.unknown_words.length) {
        why += "  \u00b7  words nothing in the knowledge uses: " + p.unknown_words.join(", ") +
          " (refused from " + p.refuse_above_with_unknown_word.toFixed(2) + " uncovered)";
      }
      var best = p.ranked.length ? p.ranked[0].score : 0;
      var score = "  \u00b7  best score " + best.toFixed(2) + " (answers from " + p.answer_threshold.toFixed(2) + ")";
      if (p.decision === "fallback") {
        var refuseAt = p.unknown_words && p.unknown_words.length ? Math.min(p.refuse_above, p.refuse_above_with_unknown_word) : p.refuse_above;
        if (best < p.weak_match_below) { refuseAt = Math.min(refuseAt, p.refuse_above_when_weak); }
        var uncovered = p.uncovered !== null && p.uncovered !== undefined && p.uncovered >= refuseAt;
        var tie = p.ranked.length > 1 && p.uncovered !== null && p.uncovered !== undefined &&
          p.uncovered >= p.clarify_refuse_above && best - p.ranked[1].score <= 0.01;
        var followUp = p.follow_up !== null && p.follow_up !== undefined && p.follow_up_refuse_above !== null &&
          p.follow_up_refuse_above !== undefined && p.follow_up > p.follow_up_refuse_above;
        score += "  \u00b7  refused: " + (followUp ? "a follow-up the topic's section does not answer (the follow-up model)" : p.not_covered_match ? "worded like \u201c" + p.not_covered_match +
          "\u201d, a question known not to be covered (knowledge/not-covered.md or the dialogue tier's out-of-scope examples)" :
          uncovered ? (best < p.weak_match_below ? "a weak match to a question that looks uncovered" : "the knowledge does not cover this question") :
          best < p.answer_threshold ? "no section scores high enough" :
          tie ? "two topics tie on a question that looks uncovered" : "the section found does not state what is asked");
      }
      $("decision").textContent = "Decision: " + p.decision + score + why;
      var answer = $("answer");
      answer.textContent = "";
      p.answer.forEach(function (a) {
        answer.appendChild(el("h3", a.title + " — " + a.heading + " (" + a.path + ")"));
        answer.appendChild(el("p", a.text));
      });
      var ranked = $("ranked");
      ranked.textContent = "";
      p.ranked.forEach(function (r) {
        var line = r.score.toFixed(3) + "  " + r.path + " — " + r.heading;
        if (r.matched_example) line += "   (matched the example question: \u201c" + r.matched_example + "\u201d)";
        ranked.appendChild(el("li", line));
      });
    }).catch(function (e) { $("decision").textContent = e.message; });
  });
  $("reload").addEventListener("click", function () { api("POST", "/api/knowledge/reload").then(showStatus).then(refreshGrounding); });
  $("logout").addEventListener("click", function () { api("POST", "/api/staff/logout").catch(function () {}).then(function () { window.location.href = "/staff/login"; }); });
  api("GET", "/api/staff/me").then(function (m) { csrf = m.csrf_token; $("who").textContent = "Signed in as " + m.username; refreshStatus(); refreshReports(); refreshGrounding(); setInterval(refreshReports, 60000); previewFromLink(); });
  // The status changes when files do: asked again when the writer comes back to the tab, not every 5 s.
  document.addEventListener("visibilitychange", function () { if (!document.hidden && csrf) { refreshStatus(); refreshReports(); } });
  // /writers?q=...: the insights dashboard links a rated section here, previewed at once.
  function previewFromLink() {
    var q = new URLSearchParams(window.location.search).get("q");
    if (!q) return;
    $("question").value = q.slice(0, 2000);
    $("preview").requestSubmit();
    $("preview-title").scrollIntoView();
  }
})();
