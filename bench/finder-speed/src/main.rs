//! `tsunagu-finder-speed URL N [CHROMIUM]`: opens the finder at URL (a site of N providers),
//! slows the CPU fourfold as a modest phone, types ten keystrokes with pauses, and prints as
//! JSON the time from each keystroke to the updated count, measured in the page itself,
//! and the bytes of script the page loaded.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(url), Some(n)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: tsunagu-finder-speed URL N [CHROMIUM]");
        std::process::exit(2);
    };
    let chromium = args.get(3).map_or("/usr/bin/chromium", String::as_str);
    match measure(url, n, chromium) {
        Ok(v) => println!("{v}"),
        Err(e) => {
            eprintln!("finder speed: {e}");
            std::process::exit(1);
        }
    }
}

fn measure(url: &str, n: &str, chromium: &str) -> Result<Value, chromium::Error> {
    let browser = chromium::Browser::launch(&chromium::Launch::new(chromium).window(390, 844))?;
    let tab = browser.new_tab()?;
    tab.goto(url)?;
    let counted = format!("document.getElementById('finder-status').textContent.indexOf('{n} 件') === 0");
    tab.wait_until(&counted, Duration::from_secs(120))?;
    let scripts = tab.evaluate(
        "performance.getEntriesByType('resource').filter(e => /\\.js$/.test(e.name)).reduce((s, e) => s + e.decodedBodySize, 0)",
        false,
    )?;
    let index = tab.evaluate(
        "performance.getEntriesByType('resource').filter(e => /finder\\.json$/.test(e.name)).reduce((s, e) => s + e.decodedBodySize, 0)",
        false,
    )?;
    tab.call("Emulation.setCPUThrottlingRate", json!({"rate": 4}))?;
    // Each keystroke's time to the next change of the count (made with the results).
    tab.evaluate(
        "window.__lat = []; window.__t0 = null;
         document.getElementById('f-q').addEventListener('keydown', () => { window.__t0 = performance.now(); }, true);
         new MutationObserver(() => {
           if (window.__t0 !== null) { window.__lat.push(performance.now() - window.__t0); window.__t0 = null; }
         }).observe(document.getElementById('finder-status'), { childList: true, characterData: true, subtree: true });
         document.getElementById('f-q').focus();",
        false,
    )?;
    let keys = ["1", "2", "Backspace", "Backspace", "3", "Backspace", "7", "Backspace", "5", "Backspace"];
    for (i, key) in keys.iter().enumerate() {
        if key.len() == 1 {
            tab.type_text(key)?;
        } else {
            tab.press_key(key)?;
        }
        tab.wait_until(&format!("window.__lat.length > {i}"), Duration::from_secs(60))?;
        // Typing with pauses: each keystroke is the last of its burst.
        let pause = Instant::now();
        while pause.elapsed() < Duration::from_millis(150) {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    tab.call("Emulation.setCPUThrottlingRate", json!({"rate": 1}))?;
    let lat = tab.evaluate("window.__lat", false)?;
    Ok(json!({
        "keystrokes_ms": lat,
        "scripts_bytes": scripts,
        "index_bytes": index,
        "browser": browser.version(),
    }))
}
