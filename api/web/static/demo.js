// The demo page's sign-in box: hands a pasted candidate token to the widget for this tab.
(function () {
  "use strict";
  var KEY = "ca-demo-token";
  var input = document.getElementById("token");
  var state = document.getElementById("token-state");
  function apply(value) {
    if (window.CandidateAssistant) window.CandidateAssistant.setToken(value || null);
  }
  input.value = sessionStorage.getItem(KEY) || "";
  window.addEventListener("load", function () { apply(input.value.trim()); });
  document.getElementById("save-token").addEventListener("click", function () {
    var value = input.value.trim();
    if (value) { sessionStorage.setItem(KEY, value); } else { sessionStorage.removeItem(KEY); }
    apply(value);
    state.textContent = value ? "Signed in for this tab." : "Signed out.";
  });
})();
