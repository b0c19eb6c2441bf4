//! Templates are minified once when loaded, not every page. The pages must mean exactly
//! what the templates as written make: minifying both versions of every page of the
//! sample site gives the same bytes.

use crate::common;

#[test]
fn pages_from_minified_templates_mean_what_the_templates_as_written_make() {
    let dir = tempfile::tempdir().unwrap();
    let (plain, small) = (dir.path().join("plain"), dir.path().join("small"));
    common::build_ok(common::root(), &plain, &["--no-minify"]);
    common::build_ok(common::root(), &small, &[]);
    let pages: Vec<_> = common::files(&plain)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    assert!(pages.len() > 100, "{} pages", pages.len());
    let (mut plain_bytes, mut small_bytes, mut page_minified) = (0, 0, 0);
    let mut differ = Vec::new();
    for p in &pages {
        let rel = p.strip_prefix(&plain).unwrap();
        let a = std::fs::read(p).unwrap();
        let b = std::fs::read(small.join(rel)).unwrap();
        let (ma, mb) = (
            minify_html::minify(&a, &tsunagu::templates::minify::cfg()),
            minify_html::minify(&b, &tsunagu::templates::minify::cfg()),
        );
        if ma != mb {
            differ.push(rel.display().to_string());
        }
        plain_bytes += a.len();
        small_bytes += b.len();
        page_minified += ma.len();
    }
    assert!(
        differ.is_empty(),
        "{} pages differ: {:?}",
        differ.len(),
        &differ[..differ.len().min(10)]
    );
    eprintln!(
        "{} pages: as written {plain_bytes} bytes, from minified templates {small_bytes}, every page minified {page_minified}",
        pages.len()
    );
    // Most of what minifying each page would save is saved.
    assert!(small_bytes < plain_bytes, "no smaller");
    let saved = (plain_bytes - small_bytes) as f64 / (plain_bytes - page_minified) as f64;
    // (The rest is in Markdown's output and data, which templates do not hold.)
    assert!(saved > 0.7, "only {:.0} % of the saving", saved * 100.0);
}
