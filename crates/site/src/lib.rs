//! The whole pipeline: `build` (load → render → check links → write), the live preview
//! `serve`, and `stale` (the staff's confirmation sheets).

pub mod build;
pub mod serve;
pub mod stale;
