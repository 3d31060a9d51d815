// Progressive enhancement for the discussion: the article page everyone
// shares carries no per-reader links, so this script asks which of the
// comments on it this browser posted and may still change, and adds an
// "Edit" link to each. Without it, the edit page is reached by its address.
(function () {
  "use strict";
  var m = /^\/articles\/([^\/]+)$/.exec(location.pathname);
  if (!m || !document.querySelector(".comments .comment")) return;
  // Only a browser that posted in the last 15 minutes can have anything to
  // change; every other reader makes no request at all.
  if (document.cookie.split("; ").indexOf("qalam_recent=1") < 0) return;
  fetch(location.pathname + "/comments/mine", { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (res) { return res.ok ? res.json() : null; })
    .then(function (mine) {
      if (!mine || !mine.comments) return;
      mine.comments.forEach(function (c) {
        var comment = document.getElementById(c.anchor);
        if (!comment || typeof c.edit !== "string" || c.edit.charAt(0) !== "/" || c.edit.charAt(1) === "/") return;
        if (comment.querySelector(".edit-link")) return;
        var actions = comment.querySelector(".comment-actions");
        if (!actions) {
          actions = document.createElement("p");
          actions.className = "comment-actions";
          comment.appendChild(actions);
        } else {
          actions.appendChild(document.createTextNode(" "));
        }
        var link = document.createElement("a");
        link.className = "edit-link";
        link.href = c.edit;
        link.textContent = mine.label || "Edit";
        actions.appendChild(link);
      });
    })
    .catch(function () {});
})();
