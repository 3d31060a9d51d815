// Keyboard shortcuts for the moderation queue (templates/admin/comments.html):
// j/k move between comments, a approves, s marks as spam, r removes, b
// bans the commenter (the row's reason box must say why), x toggles the
// selection. Every action is an ordinary form button, so the
// page works the same without this file.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll(".mod-row"));
  if (rows.length === 0) {
    return;
  }
  var help = document.getElementById("mod-keys");
  if (help) {
    help.hidden = false;
  }
  var current = -1;

  function focusRow(i) {
    if (i < 0 || i >= rows.length) {
      return;
    }
    if (current >= 0) {
      rows[current].classList.remove("mod-current");
    }
    current = i;
    rows[i].classList.add("mod-current");
    rows[i].focus();
    rows[i].scrollIntoView({ block: "nearest" });
  }

  // A row gains focus by click or tab too; keep the index in step.
  rows.forEach(function (row, i) {
    row.addEventListener("focusin", function () {
      if (current !== i) {
        if (current >= 0) {
          rows[current].classList.remove("mod-current");
        }
        current = i;
        row.classList.add("mod-current");
      }
    });
  });

  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) {
      return;
    }
    // Typing a reason must not trigger actions.
    var t = e.target;
    if (t && (t.tagName === "INPUT" && t.type !== "checkbox" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) {
      return;
    }
    var row = current >= 0 ? rows[current] : null;
    switch (e.key) {
      case "j":
        focusRow(current + 1);
        break;
      case "k":
        focusRow(current <= 0 ? 0 : current - 1);
        break;
      case "x":
        if (row) {
          var box = row.querySelector(".mod-select");
          if (box) {
            box.checked = !box.checked;
          }
        }
        break;
      case "b":
        // A ban says why: an empty reason box is focused first, and the
        // next b (once typed in and left) bans.
        if (row) {
          var reason = row.querySelector('input[name="reason"]');
          if (reason && reason.value.trim() === "") {
            reason.focus();
            break;
          }
        }
      /* falls through */
      case "a":
      case "s":
      case "r":
        if (row) {
          var button = row.querySelector('button[data-key="' + e.key + '"]');
          if (button) {
            button.click();
          }
        }
        break;
      default:
        return;
    }
    e.preventDefault();
  });
})();
