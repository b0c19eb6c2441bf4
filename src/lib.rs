//! tsunagu (つなぐ): a static site generator for municipalities' resident outreach on home
//! medical care and nursing care (在宅医療・介護連携推進事業).
//!
//! A build flows one way, one crate per step (`crates/`):
//! `load` (site.toml, content, provider data, validation) → `model` (one `model::Site`)
//! → `render` (renderers over the model, with `markup` for Markdown, notes and slides)
//! → `write` (compare and publish); `print` makes the PDFs and `site` runs the whole
//! pipeline. A crate names only the crates below it, so a wrong-way import does not
//! compile. This library gathers them under their old module names for the command
//! (`src/cmd/`), the tests and the fuzzers, and holds `init`.

pub use audit;
pub use diagnostics::{self, timings};
pub use import;
pub use load::{self, inputs};
pub use markup::{lecture, markdown, note, qr, readability};
pub use model;
pub use print as pdf;
pub use render::{json, links, outputs, templates};
pub use site::{build, serve, stale};
pub use write::{self, outdir, report};

pub mod init;
