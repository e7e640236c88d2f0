// The console works without this script; it adds two things a clerk would otherwise miss.
(function () {
  "use strict";

  // 1. On a phone a table becomes cards: each cell shows its column's name (CSS uses it).
  function labelCells(root) {
    root.querySelectorAll("table.list").forEach(function (table) {
      var names = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          if (names[i] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", names[i]);
        });
      });
    });
  }

  // 2. After an action (?done=…) the lists and the 台账 are written a moment later by the
  // workflow's activities: the page fetches itself again a few times and shows the new
  // state without F5, unless the person has begun typing in a form. A page that says a
  // step is still in progress (data-pending) keeps looking for longer.
  var typed = false;
  document.addEventListener("input", function () { typed = true; });

  function refresh(main, left, every) {
    if (left <= 0 || typed) return;
    window.setTimeout(function () {
      fetch(window.location.href, { credentials: "same-origin", headers: { "X-Console-Refresh": "1" } })
        .then(function (answer) { return answer.ok ? answer.text() : null; })
        .then(function (html) {
          if (!html || typed) return;
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("main");
          if (fresh && fresh.innerText !== main.innerText) {
            main.innerHTML = fresh.innerHTML;
            labelCells(main);
            var status = document.getElementById("refreshed");
            if (status) status.textContent = "页面已更新为最新状态";
          }
          var pending = fresh && fresh.hasAttribute("data-pending");
          refresh(main, pending ? Math.max(left - 1, 2) : left - 1, every);
        })
        .catch(function () { refresh(main, left - 1, every * 2); });
    }, every);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var main = document.getElementById("main");
    if (!main) return;
    labelCells(main);
    var acted = new URLSearchParams(window.location.search).has("done");
    if (acted) refresh(main, 5, 1500);
    else if (main.hasAttribute("data-pending")) refresh(main, 40, 3000);
  });
})();
