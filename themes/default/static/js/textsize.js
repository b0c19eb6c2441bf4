// Remembers the chosen text size between pages. Everything works without this file:
// the size buttons are plain radio inputs that CSS reads with :has().
(function () {
  var KEY = "tsunagu-textsize";
  try {
    var saved = localStorage.getItem(KEY);
    var input = saved && document.getElementById("ts-" + saved);
    if (input) input.checked = true;
  } catch (e) {}
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (t && t.name === "textsize") {
      try { localStorage.setItem(KEY, t.value); } catch (err) {}
    }
  });
})();
