// Site search (the page search/), over the files tsunagu's `search` renderer writes:
// search/index.json (the pages), search/grams-K.json (for every pair of neighbouring
// letters or digits in the folded text, the pages that contain it; split by the pair's
// first letter) and search/text-N.json (the pages' text). A query is folded as the index
// was (window.tsunaguFold from fold.js), its pairs are looked up and intersected, and
// each candidate page's text is checked for the whole phrase, which also gives the
// snippet. Only the files a query needs are fetched. Providers are found in the finder's
// index (providers/finder.json, read by js/providers.js) as the finder finds them, and
// listed above the pages with a link to see them all in the finder. Without this script
// the page explains itself and links to the main sections.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var fold = window.tsunaguFold;
  if (!form || !fold || !window.fetch || !String.prototype.normalize) return;

  // The same test as the index's (Rust char::is_alphanumeric).
  var INDEXABLE = /^[\p{Alphabetic}\p{N}]$/u;
  // One character and the marks that belong to it (ｶﾞ is one chunk), so that folding
  // chunk by chunk folds as the whole text would, while remembering where each came from.
  var CHUNK = /[\s\S][\p{M}\uff9e\uff9f]*/gu;
  var MAX_RESULTS = 100;
  var MAX_PROVIDERS = 5; // the rest are a link away, in the finder

  var dir = form.getAttribute("data-index");
  var base = form.getAttribute("data-base") || "/";
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var help = document.getElementById("search-help");
  var providerBox = document.getElementById("search-providers");
  var providerList = providerBox && providerBox.querySelector("ul");
  var providerMore = providerBox && providerBox.querySelector(".search-more a");
  var nojs = document.getElementById("search-nojs");
  var pageTitle = document.title;
  nojs.hidden = true;

  var indexP = null;
  var shardP = {};
  var gramP = {};
  var foldedDocs = {};

  function getJSON(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.json();
    });
  }

  function loadIndex() {
    if (!indexP) indexP = getJSON(dir + "index.json");
    return indexP;
  }

  function loadShard(n) {
    if (!shardP[n]) shardP[n] = getJSON(dir + "text-" + n + ".json");
    return shardP[n];
  }

  function fileOf(index, key) {
    return key.codePointAt(0) % index.grams;
  }

  // grams-K.json with its gaps turned back into ascending page ids.
  function loadGrams(k) {
    if (!gramP[k]) {
      gramP[k] = getJSON(dir + "grams-" + k + ".json").then(function (g) {
        Object.keys(g).forEach(function (key) {
          var id = 0;
          g[key] = g[key].map(function (gap) { id += gap; return id; });
        });
        return g;
      });
    }
    return gramP[k];
  }

  // Folded text plus, for each UTF-16 unit of it, where its chunk starts and ends in
  // the original, so hits found in folded text can be marked in the text as written.
  function foldMapped(s) {
    var out = "";
    var start = [];
    var end = [];
    var m;
    CHUNK.lastIndex = 0;
    while ((m = CHUNK.exec(s))) {
      var part = fold(m[0]);
      for (var k = 0; k < part.length; k++) {
        start.push(m.index);
        end.push(m.index + m[0].length);
      }
      out += part;
    }
    return { text: s, folded: out, start: start, end: end };
  }

  // The pairs the index holds for a folded term; a lone letter is indexed as itself.
  function grams(term) {
    var cs = Array.from(term);
    var out = [];
    for (var i = 0; i + 1 < cs.length; i++) {
      if (INDEXABLE.test(cs[i]) && INDEXABLE.test(cs[i + 1])) out.push(cs[i] + cs[i + 1]);
    }
    return out;
  }

  function intersect(a, b) {
    var out = [];
    var i = 0;
    var j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { out.push(a[i]); i++; j++; }
      else if (a[i] < b[j]) i++;
      else j++;
    }
    return out;
  }

  function allIds(index) {
    return index.docs.map(function (_, i) { return i; });
  }

  // Ids of pages that may contain the term; the text check decides.
  function candidates(index, term) {
    var gs = grams(term);
    if (gs.length) {
      var files = {};
      gs.forEach(function (g) { files[fileOf(index, g)] = true; });
      return Promise.all(Object.keys(files).map(function (k) {
        return loadGrams(Number(k)).then(function (g) { return [Number(k), g]; });
      })).then(function (loaded) {
        var byFile = {};
        loaded.forEach(function (l) { byFile[l[0]] = l[1]; });
        var ids = null;
        for (var i = 0; i < gs.length; i++) {
          var p = byFile[fileOf(index, gs[i])][gs[i]] || [];
          ids = ids ? intersect(ids, p) : p;
          if (!ids.length) break;
        }
        return ids;
      });
    }
    var letters = Array.from(term).filter(function (c) { return INDEXABLE.test(c); });
    if (!letters.length) return Promise.resolve(allIds(index));
    // One letter: every letter starts a key of its own (a pair, or itself alone), and
    // all keys starting with it are in one file.
    var c = letters[0];
    return loadGrams(fileOf(index, c)).then(function (g) {
      var seen = {};
      Object.keys(g).forEach(function (key) {
        if (key.indexOf(c) === 0) g[key].forEach(function (id) { seen[id] = true; });
      });
      return Object.keys(seen).map(Number).sort(function (a, b) { return a - b; });
    });
  }

  function count(hay, needle) {
    var n = 0;
    var at = hay.indexOf(needle);
    while (at >= 0 && n < 50) { n++; at = hay.indexOf(needle, at + needle.length); }
    return n;
  }

  function search(index, terms) {
    return Promise.all(terms.map(function (t) { return candidates(index, t); }))
      .then(function (lists) {
        var ids = lists.reduce(function (a, b) { return intersect(a, b); });
        return check(index, terms, ids);
      });
  }

  // Loads the candidates' text, keeps those that really contain every term, and ranks
  // them: more terms in the title first, then more occurrences.
  function check(index, terms, ids) {
    var shards = {};
    ids.forEach(function (id) { shards[Math.floor(id / index.shard)] = true; });
    return Promise.all(Object.keys(shards).map(function (n) {
      return loadShard(n).then(function (texts) {
        texts.forEach(function (t, k) {
          var id = Number(n) * index.shard + k;
          if (!foldedDocs[id]) foldedDocs[id] = foldMapped(t);
        });
      });
    })).then(function () {
      var hits = [];
      ids.forEach(function (id) {
        var doc = index.docs[id];
        var title = foldMapped(doc.t);
        var body = foldedDocs[id];
        var inTitle = 0;
        var freq = 0;
        for (var i = 0; i < terms.length; i++) {
          var t = terms[i];
          var ti = title.folded.indexOf(t) >= 0;
          var n = count(body.folded, t);
          if (!ti && !n) return;
          if (ti) inTitle++;
          freq += n;
        }
        hits.push({ id: id, doc: doc, title: title, body: body, inTitle: inTitle, freq: freq });
      });
      hits.sort(function (a, b) {
        return b.inTitle - a.inTitle || b.freq - a.freq || a.id - b.id;
      });
      return hits;
    });
  }

  // [start, end) ranges in the original text where any term occurs, merged.
  function ranges(m, terms) {
    var rs = [];
    terms.forEach(function (t) {
      var at = m.folded.indexOf(t);
      while (at >= 0) {
        rs.push([m.start[at], m.end[at + t.length - 1]]);
        at = m.folded.indexOf(t, at + t.length);
      }
    });
    rs.sort(function (a, b) { return a[0] - b[0]; });
    var out = [];
    rs.forEach(function (r) {
      var last = out[out.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else out.push(r.slice());
    });
    return out;
  }

  // Appends text[from, to) to el with the hits wrapped in <mark>.
  function appendMarked(el, text, rs, from, to) {
    var at = from;
    rs.forEach(function (r) {
      var s = Math.max(r[0], from);
      var e = Math.min(r[1], to);
      if (s >= e || s < at) return;
      el.appendChild(document.createTextNode(text.slice(at, s)));
      var mk = document.createElement("mark");
      mk.textContent = text.slice(s, e);
      el.appendChild(mk);
      at = e;
    });
    el.appendChild(document.createTextNode(text.slice(at, to)));
  }

  function snippet(hit, terms) {
    var p = document.createElement("p");
    p.className = "search-snippet";
    var text = hit.body.text;
    var rs = ranges(hit.body, terms);
    var from = rs.length ? Math.max(0, rs[0][0] - 30) : 0;
    var to = Math.min(text.length, from + 110);
    // Never cut a character made of two UTF-16 units in half.
    if (from > 0 && /[\udc00-\udfff]/.test(text.charAt(from))) from--;
    if (to < text.length && /[\udc00-\udfff]/.test(text.charAt(to))) to++;
    if (from > 0) p.appendChild(document.createTextNode("…"));
    appendMarked(p, text, rs, from, to);
    if (to < text.length) p.appendChild(document.createTextNode("…"));
    return p;
  }

  // Providers whose name, reading, address or labels hold every word, name matches first.
  function findProviders(q) {
    var P = window.tsunaguProviders;
    if (!P || !providerBox) return Promise.resolve(null);
    var terms = P.terms(q);
    return P.load(form.getAttribute("data-providers"))
      .then(function (loaded) {
        var found = loaded.records.filter(function (p) { return P.matches(p, terms); });
        var named = found.filter(function (p) { return P.byName(p, terms); });
        var others = found.filter(function (p) { return !P.byName(p, terms); });
        return { data: loaded.data, list: named.concat(others) };
      })
      .catch(function () { return null; });
  }

  function showProviders(q, found) {
    providerList.textContent = "";
    providerBox.hidden = !found || !found.list.length;
    if (providerBox.hidden) return;
    var label = function (table, i) { return table[i] ? table[i][1] : ""; };
    found.list.slice(0, MAX_PROVIDERS).forEach(function (p) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = base + p.path;
      a.textContent = p.name;
      li.appendChild(a);
      var where = document.createElement("p");
      where.className = "search-where";
      where.textContent = [label(found.data.c, p.category), label(found.data.a, p.area)]
        .filter(Boolean).join("・");
      li.appendChild(where);
      var address = document.createElement("p");
      address.textContent = p.address;
      li.appendChild(address);
      providerList.appendChild(li);
    });
    providerMore.href = form.getAttribute("data-finder") + "?q=" + encodeURIComponent(q);
    providerMore.textContent = found.list.length > MAX_PROVIDERS
      ? "事業所 " + found.list.length + " 件すべてを「事業所をさがす」で見る"
      : "「事業所をさがす」で、種類や地域でしぼりこむ";
  }

  function show(q, terms, hits, found) {
    showProviders(q, found);
    var providers = found ? found.list.length : 0;
    list.textContent = "";
    hits.slice(0, MAX_RESULTS).forEach(function (hit) {
      var li = document.createElement("li");
      var h = document.createElement("h2");
      var a = document.createElement("a");
      a.href = base + hit.doc.u;
      appendMarked(a, hit.title.text, ranges(hit.title, terms), 0, hit.title.text.length);
      h.appendChild(a);
      li.appendChild(h);
      if (hit.doc.s) {
        var w = document.createElement("p");
        w.className = "search-where";
        w.textContent = hit.doc.s;
        li.appendChild(w);
      }
      if (hit.body.text) li.appendChild(snippet(hit, terms));
      list.appendChild(li);
    });
    if (hits.length || providers) {
      var more = hits.length > MAX_RESULTS ? "（ページは、はじめの " + MAX_RESULTS + " 件を表示しています）" : "";
      status.textContent = "「" + q + "」の検索結果 ページ " + hits.length + " 件、事業所 " + providers + " 件" + more;
    } else {
      status.textContent = "「" + q + "」をふくむページと事業所は見つかりませんでした（0 件）。言葉を短くするか、別の言い方でお試しください。";
    }
    help.hidden = hits.length + providers > 0;
    document.title = "「" + q + "」の検索結果｜" + pageTitle.replace(/^[^｜]*｜/, "");
  }

  function run(q) {
    q = q.trim().slice(0, 100);
    input.value = q;
    var terms = [];
    q.split(/\s+/).forEach(function (w) {
      var t = fold(w);
      if (t && terms.indexOf(t) < 0) terms.push(t);
    });
    if (!terms.length) {
      list.textContent = "";
      if (providerBox) providerBox.hidden = true;
      status.textContent = "";
      help.hidden = false;
      document.title = pageTitle;
      return Promise.resolve();
    }
    status.textContent = "さがしています…";
    return Promise.all([
      loadIndex().then(function (index) { return search(index, terms); }),
      findProviders(q)
    ])
      .then(function (r) { show(q, terms, r[0], r[1]); })
      .catch(function () {
        list.textContent = "";
        status.textContent = "検索の準備ができませんでした。時間をおいて、もう一度お試しください。";
        help.hidden = false;
      });
  }

  function queryOf(loc) {
    return new URLSearchParams(loc.search).get("q") || "";
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var q = input.value.trim();
    var url = form.action + (q ? "?q=" + encodeURIComponent(q) : "");
    if (queryOf(location) !== q) history.pushState(null, "", url);
    run(q);
  });
  window.addEventListener("popstate", function () { run(queryOf(location)); });
  run(queryOf(location));
})();
