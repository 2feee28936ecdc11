// Live journal: fetch the table's rows every few seconds and swap them in; a button pauses it.
// Without JavaScript the page still works: reload it (the link beside the button says so).
(function () {
  "use strict";
  var rows = document.querySelector("[data-live-rows]");
  var button = document.getElementById("live-toggle");
  var status = document.getElementById("live-status");
  if (!rows || !button || !status) { return; }
  var url = rows.getAttribute("data-live-rows");
  var interval = parseInt(rows.getAttribute("data-interval") || "2000", 10);
  var paused = false;
  var timer = null;

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, interval);
  }

  function refresh() {
    if (paused) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (answer) {
        if (!answer.ok) { throw new Error("HTTP " + answer.status); }
        return answer.text();
      })
      .then(function (html) {
        if (paused) { return; }
        rows.innerHTML = html;
        status.textContent = "Auto-refresh on · updated " + new Date().toLocaleTimeString();
      })
      .catch(function (problem) { status.textContent = "Auto-refresh failed: " + problem.message; })
      .then(function () { if (!paused) { schedule(); } });
  }

  button.hidden = false;
  status.textContent = "Auto-refresh on";
  button.addEventListener("click", function () {
    paused = !paused;
    button.setAttribute("aria-pressed", paused ? "true" : "false");
    button.textContent = paused ? "Resume auto-refresh" : "Pause auto-refresh";
    if (paused) {
      window.clearTimeout(timer);
      status.textContent = "Auto-refresh paused";
    } else {
      status.textContent = "Auto-refresh on";
      refresh();
    }
  });
  schedule();
}());
