//! No section of a guide ends on a nearly empty page. After each print, a section whose
//! last page holds only a few lines is tightened (line spacing and gaps, never the type
//! size) so they move back to the page before, or, when that would take too much,
//! loosened so its last page fills up. Tightening comes first: it saves a page.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::Readback;
use render::outputs::print_guide::{Paper, keep_rows};

/// A section's last page ending above this share of the page height is nearly empty.
/// The tests check 0.25 from the words on the page; the marker sits a little below them.
pub const NEAR_EMPTY: f32 = 0.30;
/// How far line spacing and gaps may be scaled.
const MIN_FIT: f32 = 0.82;
const MAX_FIT: f32 = 1.2;
/// Spacing does not scale everything (type, rules, images): move further than the
/// measured share so one more print usually settles it.
const OVERSTEER: f32 = 1.6;

/// Adjusts `fit` for every section whose last page is nearly empty; true when it changed.
pub fn refit(read: &Readback, paper: &Paper, fit: &mut HashMap<String, f32>) -> bool {
    let h = read.page_height;
    if h <= 0.0 {
        return false;
    }
    let pt = 72.0 / 25.4;
    let top = paper.margin_mm[0] * pt;
    let body = h - top - paper.margin_mm[2] * pt;
    let mut ends: Vec<(&String, &u32)> = read
        .pages
        .iter()
        .filter(|(k, _)| k.ends_with("-end"))
        .collect();
    ends.sort();
    let mut changed = false;
    for (end, &last) in ends {
        let section = &end[..end.len() - "-end".len()];
        let (Some(&first), Some(&y)) = (read.pages.get(section), read.tops.get(end)) else {
            continue;
        };
        if last <= first || y >= NEAR_EMPTY * h {
            continue;
        }
        let current = fit.get(section).copied().unwrap_or(1.0);
        let full = (last - first) as f32;
        let used = full + ((y - top) / body).max(0.0);
        let steer = |ratio: f32| current * (1.0 + (ratio - 1.0) * OVERSTEER);
        let shrink = steer((full - 0.02) / used);
        let grow = steer((full + (NEAR_EMPTY * h - top) / body + 0.04) / used);
        let next = if shrink >= MIN_FIT {
            shrink
        } else if grow <= MAX_FIT {
            grow
        } else if current > MIN_FIT {
            MIN_FIT
        } else {
            continue;
        };
        // Two decimals keep the page source stable between prints.
        let next = (next * 100.0).round() / 100.0;
        if (next - current).abs() >= 0.005 {
            fit.insert(section.to_string(), next);
            changed = true;
        }
    }
    for section in split_tables(read) {
        let current = fit.get(&section).copied().unwrap_or(1.0);
        let next = ((current - TABLE_STEP).max(MIN_FIT) * 100.0).round() / 100.0;
        if next < current {
            fit.insert(section, next);
            changed = true;
        }
    }
    changed
}

/// A page chapter this short (share of the page body) may run on after the one before.
const SHORT: f32 = 0.5;

/// Joins each short one-page chapter to the page chapter before it when it fits in the
/// space that chapter leaves on its last page, so it does not take a page of its own.
/// `page_chapters[n]` says whether chapter `ch-{n+1}` is a page (not a provider list).
/// True when a chapter was joined.
pub fn join_short(
    read: &Readback,
    paper: &Paper,
    page_chapters: &[bool],
    joined: &mut BTreeSet<String>,
) -> bool {
    let h = read.page_height;
    let pt = 72.0 / 25.4;
    let (top, bottom) = (paper.margin_mm[0] * pt, h - paper.margin_mm[2] * pt);
    // A blank line or two between the chapters.
    let gap = 3.0 * paper.body_pt;
    // The chapter before, and where its named page ends.
    let mut open: Option<String> = None;
    let mut changed = false;
    for (n, &is_page) in page_chapters.iter().enumerate() {
        let id = format!("ch-{}", n + 1);
        if !is_page {
            open = None;
            continue;
        }
        if joined.contains(&id) {
            continue;
        }
        let end = format!("{id}-end");
        let fits = (|| {
            let leader = open.as_ref()?;
            let (&first, &last) = (read.pages.get(&id)?, read.pages.get(&end)?);
            let (&start_y, &end_y) = (read.tops.get(&id)?, read.tops.get(&end)?);
            let before_y = *read.tops.get(&format!("{leader}-end"))?;
            let height = end_y - start_y;
            Some(
                first == last
                    && height < SHORT * (bottom - top)
                    && before_y + gap + height <= bottom,
            )
        })();
        if fits == Some(true) {
            joined.insert(id);
            changed = true;
        } else {
            open = Some(id);
        }
    }
    changed
}

/// Tightening step for a section with a table broken against its keep rules.
const TABLE_STEP: f32 = 0.06;

/// Sections holding a provider table that a page break left with fewer rows on a page
/// than the keep rules allow (a table too long for the space it was given).
fn split_tables(read: &Readback) -> Vec<String> {
    // Row ids are `SECTION--CHAPTER-rN`.
    let mut tables: BTreeMap<(&str, &str), BTreeMap<u32, usize>> = BTreeMap::new();
    for (id, page) in &read.pages {
        let Some((section, row)) = id.split_once("--") else {
            continue;
        };
        let Some((chapter, _)) = row.rsplit_once("-r") else {
            continue;
        };
        *tables
            .entry((section, chapter))
            .or_default()
            .entry(*page)
            .or_default() += 1;
    }
    let mut out: Vec<String> = Vec::new();
    for ((section, _), pages) in tables {
        let n: usize = pages.values().sum();
        let least = keep_rows(n);
        if pages.values().any(|&k| k < least) && !out.iter().any(|s| s == section) {
            out.push(section.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::config::PageSize;

    fn read(first: u32, last: u32, top: f32) -> Readback {
        Readback {
            pages: HashMap::from([("ch-1".into(), first), ("ch-1-end".into(), last)]),
            tops: HashMap::from([("ch-1-end".into(), top)]),
            page_count: last,
            page_height: 842.0,
        }
    }

    #[test]
    fn a_few_lines_over_tighten_and_a_fuller_tail_loosens() {
        let paper = Paper::of(PageSize::A4);
        let mut fit = HashMap::new();
        // Two lines on the third page: pull them back.
        assert!(refit(&read(3, 4, 100.0), &paper, &mut fit));
        assert!(fit["ch-1"] < 1.0, "{fit:?}");
        // A fifth of a page after four: tightening saves the page.
        let mut fit = HashMap::new();
        assert!(refit(&read(3, 7, 200.0), &paper, &mut fit));
        assert!(fit["ch-1"] < 1.0, "{fit:?}");
        // A fifth of a page after one: too much to pull back, so the section spreads.
        let mut fit = HashMap::new();
        assert!(refit(&read(3, 4, 200.0), &paper, &mut fit));
        assert!(fit["ch-1"] > 1.0, "{fit:?}");
        // A full last page, or a one-page section, is left alone.
        let mut fit = HashMap::new();
        assert!(!refit(&read(3, 4, 600.0), &paper, &mut fit));
        assert!(!refit(&read(3, 3, 100.0), &paper, &mut fit));
        assert!(fit.is_empty());
    }

    #[test]
    fn a_table_left_with_one_row_on_a_page_tightens_its_section() {
        let paper = Paper::of(PageSize::A5);
        let mut read = read(3, 4, 400.0);
        for (n, page) in [(1, 3), (2, 3), (3, 3), (4, 3), (5, 3), (6, 4)] {
            read.pages.insert(format!("ch-1--ch-2-r{n}"), page);
        }
        let mut fit = HashMap::new();
        assert!(refit(&read, &paper, &mut fit));
        assert_eq!(fit["ch-1"], 0.94);
        // Five and four rows either side are what the rules ask for.
        read.pages.insert("ch-1--ch-2-r5".into(), 4);
        read.pages.insert("ch-1--ch-2-r7".into(), 4);
        read.pages.insert("ch-1--ch-2-r8".into(), 4);
        let mut fit = HashMap::new();
        assert!(!refit(&read, &paper, &mut fit));
    }
}
