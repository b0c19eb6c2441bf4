//! The browser folds text exactly as the Rust side does: `static/js/fold.js` against
//! `model::kana::fold`, on random text rich in what residents and city files contain
//! (both kana, both widths, variant kanji, variation selectors, odd spaces), in Chromium.
//! Characters unassigned in the browser's Unicode version are left out of the comparison.

use crate::common;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use tsunagu::model::kana::fold;

/// Characters where folding does something, mixed with any printable text.
fn text() -> impl Strategy<Value = String> {
    let tricky: Vec<char> = "あア ｱｶﾞｯﾊﾟヴゔヵヶゕゖ・ーｰ～〜ＡＢＣａｂｃ０１２９－＠　\u{3000}\u{00A0}\u{0085}\u{FEFF}\t髙高﨑崎嵜邊邉辺澤濱濵齋齊嶋嶌國廣惠櫻眞冨槇德瀨淵藏渡辺辻\u{E0100}\u{FE00}\u{FE0F}神\u{FA19}ΣΑσςİI㍿㈱①ﾞﾟ\u{3099}\u{309A}かきく"
        .chars()
        .collect();
    let one = prop_oneof![
        3 => proptest::sample::select(tricky),
        1 => any::<char>(),
    ];
    prop_oneof![
        proptest::collection::vec(one, 0..16).prop_map(|v| v.into_iter().collect()),
        "\\PC{0,16}",
    ]
}

#[test]
fn javascript_fold_agrees_with_rust_fold() {
    let tab = common::tab(&common::browser(1280));
    let js = std::fs::read_to_string(common::root().join("themes/default/static/js/fold.js"))
        .expect("fold.js");
    tab.evaluate(&js, false).expect("load fold.js");
    let mut runner = TestRunner::new(Config {
        cases: 24,
        ..Config::default()
    });
    let strategy = proptest::collection::vec(text(), 200);
    runner
        .run(&strategy, |inputs| {
            let json = serde_json::to_string(&inputs).unwrap();
            // Characters the browser's Unicode does not know yet (Chromium's tables lag
            // Rust's by a version or two) are left out on both sides: no resident's text
            // holds a character assigned this year.
            let r = tab
                .evaluate(
                    &format!(
                        "JSON.stringify({json}.map(s => s.replace(/\\P{{Assigned}}/gu, '')).map(s => [s, window.tsunaguFold(s)]))"
                    ),
                    false,
                )
                .expect("fold in the browser");
            let got: Vec<(String, String)> =
                serde_json::from_str(r.as_str().unwrap_or("[]")).unwrap();
            for (input, js) in &got {
                prop_assert_eq!(js, &fold(input), "input {:?}", input);
            }
            prop_assert_eq!(got.len(), inputs.len());
            Ok(())
        })
        .unwrap();
}
