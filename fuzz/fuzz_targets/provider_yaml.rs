//! Provider records: the spanned YAML reader and every field check. Whatever loads must
//! have an id that is safe as a URL path segment.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|src: &str| {
    let config = support::config();
    let (providers, _) =
        tsunagu::load::providers::load_text(std::path::Path::new("content/providers/x.yaml"), src, config);
    for p in providers {
        assert!(!p.id.is_empty() && !p.id.contains(['/', '\\', '.']), "unsafe id {:?}", p.id);
    }
});

mod support {
    include!("../support.rs");
}
