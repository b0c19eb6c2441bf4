//! `tsunagu import` on arbitrary bytes (any encoding, any header): it may refuse, but
//! never panic, and what it would write must load as valid provider data (the importer
//! checks that itself before writing; `--dry-run` keeps the disk untouched).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tsunagu::import::{Options, run_bytes};

fuzz_target!(|bytes: &[u8]| {
    let opts = Options {
        file: "fuzz.csv".into(),
        category: None,
        area: Some("chuo".into()),
        out: Some("content/providers/fuzz.yaml".into()),
        dry_run: true,
        ..Default::default()
    };
    let _ = run_bytes(support::root(), support::config(), &opts, bytes);
});

mod support {
    include!("../support.rs");
}
