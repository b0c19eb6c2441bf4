// The provider finder (/providers/find/): filters providers/finder.json in the browser
// by category, area, services, accepting status and free text, keeps the filters in the
// URL (so a link can be shared), and — when the site draws maps — shows the same
// results on the map. Records are read and words matched by window.tsunaguProviders
// (js/providers.js), as the site search does. Without JavaScript the page's list links
// are the fallback.
(function () {
  "use strict";
  var root = document.getElementById("finder");
  var providers = window.tsunaguProviders;
  if (!root || !window.fetch || !providers || !window.URLSearchParams) return;

  var PAGE = 100; // results shown at a time
  var MAP_LIMIT = 1000; // markers drawn at a time

  var form = document.getElementById("finder-form");
  var status = document.getElementById("finder-status");
  var list = document.getElementById("finder-results");
  var more = document.getElementById("finder-more");
  var base = root.getAttribute("data-base") || "/";
  var data = null;
  var records = [];
  var matches = [];
  var shown = 0;
  var map = null;

  root.hidden = false;
  // On a phone the conditions fold away, so the count and the first results come into the
  // first screen; the box says how many conditions are chosen.
  var filters = document.getElementById("finder-filters");
  var chosen = document.getElementById("finder-filters-count");
  if (filters && window.matchMedia && window.matchMedia("(max-width: 40em)").matches) {
    filters.open = false;
  }
  status.textContent = "事業所の一覧を読み込んでいます…";

  providers
    .load(root.getAttribute("data-index"))
    .then(start)
    .catch(function () {
      status.textContent =
        "事業所の一覧を読み込めませんでした。下の「一覧からさがす」をお使いください。";
    });

  function start(loaded) {
    data = loaded.data;
    records = loaded.records;
    readUrl();
    setupMap();
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      update();
    });
    form.addEventListener("reset", function () {
      setTimeout(update, 0);
    });
    more.addEventListener("click", showMore);
    update();
  }

  function indexOf(table, key) {
    for (var i = 0; i < table.length; i++) if (table[i][0] === key) return i;
    return -1;
  }

  // The filter state, read from the form.
  function state() {
    var services = [];
    var boxes = form.querySelectorAll("input[name=service]:checked");
    for (var i = 0; i < boxes.length; i++) services.push(boxes[i].value);
    return {
      category: form.elements.category.value,
      area: form.elements.area.value,
      services: services,
      accepting: form.elements.accepting.checked,
      q: form.elements.q.value
    };
  }

  // Sets the form from ?category=&area=&service=&accepting=1&q= (unknown values ignored).
  function readUrl() {
    var params = new URLSearchParams(location.search);
    setSelect(form.elements.category, params.get("category"));
    setSelect(form.elements.area, params.get("area"));
    var wanted = [];
    params.getAll("service").forEach(function (v) {
      wanted = wanted.concat(v.split(","));
    });
    var boxes = form.querySelectorAll("input[name=service]");
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = wanted.indexOf(boxes[i].value) >= 0;
    form.elements.accepting.checked = params.get("accepting") === "1";
    form.elements.q.value = params.get("q") || "";
  }

  function setSelect(select, value) {
    select.value = "";
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === value) select.value = value;
    }
  }

  function writeUrl(s) {
    var params = new URLSearchParams();
    if (s.category) params.append("category", s.category);
    if (s.area) params.append("area", s.area);
    s.services.forEach(function (v) {
      params.append("service", v);
    });
    if (s.accepting) params.append("accepting", "1");
    if (s.q.trim()) params.append("q", s.q.trim());
    var qs = params.toString();
    history.replaceState(null, "", location.pathname + (qs ? "?" + qs : "") + location.hash);
  }

  function filter(s) {
    var cat = indexOf(data.c, s.category);
    var area = indexOf(data.a, s.area);
    var services = s.services.map(function (k) {
      return indexOf(data.s, k);
    });
    var terms = providers.terms(s.q);
    var limited = indexOf(data.r, "limited");
    var accepting = indexOf(data.r, "accepting");
    return records.filter(function (p) {
      if (s.category && p.category !== cat) return false;
      if (s.area && p.area !== area) return false;
      for (var i = 0; i < services.length; i++) {
        if (p.services.indexOf(services[i]) < 0) return false;
      }
      if (s.accepting && p.accepting !== accepting && p.accepting !== limited) return false;
      return providers.matches(p, terms);
    });
  }

  function update() {
    var s = state();
    var n = (s.category ? 1 : 0) + (s.area ? 1 : 0) + s.services.length + (s.accepting ? 1 : 0);
    if (chosen) chosen.textContent = n ? "（" + n + " つ選んでいます）" : "";
    writeUrl(s);
    matches = filter(s);
    status.textContent =
      matches.length +
      " 件見つかりました" +
      (matches.length === 0 ? "。条件を減らすか、ことばを変えてみてください。" : "");
    list.textContent = "";
    shown = 0;
    showMore(false);
    drawMap();
  }

  // Adds the next PAGE results; after a click, focus goes to the first new one.
  function showMore(e) {
    var from = shown;
    shown = Math.min(matches.length, shown + PAGE);
    var frag = document.createDocumentFragment();
    var first = null;
    for (var i = from; i < shown; i++) {
      var li = card(matches[i]);
      if (!first) first = li;
      frag.appendChild(li);
    }
    list.appendChild(frag);
    var left = matches.length - shown;
    more.hidden = left <= 0;
    more.textContent = "もっと見る（あと " + left + " 件）";
    if (e && first) first.querySelector("a").focus();
  }

  function pagePath(p) {
    return base + p.path;
  }

  function label(table, i) {
    return table[i] ? table[i][1] : "";
  }

  function fact(dl, term, value) {
    var div = document.createElement("div");
    var dt = document.createElement("dt");
    var dd = document.createElement("dd");
    dt.textContent = term;
    if (typeof value === "string") dd.textContent = value;
    else dd.appendChild(value);
    div.appendChild(dt);
    div.appendChild(dd);
    dl.appendChild(div);
  }

  function card(p) {
    var li = document.createElement("li");
    li.className = "card";
    var h = document.createElement("h3");
    h.className = "card-title";
    var a = document.createElement("a");
    a.href = pagePath(p);
    a.textContent = p.name;
    h.appendChild(a);
    li.appendChild(h);
    var dl = document.createElement("dl");
    dl.className = "card-facts";
    fact(dl, "種類", label(data.c, p.category));
    fact(dl, "地域", label(data.a, p.area));
    fact(dl, "所在地", p.address);
    // The number never breaks inside itself; its 内線 may go to the next line.
    var parts = p.phone.split("（内線");
    var tel = document.createElement("a");
    tel.href = "tel:" + parts[0];
    var num = document.createElement("span");
    num.className = "tel-num";
    num.textContent = parts[0];
    tel.appendChild(num);
    if (parts.length > 1) {
      tel.appendChild(document.createElement("wbr"));
      tel.appendChild(document.createTextNode("（内線" + parts.slice(1).join("（内線")));
    }
    fact(dl, "電話", tel);
    var r = data.r[p.accepting] || ["unknown", "", ""];
    var badge = document.createElement("span");
    badge.className = "accepting accepting-" + r[0];
    var mark = document.createElement("span");
    mark.setAttribute("aria-hidden", "true");
    mark.textContent = r[2];
    badge.appendChild(mark);
    badge.appendChild(document.createTextNode(" " + r[1]));
    fact(dl, "受入状況", badge);
    li.appendChild(dl);
    return li;
  }

  // The map shows the same matches as the list; records without a position are listed
  // under it so none goes missing silently.
  var layer = null;
  function setupMap() {
    var el = document.getElementById("finder-map");
    if (!el || !window.tsunaguMap) return;
    map = window.tsunaguMap.create(el);
    layer = window.L.layerGroup().addTo(map);
    map.setView([36.2, 138.25], 5);
  }

  function drawMap() {
    if (!map) return;
    layer.clearLayers();
    var placed = [];
    var without = [];
    matches.forEach(function (p) {
      if (typeof p.lat === "number" && typeof p.lon === "number") placed.push(p);
      else without.push(p);
    });
    var note = document.getElementById("map-note");
    note.hidden = placed.length <= MAP_LIMIT;
    note.textContent =
      "地図には " + MAP_LIMIT + " 件までを表示しています（" + placed.length +
      " 件のうち）。条件をしぼると、すべての印を表示できます。";
    var bounds = [];
    placed.slice(0, MAP_LIMIT).forEach(function (p) {
      var c = data.c[p.category] || ["", "", ""];
      window.tsunaguMap
        .marker({
          lat: p.lat,
          lon: p.lon,
          name: p.name,
          href: pagePath(p),
          group: c[2],
          category: c[1]
        })
        .addTo(layer);
      bounds.push([p.lat, p.lon]);
    });
    if (bounds.length) map.fitBounds(bounds, { maxZoom: 15, padding: [24, 24], animate: false });

    var box = document.getElementById("finder-nocoords");
    var ul = box.querySelector("ul");
    ul.textContent = "";
    without.forEach(function (p) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = pagePath(p);
      a.textContent = p.name;
      li.appendChild(a);
      li.appendChild(document.createTextNode("（" + p.address + "）"));
      ul.appendChild(li);
    });
    box.hidden = without.length === 0;
  }
})();
