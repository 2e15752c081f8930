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
    if (!inputs.length) {
      // Several boxes for one answer (day, month, year; a number and its unit): answered
      // once something is typed in one of its boxes (a unit chosen alone is no answer).
      var typed = Array.prototype.filter.call(
        form.querySelectorAll('[name^="' + prefix + qid + '_"]'),
        function (el) { return /_\d+$/.test(el.name.slice((prefix + qid).length)) && el.tagName !== "SELECT" && el.value !== ""; }
      );
      return typed.length ? typed.map(function (el) { return el.value; }).join(" ") : null;
    }
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

    // The crisis panel goes right under the answer that raised it. The question stays where
    // it is on the screen: moving the panel from above it is made up for by scrolling, and
    // the page scrolls down only as far as the panel's first contact (the emergency number),
    // never so far that the question's top leaves the screen.
    var topBar = function () {
      var bar = document.querySelector("[data-exit-this-page]");
      return bar ? bar.getBoundingClientRect().bottom : 0;
    };
    var showPanelUnder = function (box) {
      if (box.nextElementSibling !== panel) {
        var before = box.getBoundingClientRect().top;
        box.parentNode.insertBefore(panel, box.nextSibling);
        var moved = box.getBoundingClientRect().top - before;
        if (moved) window.scrollBy(0, moved);
      }
      var wasHidden = panel.hidden;
      panel.hidden = false;
      var first = panel.querySelector(".crisis-list li") || panel;
      var overflow = first.getBoundingClientRect().bottom + 16 - window.innerHeight;
      var room = box.getBoundingClientRect().top - topBar() - 8;
      if (overflow > 0) window.scrollBy(0, Math.min(overflow, Math.max(room, 0)));
      return wasHidden;
    };

    var update = function (event) {
      Object.keys(conditions).forEach(function (qid) {
        var box = form.querySelector('[data-question="' + qid + '"]');
        if (box) box.hidden = !holds(conditions[qid]);
      });
      if (panel) {
        // The answer just given, if it raises the panel; else the first one that does.
        var changed = event && event.target && event.target.closest
          ? event.target.closest("[data-question]") : null;
        var raisedBy = null;
        Object.keys(alerts).forEach(function (qid) {
          var box = form.querySelector('[data-question="' + qid + '"]');
          var on = box && !box.hidden && holds(alerts[qid]);
          if (on && (!raisedBy || box === changed)) raisedBy = box;
        });
        // Shown by an answer just given: under it. Once shown, the contacts stay.
        if (raisedBy && event && (panel.hidden || raisedBy === changed)) {
          if (showPanelUnder(raisedBy)) {
            var live = document.querySelector("[data-crisis-live]");
            if (live) live.textContent = "Support contacts are shown below your answer.";
          }
        }
      }
    };
    // "Not answered yet" (a step left unfinished) goes as soon as the question is answered.
    var marks = form.querySelectorAll("[data-not-answered]");
    var updateMarks = function () {
      marks.forEach(function (mark) {
        var box = mark.closest("[data-question]");
        var v = box ? valueOf(box.getAttribute("data-question")) : null;
        // A single box to tick ("I confirm…") is answered only when ticked.
        var single = box && box.querySelectorAll('input[type="checkbox"]').length === 1;
        // A checklist is answered with any of its boxes ticked ("None of these" too).
        if (box && box.hasAttribute("data-checklist")) {
          mark.hidden = !!box.querySelector("[data-checklist-box]:checked, [data-checklist-none]:checked");
          return;
        }
        mark.hidden = single ? v === true : v !== null && v !== "" && !(Array.isArray(v) && !v.length);
      });
    };
    if (marks.length) form.addEventListener("change", updateMarks);
    // The "only if it applies" notes are for pages without JavaScript.
    form.querySelectorAll("[data-when-note]").forEach(function (note) { note.hidden = true; });
    // A checklist: "None of these" clears its boxes, and a box ticked clears "None of these".
    form.addEventListener("change", function (event) {
      var target = event.target;
      var list = target.closest ? target.closest("[data-checklist]") : null;
      if (!list || !target.checked) return;
      if (target.hasAttribute("data-checklist-none")) {
        list.querySelectorAll("[data-checklist-box]").forEach(function (box) { box.checked = false; });
      } else if (target.hasAttribute("data-checklist-box")) {
        list.querySelectorAll("[data-checklist-none]").forEach(function (none) { none.checked = false; });
      }
    });
    form.addEventListener("change", update);
    update(null);

    // Medicines: one empty card shows; "Add another medicine" shows the next. Without
    // JavaScript every row is there, and "Save and add more rows" gives more.
    var medRows = Array.prototype.slice.call(form.querySelectorAll("[data-med-row]"));
    var medAdd = form.querySelector("[data-med-add]");
    if (medRows.length && medAdd) {
      var isEmpty = function (row) {
        return Array.prototype.every.call(row.querySelectorAll("input"), function (el) { return el.value === ""; });
      };
      var shownEmpty = false;
      medRows.forEach(function (row) {
        if (!isEmpty(row)) return;
        if (shownEmpty) row.hidden = true;
        shownEmpty = true;
      });
      var medMore = form.querySelector("[data-med-more]");
      var refresh = function () {
        medAdd.hidden = !medRows.some(function (row) { return row.hidden; });
        if (medMore) medMore.hidden = !medAdd.hidden;  // more rows from the server: at the end
      };
      medAdd.addEventListener("click", function () {
        var next = medRows.filter(function (row) { return row.hidden; })[0];
        if (next) {
          next.hidden = false;
          next.querySelector("input").focus();
        }
        refresh();
      });
      refresh();
    }
  }

  // ---- what was typed on a step survives a save that failed -------------------------------
  // On "Save and continue" (or Back) the step's values are kept in this tab's sessionStorage,
  // under this partner's own step address. If the save fails (the page was open too long, the
  // server is down) and the partner comes back to the step, what they typed is put back. Any
  // other page that loads (the next step, after a save that worked) clears it, and so does
  // "Exit this page". sessionStorage belongs to this tab alone and goes when it is closed.
  var DRAFT = "tandem-step:";
  var draftKey = form ? DRAFT + window.location.pathname : null;
  var clearDrafts = function (keep) {
    try {
      for (var k = window.sessionStorage.length - 1; k >= 0; k--) {
        var name = window.sessionStorage.key(k);
        if (name && name.indexOf(DRAFT) === 0 && name !== keep) window.sessionStorage.removeItem(name);
      }
    } catch (e) { /* storage unavailable: nothing kept */ }
  };
  clearDrafts(draftKey);
  if (form) {
    var ownField = function (el) {
      return el.name && el.name.indexOf(prefix) === 0 && el.type !== "hidden" && el.type !== "submit";
    };
    form.addEventListener("submit", function () {
      var values = [];
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!ownField(el)) return;
        if (el.type === "radio" || el.type === "checkbox") {
          if (el.checked) values.push([el.name, el.value]);
        } else {
          values.push([el.name, el.value]);
        }
      });
      try { window.sessionStorage.setItem(draftKey, JSON.stringify(values)); } catch (e) { /* full */ }
    });
    var kept = null;
    try { kept = JSON.parse(window.sessionStorage.getItem(draftKey) || "null"); } catch (e) { kept = null; }
    if (Array.isArray(kept)) {
      var chosen = {};
      kept.forEach(function (pair) { (chosen[pair[0]] = chosen[pair[0]] || []).push(pair[1]); });
      var changed = false;
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!ownField(el)) return;
        var wanted = chosen[el.name] || [];
        if (el.type === "radio" || el.type === "checkbox") {
          var on = wanted.indexOf(el.value) >= 0;
          if (el.checked !== on) { el.checked = on; changed = true; }
        } else if (el.value !== (wanted[0] || "")) {
          el.value = wanted[0] || "";
          changed = true;
        }
      });
      if (changed) {
        var note = document.createElement("p");
        note.className = "alert alert-info";
        note.setAttribute("role", "status");
        note.setAttribute("data-restored", "");
        note.textContent = "What you typed on this page before it could be saved has been put back. Please check it and send it again.";
        form.insertBefore(note, form.firstChild);
        form.dispatchEvent(new Event("change"));
      }
    }
  }

  // ---- error summary gets focus so it is announced; each link goes to its field with the
  // field's question in view (a plain #link would put the field at the very top, under its
  // question's wording) -----------------------------------------------------------------
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (e) {
      var link = e.target.closest ? e.target.closest('a[href^="#"]') : null;
      var field = link ? document.getElementById(link.getAttribute("href").slice(1)) : null;
      if (!field) return;
      e.preventDefault();
      (field.closest("[data-question]") || field).scrollIntoView({ block: "start" });
      field.focus({ preventScroll: true });
    });
  }

  // ---- "Exit this page": a button, or Shift pressed 3 times within 5 seconds -------------
  // What was typed on a step is sent first (a keepalive request, as a save of the step that
  // stays unfinished), so an answer that raised the crisis panel still reaches the clinic;
  // then the page is replaced in the history by the neutral site. The page is covered at
  // once; the neutral site comes when the save is answered, or after 1.5 seconds at most.
  var exit = document.querySelector("[data-exit-link]");
  if (exit) {
    var overlay = document.querySelector("[data-exit-overlay]");
    var dots = document.querySelector("[data-exit-dots]");
    var status = document.querySelector("[data-exit-status]");
    var hint = document.querySelector("[data-exit-hint]");
    // The Shift hint only where there is a keyboard and a mouse (not on a touch screen).
    if (hint && window.matchMedia && window.matchMedia("(hover: hover) and (pointer: fine)").matches) {
      hint.hidden = false;
    }
    var saveBeforeExit = function () {
      if (!form || !window.fetch || !window.FormData) return null;
      try {
        var data = new FormData(form);
        data.set("wizard_exit", "1");
        data.set("js", "1");
        return window.fetch(form.action || window.location.href, {
          method: "POST", body: data, keepalive: true, credentials: "same-origin",
          redirect: "manual", headers: { "X-Requested-With": "exit-this-page" }
        });
      } catch (e) {
        return null;
      }
    };
    var leaving = false;
    var go = function () {
      if (leaving) return;
      leaving = true;
      clearDrafts(null);
      if (overlay) overlay.hidden = false;
      document.body.classList.add("exiting");
      var left = false;
      var leave = function () {
        if (left) return;
        left = true;
        window.location.replace(exit.href);
      };
      var saving = saveBeforeExit();
      if (!saving) { leave(); return; }
      saving.then(leave, leave);
      setTimeout(leave, 1500);
    };
    exit.addEventListener("click", function (e) { e.preventDefault(); go(); });
    // Only Shift pressed on its own counts: Shift+Tab (moving back through the questions) or
    // a capital letter must never throw anyone out of the page, and any other key starts the
    // count again.
    var presses = 0, timer = null, shiftWasHeld = false;
    var reset = function () {
      presses = 0;
      clearTimeout(timer);
      timer = null;
      if (dots) dots.textContent = "";
    };
    document.addEventListener("keyup", function (e) {
      if (e.key === "Shift" && !shiftWasHeld) {
        presses += 1;
        if (dots) dots.textContent = "•".repeat(presses);
        if (status) status.textContent = "Shift key pressed " + presses + " of 3 times.";
        clearTimeout(timer);
        timer = setTimeout(reset, 5000);
        if (presses >= 3) go();
      } else if (presses) {
        reset();
      }
      shiftWasHeld = e.shiftKey;
    });
  }

  // ---- the clinic's case page: a flag's disposition saved where it is --------------------
  // Without this, the form posts and the page comes back at the flag. With it, the same form
  // is sent in the background; the flag's new markup (folded, saying who recorded what, or
  // the form again with its message and what was typed) replaces it, focus goes to it and
  // the result is announced. If the request cannot be made at all, the form posts normally.
  var live = document.querySelector("[data-case-live]");
  var announce = function (text) {
    if (!live) return;
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  };
  var updateMissing = function (missing) {
    var open = {};
    missing.forEach(function (key) { open[key.slice(0, 12)] = true; });
    document.querySelectorAll("[data-missing] li").forEach(function (li) {
      var link = li.querySelector('a[href^="#flag-"]');
      if (link && !open[link.getAttribute("href").slice(6)]) li.remove();
    });
    var intro = document.querySelector("[data-todo-intro]");
    var list = document.querySelector("[data-missing]");
    if (intro) {
      intro.textContent = missing.length
        ? "Before sign-off, record what was done for " + missing.length + " item" + (missing.length === 1 ? "" : "s") + ":"
        : "";
    }
    if (!missing.length) {
      if (intro) intro.remove();
      if (list) list.remove();
    }
    var count = document.querySelector("[data-open-count]");
    if (count) {
      count.textContent = String(missing.length);
      if (!missing.length && count.parentNode) count.parentNode.textContent = "Flags: every item recorded";
    }
  };
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches("form[data-inline-disposition]")) return;
    if (!window.fetch || !window.FormData) return;
    e.preventDefault();
    if (form.getAttribute("data-sending")) return;  // a second click while the first is sent
    form.setAttribute("data-sending", "1");
    var button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    var article = form.closest("article[data-flag]");
    var token = form.querySelector('[name="csrfmiddlewaretoken"]');
    window.fetch(form.action, {
      method: "POST",
      body: new window.FormData(form),
      credentials: "same-origin",
      headers: {"X-Requested-With": "fetch", "X-CSRFToken": token ? token.value : "", "Accept": "application/json"},
    }).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, data: data}; });
    }).then(function (result) {
      var data = result.data;
      if (data.html && article) {
        var holder = document.createElement("div");
        holder.innerHTML = data.html.trim();
        var fresh = holder.firstElementChild;
        article.replaceWith(fresh);
        var invalid = fresh.querySelector(".is-invalid");
        if (invalid) {
          invalid.focus();
        } else {
          fresh.focus({preventScroll: true});
          fresh.scrollIntoView({block: "nearest"});
        }
      } else {
        form.removeAttribute("data-sending");
        if (button) button.disabled = false;
        var note = document.createElement("div");
        note.className = "alert alert-danger";
        note.setAttribute("role", "status");
        note.textContent = data.message || "This could not be saved. Reload the page.";
        form.insertBefore(note, form.firstChild);
      }
      if (data.missing) updateMissing(data.missing);
      var banner = document.querySelector("[data-urgent-banner]");
      if (banner && data.urgent_open === false) banner.remove();
      var status = document.querySelector("[data-case-status]");
      if (status && data.status) status.textContent = data.status;
      announce(data.message || "");
    }).catch(function () {
      form.removeAttribute("data-sending");
      form.submit();  // the server could not be asked in the background: post it normally
    });
  });

  // ---- the case page's answers: every step folded; "Open every step", and a link to a step
  // opens it ----------------------------------------------------------------------------------
  var steps = document.querySelectorAll("details.step-answers");
  if (steps.length) {
    var toggle = document.querySelector("[data-answers-toggle]");
    if (toggle) toggle.hidden = false;
    var setAll = function (open) { steps.forEach(function (d) { d.open = open; }); };
    var openAll = document.querySelector("[data-open-all]");
    var closeAll = document.querySelector("[data-close-all]");
    if (openAll) openAll.addEventListener("click", function () { setAll(true); });
    if (closeAll) closeAll.addEventListener("click", function () { setAll(false); });
    var openTarget = function () {
      var id = window.location.hash.slice(1);
      var target = id ? document.getElementById(id) : null;
      var details = target && target.closest ? target.closest("details") : null;
      if (details && !details.open) { details.open = true; target.scrollIntoView({block: "start"}); }
    };
    window.addEventListener("hashchange", openTarget);
    openTarget();
  }

  // ---- typed answers: a live count beside text with a limit, the unit beside a number ------
  // The limit is checked by the server, which refuses text over it with a count: a box never
  // has `maxlength` (a browser silently cuts pasted text to it). The count here is a help.
  document.querySelectorAll("[data-limit]").forEach(function (box) {
    var limit = parseInt(box.getAttribute("data-limit"), 10);
    if (!limit) return;
    var count = document.createElement("p");
    count.className = "char-count form-text";
    count.id = (box.id || box.name) + "_count";
    var live = document.createElement("span");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    var said = null;
    var show = function () {
      var n = box.value.length;
      var over = n > limit;
      count.textContent = over
        ? n + " characters: " + (n - limit) + " over the limit of " + limit + ". Please shorten it."
        : n + " of " + limit + " characters";
      count.classList.toggle("over", over);
      // Said aloud only when the answer goes over the limit or comes back under it.
      if (said !== over && (said !== null || over)) live.textContent = over ? count.textContent : "Now within the limit of " + limit + " characters.";
      said = over;
    };
    // Shown once an answer comes close to its limit (80 %): a count under every box is noise.
    if (box.value.length < limit * 0.8) {
      box.addEventListener("input", function handler() {
        if (box.value.length >= limit * 0.8) { box.removeEventListener("input", handler); attach(); }
      });
    } else {
      attach();
    }
    function attach() {
      var described = box.getAttribute("aria-describedby");
      box.setAttribute("aria-describedby", (described ? described + " " : "") + count.id);
      box.insertAdjacentElement("afterend", count);
      count.insertAdjacentElement("afterend", live);
      box.addEventListener("input", show);
      show();
    }
  });

  // Height in cm, or in feet and inches: only the boxes of the unit chosen are shown (without
  // this script all are shown, each with its label, and the server asks which was meant when
  // both hold a value). Switching the unit keeps what is in the boxes put out of sight (switch
  // back and it is there); typing in the boxes shown clears them, so what is posted is what
  // the partner sees, and the server reads it as it reads a page without this script.
  document.querySelectorAll("[data-grouped]").forEach(function (group) {
    var unit = group.querySelector('[data-part="unit"] select');
    var feet = group.querySelector('[data-part="feet"]');
    if (!unit || !feet) return;
    var boxes = { number: group.querySelector('[data-part="number"]'), feet: feet, inches: group.querySelector('[data-part="inches"]') };
    var inputs = function (part) { return Array.prototype.slice.call(part.querySelectorAll("input")); };
    var metric = inputs(boxes.number);
    var imperialInputs = inputs(boxes.feet).concat(inputs(boxes.inches));
    var clearing = function (typedIn, others) {
      typedIn.forEach(function (box) {
        box.addEventListener("input", function () {
          if (box.value !== "") others.forEach(function (other) { other.value = ""; });
        });
      });
    };
    clearing(metric, imperialInputs);
    clearing(imperialInputs, metric);
    var sync = function () {
      var imperial = unit.value === "ft_in";
      boxes.number.hidden = imperial;
      boxes.feet.hidden = !imperial;
      boxes.inches.hidden = !imperial;
    };
    unit.addEventListener("change", sync);
    sync();
  });
})();
