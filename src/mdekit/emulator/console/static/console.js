// Progressive enhancement for the console: copy buttons and the journal's live updates.
// Every page works without this file; nothing here uses innerHTML.
(function () {
  "use strict";

  function announce(text) {
    var live = document.getElementById("live-status") || document.getElementById("copy-status");
    if (!live) {
      live = document.createElement("p");
      live.id = "copy-status";
      live.className = "visually-hidden";
      live.setAttribute("role", "status");
      document.body.appendChild(live);
    }
    live.hidden = false;
    live.textContent = text;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    document.body.removeChild(area);
    return Promise.resolve();
  }

  function setUpCopyButtons() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var target = document.getElementById(button.getAttribute("data-copy"));
      if (!target) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        copyText(target.textContent.trim()).then(function () {
          button.setAttribute("data-copied", "true");
          announce("Copied to the clipboard.");
        });
      });
    });
  }

  function cell(row, text, className) {
    var td = document.createElement("td");
    if (className) { td.className = className; }
    if (text !== undefined) { td.textContent = text; }
    row.appendChild(td);
    return td;
  }

  function span(parent, text, className) {
    var s = document.createElement("span");
    s.className = className;
    s.textContent = text;
    parent.appendChild(s);
    return s;
  }

  function journalRow(r) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-seq", r.seq);
    tr.setAttribute("data-status", r.status);
    cell(tr, r.at, "nowrap");
    var request = cell(tr);
    var code = document.createElement("code");
    code.textContent = r.method + " " + r.path;
    request.appendChild(code);
    if (r.operation) {
      request.appendChild(document.createElement("br"));
      span(request, r.operation, "muted");
    }
    var status = cell(tr);
    span(status, String(r.status), "badge " + (r.status < 400 ? "ok" : (r.status === 429 ? "warn" : "bad")));
    cell(tr, String(r.duration_ms), "num");
    cell(tr, r.tenant);
    cell(tr, r.app);
    var roles = cell(tr);
    r.needed.forEach(function (role, i) {
      if (i > 0) { roles.appendChild(document.createTextNode(" or ")); }
      span(roles, role, r.matched.indexOf(role) >= 0 ? "role-match" : "role-needed");
    });
    if (r.needed.length) {
      roles.appendChild(document.createElement("br"));
      var note = r.matched.length ? "token has " + r.matched.join(", ") : "token has none of them";
      if (r.other_roles) { note += " (+" + r.other_roles + " other roles)"; }
      span(roles, note, "muted");
    }
    cell(tr, r.reason);
    return tr;
  }

  function setUpJournal() {
    var table = document.getElementById("journal-table");
    if (!table || !window.fetch) { return; }
    var body = table.querySelector("tbody");
    var since = parseInt(table.getAttribute("data-since"), 10) || 0;
    var keep = parseInt(table.getAttribute("data-keep"), 10) || 200;
    var seconds = parseInt(table.getAttribute("data-poll"), 10) || 3;
    var feed = table.getAttribute("data-feed");
    var status = document.getElementById("live-status");
    status.hidden = false;
    status.textContent = "Live: new calls appear every " + seconds + " s.";

    function poll() {
      var url = feed + (feed.indexOf("?") >= 0 ? "&" : "?") + "since=" + since;
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) {
          var rows = data.rows || [];
          if (rows.length) {
            var empty = body.querySelector("tr.empty");
            if (empty) { body.removeChild(empty); }
          }
          // Rows come newest first: insert the oldest first so the newest ends on top.
          for (var i = rows.length - 1; i >= 0; i--) {
            body.insertBefore(journalRow(rows[i]), body.firstChild);
          }
          since = Math.max(since, data.newest || 0);
          while (body.rows.length > keep) { body.deleteRow(body.rows.length - 1); }
          table.setAttribute("data-since", String(since));
        })
        .catch(function () {
          status.textContent = "Live updates stopped (the emulator did not answer); use Refresh.";
          seconds = 0;
        })
        .then(function () {
          if (seconds) { window.setTimeout(poll, seconds * 1000); }
        });
    }
    window.setTimeout(poll, seconds * 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpCopyButtons();
    setUpJournal();
  });
})();
