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

#[derive(Debug, Clone, Serialize)]
pub struct Slide {
    pub html: String,
    pub notes: String,
}
