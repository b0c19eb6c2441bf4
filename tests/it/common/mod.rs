//! Helpers shared by the integration tests: the real binary, small sites on disk.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// 2026-11-22 12:00 JST: a fixed "today" so staleness does not drift with the calendar.
pub const EPOCH: &str = "1795316400";

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tsunagu"));
    c.env("SOURCE_DATE_EPOCH", EPOCH)
        .arg("--color")
        .arg("never");
    c
}

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary; returns (exit code, stderr).
pub fn run(args: &[&std::ffi::OsStr]) -> (i32, String) {
    let o = bin().args(args).output().expect("run tsunagu");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// `tsunagu build --root ROOT --output OUT EXTRA…`: (exit code, stderr).
pub fn build(root: &Path, out: &Path, extra: &[&str]) -> (i32, String) {
    let o = bin()
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out)
        .args(extra)
        .output()
        .expect("run tsunagu");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// [`build`] that must succeed; returns what it printed.
pub fn build_ok(root: &Path, out: &Path, extra: &[&str]) -> String {
    let (code, err) = build(root, out, extra);
    assert_eq!(code, 0, "build failed:\n{err}");
    err
}

/// A site built into a folder of its own that lives as long as this value.
pub struct Built {
    _dir: tempfile::TempDir,
    pub out: PathBuf,
    pub stderr: String,
}

/// [`build_ok`] into a new temporary `public/`.
pub fn built(root: &Path, extra: &[&str]) -> Built {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("public");
    let stderr = build_ok(root, &out, extra);
    Built {
        _dir: dir,
        out,
        stderr,
    }
}

/// `tsunagu check --root DIR`: (exit code, stderr).
pub fn check(root: &Path) -> (Option<i32>, String) {
    let o = bin()
        .args(["check", "--root"])
        .arg(root)
        .output()
        .expect("run tsunagu");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Every file below `dir`, sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Copies the sample site's sources (not its build output) into `to`. Its theme is the
/// one built into tsunagu, so it is not copied (a copy would be named in a warning).
pub fn copy_sample(to: &Path) {
    for entry in ["site.toml", "content", "static", "templates"] {
        let from = root().join(entry);
        if from.is_file() {
            std::fs::copy(&from, to.join(entry)).unwrap();
        } else if from.is_dir() {
            for f in files(&from) {
                let rel = f.strip_prefix(root()).unwrap();
                let dest = to.join(rel);
                std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
                std::fs::copy(&f, &dest).unwrap();
            }
        }
    }
}

/// Text of one page of a PDF, via poppler's pdftotext.
pub fn pdf_page_text(pdf: &Path, page: u32) -> String {
    let o = Command::new("pdftotext")
        .args(["-layout", "-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed: run the README's test command");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn tool(name: &str, args: &[&std::ffi::OsStr]) -> String {
    let o = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("{name}: {e} (run the README's test command, which installs it)")
    });
    assert!(
        o.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub const CHROMIUM: &str = "/usr/bin/chromium";

/// A built site served over HTTP on 127.0.0.1 from a background thread.
pub struct Served {
    pub dir: tempfile::TempDir,
    pub base: String,
}

/// Builds the sample site for http://127.0.0.1:PORT/ and serves it.
pub fn serve_sample(extra: &[&str]) -> Served {
    serve_site(root(), extra)
}

/// Builds the site at `site` for http://127.0.0.1:PORT/ and serves it.
pub fn serve_site(site: &Path, extra: &[&str]) -> Served {
    serve_site_at(site, "", extra)
}

/// Builds the site at `site` for `http://127.0.0.1:PORT/{sub}` (a base_url with a path, as a
/// town's site has under its office's domain) and serves it there.
pub fn serve_site_at(site: &Path, sub: &str, extra: &[&str]) -> Served {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("public");
    let sub = sub.trim_matches('/');
    let out = root.join(sub);
    let served = root.clone();
    let port = http_server(move |path| serve_file(&served, path));
    let base = match sub {
        "" => format!("http://127.0.0.1:{port}/"),
        _ => format!("http://127.0.0.1:{port}/{sub}/"),
    };
    let o = bin()
        .args(["build", "--root"])
        .arg(site)
        .args(["--base-url", &base, "--output"])
        .arg(&out)
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    Served { dir, base }
}

/// What a test server answers: status, content type, body.
pub type Reply = (u16, &'static str, Vec<u8>);

/// An HTTP server on 127.0.0.1 in a background thread, answering each request's path
/// (without query) with `answer`. Returns the port. Built on axum, which the preview
/// server uses too: tiny_http's worker pool sometimes held one of Chromium's parallel
/// requests for 20 s or more, and a page then never finished loading.
pub fn http_server<F>(answer: F) -> u16
where
    F: Fn(&str) -> Reply + Send + Sync + 'static,
{
    use axum::response::IntoResponse;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("local address").port();
    listener.set_nonblocking(true).expect("non-blocking socket");
    let answer = std::sync::Arc::new(answer);
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        rt.block_on(async move {
            let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
                let answer = answer.clone();
                async move {
                    let (code, ct, body) = answer(uri.path());
                    let code = axum::http::StatusCode::from_u16(code).expect("status code");
                    (code, [(axum::http::header::CONTENT_TYPE, ct)], body).into_response()
                }
            });
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            axum::serve(listener, app).await.expect("serve");
        });
    });
    port
}

fn serve_file(root: &Path, path: &str) -> Reply {
    let path = path.trim_start_matches('/');
    let mut file = root.join(path);
    if path.is_empty() || path.ends_with('/') {
        file = file.join("index.html");
    }
    match std::fs::read(&file) {
        Ok(bytes) => {
            let ct = match file.extension().and_then(std::ffi::OsStr::to_str) {
                Some("html") => "text/html; charset=utf-8",
                Some("css") => "text/css",
                Some("js") => "text/javascript",
                Some("svg") => "image/svg+xml",
                Some("xml") => "application/xml",
                Some("pdf") => "application/pdf",
                Some("json") => "application/json",
                _ => "application/octet-stream",
            };
            (200, ct, bytes)
        }
        Err(_) => (404, "text/plain", b"not found".to_vec()),
    }
}

/// A window `width` CSS pixels wide (900 high) of the test run's one browser: each tab
/// opened in it is a fresh profile of its own (nothing stored by another test's pages).
pub struct Window {
    pub width: u32,
}

impl Window {
    /// The browser behind every window.
    pub fn browser(&self) -> &'static chromium::Browser {
        shared_browser()
    }
}

pub fn browser(width: u32) -> Window {
    Window { width }
}

/// A new tab in `window`, waiting up to [`WAIT`] for each step.
pub fn tab(window: &Window) -> chromium::Tab {
    let mut tab = shared_browser()
        .open_tab("about:blank", Some((window.width, 900)), true)
        .unwrap_or_else(|e| panic!("new tab: {e}"));
    tab.set_timeout(WAIT);
    tab
}

/// axe-core's source: the copy tsunagu ships for `tsunagu audit` (`AXE_CORE_JS` may point
/// elsewhere), so the tests and the audit judge with the same rules.
pub fn axe_source() -> String {
    let path = std::env::var("AXE_CORE_JS")
        .ok()
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("crates/audit/src/axe/axe.min.js"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("axe-core ({}): {e}", path.display()))
}

/// WCAG 2.0/2.1 A and AA violations axe-core finds on the page open in `tab`, as
/// "rule: selector, selector".
pub fn axe_violations(tab: &chromium::Tab, axe: &str) -> Vec<String> {
    tab.evaluate(axe, false).expect("load axe-core");
    let text = tab
        .evaluate(
            "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']}).then(r => JSON.stringify(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '))))",
            true,
        )
        .expect("run axe-core");
    let text = text.as_str().unwrap_or_default();
    serde_json::from_str(text).unwrap_or_else(|_| vec![format!("axe-core gave no result: {text}")])
}

/// A map tile server on 127.0.0.1 answering every request with one small PNG, counting
/// the requests for `/tiles/…`.
pub struct Tiles {
    pub port: u16,
    pub requests: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

pub fn tile_server() -> Tiles {
    use std::sync::atomic::Ordering;
    let requests = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = requests.clone();
    let png = TILE_PNG.to_vec();
    let port = http_server(move |path| {
        if path.starts_with("/tiles/") {
            counter.fetch_add(1, Ordering::SeqCst);
        }
        (200, "image/png", png.clone())
    });
    Tiles { port, requests }
}

/// `site.toml` text with map tiles from `tiles` switched on.
pub fn with_tiles(toml: &str, tiles: &Tiles) -> String {
    format!(
        "{toml}\n[map]\ntiles = \"http://127.0.0.1:{port}/tiles/{{z}}/{{x}}/{{y}}.png\"\nattribution = \"テスト地図\"\nattribution_url = \"http://127.0.0.1:{port}/credit\"\n",
        port = tiles.port
    )
}

/// Sets the page's CSS viewport, as a phone or a zoomed window would have it.
pub fn viewport(tab: &chromium::Tab, width: u32, height: u32) {
    tab.call(
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
    )
    .expect("set the viewport");
}

/// Navigates and waits until the new document has loaded.
pub fn goto(tab: &chromium::Tab, url: &str) {
    tab.goto(url).unwrap_or_else(|e| panic!("{e}"));
}

/// The value of a JavaScript expression in `tab`.
pub fn eval(tab: &chromium::Tab, js: &str) -> serde_json::Value {
    tab.evaluate(js, false)
        .unwrap_or_else(|e| panic!("{js}: {e}"))
}

/// A JavaScript expression's value as text (empty when it is not a string).
pub fn eval_str(tab: &chromium::Tab, js: &str) -> String {
    eval(tab, js).as_str().map(String::from).unwrap_or_default()
}

/// A JavaScript expression's value as a number (NaN when it is not one).
pub fn eval_f64(tab: &chromium::Tab, js: &str) -> f64 {
    eval(tab, js).as_f64().unwrap_or(f64::NAN)
}

/// How long any test waits for anything, only so that a hang ends: a busy CI machine
/// needs the margin, and one figure for every wait keeps a slow step from passing in one
/// test and failing in another.
pub const WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// Waits (up to [`WAIT`]) until `ready` holds; `what` names it in the failure.
pub fn wait(what: &str, mut ready: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !ready() {
        assert!(start.elapsed() < WAIT, "timed out waiting for {what}");
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
}

/// Whether the JavaScript condition holds in `tab` now.
pub fn holds(tab: &chromium::Tab, cond: &str) -> bool {
    eval(tab, &format!("!!({cond})")) == serde_json::Value::Bool(true)
}

/// Waits (up to [`WAIT`]) until the JavaScript condition holds in `tab`.
pub fn wait_until(tab: &chromium::Tab, cond: &str) {
    wait(cond, || holds(tab, cond));
}

/// Waits for an element matching `selector`, then clicks its middle as a mouse would.
pub fn click(tab: &chromium::Tab, selector: &str) {
    wait_for(tab, selector);
    tab.click(selector)
        .unwrap_or_else(|e| panic!("click {selector}: {e}"));
}

/// Waits (up to [`WAIT`]) for an element matching `selector`.
pub fn wait_for(tab: &chromium::Tab, selector: &str) {
    let sel = serde_json::to_string(selector).unwrap();
    wait_until(tab, &format!("document.querySelector({sel})"));
}

/// Focuses the element matching `selector` (waiting for it).
pub fn focus(tab: &chromium::Tab, selector: &str) {
    wait_for(tab, selector);
    tab.focus(selector)
        .unwrap_or_else(|e| panic!("focus {selector}: {e}"));
}

/// Presses one key in `tab`.
pub fn key(tab: &chromium::Tab, key: &str) {
    tab.press_key(key)
        .unwrap_or_else(|e| panic!("press {key}: {e}"));
}

// The preview server (`tsunagu serve`) over real HTTP.

/// A plain HTTP/1.0 GET: (status, body).
pub fn get(addr: &str, path: &str) -> (u16, String) {
    let (status, _, body) = request(addr, addr, path);
    (status, body)
}

/// A GET addressed to `host` (which may be another name than the server's): the status,
/// the headers in lower case, and the body.
pub fn request(addr: &str, host: &str, path: &str) -> (u16, String, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (status, head.to_ascii_lowercase(), body.to_string())
}

pub struct Server {
    pub child: std::process::Child,
    pub addr: String,
}

/// Waits until the wall clock has passed into a later second than `since`: what is written
/// next carries another time stamp even where a file system keeps whole seconds, and a
/// build is made "at another time". A wait on the clock, not a fixed sleep.
pub fn wait_for_a_later_second(since: std::time::SystemTime) {
    let second = |t: std::time::SystemTime| {
        t.duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    };
    let until = second(since) + 1;
    while second(std::time::SystemTime::now()) < until {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn serve(root: &Path) -> Server {
    serve_into(root, &[])
}

pub fn serve_into(root: &Path, extra: &[&std::ffi::OsStr]) -> Server {
    let mut child = bin()
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .args(extra)
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    use std::io::BufRead;
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let start = std::time::Instant::now();
    let addr = loop {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(60),
            "serve did not start"
        );
        let line = lines.next().expect("serve exited").unwrap();
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    // Keep draining stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, addr }
}

/// Waits until the browser has drawn two more frames: what a page does in answer to an
/// event (a resize, a class changed) is laid out and painted by then.
pub fn frames(tab: &chromium::Tab) {
    tab.evaluate(
        "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))",
        true,
    )
    .unwrap_or_else(|e| panic!("animation frames: {e}"));
}

/// One browser for the whole test run, for tests that only need tabs of their own. It is
/// launched from a thread that lives as long as the run, and dies with it.
pub fn shared_browser() -> &'static chromium::Browser {
    static B: std::sync::OnceLock<chromium::Browser> = std::sync::OnceLock::new();
    B.get_or_init(|| {
        assert!(
            Path::new(CHROMIUM).exists(),
            "{CHROMIUM} is missing: run the README's test command, which installs Debian's chromium"
        );
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let opts = chromium::Launch::new(CHROMIUM)
                .window(1280, 900)
                .bound_to_thread();
            let _ = tx.send(chromium::Browser::launch(&opts));
            loop {
                std::thread::park();
            }
        });
        rx.recv()
            .unwrap()
            .unwrap_or_else(|e| panic!("launch chromium: {e}"))
    })
}

/// A 256 × 256 PNG of one pale green, as a map tile (and any picture a test needs).
pub const TILE_PNG: &[u8] = include_bytes!("tile.png");

/// A greyscale picture as `pdftoppm -gray` writes it with `-pgm` (binary PGM, 8 bits):
/// width, height and one byte a pixel, row by row.
pub struct Gray {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

impl Gray {
    pub fn read(path: &Path) -> Gray {
        let bytes = std::fs::read(path).unwrap();
        // "P5", width, height, maximum value, each after white space, then the pixels.
        let mut fields = Vec::new();
        let mut i = 0;
        while fields.len() < 4 {
            while bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let start = i;
            while !bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            fields.push(String::from_utf8_lossy(&bytes[start..i]).into_owned());
        }
        assert_eq!(fields[0], "P5", "{}: not a binary PGM", path.display());
        let (width, height): (usize, usize) =
            (fields[1].parse().unwrap(), fields[2].parse().unwrap());
        let pixels = bytes[i + 1..i + 1 + width * height].to_vec();
        Gray {
            width,
            height,
            pixels,
        }
    }

    pub fn at(&self, x: usize, y: usize) -> u8 {
        self.pixels[y * self.width + x]
    }
}

/// Every printable of the sample made once for the run with `tsunagu pdf` (guides, the
/// ending note, handouts and speaker's copies): the folder, and what the command printed.
pub fn sample_pdfs() -> &'static (tempfile::TempDir, String) {
    static S: std::sync::OnceLock<(tempfile::TempDir, String)> = std::sync::OnceLock::new();
    S.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let o = bin()
            .arg("pdf")
            .arg("--root")
            .arg(root())
            .arg("--output")
            .arg(dir.path())
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "{said}");
        (dir, said)
    })
}
