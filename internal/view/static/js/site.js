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
// A long discussion shows one part at a time: a new comment appears only
// where the page shows its place (under a reply's parent when that is on
// the page; a new top-level comment at the top in the newest-first order,
// else at the end once the last part is shown); the count goes up anyway.
(function () {
  "use strict";
  var section = document.getElementById("comments");
  if (!section || !window.EventSource) return;
  var base = discussionBase();
  if (!base) return;
  var thread = section.querySelector(":scope > .thread");
  var newest = thread ? parseInt(thread.getAttribute("data-after"), 10) || 0 : 0;
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
    var tpl = document.createElement("template");
    tpl.innerHTML = c.html; // rendered and sanitised by the server
    var item = tpl.content.querySelector("li");
    if (!item) return;
    var shown = document.getElementById("comment-" + c.id);
    if (shown) {
      // Edited: the new text replaces the old; the count stays.
      var fresh = item.querySelector(".comment");
      var oldCount = shown.querySelector(".recommend-count");
      var newCount = fresh && fresh.querySelector(".recommend-count");
      if (oldCount && newCount) newCount.textContent = oldCount.textContent;
      if (fresh) shown.replaceWith(fresh);
      return;
    }
    var list;
    if (c.parent) {
      var parent = document.getElementById("comment-" + c.parent);
      if (!parent) return; // its thread is in a part not shown
      var li = parent.closest("li");
      list = li.querySelector(":scope > .comments");
      if (!list) {
        list = document.createElement("ol");
        list.className = "comments";
        li.appendChild(list);
      }
      list.appendChild(item);
    } else {
      list = topList();
      if (list.getAttribute("data-sort") === "newest") list.prepend(item);
      else if (!section.querySelector(".thread-more")) list.appendChild(item);
      else return; // its place is after parts not shown yet
    }
    item.classList.add("comment-new");
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

  source.addEventListener("counts", function (e) {
    var counts = JSON.parse(e.data);
    Object.keys(counts).forEach(function (id) {
      var el = document.querySelector("#comment-" + parseInt(id, 10) + " .recommend-count");
      if (el && counts[id] > 0) el.textContent = String(counts[id]);
    });
  });
})();

// Long discussions: "Show more comments" appends the next part in place
// (the link leads to it as a page without the script); "Recommend" is sent
// in place and shows the new count; a link to a comment in a part not
// shown leads to the part that holds it.
(function () {
  "use strict";
  var section = document.getElementById("comments");
  if (!section) return;
  var base = discussionBase();
  if (!base) return;

  var target = /^#comment-(\d+)$/.exec(location.hash);
  if (target && !document.getElementById(location.hash.slice(1)) && !/[?&]comment=/.test(location.search)) {
    location.replace(base + "/comments/" + target[1]);
    return;
  }

  var recommended = {};
  function markRecommended(root) {
    root.querySelectorAll(".recommend-button").forEach(function (b) {
      if (recommended[b.getAttribute("data-comment")]) b.setAttribute("aria-pressed", "true");
    });
  }
  if (document.cookie.split("; ").indexOf("qalam_recommended=1") >= 0) {
    fetch(base + "/comments/recommended", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (mine) {
        if (!mine || !mine.comments) return;
        mine.comments.forEach(function (id) { recommended[id] = true; });
        markRecommended(section);
      })
      .catch(function () {});
  }

  function showMore(link) {
    var more = link.closest(".thread-more");
    var url = link.getAttribute("data-part");
    if (!more || !url || url.charAt(0) !== "/" || url.charAt(1) === "/") return false;
    if (more.getAttribute("aria-busy") === "true") return true;
    more.setAttribute("aria-busy", "true");
    fetch(url, { credentials: "same-origin" })
      .then(function (res) {
        if (!res.ok) throw new Error("status " + res.status);
        return res.text();
      })
      .then(function (html) {
        var tpl = document.createElement("template");
        tpl.innerHTML = html; // rendered and sanitised by the server
        var list = section.querySelector(":scope > .comments");
        var part = tpl.content.querySelector(".comments"); // the part's list comes first
        if (!list || !part) throw new Error("no comments in the part");
        var first = null;
        Array.prototype.slice.call(part.children).forEach(function (li) {
          var c = li.querySelector(":scope > .comment");
          if (c && document.getElementById(c.id)) return; // shown already (moved up since)
          list.appendChild(li);
          if (!first) first = li;
        });
        markRecommended(list);
        var next = tpl.content.querySelector(".thread-more");
        if (next) more.replaceWith(next);
        else more.remove();
        var focus = first && first.querySelector(".comment-date");
        if (focus) focus.focus({ preventScroll: true });
      })
      .catch(function () { location.href = link.href; });
    return true;
  }

  function recommend(form) {
    var button = form.querySelector(".recommend-button");
    if (!button || button.disabled) return;
    button.disabled = true;
    fetch(form.getAttribute("action"), { method: "POST", credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (res) {
        if (!res.ok) throw new Error("status " + res.status);
        return res.json();
      })
      .then(function (r) {
        var count = button.querySelector(".recommend-count");
        if (count && r.count > 0) count.textContent = String(r.count);
        recommended[r.id] = true;
        button.setAttribute("aria-pressed", "true");
        button.disabled = false;
      })
      .catch(function () { button.disabled = false; });
  }

  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest(".thread-more .more-link");
    if (link && showMore(link)) e.preventDefault();
  });
  document.addEventListener("submit", function (e) {
    var form = e.target.closest && e.target.closest(".recommend-form");
    if (!form) return;
    e.preventDefault();
    var button = form.querySelector(".recommend-button");
    if (button && button.getAttribute("aria-pressed") === "true") return; // once is what counts
    recommend(form);
  });
})();

// discussionBase is the article's address, which the discussion's other
// addresses extend: from the comment form, else from the page's own.
function discussionBase() {
  var form = document.querySelector(".comment-form");
  var action = form ? form.getAttribute("action") : null;
  if (action) return action.replace(/\/comments$/, "");
  return /^\/articles\/[^\/]+$/.test(location.pathname) ? location.pathname : null;
}
