// Opening hours on the device: whether a record of providers/finder.json is open at a
// moment, or during part of a day, from its ranges and the index's holidays. Used by the
// finder; nothing leaves the page.
(function () {
  "use strict";
  var DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "hol"];
  var HOL = 128;
  // Parts of a day residents choose, as [from, to) in minutes; night runs to 7:00 next day.
  var BANDS = {
    am: [9 * 60, 12 * 60],
    pm: [13 * 60, 17 * 60],
    evening: [17 * 60, 19 * 60],
    night: [19 * 60, 31 * 60]
  };

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function dateKey(d) {
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  // The bit of a date: 祝 on a holiday, else its weekday (月 1 … 日 64).
  function bitOf(date, holidays) {
    if (holidays[dateKey(date)]) return HOL;
    return 1 << ((date.getDay() + 6) % 7);
  }

  // A record's ranges on a day of kind `bit`, as [from, to) in minutes from that day's
  // midnight; a range ending the next morning runs past 1440.
  function ranges(p, bit) {
    var out = [];
    for (var i = 0; i < p.hours.length; i++) {
      var h = p.hours[i];
      if (h[0] & bit) out.push([h[1], h[2] > h[1] ? h[2] : h[2] + 1440]);
    }
    return out;
  }

  // The range during which `p` is open within [from, to) of a day of kind `bit` (the day
  // before of kind `prev`, whose overnight ranges reach into it: then the range starts
  // below 0), or null.
  function openDuring(p, bit, prev, from, to) {
    var r = ranges(p, bit);
    for (var i = 0; i < r.length; i++) {
      if (r[i][0] < to && from < r[i][1]) return r[i];
    }
    if (prev) {
      var y = ranges(p, prev);
      for (var j = 0; j < y.length; j++) {
        if (y[j][1] > 1440 && from < y[j][1] - 1440) return [y[j][0] - 1440, y[j][1] - 1440];
      }
    }
    return null;
  }

  window.tsunaguHours = {
    DAYS: DAYS,
    BANDS: BANDS,
    // The index's holiday list as a lookup.
    holidays: function (list) {
      var m = {};
      (list || []).forEach(function (k) {
        m[k] = true;
      });
      return m;
    },
    // A moment as the day kinds and minutes the ranges are compared with.
    moment: function (date, holidays) {
      var before = new Date(date.getFullYear(), date.getMonth(), date.getDate() - 1);
      return {
        bit: bitOf(date, holidays),
        prev: bitOf(before, holidays),
        minutes: date.getHours() * 60 + date.getMinutes()
      };
    },
    // A chosen day ("sun", "hol"): its bit, and the bit of the day before (none for a
    // holiday, which may follow any day).
    day: function (name) {
      var i = DAYS.indexOf(name);
      if (i < 0) return null;
      return { bit: 1 << i, prev: i === 7 ? 0 : 1 << ((i + 6) % 7) };
    },
    // "am", "night" or "HH:MM" as [from, to) in minutes; null for anything else.
    span: function (time) {
      if (BANDS[time]) return BANDS[time];
      var m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time || "");
      if (!m) return null;
      var t = Number(m[1]) * 60 + Number(m[2]);
      return [t, t + 1];
    },
    hasHours: function (p) {
      return p.hours.length > 0;
    },
    openDuring: openDuring
  };
})();
