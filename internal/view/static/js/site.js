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

// Live discussion: newly approved comments appear and removed ones go,
// without a reload, through the server's event stream for this article.
(function () {
  "use strict";
  var section = document.getElementById("comments");
  var form = document.querySelector(".comment-form");
  if (!section || !window.EventSource) return;
  var action = form ? form.getAttribute("action") : null;
  var base = action ? action.replace(/\/comments$/, "") : location.pathname;
  var newest = 0;
  section.querySelectorAll(".comment[id^=comment-]").forEach(function (el) {
    var id = parseInt(el.id.slice(8), 10);
    if (id > newest && !el.classList.contains("comment-held")) newest = id;
  });
  var source = new EventSource(base + "/live?after=" + newest);
  source.onopen = function () { section.setAttribute("data-live", "on"); };
  source.onerror = function () { section.removeAttribute("data-live"); };

  function topList() {
    var list = section.querySelector(":scope > .comments");
    if (!list) {
      list = document.createElement("ol");
      list.className = "comments";
      var empty = section.querySelector(":scope > .empty");
      if (empty) empty.replaceWith(list);
      else section.insertBefore(list, document.getElementById("respond"));
    }
    return list;
  }

  source.addEventListener("comment", function (e) {
    var c = JSON.parse(e.data);
    if (document.getElementById("comment-" + c.id)) return;
    var tpl = document.createElement("template");
    tpl.innerHTML = c.html; // rendered and sanitised by the server
    var item = tpl.content.querySelector("li");
    if (!item) return;
    var list = topList();
    var parent = c.parent && document.getElementById("comment-" + c.parent);
    if (parent) {
      var li = parent.closest("li");
      list = li.querySelector(":scope > .comments");
      if (!list) {
        list = document.createElement("ol");
        list.className = "comments";
        li.appendChild(list);
      }
    }
    item.classList.add("comment-new");
    list.appendChild(item);
  });

  source.addEventListener("gone", function (e) {
    var el = document.getElementById("comment-" + e.data);
    if (!el) return;
    var li = el.closest("li");
    var replies = li.querySelector(":scope > .comments");
    if (replies) el.remove(); // keep the replies readable
    else li.remove();
  });

  source.addEventListener("count", function (e) {
    var count = section.querySelector("#comments-title .count");
    if (!count) return;
    var n = parseInt(e.data, 10);
    var text = n === 1 ? count.getAttribute("data-one") : (count.getAttribute("data-many") || "").replace("-1", String(n));
    if (text) count.textContent = "(" + text + ")";
  });
})();
