//! Markdown with tsunagu's extensions: furigana, `@/` links, ending-note elements and
//! lecture slides. The input is rendered all three ways; none may panic, and plain
//! pages must never let raw markup through.
#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use tsunagu::markdown::{self, Context};

fuzz_target!(|src: &str| {
    let pages: HashMap<String, String> =
        [("guide/a.md".to_string(), "guide/a/".to_string())].into();
    let directory = markdown::Directory {
        providers: ["a-clinic"].into_iter().collect(),
        lists: ["category/clinic".to_string()].into_iter().collect(),
    };
    let cx = Context {
        pages: &pages,
        directory: Some(&directory),
        base_path: "/z/",
        allow_html: false,
    };
    let r = markdown::render(src, &cx);
    // Raw HTML is shown as text unless the site opts in.
    assert!(!r.html.contains("<script"), "{src:?} gave {}", r.html);
    let _ = markdown::render_inline(src);
    let _ = markdown::strip_furigana(src);
    let note = tsunagu::note::render(src, &cx, Default::default());
    let _ = tsunagu::note::html(&note.parts, |_| Vec::new());
    let config = tsunagu_fuzz_support::config();
    let meta = tsunagu::lecture::LectureMeta::default();
    let _ = tsunagu::lecture::parse(src, &cx, &meta, config);
});

mod tsunagu_fuzz_support {
    include!("../support.rs");
}
