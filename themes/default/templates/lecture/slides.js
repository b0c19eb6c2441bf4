// Slide navigation: keyboard, click, touch, slide numbers and full screen.
// Without this script every slide is shown one after another.
(function () {
  "use strict";
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  if (!slides.length) return;
  var root = document.documentElement;
  var controls = document.getElementById("controls");
  var counter = document.getElementById("counter");
  var current = 0;
  root.classList.add("js-deck");
  controls.hidden = false;

  function show(n) {
    current = Math.max(0, Math.min(slides.length - 1, n));
    slides.forEach(function (s, k) { s.hidden = k !== current; });
    counter.textContent = (current + 1) + " / " + slides.length;
    if (history.replaceState) history.replaceState(null, "", "#s-" + (current + 1));
  }
  function next() { show(current + 1); }
  function prev() { show(current - 1); }
  function fullscreen() {
    if (document.fullscreenElement) { document.exitFullscreen(); return; }
    if (root.requestFullscreen) root.requestFullscreen();
  }
  document.addEventListener("fullscreenchange", function () {
    root.classList.toggle("is-fullscreen", !!document.fullscreenElement);
  });
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var t = e.target;
    if (t && (t.tagName === "BUTTON" || t.tagName === "A") && (e.key === "Enter" || e.key === " ")) return;
    switch (e.key) {
      case "ArrowRight": case "ArrowDown": case "PageDown": case " ": case "Enter": next(); break;
      case "ArrowLeft": case "ArrowUp": case "PageUp": case "Backspace": prev(); break;
      case "Home": show(0); break;
      case "End": show(slides.length - 1); break;
      case "f": case "F": fullscreen(); break;
      default: return;
    }
    e.preventDefault();
  });
  document.getElementById("deck").addEventListener("click", function (e) {
    if (e.target.closest("a, button")) return;
    if (e.clientX > window.innerWidth / 2) next(); else prev();
  });
  var startX = null;
  document.addEventListener("touchstart", function (e) { startX = e.touches[0].clientX; }, { passive: true });
  document.addEventListener("touchend", function (e) {
    if (startX === null) return;
    var dx = e.changedTouches[0].clientX - startX;
    if (Math.abs(dx) > 50) { if (dx < 0) next(); else prev(); }
    startX = null;
  });
  document.getElementById("next").addEventListener("click", next);
  document.getElementById("prev").addEventListener("click", prev);
  document.getElementById("fullscreen").addEventListener("click", fullscreen);
  var m = /^#s-(\d+)$/.exec(location.hash);
  show(m ? parseInt(m[1], 10) - 1 : 0);
})();
