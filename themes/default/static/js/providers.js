// The providers of providers/finder.json, read once and matched against search words:
// used by the finder (/providers/find/) and by the site search, so a word finds the same
// providers in both. A word matches the name, the reading, the address, the labels of
// the category, area and services, or a 診療科目; every word must match. Folding is window.tsunaguFold
// (js/fold.js), exactly as the Rust side folds.
(function () {
  "use strict";
  var fold = window.tsunaguFold;
  if (!fold) return;
  var SEP = "\u0001"; // keeps a word from matching across two fields

  function read(d) {
    var labels = function (table) {
      return table.map(function (row) { return fold(row[1]); });
    };
    var cats = labels(d.c);
    var areas = labels(d.a);
    var services = labels(d.s);
    var departments = d.d || [];
    return d.p.map(function (r) {
      var depts = (r[11] || []).map(function (i) { return departments[i] || ""; });
      return {
        id: r[0],
        // Relative to the site's base; the pattern comes with the data (routes in Rust).
        path: d.u.replace("{id}", r[0]),
        name: r[1],
        kana: r[2],
        category: r[3],
        area: r[4],
        services: r[5],
        accepting: r[6],
        address: r[7],
        phone: r[8],
        lat: r[9],
        lon: r[10],
        nameText: fold(r[1]) + SEP + fold(r[2]),
        departments: depts,
        // Opening ranges: [days bit set (月 1 … 日 64, 祝 128), open, close] in minutes;
        // a close earlier than the open is the next morning.
        hours: r[12] || [],
        text: [fold(r[1]), fold(r[2]), fold(r[7]), cats[r[3]] || "", areas[r[4]] || ""]
          .concat(r[5].map(function (i) { return services[i] || ""; }))
          .concat(depts.map(fold))
          .join(SEP)
      };
    });
  }

  var loaded = {};
  window.tsunaguProviders = {
    // The index and its records, fetched once per page.
    load: function (url) {
      if (!loaded[url]) {
        loaded[url] = fetch(url)
          .then(function (r) {
            if (!r.ok) throw new Error(url + ": " + r.status);
            return r.json();
          })
          .then(function (d) { return { data: d, records: read(d) }; });
      }
      return loaded[url];
    },
    // The words of a query, folded; empty words dropped.
    terms: function (q) {
      return String(q || "").split(/\s+/).map(fold).filter(Boolean);
    },
    matches: function (p, terms) {
      for (var j = 0; j < terms.length; j++) {
        if (p.text.indexOf(terms[j]) < 0) return false;
      }
      return true;
    },
    // Whether every word is in the name or reading (such records are listed first).
    byName: function (p, terms) {
      for (var j = 0; j < terms.length; j++) {
        if (p.nameText.indexOf(terms[j]) < 0) return false;
      }
      return true;
    }
  };
})();
