//! Where a build's time goes, for performance work: `TSUNAGU_TIMINGS=1` prints each
//! stage's wall time to standard error, with the memory in use after it (Linux).

use std::time::{Duration, Instant};

/// Stage times, printed when `TSUNAGU_TIMINGS` is set.
pub struct Timings {
    on: bool,
    last: Instant,
    marks: Vec<(&'static str, Duration, Option<u64>)>,
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
            self.marks
                .push((stage, self.last.elapsed(), resident_mib()));
            self.last = Instant::now();
        }
    }

    pub fn report(&self) {
        if self.on {
            let parts: Vec<String> = self
                .marks
                .iter()
                .map(|(s, d, rss)| {
                    let ms = d.as_secs_f64() * 1000.0;
                    match rss {
                        Some(m) => format!("{s} {ms:.0} ms ({m} MiB)"),
                        None => format!("{s} {ms:.0} ms"),
                    }
                })
                .collect();
            eprintln!("timings: {}", parts.join(", "));
        }
    }
}

/// Resident memory now, from `/proc/self/status`, in MiB.
pub fn resident_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}
