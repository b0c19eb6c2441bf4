//! A Markdown file's front matter, split and checked as the content loader does.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|src: &str| {
    let _ = tsunagu::load::content::parse_doc(std::path::Path::new("content/x.md"), src.to_string());
});
