/* A partner's session ends after a while without a page (the server enforces it: see
   intake/door.py). This warns before it does, and "Stay on this page" starts the time again.
   No inline script (CSP); without JavaScript the server still ends the session. */
(function () {
  "use strict";
  var script = document.querySelector("script[data-partner-idle]");
  if (!script) return;
  var idle = parseInt(script.getAttribute("data-idle-seconds"), 10) * 1000;
  var warnBefore = parseInt(script.getAttribute("data-warning-seconds"), 10) * 1000;
  var aliveUrl = script.getAttribute("data-alive-url");
  var endedUrl = script.getAttribute("data-ended-url");
  var exitUrl = script.getAttribute("data-exit-url");
  if (!(idle > 0)) return;
  warnBefore = Math.min(warnBefore, Math.floor(idle / 2));

  var box = document.createElement("div");
  box.className = "idle-warning";
  box.setAttribute("role", "alertdialog");
  box.setAttribute("aria-labelledby", "idle-warning-title");
  box.setAttribute("aria-describedby", "idle-warning-text");
  box.setAttribute("data-idle-warning", "");
  box.hidden = true;
  var title = document.createElement("h2");
  title.id = "idle-warning-title";
  title.className = "h5";
  title.textContent = "Are you still there?";
  var text = document.createElement("p");
  text.id = "idle-warning-text";
  var button = document.createElement("button");
  button.type = "button";
  button.className = "btn btn-primary";
  button.textContent = "Stay on this page";
  box.appendChild(title);
  box.appendChild(text);
  box.appendChild(button);
  (document.querySelector("main") || document.body).appendChild(box);

  var warnTimer, endTimer, deadline, countdown;

  function minutesLeft() {
    var seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    if (seconds >= 60) {
      var minutes = Math.round(seconds / 60);
      return minutes + " minute" + (minutes === 1 ? "" : "s");
    }
    return seconds + " second" + (seconds === 1 ? "" : "s");
  }

  function showWarning() {
    text.textContent = "For your privacy, this page closes in " + minutesLeft() +
      " unless you stay. What you typed is saved first.";
    box.hidden = false;
    button.focus();
    countdown = window.setInterval(function () {
      text.textContent = "For your privacy, this page closes in " + minutesLeft() +
        " unless you stay. What you typed is saved first.";
    }, 15000);
  }

  function leave() {
    // End the session on the server too (as "Exit this page" does), then show the page that
    // says to open the link again.
    fetch(exitUrl, { credentials: "same-origin", redirect: "manual", cache: "no-store" })
      .then(go, go);
  }

  function go() { window.location.replace(endedUrl); }

  function end() {
    // What was typed on this step since the last button press is saved first.
    var form = document.querySelector("form[data-step-form]");
    if (!form) { leave(); return; }
    fetch(form.action || window.location.href, {
      method: "POST", body: new FormData(form), credentials: "same-origin", redirect: "manual"
    }).then(leave, leave);
  }

  function start() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    window.clearInterval(countdown);
    box.hidden = true;
    deadline = Date.now() + idle;
    warnTimer = window.setTimeout(showWarning, idle - warnBefore);
    endTimer = window.setTimeout(end, idle - 2000);  // the server ends it at `idle`
  }

  button.addEventListener("click", function () {
    fetch(aliveUrl, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (response.status === 204) start(); else end();
    }, function () { start(); });
  });
  start();
})();
