//! A lecture page's own data: its front matter and its slides.

use serde::{Deserialize, Serialize};

/// Front matter `lecture:` of a lecture page.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LectureMeta {
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub time: String,
    #[serde(default)]
    pub speaker: String,
    #[serde(default)]
    pub organiser: String,
    /// The audience's area (日常生活圏域), for `area=lecture` and the contact window.
    #[serde(default)]
    pub area: Option<String>,
    /// Provider id of the contact window printed on the handout.
    #[serde(default)]
    pub contact: Option<String>,
    /// Slides per handout page: 2, 3 (with note lines) or 6.
    #[serde(default = "default_handout")]
    pub handout: u8,
}

fn default_handout() -> u8 {
    3
}

impl Default for LectureMeta {
    fn default() -> Self {
        LectureMeta {
            place: String::new(),
            time: String::new(),
            speaker: String::new(),
            organiser: String::new(),
            area: None,
            contact: None,
            handout: default_handout(),
        }
    }
}

/// A slide as written: Markdown already made HTML, and the provider tables still to be
/// filled from the data when the slide is rendered (so a lecture reads the same whatever
/// the data, and the handout is current whenever it is printed).
#[derive(Debug, Clone, PartialEq)]
pub struct SlideSource {
    pub pieces: Vec<SlidePiece>,
    /// The speaker's notes, as HTML.
    pub notes: String,
    /// The slide's first written line in the body (1-based), for messages.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SlidePiece {
    Html(String),
    /// `::: providers …`: the records the filter keeps, as many as fit (at most `limit`).
    Table {
        line: usize,
        filter: super::ProviderFilter,
        limit: Option<usize>,
    },
}

/// A slide rendered with the data: what the deck, the handout and the speaker's copy show.
#[derive(Debug, Clone, Serialize)]
pub struct Slide {
    pub html: String,
    pub notes: String,
}
