//! tsunagu (つなぐ): a static site generator for municipalities' resident outreach on home
//! medical care and nursing care (在宅医療・介護連携推進事業).
//!
//! A build flows one way, one module per step:
//! [`load`] (site.toml, content, provider data, validation) → [`model`] (one [`model::Site`])
//! → [`outputs`] (renderers over the model, using [`templates`] and [`markdown`])
//! → [`write`] (minify and publish). [`build`] runs the whole pipeline.

pub mod audit;
pub mod build;
pub mod diagnostics;
pub mod import;
pub mod init;
pub mod inputs;
pub mod json;
pub mod lecture;
pub mod links;
pub mod load;
pub mod markdown;
pub mod model;
pub mod note;
pub mod outdir;
pub mod outputs;
pub mod pdf;
pub mod qr;
pub mod readability;
pub mod report;
pub mod serve;
pub mod stale;
pub mod templates;
pub mod timings;
pub mod write;
