(function () {
  "use strict";
  document.getElementById("login").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var error = document.getElementById("error");
    error.textContent = "";
    fetch("/api/staff/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: document.getElementById("username").value, password: document.getElementById("password").value })
    }).then(function (r) {
      if (r.ok) { return r.json().then(function (me) { window.location.href = me.role === "writer" ? "/writers" : "/staff"; }); }
      return r.json().then(function (b) { error.textContent = b.detail || "Sign-in failed."; });
    }).catch(function () { error.textContent = "The service is unavailable."; });
  });
})();
