//! The finder with 10,000 providers on a slow phone: headless Chromium with the CPU made
//! four times slower, keystrokes typed into the search box, and the time from each
//! keystroke to the updated count and results measured in the page itself. Alone in its
//! own test binary, so no other test shares the cores while it measures.

mod common;

use std::fmt::Write as _;

use headless_chrome::protocol::cdp::Emulation;

const N: usize = 10_000;
/// From the last keystroke to updated results, at a quarter of this machine's speed.
const BUDGET_MS: f64 = 100.0;

/// A town of `N` providers: names, readings and addresses of several words, hours with
/// lunch breaks and nights, 診療科目 on the clinics, and positions around the station.
fn many(dir: &std::path::Path) {
    let town = common::root().join("tests/finder-town");
    std::fs::create_dir_all(dir.join("content/providers")).unwrap();
    std::fs::copy(town.join("site.toml"), dir.join("site.toml")).unwrap();
    std::fs::copy(
        town.join("content/_index.md"),
        dir.join("content/_index.md"),
    )
    .unwrap();
    let names = [
        "ひばり",
        "さくら",
        "みどり",
        "あおば",
        "つばさ",
        "こだま",
        "ひかり",
        "やまと",
    ];
    let kinds = [
        ("iin", "クリニック", "くりにっく"),
        ("yakkyoku", "薬局", "やっきょく"),
        (
            "houkan",
            "訪問看護ステーション",
            "ほうもんかんごすてーしょん",
        ),
        ("kyotaku", "ケアプランセンター", "けあぷらんせんたー"),
    ];
    let towns = ["駅前", "丘の上", "本町", "新田", "桜ヶ丘"];
    let depts = ["内科", "小児科", "眼科", "整形外科", "皮膚科", "耳鼻咽喉科"];
    let mut y = String::new();
    for i in 0..N {
        let (cat, label, reading) = kinds[i % kinds.len()];
        let name = names[(i / 4) % names.len()];
        let area = if i % 2 == 0 { "ekimae" } else { "oka" };
        let _ = write!(
            y,
            "- id: r{i:05}\n  name: {name}{label}{n}\n  kana: {name}{reading}\n  category: {cat}\n  area: {area}\n  address: ひばり台市{town}{b}丁目{c}番\n  phone: 050-3{p:03}-{q:04}\n  lat: {lat:.5}\n  lon: {lon:.5}\n  updated: 2026-11-01\n",
            n = i + 1,
            town = towns[i % towns.len()],
            b = i % 9 + 1,
            c = i % 30 + 1,
            p = i / 1000,
            q = i % 10_000,
            lat = 35.0 + (i % 100) as f64 * 0.001,
            lon = 139.0 + (i / 100) as f64 * 0.001,
        );
        if cat == "iin" {
            let _ = writeln!(
                y,
                "  departments: [{}, {}]",
                depts[i % 6],
                depts[(i / 6) % 6]
            );
        }
        y.push_str(match i % 3 {
            0 => "  hours:\n    - { days: [mon, tue, wed, thu, fri], open: \"09:00\", close: \"12:00\" }\n    - { days: [mon, tue, wed, thu, fri], open: \"14:00\", close: \"18:00\" }\n",
            1 => "  hours:\n    - { days: [mon, tue, wed, thu, fri, sat, sun, hol], open: \"19:00\", close: \"07:00\" }\n",
            _ => "",
        });
        y.push('\n');
    }
    std::fs::write(dir.join("content/providers/many.yaml"), y).unwrap();
}

#[test]
fn typing_in_the_finder_of_10000_providers_updates_results_within_100_ms_at_a_quarter_speed() {
    let site = tempfile::tempdir().unwrap();
    many(site.path());
    let served = common::serve_site(site.path(), &[]);
    let index = served.dir.path().join("public/providers/finder.json");
    let index_bytes = std::fs::metadata(&index).unwrap().len();

    let browser = common::browser(390);
    let tab = browser.new_tab().unwrap();
    common::goto(&tab, &format!("{}providers/find/", served.base));
    common::wait_until(
        &tab,
        &format!("document.getElementById('finder-status').textContent.indexOf('{N} 件') === 0"),
    );
    // What the page itself transfers: its scripts and the index.
    let script_bytes = common::eval_f64(
        &tab,
        "performance.getEntriesByType('resource').filter(function (e) { return /\\.js$/.test(e.name); }).reduce(function (s, e) { return s + e.decodedBodySize; }, 0)",
    );
    tab.call_method(Emulation::SetCPUThrottlingRate { rate: 4.0 })
        .unwrap();
    // Each keystroke's time to the next change of the count (made with the results).
    common::eval(
        &tab,
        "window.__lat = []; window.__t0 = null;
         document.getElementById('f-q').addEventListener('keydown', function () { window.__t0 = performance.now(); }, true);
         new MutationObserver(function () {
           if (window.__t0 !== null) { window.__lat.push(performance.now() - window.__t0); window.__t0 = null; }
         }).observe(document.getElementById('finder-status'), { childList: true, characterData: true, subtree: true });
         document.getElementById('f-q').focus();",
    );
    let keys = [
        "1",
        "2",
        "Backspace",
        "Backspace",
        "3",
        "Backspace",
        "7",
        "Backspace",
        "5",
        "Backspace",
    ];
    for (n, key) in keys.iter().enumerate() {
        tab.press_key(key).unwrap();
        common::wait(&format!("keystroke {n} measured"), || {
            common::eval_f64(&tab, "window.__lat.length") as usize > n
        });
        // Typing with pauses: each keystroke is the last of its burst.
        std::thread::sleep(std::time::Duration::from_millis(150));
    }
    tab.call_method(Emulation::SetCPUThrottlingRate { rate: 1.0 })
        .unwrap();
    let mut lat: Vec<f64> =
        serde_json::from_str(&common::eval_str(&tab, "JSON.stringify(window.__lat)")).unwrap();
    assert_eq!(lat.len(), keys.len());
    lat.sort_by(f64::total_cmp);
    let median = lat[lat.len() / 2];
    eprintln!(
        "finder at {N} providers, CPU 4x slower: keystroke to results {:.0} ms median, {:.0} ms worst; finder.json {:.1} MB, scripts {:.0} kB",
        median,
        lat[lat.len() - 1],
        index_bytes as f64 / 1e6,
        script_bytes / 1e3
    );
    assert!(
        median <= BUDGET_MS,
        "keystroke to results took {median:.0} ms (median of {lat:?})"
    );
    // A shown result is the right one: every card matches the query left in the box.
    let q = common::eval_str(&tab, "document.getElementById('f-q').value");
    assert_eq!(q, "");
    assert!(common::holds(
        &tab,
        "document.querySelectorAll('#finder-results .card').length === 100"
    ));
}
