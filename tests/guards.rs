//! Nothing lost, nothing leaked: the preview server answers only this machine, every
//! command that writes a folder refuses places where it would destroy or publish
//! something, staff CSVs never hand Excel a live formula, and the ending note's import
//! replaces nothing without asking. Each case was a reproduction that failed before.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{copy_sample, serve};

fn sample_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_sample(dir.path());
    dir
}

/// A raw GET with the given Host header: the status line's code and the headers.
fn get_as(addr: &str, host: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let code = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let head = text
        .split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    (code, head)
}

/// Opens the preview's socket as a page of `origin` would; the handshake's result.
fn socket_from(addr: &str, origin: Option<&str>) -> Result<(), String> {
    use tungstenite::client::IntoClientRequest;
    let mut req = format!("ws://{addr}/__tsunagu/ws")
        .into_client_request()
        .unwrap();
    if let Some(o) = origin {
        req.headers_mut().insert("Origin", o.parse().unwrap());
    }
    tungstenite::connect(req)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

// 1. The preview server -------------------------------------------------------------------

#[test]
fn the_preview_answers_only_its_own_host_and_its_own_pages_sockets() {
    let site = sample_copy();
    let server = serve(site.path());
    let port = server.addr.rsplit(':').next().unwrap().to_string();
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
        assert_eq!(get_as(&server.addr, &host, "/").0, 200, "{host}");
    }
    // DNS rebinding: a name of another site pointed at this machine.
    for host in [
        format!("attacker.example:{port}"),
        "127.0.0.1".to_string(),
        format!("127.0.0.1.attacker.example:{port}"),
    ] {
        assert_eq!(get_as(&server.addr, &host, "/").0, 403, "{host}");
        assert_eq!(
            get_as(&server.addr, &host, "/__tsunagu/ws").0,
            403,
            "{host}"
        );
    }
    // A page of another origin open in the same browser gets no build errors.
    assert!(socket_from(&server.addr, Some("http://attacker.example")).is_err());
    assert!(
        socket_from(
            &server.addr,
            Some(&format!("http://127.0.0.1.attacker.example:{port}"))
        )
        .is_err()
    );
    assert!(socket_from(&server.addr, Some(&format!("http://127.0.0.1:{port}"))).is_ok());
    assert!(socket_from(&server.addr, Some(&format!("http://localhost:{port}"))).is_ok());
}

#[test]
fn the_preview_says_what_each_file_is_and_forbids_guessing() {
    let site = sample_copy();
    let statics = site.path().join("static");
    std::fs::create_dir_all(&statics).unwrap();
    for f in [
        "memo.txt",
        "photo.webp",
        "anim.gif",
        "favicon.ico",
        "font.woff2",
        "site.webmanifest",
    ] {
        std::fs::write(statics.join(f), b"x").unwrap();
    }
    let server = serve(site.path());
    for (path, want) in [
        ("/", "text/html; charset=utf-8"),
        ("/memo.txt", "text/plain; charset=utf-8"),
        ("/photo.webp", "image/webp"),
        ("/anim.gif", "image/gif"),
        ("/favicon.ico", "image/x-icon"),
        ("/font.woff2", "font/woff2"),
        (
            "/site.webmanifest",
            "application/manifest+json; charset=utf-8",
        ),
        ("/js/finder.js", "text/javascript; charset=utf-8"),
    ] {
        let (code, head) = get_as(&server.addr, &server.addr, path);
        assert_eq!(code, 200, "{path}");
        assert!(
            head.contains(&format!("content-type: {want}\r\n")),
            "{path}:\n{head}"
        );
        assert!(
            head.contains("x-content-type-options: nosniff"),
            "{path}:\n{head}"
        );
    }
}

#[test]
fn live_reload_and_the_error_overlay_work_on_every_page_type() {
    let site = sample_copy();
    let server = serve(site.path());
    let browser = common::browser(1024);
    let pages = [
        "/",
        "/notes/watashi-note/",
        "/lectures/zaitaku-iryo/",
        "/lectures/zaitaku-iryo/handout/",
        "/lectures/zaitaku-iryo/speaker/",
        "/guide/support/print/",
    ];
    let tabs: Vec<_> = pages
        .iter()
        .map(|p| {
            let tab = browser.new_tab().unwrap();
            common::goto(&tab, &format!("http://{}{p}", server.addr));
            // The page's own policy lets the preview's script connect.
            common::wait_until(&tab, "window.__tsunaguLive === true");
            common::eval(&tab, "window.__old = 1; true");
            tab
        })
        .collect();
    let yaml = site.path().join("content/providers/clinics.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(&yaml, text.replacen("0990-12-2468", "0990-12-9753", 1)).unwrap();
    for (tab, p) in tabs.iter().zip(pages) {
        wait_for(
            tab,
            "window.__old === undefined && document.readyState === 'complete'",
            p,
        );
    }
    // A broken edit shows its error over every page, and the page stays.
    std::fs::write(&yaml, text.replacen("  name: ", "  name: [", 1)).unwrap();
    for (tab, p) in tabs.iter().zip(pages) {
        wait_for(tab, "!!document.getElementById('tsunagu-error')", p);
    }
}

fn wait_for(tab: &headless_chrome::Tab, cond: &str, what: &str) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        if common::eval(tab, &format!("!!({cond})")) == serde_json::Value::Bool(true) {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{what}: never {cond}");
}
