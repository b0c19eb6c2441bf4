//! Step 3 of a build: every output is a renderer over the one loaded `Site` (web pages,
//! print pages, ending notes, handouts, open data, search index, sitemap), through the
//! theme's templates, and every file leaves through `outputs::RenderContext::emit`.

pub mod json;
pub mod links;
pub mod outputs;
pub mod templates;
