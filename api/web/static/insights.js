// The insights dashboard over /api/insights (staff and writers). Charts by Chart.js (served by the
// app, /static/vendor/chartjs); every chart's numbers are also in a table. Texts go in with textContent only.
(function () {
  "use strict";
  var csrf = "";
  var charts = {};
  var $ = function (id) { return document.getElementById(id); };
  // Colours with enough contrast on white, told apart by more than hue (dashes, the legend, the tables).
  var BLUE = "#0b5394", ORANGE = "#b45309", GREEN = "#1d7a3a", RED = "#a4262c", GREY = "#5f6b7a";
  var KIND_COLOURS = { answer: GREEN, clarify: BLUE, fallback: ORANGE, chitchat: GREY, verify: "#6b4c9a", status: "#0f766e", handoff: RED, error: "#7f1d1d" };

  function api(method, path) {
    return fetch(path, { method: method, headers: { "X-CSRF-Token": csrf }, credentials: "same-origin" }).then(function (r) {
      if (r.status === 401) { window.location.href = "/staff/login"; throw new Error("signed out"); }
      return r.json().then(function (b) { if (!r.ok) throw new Error(b.detail || "Request failed"); return b; });
    });
  }
  function el(tag, text) { var e = document.createElement(tag); if (text !== undefined) e.textContent = text; return e; }
  function pct(x) { return x === null || x === undefined ? "–" : (x * 100).toFixed(1) + "%"; }
  function duration(s) {
    if (s === null || s === undefined) return "–";
    if (s < 120) return Math.round(s) + " s";
    if (s < 7200) return (s / 60).toFixed(1) + " min";
    return (s / 3600).toFixed(1) + " h";
  }
  function table(id, header, rows, caption) {
    var t = $(id);
    t.textContent = "";
    if (caption) t.appendChild(el("caption", caption));
    var head = el("tr");
    header.forEach(function (h) { var th = el("th", h); th.scope = "col"; head.appendChild(th); });
    var thead = el("thead"); thead.appendChild(head); t.appendChild(thead);
    var body = el("tbody");
    rows.forEach(function (cells) {
      var tr = el("tr");
      cells.forEach(function (c) {
        var td = el("td");
        if (c instanceof Node) td.appendChild(c); else td.textContent = String(c);
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    if (!rows.length) { var tr = el("tr"); var td = el("td", "Nothing in this period."); td.colSpan = header.length; tr.appendChild(td); body.appendChild(tr); }
    t.appendChild(body);
  }
  function draw(id, config) {
    if (charts[id]) charts[id].destroy();
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    charts[id] = new window.Chart($(id), config);
  }

  function query() {
    var q = "period=" + encodeURIComponent($("period").value);
    if ($("period").value === "custom") q += "&start=" + encodeURIComponent($("start").value) + "&end=" + encodeURIComponent($("end").value);
    if ($("bucket").value) q += "&bucket=" + encodeURIComponent($("bucket").value);
    return q;
  }

  function summary(d) {
    var h = d.handoffs;
    var items = [
      ["Conversations", String(h.conversations)],
      ["Candidate messages", String(d.timeline.reduce(function (a, p) { return a + p.messages; }, 0))],
      ["Containment", pct(h.containment)],
      ["Hand-off rate", pct(h.handoff_rate)],
      ["Hand-offs", String(h.handoffs)],
      ["First staff reply, median", duration(h.first_reply_median_seconds)],
      ["First staff reply, 90th percentile", duration(h.first_reply_p90_seconds)],
      ["Hand-offs outside staff hours", String(h.outside_staff_hours)]
    ];
    var dl = $("summary");
    dl.textContent = "";
    items.forEach(function (i) { var div = el("div"); div.appendChild(el("dt", i[0])); div.appendChild(el("dd", i[1])); dl.appendChild(div); });
    $("staff-hours").textContent = "Staff hours: " + h.staff_hours + ". Containment: the share of conversations started in the period that never needed a person.";
  }

  function show(d, q) {
    $("period-label").textContent = d.period.start.slice(0, 10) + " to " + d.period.end.slice(0, 10) + " (end excluded), " +
      (d.period.bucket === "hour" ? "hourly" : "daily") + ", UTC";
    summary(d);
    var labels = d.timeline.map(function (p) { return p.bucket; });
    draw("volume-chart", {
      type: "line",
      data: { labels: labels, datasets: [
        { label: "Conversations", data: d.timeline.map(function (p) { return p.conversations; }), borderColor: BLUE, backgroundColor: BLUE },
        { label: "Candidate messages", data: d.timeline.map(function (p) { return p.messages; }), borderColor: ORANGE, backgroundColor: ORANGE, borderDash: [6, 4] }
      ] },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
    table("volume-table", ["Bucket (UTC)", "Conversations", "Candidate messages", "Handed to a person"],
      d.timeline.map(function (p) { return [p.bucket, p.conversations, p.messages, p.handed_off]; }));

    draw("kinds-chart", {
      type: "bar",
      data: { labels: d.replies.map(function (r) { return r.label; }), datasets: [
        { label: "Share of replies (%)", data: d.replies.map(function (r) { return +(r.share * 100).toFixed(1); }),
          backgroundColor: d.replies.map(function (r) { return KIND_COLOURS[r.kind] || GREY; }) }
      ] },
      options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, max: 100 } } }
    });
    table("kinds-table", ["Kind", "Replies", "Share"], d.replies.map(function (r) { return [r.label, r.count, pct(r.share)]; }));

    draw("containment-chart", {
      type: "line",
      data: { labels: labels, datasets: [
        { label: "Containment (%)", data: d.timeline.map(function (p) { return p.containment === null ? null : +(p.containment * 100).toFixed(1); }),
          borderColor: GREEN, backgroundColor: GREEN, spanGaps: true }
      ] },
      options: { scales: { y: { beginAtZero: true, max: 100 } } }
    });
    table("containment-table", ["Bucket (UTC)", "Conversations", "Handed to a person", "Containment"],
      d.timeline.map(function (p) { return [p.bucket, p.conversations, p.handed_off, pct(p.containment)]; }));

    var worst = d.sections.slice(0, 10);
    draw("sections-chart", {
      type: "bar",
      data: { labels: worst.map(function (s) { return s.section.split("#").pop(); }), datasets: [
        { label: "Unhelpful", data: worst.map(function (s) { return s.down; }), backgroundColor: RED },
        { label: "Helpful", data: worst.map(function (s) { return s.up; }), backgroundColor: GREEN }
      ] },
      options: { indexAxis: "y", scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } } }
    });
    table("sections-table", ["Section", "Unhelpful", "Helpful", "Unhelpful share", "Preview"], d.sections.map(function (s) {
      var a = el("a", "Preview on the writers' page");
      a.href = s.preview;
      a.setAttribute("aria-label", "Preview " + s.section + " on the writers' page");
      return [s.section, s.down, s.up, pct(s.down_share), a];
    }), "Rated sections in this period, the worst-rated first");

    document.querySelectorAll("a.csv").forEach(function (a) { a.href = "/api/insights/" + a.getAttribute("data-chart") + ".csv?" + q; });
  }

  function showUnanswered(groups) {
    var top = groups;
    draw("unanswered-chart", {
      type: "bar",
      data: { labels: top.map(function (g) { return g.example.length > 40 ? g.example.slice(0, 39) + "…" : g.example; }), datasets: [
        { label: "Times asked", data: top.map(function (g) { return g.count; }), backgroundColor: ORANGE }
      ] },
      options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
    table("unanswered-table", ["Question (example)", "Times asked", "Last seen"], top.map(function (g) { return [g.example, g.count, g.last_seen || ""]; }));
  }

  var latest = 0;
  function load() {
    $("error").textContent = "";
    $("error").hidden = true;
    // Only the newest request is shown: an earlier period's answer arriving late is dropped.
    var mine = ++latest, q = query();
    api("GET", "/api/insights?" + q).then(function (d) { if (mine === latest) show(d, q); })
      .catch(function (e) { if (mine === latest) { $("error").textContent = e.message; $("error").hidden = false; } });
    api("GET", "/api/insights/unanswered").then(showUnanswered).catch(function () {});
  }

  $("period").addEventListener("change", function () { $("custom-dates").hidden = $("period").value !== "custom"; });
  $("period-form").addEventListener("submit", function (ev) { ev.preventDefault(); load(); });
  $("logout").addEventListener("click", function () { api("POST", "/api/staff/logout").catch(function () {}).then(function () { window.location.href = "/staff/login"; }); });
  var today = new Date().toISOString().slice(0, 10);
  $("start").value = today; $("end").value = today;
  api("GET", "/api/staff/me").then(function (m) { csrf = m.csrf_token; $("who").textContent = "Signed in as " + m.username; load(); });
})();
