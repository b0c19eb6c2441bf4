//! Where a build's time goes, for performance work: `TSUNAGU_TIMINGS=1` prints each
//! stage's wall time to standard error.

use std::time::{Duration, Instant};

/// Stage times, printed when `TSUNAGU_TIMINGS` is set.
pub struct Timings {
    on: bool,
    last: Instant,
    marks: Vec<(&'static str, Duration)>,
}

impl Default for Timings {
    fn default() -> Self {
        Self::new()
    }
}

impl Timings {
    pub fn new() -> Self {
        Timings {
            on: std::env::var_os("TSUNAGU_TIMINGS").is_some(),
            last: Instant::now(),
            marks: Vec::new(),
        }
    }

    pub fn mark(&mut self, stage: &'static str) {
        if self.on {
            self.marks.push((stage, self.last.elapsed()));
            self.last = Instant::now();
        }
    }

    pub fn report(&self) {
        if self.on {
            let parts: Vec<String> = self
                .marks
                .iter()
                .map(|(s, d)| format!("{s} {:.0} ms", d.as_secs_f64() * 1000.0))
                .collect();
            eprintln!("timings: {}", parts.join(", "));
        }
    }
}
