// Maps drawn with the bundled Leaflet (no CDN). Loaded only on sites that set
// [map] tiles; the tile URL and the credit come from data- attributes, never inline
// script. Markers are CSS shapes with a letter (医・介・相) so colour is never the only cue.
// Also draws the one-marker map of a provider page ([data-provider-map]).
(function () {
  "use strict";
  var L = window.L;
  if (!L) return;

  var GROUPS = {
    medical: { letter: "医", label: "医療" },
    care: { letter: "介", label: "介護" },
    consultation: { letter: "相", label: "相談窓口" }
  };

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // A Leaflet map in `el`, with zoom buttons and the tile provider's credit in Japanese.
  function create(el) {
    var map = L.map(el, {
      zoomControl: false,
      attributionControl: false,
      scrollWheelZoom: false,
      // One finger scrolls the page on phones; the buttons and two fingers zoom.
      dragging: !L.Browser.mobile
    });
    L.control.zoom({ zoomInTitle: "地図を拡大", zoomOutTitle: "地図を縮小" }).addTo(map);
    var text = el.getAttribute("data-attribution") || "";
    var href = el.getAttribute("data-attribution-url");
    var credit = href
      ? '<a href="' + escapeHtml(href) + '">' + escapeHtml(text) + "</a>"
      : escapeHtml(text);
    L.control
      .attribution({ prefix: '<a href="https://leafletjs.com/">Leaflet</a>' })
      .addAttribution("出典: " + credit)
      .addTo(map);
    L.tileLayer(el.getAttribute("data-tiles"), {
      maxZoom: Number(el.getAttribute("data-max-zoom")) || 18
    }).addTo(map);
    map.on("popupopen", function (e) {
      var close = e.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) {
        close.setAttribute("aria-label", "閉じる");
        close.title = "閉じる";
      }
    });
    return map;
  }

  // p: {lat, lon, name, href, group, category}
  function marker(p) {
    var g = GROUPS[p.group] || { letter: "・", label: "" };
    var icon = L.divIcon({
      className: "map-marker map-marker-" + (GROUPS[p.group] ? p.group : "other"),
      html: '<span aria-hidden="true">' + g.letter + "</span>",
      iconSize: [32, 32],
      iconAnchor: [16, 16],
      popupAnchor: [0, -16]
    });
    var m = L.marker([p.lat, p.lon], {
      icon: icon,
      title: p.name + "（" + (p.category || g.label) + "）",
      riseOnHover: true,
      // The result list below holds every marker's provider as a link; skipping the
      // markers spares keyboard users dozens of Tab presses to reach it.
      keyboard: false
    });
    var box = document.createElement("div");
    var a = document.createElement("a");
    a.href = p.href;
    a.textContent = p.name;
    box.appendChild(a);
    if (p.category) {
      var small = document.createElement("div");
      small.textContent = p.category;
      box.appendChild(small);
    }
    m.bindPopup(box);
    return m;
  }

  window.tsunaguMap = { create: create, marker: marker };

  var el = document.querySelector("[data-provider-map]");
  if (el) {
    var lat = Number(el.getAttribute("data-lat"));
    var lon = Number(el.getAttribute("data-lon"));
    var map = create(el);
    map.setView([lat, lon], Math.min(16, Number(el.getAttribute("data-max-zoom")) || 16));
    marker({
      lat: lat,
      lon: lon,
      name: el.getAttribute("data-name") || "",
      href: el.getAttribute("data-href") || "",
      group: el.getAttribute("data-group") || "",
      category: el.getAttribute("data-category") || ""
    }).addTo(map);
  }
})();
