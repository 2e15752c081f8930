/* Progressive enhancement only: every page works without this file. No inline scripts (CSP). */
(function () {
  "use strict";

  // ---- conditions: show a question only when its condition holds ----------------------
  function readJSON(id) {
    var el = document.getElementById(id);
    if (!el) return {};
    try { return JSON.parse(el.textContent); } catch (e) { return {}; }
  }

  var form = document.querySelector("form[data-step-form]");
  var prefix = form ? form.getAttribute("data-prefix") + "-" : "";

  function valueOf(qid) {
    if (!form) return null;
    var inputs = form.querySelectorAll('[name="' + prefix + qid + '"]');
    if (!inputs.length) return null;
    var first = inputs[0];
    if (first.type === "radio") {
      for (var i = 0; i < inputs.length; i++) if (inputs[i].checked) return coerce(inputs[i].value);
      return null;
    }
    if (first.type === "checkbox" && inputs.length === 1 && first.value === "on") return first.checked;
    if (first.type === "checkbox") {
      var out = [];
      for (var j = 0; j < inputs.length; j++) if (inputs[j].checked) out.push(inputs[j].value);
      return out;
    }
    return first.value === "" ? null : coerce(first.value);
  }

  function coerce(v) {
    if (v === "yes") return true;
    if (v === "no") return false;
    if (/^-?\d+$/.test(v)) return parseInt(v, 10);
    return v;
  }

  function holds(cond) {
    if (!cond) return true;
    if (cond.eq) return valueOf(cond.eq[0]) === cond.eq[1];
    if (cond["in"]) {
      var v = valueOf(cond["in"][0]);
      var opts = cond["in"][1];
      if (Array.isArray(v)) return v.some(function (x) { return opts.indexOf(x) >= 0; });
      return opts.indexOf(v) >= 0;
    }
    if (cond.gte) { var n = valueOf(cond.gte[0]); return typeof n === "number" && n >= cond.gte[1]; }
    if (cond.answered) { var a = valueOf(cond.answered); return a !== null && a !== "" && !(Array.isArray(a) && !a.length); }
    if (cond.any) return cond.any.some(holds);
    if (cond.not) return !holds(cond.not);
    return true;
  }

  if (form) {
    var conditions = readJSON("step-conditions");
    var alerts = readJSON("step-alerts");
    var panel = document.querySelector("[data-crisis-panel]");
    var js = document.createElement("input");
    js.type = "hidden"; js.name = "js"; js.value = "1";
    form.appendChild(js);

    var update = function (event) {
      Object.keys(conditions).forEach(function (qid) {
        var box = form.querySelector('[data-question="' + qid + '"]');
        if (box) box.hidden = !holds(conditions[qid]);
      });
      if (panel) {
        var raised = Object.keys(alerts).some(function (qid) {
          var box = form.querySelector('[data-question="' + qid + '"]');
          return (!box || !box.hidden) && holds(alerts[qid]);
        });
        var wasHidden = panel.hidden;
        if (raised) panel.hidden = false;
        if (raised && wasHidden && event) {
          var live = document.querySelector("[data-crisis-live]");
          if (live) live.textContent = "Support contacts are shown at the top of this page.";
        }
      }
    };
    // The "only if it applies" notes are for pages without JavaScript.
    form.querySelectorAll("[data-when-note]").forEach(function (note) { note.hidden = true; });
    form.addEventListener("change", update);
    update(null);
  }

  // ---- error summary gets focus so it is announced -------------------------------------
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();

  // ---- "Exit this page": a button, or Shift pressed 3 times within 5 seconds -------------
  var exit = document.querySelector("[data-exit-link]");
  if (exit) {
    var overlay = document.querySelector("[data-exit-overlay]");
    var dots = document.querySelector("[data-exit-dots]");
    var status = document.querySelector("[data-exit-status]");
    var go = function () {
      if (overlay) overlay.hidden = false;
      document.body.classList.add("exiting");
      window.location.replace(exit.href);
    };
    exit.addEventListener("click", function (e) { e.preventDefault(); go(); });
    var presses = 0, timer = null;
    document.addEventListener("keydown", function (e) {
      if (e.key !== "Shift" || e.repeat) return;
      presses += 1;
      if (dots) dots.textContent = "•".repeat(presses);
      if (status) status.textContent = "Shift key pressed " + presses + " of 3 times.";
      clearTimeout(timer);
      timer = setTimeout(function () { presses = 0; if (dots) dots.textContent = ""; }, 5000);
      if (presses >= 3) go();
    });
  }
})();
