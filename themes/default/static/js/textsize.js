// Remembers the chosen text size between pages, and folds the menu away on a phone (open
// again when the screen is wider). Everything works without this file: the size buttons
// are plain radio inputs that CSS reads with :has(), and the menu is open.
(function () {
  var menu = document.querySelector(".site-menu");
  var narrow = window.matchMedia && window.matchMedia("(max-width: 40em)");
  if (menu && narrow) {
    var fit = function () { menu.open = !narrow.matches; };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fit);
    else fit();
    if (narrow.addEventListener) narrow.addEventListener("change", fit);
  }
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
