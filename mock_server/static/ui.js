// Live parts: every element with data-live-src is re-fetched every few seconds (an HTML fragment the
// server renders) and swapped in when it changed. One switch per page pauses and resumes them all; the
// badge says "Live" or "Paused". Without JavaScript the pages still work: reload them.
(function () {
  "use strict";
  var parts = Array.prototype.slice.call(document.querySelectorAll("[data-live-src]"));
  var button = document.getElementById("live-toggle");
  var badge = document.getElementById("live-badge");
  var status = document.getElementById("live-status");
  if (!parts.length || !button || !badge || !status) { return; }
  var interval = parseInt(parts[0].getAttribute("data-interval") || "2000", 10);
  var paused = false;
  var timer = null;

  function show(live, text) {
    badge.textContent = live ? "Live" : "Paused";
    badge.className = "badge " + (live ? "live" : "off");
    status.textContent = text;
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, interval);
  }

  function fetchPart(part) {
    return fetch(part.getAttribute("data-live-src"), { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (answer) {
        if (!answer.ok) { throw new Error("HTTP " + answer.status); }
        return answer.text();
      })
      .then(function (html) {
        if (paused || part.getAttribute("data-live-html") === html) { return; }
        part.setAttribute("data-live-html", html);
        part.innerHTML = html;
      });
  }

  function refresh() {
    if (paused) { return; }
    Promise.all(parts.map(fetchPart))
      .then(function () { if (!paused) { show(true, "Updated " + new Date().toLocaleTimeString()); } })
      .catch(function (problem) { show(true, "Update failed: " + problem.message + " (retrying)"); })
      .then(function () { if (!paused) { schedule(); } });
  }

  button.hidden = false;
  show(true, "Updates every " + interval / 1000 + " s");
  button.addEventListener("click", function () {
    paused = !paused;
    button.setAttribute("aria-pressed", paused ? "true" : "false");
    button.textContent = paused ? "Resume live updates" : "Pause live updates";
    if (paused) {
      window.clearTimeout(timer);
      show(false, "Live updates paused");
    } else {
      show(true, "Live updates resumed");
      refresh();
    }
  });
  schedule();
}());
