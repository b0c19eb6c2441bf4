// Folds text for matching exactly as tsunagu's Rust side does (model::kana::fold):
// NFKC (full-width letters and digits, half-width katakana), lower case, spaces removed,
// NFKC again, variation selectors dropped, katakana to hiragana, the small ヶ and ヵ of
// place names as け and か, and variant kanji (髙 﨑 邊 …) to their common form.
// Shared by the finder and the site search.
(function () {
  "use strict";
  // Pairs of (variant, common form); the same table as model::kana::VARIANTS.
  var VARIANTS = "髙高﨑崎嵜崎邊辺邉辺澤沢濱浜濵浜齋斎齊斉嶋島嶌島國国廣広惠恵櫻桜眞真冨富槇槙德徳瀨瀬淵渕藏蔵壽寿實実榮栄會会圓円兒児來来與与萬万彌弥禮礼豐豊鐵鉄鷗鴎舘館峯峰黑黒栁柳澁渋靜静條条檜桧藪薮桒桑昻昂";
  var common = {};
  var chars = Array.from(VARIANTS);
  for (var i = 0; i + 1 < chars.length; i += 2) common[chars[i]] = chars[i + 1];
  var VARIANT = new RegExp("[" + Object.keys(common).join("") + "]", "gu");

  window.tsunaguFold = function (s) {
    // Lower case letter by letter, as Rust's char::to_lowercase (no final-sigma rule),
    // and Unicode's White_Space, which Rust's char::is_whitespace follows.
    var lower = Array.from(String(s || "").normalize("NFKC"), function (c) {
      return c.toLowerCase();
    }).join("");
    return lower
      .replace(/[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g, "")
      .normalize("NFKC")
      .replace(/[\uFE00-\uFE0F]|\uDB40[\uDD00-\uDDEF]/g, "")
      .replace(/[\u30F5\u3095]/g, "\u304B")
      .replace(/[\u30F6\u3096]/g, "\u3051")
      .replace(/[\u30a1-\u30f4\u30fd\u30fe]/g, function (c) {
        return String.fromCharCode(c.charCodeAt(0) - 0x60);
      })
      .replace(VARIANT, function (c) {
        return common[c];
      });
  };
})();
