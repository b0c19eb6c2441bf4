//! Lecture slides as `load` reads them (tested here, where a checked `Config` is made).

use std::collections::HashMap;

use markup::lecture::*;
use markup::markdown;
use model::config::Config;
use model::lecture::LectureMeta;
fn config() -> Config {
    crate::config::parse(
        "title='t'\nbase_url='https://e.jp/'\n[municipality]\nname='市'\ncode='131016'\n\
         [categories.houkatsu]\nlabel='包括'\ngroup='相談窓口'\n[areas.kita]\nlabel='北部'\n",
        &Default::default(),
    )
    .unwrap()
}

fn lecture(src: &str) -> Parsed {
    let pages = HashMap::new();
    let cx = markdown::Context {
        pages: &pages,
        directory: None,
        base_path: "/",
        allow_html: false,
    };
    parse(
        src,
        &cx,
        &LectureMeta {
            area: Some("kita".into()),
            ..Default::default()
        },
        &config(),
    )
}

#[test]
fn slides_split_at_rules_and_notes_stay_off_the_slides() {
    let p = lecture(
        "# 一枚目\n\n::: notes\nここは話すこと\n:::\n\n---\n\n## 二枚目\n\n```\n---\n```\n---\n三枚目\n",
    );
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.slides.len(), 3);
    let html = |i: usize| -> String {
        p.slides[i]
            .pieces
            .iter()
            .map(|x| match x {
                SlidePiece::Html(h) => h.as_str(),
                SlidePiece::Table { .. } => "",
            })
            .collect()
    };
    assert!(!html(0).contains("話すこと"));
    assert!(p.slides[0].notes.contains("ここは話すこと"));
    assert!(
        html(1).contains("<pre><code>---"),
        "--- inside code is not a split"
    );
}

#[test]
fn provider_lists_are_read_as_filters_with_the_lectures_area() {
    let p = lecture("::: providers category=houkatsu area=lecture limit=4\n");
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let SlidePiece::Table { filter, limit, .. } = &p.slides[0].pieces[0] else {
        panic!("{:?}", p.slides[0]);
    };
    assert_eq!(filter.area.as_deref(), Some("kita"));
    assert_eq!(filter.category.as_deref(), Some("houkatsu"));
    assert_eq!(*limit, Some(4));
}

#[test]
fn mistakes_name_their_line() {
    for (src, line, words) in [
        ("a\n---\n::: notes\nx\n", 3, "閉じられていません"),
        ("a\n\n::: provider category=houkatsu\n", 3, "provider"),
        ("::: providers category=nope\n", 1, "nope"),
        ("::: providers color=red\n", 1, "color"),
        ("::: providers limit=0\n", 1, "limit"),
        ("x\n---\ny\n:::\n", 4, "対応する"),
    ] {
        let p = lecture(src);
        assert_eq!(p.errors.len(), 1, "{src:?}: {:?}", p.errors);
        assert_eq!(p.errors[0].0, line, "{src:?}");
        assert!(p.errors[0].1.contains(words), "{src:?}: {}", p.errors[0].1);
    }
    assert!(lecture("\n\n").errors[0].1.contains("スライドがありません"));
}
