//! Every integration test of tsunagu in one binary (as ripgrep and mdBook do): the
//! dependencies are linked once, and tests share helpers from `common`. Each module is one
//! story of the user: the sample site, a second town, hostile input, browsers, PDFs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod a11y;
mod architecture;
mod area;
mod audit;
mod browser;
mod common;
mod finder;
mod finder_when_where;
mod fold;
mod guards;
mod hostile;
mod import;
mod lecture;
mod minify;
mod national;
mod no_data_lost;
mod note;
mod print_guide;
mod print_pdfs;
mod properties;
mod readability;
mod republish;
mod search;
mod second_town;
mod site_output;
mod validation;
