// Folds text for matching exactly as tsunagu's Rust side does (model::kana::fold):
// NFKC (full-width letters and digits, half-width katakana), lower case,
// spaces removed, NFKC again, katakana to hiragana. Shared by the finder and the site search.
(function () {
  "use strict";
  window.tsunaguFold = function (s) {
    return String(s || "")
      .normalize("NFKC")
      .toLowerCase()
      .replace(/\s+/g, "")
      .normalize("NFKC")
      .replace(/[\u30a1-\u30f6\u30fd\u30fe]/g, function (c) {
        return String.fromCharCode(c.charCodeAt(0) - 0x60);
      });
  };
})();
