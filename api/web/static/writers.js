// Writers' page over /api/knowledge/*. Texts are inserted with textContent only.
(function () {
  "use strict";
  var csrf = "";
  var $ = function (id) { return document.getElementById(id); };
  function api(method, path) {
    return fetch(path, { method: method, headers: { "X-CSRF-Token": csrf }, credentials: "same-origin" }).then(function (r) {
      if (r.status === 401) { window.location.href = "/staff/login"; throw new Error("signed out"); }
      return r.json().then(function (b) { if (!r.ok) throw new Error(b.detail || "Request failed"); return b; });
    });
  }
  function el(tag, text) { var e = document.createElement(tag); if (text !== undefined) e.textContent = text; return e; }
  function row(cells) { var tr = el("tr"); cells.forEach(function (c) { tr.appendChild(el("td", String(c))); }); return tr; }

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
      var body = $("unanswered");
      body.textContent = "";
      groups.forEach(function (g) { body.appendChild(row([g.example, g.count, g.last_seen || "", g.questions.slice(1).join(" | ")])); });
    });
    api("GET", "/api/knowledge/unhelpful").then(function (items) {
      var body = $("unhelpful");
      body.textContent = "";
      items.forEach(function (r) { body.appendChild(row([r.question, r.sections.join(", "), r.index_version, r.rated_at])); });
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
        why = "  ·  uncovered: " + p.uncovered.toFixed(2) + " (refused from " + p.refuse_above_when_flagged.toFixed(2) +
          " when the dialogue also calls it out of scope" + (p.refuse_above < 1 ? ", from " + p.refuse_above.toFixed(2) + " always" : "") + ")";
      }
      $("decision").textContent = "Decision: " + p.decision + "  ·  answer threshold " + p.answer_threshold.toFixed(2) + why;
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
  api("GET", "/api/staff/me").then(function (m) { csrf = m.csrf_token; $("who").textContent = "Signed in as " + m.username; refreshStatus(); refreshReports(); refreshGrounding(); setInterval(refreshStatus, 5000); setInterval(refreshReports, 60000); previewFromLink(); });
  // /writers?q=...: the insights dashboard links a rated section here, previewed at once.
  function previewFromLink() {
    var q = new URLSearchParams(window.location.search).get("q");
    if (!q) return;
    $("question").value = q.slice(0, 2000);
    $("preview").requestSubmit();
    $("preview-title").scrollIntoView();
  }
})();
