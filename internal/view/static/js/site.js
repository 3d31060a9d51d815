// Progressive enhancement for the discussion: the page works without this
// script. With it, "Reply" moves the comment form under the comment being
// answered instead of reloading the page.
(function () {
  "use strict";
  var form = document.querySelector(".comment-form");
  var respond = document.getElementById("respond");
  if (!form || !respond) return;
  var parentInput = form.querySelector("input[name=parent_id]");
  var title = document.getElementById("reply-title");
  var home = respond.parentNode;
  var homeNext = respond.nextSibling;
  var originalTitle = title ? title.textContent : "";
  var cancel = document.createElement("a");
  cancel.href = "#respond";
  cancel.className = "cancel-reply-js";
  cancel.hidden = true;
  cancel.textContent = (respond.querySelector("[data-cancel-reply]") || {}).textContent || "Cancel reply";
  if (title) title.after(cancel);

  function replyTo(link) {
    var comment = link.closest(".comment");
    if (!comment) return;
    parentInput.value = link.getAttribute("data-reply-to");
    comment.after(respond);
    if (title) {
      var name = document.createElement("bdi");
      name.textContent = link.getAttribute("data-reply-name");
      title.textContent = form.getAttribute("data-replying-to") + " ";
      title.appendChild(name);
    }
    cancel.hidden = false;
    form.querySelector("textarea").focus();
  }

  function reset() {
    parentInput.value = "";
    home.insertBefore(respond, homeNext);
    if (title) title.textContent = originalTitle;
    cancel.hidden = true;
  }

  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest(".reply-link");
    if (link) {
      e.preventDefault();
      replyTo(link);
      return;
    }
    if (e.target === cancel) {
      e.preventDefault();
      reset();
    }
  });

  // A second click on "Post" while the first is in flight would only be
  // ignored by the server (the form's one-time key); disabling the button
  // says so to the reader.
  form.addEventListener("submit", function () {
    var button = form.querySelector("button[type=submit]");
    if (button) setTimeout(function () { button.disabled = true; }, 0);
  });
})();
