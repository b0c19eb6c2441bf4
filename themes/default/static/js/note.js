// Ending note: keeps the answers in this browser only (localStorage), never on a server.
// It makes no network request of any kind and never submits the form.
(function () {
  "use strict";
  var form = document.getElementById("note-form");
  var tools = document.getElementById("note-tools");
  if (!form || !tools) return;
  var KEY = "tsunagu-note:" + form.getAttribute("data-note");
  var status = document.getElementById("note-status");
  var eraseButton = document.getElementById("note-erase");
  var importInput = document.getElementById("note-import");

  function say(text) { status.textContent = text; }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function fields() { return form.querySelectorAll("[data-key]"); }

  function collect() {
    var answers = {};
    fields().forEach(function (el) {
      var k = el.getAttribute("data-key");
      if (el.type === "radio") { if (el.checked) answers[k] = el.value; }
      else if (el.type === "checkbox") { if (el.checked) answers[k] = true; }
      else if (el.value !== "") { answers[k] = el.value; }
    });
    return answers;
  }

  function mirror(el) {
    if (el.tagName === "TEXTAREA") {
      var m = el.parentNode.querySelector(".print-value");
      if (m) m.textContent = el.value;
    }
  }

  function apply(answers) {
    fields().forEach(function (el) {
      var v = answers[el.getAttribute("data-key")];
      if (el.type === "radio") el.checked = v === el.value;
      else if (el.type === "checkbox") el.checked = v === true;
      else el.value = typeof v === "string" ? v : "";
      mirror(el);
    });
  }

  function snapshot() {
    return { format: "tsunagu-note", version: 1, note: form.getAttribute("data-note"), answers: collect() };
  }

  function save() {
    try {
      localStorage.setItem(KEY, JSON.stringify(snapshot()));
      var d = new Date();
      say("この端末に保存しました（" + d.getHours() + ":" + pad(d.getMinutes()) + "）");
    } catch (e) {
      say("保存できませんでした。ブラウザの設定で保存が止められている可能性があります。「ファイルに書き出す」で残してください。");
    }
  }

  var timer = null;
  function saveSoon(e) {
    if (e && e.target) mirror(e.target);
    clearTimeout(timer);
    timer = setTimeout(save, 300);
  }

  function load() {
    try {
      var raw = localStorage.getItem(KEY);
      if (!raw) return;
      var data = JSON.parse(raw);
      if (data && data.answers) { apply(data.answers); say("前に書いた内容を読み込みました。"); }
    } catch (e) { /* a damaged entry is left alone; the form stays blank */ }
  }

  function exportFile() {
    var d = new Date();
    var name = "note-" + d.getFullYear() + pad(d.getMonth() + 1) + pad(d.getDate()) + ".json";
    var blob = new Blob([JSON.stringify(snapshot(), null, 1)], { type: "application/json" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    say("「" + name + "」としてこの端末に書き出しました。大切に保管してください。");
  }

  function importFile() {
    var file = importInput.files && importInput.files[0];
    if (!file) return;
    var reader = new FileReader();
    reader.onload = function () {
      try {
        var data = JSON.parse(reader.result);
        if (!data || data.format !== "tsunagu-note" || typeof data.answers !== "object") throw new Error("format");
        apply(data.answers);
        save();
        say("ファイルから読み込みました。");
      } catch (e) {
        say("このファイルは読み込めませんでした。「ファイルに書き出す」で作ったファイルを選んでください。");
      }
      importInput.value = "";
    };
    reader.readAsText(file);
  }

  // Erasing asks twice instead of a pop-up dialog: the button changes, a second press erases.
  var armed = null;
  function erase() {
    if (!armed) {
      eraseButton.setAttribute("data-armed", "");
      eraseButton.textContent = "もう一度押すと、すべて消えます";
      say("消してよければ、もう一度「すべて消す」を押してください。");
      armed = setTimeout(disarm, 10000);
      return;
    }
    disarm();
    try { localStorage.removeItem(KEY); } catch (e) {}
    apply({});
    say("この端末から消去しました。");
  }
  function disarm() {
    clearTimeout(armed);
    armed = null;
    eraseButton.removeAttribute("data-armed");
    eraseButton.textContent = "すべて消す";
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("input", saveSoon);
  form.addEventListener("change", saveSoon);
  document.getElementById("note-print").addEventListener("click", function () { window.print(); });
  document.getElementById("note-export").addEventListener("click", exportFile);
  importInput.addEventListener("change", importFile);
  eraseButton.addEventListener("click", erase);
  tools.hidden = false;
  load();
})();
