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
  var confirmBox = document.getElementById("note-confirm");
  var confirmText = document.getElementById("note-confirm-text");
  var confirmYes = document.getElementById("note-confirm-yes");
  var confirmNo = document.getElementById("note-confirm-no");
  // Answers are short texts: a larger file is not one this note wrote.
  var MAX_BYTES = 1000000;
  var VERSION = 1;

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

  function snapshot(answers) {
    return { format: "tsunagu-note", version: VERSION, note: form.getAttribute("data-note"), answers: answers || collect() };
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

  // Reading a file in: it must be this note's, of this version; the answers on the page
  // are replaced only after the person says so, and only once the new ones are saved.
  function importFile() {
    var file = importInput.files && importInput.files[0];
    importInput.value = "";
    if (!file) return;
    if (file.size > MAX_BYTES) {
      say("このファイルは大きすぎるため、このノートのファイルではありません。今の内容はそのままです。");
      return;
    }
    var reader = new FileReader();
    reader.onload = function () {
      var data = null;
      try { data = JSON.parse(reader.result); } catch (e) { /* not JSON */ }
      var problem = refusal(data);
      if (problem) { say(problem + "今の内容はそのままです。"); return; }
      var incoming = ofThisNote(data.answers);
      var n = Object.keys(incoming).length;
      if (!n) { say("このファイルには、このノートの答えが入っていません。今の内容はそのままです。"); return; }
      var current = collect();
      var m = Object.keys(current).length;
      if (!m) { replace(incoming, null); return; }
      ask("今書いてある " + m + " 項目を、ファイルの " + n + " 項目で置き換えます。置き換えると、今の内容は消えます（すぐ後なら元に戻せます）。",
        "置き換える", function () { replace(incoming, current); });
    };
    reader.readAsText(file);
  }

  function refusal(data) {
    if (!data || typeof data !== "object" || data.format !== "tsunagu-note") {
      return "このファイルは読み込めませんでした。「ファイルに書き出す」で作ったファイルを選んでください。";
    }
    if (data.version !== VERSION) {
      return "このファイルは、この画面とは別の版で作られたもので、読み込めません。";
    }
    if (data.note !== form.getAttribute("data-note")) {
      return "このファイルは、別のノートのものです。";
    }
    if (!data.answers || typeof data.answers !== "object" || Array.isArray(data.answers)) {
      return "このファイルには答えが入っていません。";
    }
    return null;
  }

  // The answers of this note's own fields, each of the kind its field takes.
  function ofThisNote(answers) {
    var out = {};
    fields().forEach(function (el) {
      var k = el.getAttribute("data-key");
      if (!Object.prototype.hasOwnProperty.call(answers, k)) return;
      var v = answers[k];
      if (el.type === "checkbox" ? v === true : typeof v === "string") out[k] = v;
    });
    return out;
  }

  // Saves first: if the browser cannot keep them, nothing on the page changes.
  function replace(incoming, previous) {
    try {
      localStorage.setItem(KEY, JSON.stringify(snapshot(incoming)));
    } catch (e) {
      say("保存できなかったため、読み込みませんでした（ブラウザの保存の容量が足りないか、保存が止められています）。今の内容はそのままです。");
      return false;
    }
    apply(incoming);
    say("ファイルから " + Object.keys(incoming).length + " 項目を読み込んで、この端末に保存しました。");
    if (previous) {
      ask("前の内容に戻すこともできます。", "元に戻す", function () {
        if (replace(previous, null) !== false) say("前の内容に戻しました。");
      });
    }
    return true;
  }

  function ask(text, yes, then) {
    confirmText.textContent = text;
    confirmYes.textContent = yes;
    confirmBox.hidden = false;
    confirmYes.onclick = function () { confirmBox.hidden = true; then(); };
    confirmNo.onclick = function () { confirmBox.hidden = true; say("そのままにしました。"); };
    confirmYes.focus();
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
