// The provider finder (/providers/find/): filters providers/finder.json in the browser
// by category, area, services, 診療科目, accepting status, opening time (now, or a day
// and time) and free text, lists them nearest first from a named place or from where the
// device is, keeps the filters in the URL (so a link can be shared; the device's
// position never is), and — when the site draws maps — shows the same results on the
// map. Records are read and words matched by window.tsunaguProviders (js/providers.js),
// as the site search does; hours by window.tsunaguHours (js/opening.js). Without
// JavaScript the page's list links are the fallback.
(function () {
  "use strict";
  var root = document.getElementById("finder");
  var providers = window.tsunaguProviders;
  var hours = window.tsunaguHours;
  if (!root || !window.fetch || !providers || !hours || !window.URLSearchParams) return;

  var PAGE = 100; // results shown at a time
  var FIRST = 12; // results drawn at once (more than a phone shows); the rest follows when idle
  var MAP_LIMIT = 1000; // markers drawn at a time
  var MAX_Q = 100; // characters of a query read from a shared link
  var TYPING = 25; // ms of quiet after a keystroke before the list is updated
  var SOON = 60; // minutes before closing when a result says so

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
  var holidays = {};
  var here = null; // the device's position, when asked for: kept in this page only
  var places = [];

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
    holidays = hours.holidays(data.h);
    places = data.l || [];
    readUrl();
    setupMap();
    var typing = null;
    form.addEventListener("input", function (e) {
      // Typing is followed when it pauses; choices at once.
      if (e.target && e.target.name === "q") {
        // Screen readers hear the results are being updated, and tools can wait for it.
        list.setAttribute("aria-busy", "true");
        clearTimeout(typing);
        typing = setTimeout(function () {
          update(true);
        }, TYPING);
      } else update();
    });
    form.addEventListener("change", function (e) {
      if (!e.target || e.target.name !== "q") update();
    });
    var button = document.getElementById("f-here");
    if (button) button.addEventListener("click", locate);
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
    var el = form.elements;
    return {
      category: el.category.value,
      town: el.town ? el.town.value : "",
      area: el.area.value,
      services: services,
      accepting: el.accepting.checked,
      dept: el.dept ? el.dept.value : "",
      when: el.when ? el.when.value : "",
      day: el.day ? el.day.value : "",
      time: el.time ? el.time.value : "",
      near: el.near ? el.near.value : "",
      q: el.q.value
    };
  }

  // Sets the form from ?category=&area=&service=&accepting=1&q= (unknown values ignored).
  function readUrl() {
    var params = new URLSearchParams(location.search);
    setSelect(form.elements.category, params.get("category"));
    setSelect(form.elements.area, params.get("area"));
    if (form.elements.town) setSelect(form.elements.town, params.get("town"));
    var wanted = [];
    params.getAll("service").forEach(function (v) {
      wanted = wanted.concat(v.split(","));
    });
    var boxes = form.querySelectorAll("input[name=service]");
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = wanted.indexOf(boxes[i].value) >= 0;
    form.elements.accepting.checked = params.get("accepting") === "1";
    form.elements.q.value = (params.get("q") || "").slice(0, MAX_Q);
    if (form.elements.dept) setSelect(form.elements.dept, params.get("dept"));
    if (form.elements.when) {
      var when = params.get("when");
      setRadio("when", when === "now" || when === "pick" ? when : "");
      setSelect(form.elements.day, params.get("day"));
      setSelect(form.elements.time, params.get("time"));
    }
    // Only a named place is ever in a link; the device's position is not.
    if (form.elements.near) setSelect(form.elements.near, params.get("near"));
    showWhen();
  }

  function setRadio(name, value) {
    var radios = form.querySelectorAll("input[name=" + name + "]");
    for (var i = 0; i < radios.length; i++) radios[i].checked = radios[i].value === value;
  }

  // The day and time choices are shown only when "曜日と時間を選ぶ" is chosen.
  function showWhen() {
    var box = document.getElementById("f-when-pick-box");
    if (box) box.hidden = !(form.elements.when && form.elements.when.value === "pick");
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
    if (s.town) params.append("town", s.town);
    if (s.area) params.append("area", s.area);
    s.services.forEach(function (v) {
      params.append("service", v);
    });
    if (s.accepting) params.append("accepting", "1");
    if (s.dept) params.append("dept", s.dept);
    if (s.when) params.append("when", s.when);
    if (s.when === "pick" && s.day) params.append("day", s.day);
    if (s.when === "pick" && s.time) params.append("time", s.time);
    if (s.near && s.near !== HERE) params.append("near", s.near);
    if (s.q.trim()) params.append("q", s.q.trim());
    var qs = params.toString();
    history.replaceState(null, "", location.pathname + (qs ? "?" + qs : "") + location.hash);
  }

  function filter(s) {
    var cat = indexOf(data.c, s.category);
    var area = indexOf(data.a, s.area);
    var town = data.m ? indexOf(data.m, s.town) : -1;
    var services = s.services.map(function (k) {
      return indexOf(data.s, k);
    });
    var terms = providers.terms(s.q);
    var limited = indexOf(data.r, "limited");
    var accepting = indexOf(data.r, "accepting");
    var time = timeTest(s);
    unknownHours = 0;
    return records.filter(function (p) {
      p.open = null;
      if (s.category && p.category !== cat) return false;
      if (s.area && p.area !== area) return false;
      if (s.town && data.t[p.area] !== town) return false;
      for (var i = 0; i < services.length; i++) {
        if (p.services.indexOf(services[i]) < 0) return false;
      }
      if (s.accepting && p.accepting !== accepting && p.accepting !== limited) return false;
      if (s.dept && p.departments.indexOf(s.dept) < 0) return false;
      if (!providers.matches(p, terms)) return false;
      if (time) {
        if (!hours.hasHours(p)) {
          unknownHours++;
          return false;
        }
        p.open = hours.openDuring(p, time.bit, time.prev, time.from, time.to);
        if (!p.open) return false;
      }
      return true;
    });
  }

  // What "open" means for the chosen time: now (this device's clock), or a day and a
  // part of it; null when no time is chosen or the choice is incomplete.
  var unknownHours = 0;
  var now = null;
  function timeTest(s) {
    now = null;
    if (s.when === "now") {
      var m = hours.moment(new Date(), holidays);
      now = m.minutes;
      return { bit: m.bit, prev: m.prev, from: m.minutes, to: m.minutes + 1 };
    }
    if (s.when !== "pick") return null;
    var day = hours.day(s.day);
    if (!day) return null;
    var span = hours.span(s.time) || [0, 1440];
    return { bit: day.bit, prev: day.prev, from: span[0], to: span[1] };
  }

  // Nearest first: from a named place, or from where the device is (asked for only when
  // the button is pressed, and kept in this page alone).
  var HERE = "@here";
  function reference(s) {
    if (!s.near) return null;
    if (s.near === HERE) return here;
    for (var i = 0; i < places.length; i++) {
      if (places[i][0] === s.near) return { lat: places[i][1], lon: places[i][2] };
    }
    return null;
  }

  function distance(a, lat, lon) {
    var r = Math.PI / 180;
    var dLat = (lat - a.lat) * r;
    var dLon = (lon - a.lon) * r;
    var h =
      Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(a.lat * r) * Math.cos(lat * r) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 12742000 * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  var placed = 0; // results with a position, when sorted by distance
  function order(list, ref) {
    placed = 0;
    if (!ref) return list;
    var withPos = [];
    var without = [];
    list.forEach(function (p) {
      if (typeof p.lat === "number" && typeof p.lon === "number") {
        p.meters = distance(ref, p.lat, p.lon);
        withPos.push(p);
      } else without.push(p);
    });
    withPos.sort(function (a, b) {
      return a.meters - b.meters;
    });
    placed = withPos.length;
    return withPos.concat(without);
  }

  function meters(m) {
    if (m < 1000) return "約 " + Math.max(10, Math.round(m / 10) * 10) + " m";
    return "約 " + (m / 1000).toFixed(m < 10000 ? 1 : 0) + " km";
  }

  function locate() {
    if (!navigator.geolocation) {
      status.textContent = "この端末では位置がわかりません。基準の場所を選んでください。";
      return;
    }
    status.textContent = "いまいる場所を調べています…（位置はこの端末の中だけで使います）";
    navigator.geolocation.getCurrentPosition(
      function (pos) {
        here = { lat: pos.coords.latitude, lon: pos.coords.longitude };
        var select = form.elements.near;
        var opt = select.querySelector("option[value='" + HERE + "']");
        if (!opt) {
          opt = document.createElement("option");
          opt.value = HERE;
          opt.textContent = "いまいる場所";
          select.insertBefore(opt, select.options[1] || null);
        }
        select.value = HERE;
        update();
      },
      function () {
        status.textContent =
          "いまいる場所がわかりませんでした。位置の利用を許可するか、基準の場所を選んでください。";
      },
      { maximumAge: 60000, timeout: 20000 }
    );
  }

  var mapTimer = null;
  var rest = null;
  // `typed`: the update follows typing, and the map waits until typing pauses.
  function update(typed) {
    showWhen();
    var s = state();
    var n =
      (s.category ? 1 : 0) + (s.town ? 1 : 0) + (s.area ? 1 : 0) + s.services.length + (s.accepting ? 1 : 0) +
      (s.dept ? 1 : 0) + (s.when ? 1 : 0) + (s.near ? 1 : 0);
    if (chosen) chosen.textContent = n ? "（" + n + " つ選んでいます）" : "";
    writeUrl(s);
    var ref = reference(s);
    matches = order(filter(s), ref);
    var words = matches.length + " 件見つかりました";
    if (ref && matches.length) {
      words += "。近い順です";
      if (placed < matches.length) words += "（位置の登録がない " + (matches.length - placed) + " 件は最後）";
    }
    if (unknownHours) words += "。時間の登録がない " + unknownHours + " 件は含みません";
    if (matches.length === 0) words += "。条件を減らすか、ことばを変えてみてください。";
    status.textContent = words;
    nearest = ref;
    list.textContent = "";
    shown = 0;
    showMore(false);
    list.removeAttribute("aria-busy");
    // While typing, the map follows when typing pauses: markers are slow to draw on a phone.
    clearTimeout(mapTimer);
    var mapEl = document.getElementById("finder-map");
    if (typed === true && mapEl) {
      mapEl.setAttribute("aria-busy", "true");
      mapTimer = setTimeout(drawMap, 250);
    } else drawMap();
  }
  var nearest = null;

  // Adds the next PAGE results; after a click, focus goes to the first new one. The
  // first few are drawn at once and the rest of the page when the browser is idle, so
  // typing stays smooth with thousands of records.
  function showMore(e) {
    var from = shown;
    shown = Math.min(matches.length, shown + PAGE);
    var upto = e ? shown : Math.min(shown, from + FIRST);
    var first = draw(from, upto);
    if (rest) clearTimeout(rest);
    rest = upto < shown ? setTimeout(function () {
      rest = null;
      draw(upto, shown);
    }, 0) : null;
    var left = matches.length - shown;
    more.hidden = left <= 0;
    more.textContent = "もっと見る（あと " + left + " 件）";
    if (e && first) first.querySelector("a").focus();
  }

  function draw(from, to) {
    var frag = document.createDocumentFragment();
    var first = null;
    for (var i = from; i < to; i++) {
      var li = card(matches[i]);
      if (!first) first = li;
      frag.appendChild(li);
    }
    list.appendChild(frag);
    return first;
  }

  // 「9:00〜17:30」, and when open now and closing soon 「あと30分で終わります」.
  function openText(r) {
    var t =
      (r[0] < 0 ? clock(r[0] + 1440) : clock(r[0])) +
      "〜" +
      (r[1] > 1440 ? "翌" + clock(r[1] - 1440) : clock(r[1]));
    if (now !== null) {
      var left = r[1] - now;
      if (left <= SOON) return t + "（あと " + left + " 分で終わります）";
      return t + "（いま開いています）";
    }
    return t;
  }

  function clock(m) {
    return Math.floor(m / 60) + ":" + (m % 60 < 10 ? "0" : "") + (m % 60);
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
    if (data.m) fact(dl, "市町村", data.m[data.t[p.area]][1]);
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
    if (nearest && typeof p.meters === "number") fact(dl, "きょり", meters(p.meters) + "（直線）");
    if (p.open) fact(dl, "時間", openText(p.open));
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
    document.getElementById("finder-map").removeAttribute("aria-busy");
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
