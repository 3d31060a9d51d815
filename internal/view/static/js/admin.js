// The newsroom's scripts; every page works without them. The editor gets a
// live preview, autosave of drafts, a warning before leaving unsaved text,
// a slug suggested from the headline and right-to-left fields for Urdu.
"use strict";

(function () {
  var PREVIEW_DELAY = 600; // ms after the last keystroke
  var AUTOSAVE_EVERY = 20000; // ms

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-select-on-focus]").forEach(function (input) {
      input.addEventListener("focus", function () { input.select(); });
    });
    var form = document.querySelector("form[data-editor]");
    if (form) editor(form);
  });

  // The same rule as qalam.Slugify: letters and digits of any script,
  // anything else a single hyphen, at most 80 characters.
  function slugify(title) {
    var out = "", hyphen = false, n = 0;
    for (var ch of title.toLowerCase()) {
      if (/[\p{L}\p{N}]/u.test(ch)) {
        if (hyphen && out) { out += "-"; n++; }
        hyphen = false;
        out += ch;
        n++;
      } else {
        hyphen = true;
      }
      if (n >= 80) break;
    }
    return out;
  }

  // snapshot is the form's content as text, to tell whether it changed
  // since the last save. The version stamp is not content.
  function snapshot(form) {
    var parts = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "edited_at") return;
      if (typeof value === "string") parts.push(name + "=" + value);
      else if (value.size > 0) parts.push(name + "=file:" + value.name + ":" + value.size);
    });
    return parts.join("\u0000");
  }

  // textFields is the form without files, for the preview and autosave.
  function textFields(form) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") params.append(name, value);
    });
    return params;
  }

  function editor(form) {
    var status = form.querySelector("[data-save-status]");
    // A form sent back with errors holds text that is not saved yet.
    var saved = form.hasAttribute("data-unsaved") ? null : snapshot(form);
    var submitting = false;

    function say(text, isError) {
      if (!status) return;
      status.textContent = text;
      status.classList.toggle("error", !!isError);
    }

    // Urdu: the content fields turn right-to-left at once, as the server
    // renders them after a save.
    var language = form.querySelector("[data-language]");
    if (language) {
      language.addEventListener("change", function () {
        var urdu = language.value === "ur";
        form.querySelectorAll("[data-lang-field]").forEach(function (field) {
          field.lang = urdu ? "ur" : "en";
          field.dir = urdu ? "rtl" : "ltr";
        });
      });
    }

    // A new article's slug follows its headline until edited by hand.
    var headline = form.querySelector("[data-headline]");
    var slug = form.querySelector("[data-slug-auto]");
    if (headline && slug) {
      var auto = slug.value === "" || slug.value === slugify(headline.value);
      slug.addEventListener("input", function () { auto = slug.value === ""; });
      headline.addEventListener("input", function () {
        if (auto) slug.value = slugify(headline.value);
      });
    }

    // The live preview: the server renders the unsaved form with the
    // public template; the frame shows it sandboxed, scripts off.
    var pane = document.querySelector("[data-preview-pane]");
    var frame = document.querySelector("[data-preview-frame]");
    var previewURL = form.getAttribute("data-preview-url");
    if (pane && frame && previewURL && window.fetch) {
      pane.hidden = false;
      var timer = 0, pending = null, scrollY = 0;
      frame.addEventListener("load", function () {
        try { frame.contentWindow.scrollTo(0, scrollY); } catch (e) { /* not ready */ }
      });
      var refresh = function () {
        if (pending) pending.abort();
        pending = new AbortController();
        try { scrollY = frame.contentWindow.scrollY; } catch (e) { scrollY = 0; }
        fetch(previewURL, { method: "POST", body: textFields(form), credentials: "same-origin", signal: pending.signal })
          .then(function (resp) { return resp.text(); })
          .then(function (html) { frame.srcdoc = html; })
          .catch(function (err) { if (err.name !== "AbortError") say("The preview could not be updated.", true); });
      };
      var schedule = function () {
        clearTimeout(timer);
        timer = setTimeout(refresh, PREVIEW_DELAY);
      };
      form.addEventListener("input", schedule);
      form.addEventListener("change", schedule);
      refresh();
    }

    // Autosave, for drafts only: the server sets data-autosave-url only
    // for text that is neither live nor scheduled.
    var autosaveURL = form.getAttribute("data-autosave-url");
    if (autosaveURL && window.fetch) {
      var busy = false, stopped = false;
      setInterval(function () {
        if (busy || stopped || submitting) return;
        var now = snapshot(form);
        if (now === saved) return;
        busy = true;
        fetch(autosaveURL, { method: "POST", body: textFields(form), credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (resp) {
            return resp.json().catch(function () { return {}; }).then(function (data) {
              if (resp.ok) {
                document.querySelectorAll("input[name=edited_at]").forEach(function (input) { input.value = data.editedAt; });
                saved = now;
                say("Draft saved " + data.savedAt + ".");
              } else if (resp.status === 409 || resp.status === 403) {
                stopped = true;
                say(data.error || "Autosave stopped. Save by hand.", true);
              } else {
                say(data.error || "Not autosaved.", true);
              }
            });
          })
          .catch(function () { say("Not autosaved: the newsroom could not be reached.", true); })
          .finally(function () { busy = false; });
      }, AUTOSAVE_EVERY);
    }

    // Leaving with unsaved changes asks first; saving does not.
    form.addEventListener("submit", function (event) {
      var by = event.submitter;
      if (by && by.getAttribute("formtarget") === "_blank") return; // the preview tab
      submitting = true;
    });
    window.addEventListener("beforeunload", function (event) {
      if (submitting || snapshot(form) === saved) return;
      event.preventDefault();
      event.returnValue = "";
    });
  }
})();
