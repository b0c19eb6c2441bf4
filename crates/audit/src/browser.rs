//! Runs axe-core over pages in headless Chromium. The pages are served from memory on
//! 127.0.0.1, and the browser may reach nothing else (map tiles included): an audit sends
//! no request off the machine.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use serde::Deserialize;

use diagnostics::Diagnostic;

const AXE: &str = include_str!("axe/axe.min.js");
const AXE_JA: &str = include_str!("axe/ja.json");
/// Loading a page and running axe-core on it; a large list page takes a few seconds.
const PAGE_TIMEOUT: Duration = Duration::from_secs(120);

/// `axe-core 4.14.1`, from the script's first line.
pub fn axe_version() -> String {
    let v = AXE
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().find(|w| w.starts_with('v')))
        .unwrap_or("v?");
    format!("axe-core {}", v.trim_start_matches('v'))
}

/// What axe-core said of one page.
#[derive(Debug, Clone, Deserialize)]
pub struct PageResult {
    pub title: String,
    pub violations: Vec<RuleResult>,
    pub incomplete: Vec<RuleResult>,
    /// Rules that ran and passed, with their tags.
    pub passes: Vec<RuleResult>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RuleResult {
    pub id: String,
    #[serde(default)]
    pub help: String,
    #[serde(default)]
    pub impact: Option<String>,
    pub tags: Vec<String>,
    #[serde(default)]
    pub nodes: Vec<NodeResult>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NodeResult {
    pub target: String,
    pub html: String,
    pub summary: String,
}

/// Serves `files` (output paths → bytes) at `http://127.0.0.1:PORT/` until dropped.
pub struct Server {
    files: Arc<RwLock<Files>>,
    _runtime: tokio::runtime::Runtime,
}

pub type Files = HashMap<String, Vec<u8>>;

impl Server {
    /// Binds first, so the site can be rendered for the port's URL before it is served.
    pub fn bind() -> Result<(std::net::TcpListener, String), Diagnostic> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))
            .and_then(|l| l.set_nonblocking(true).map(|_| l))
            .map_err(|e| {
                Diagnostic::error(".", None, format!("試験用のサーバーを開けません: {e}"))
            })?;
        let port = listener
            .local_addr()
            .map_err(|e| Diagnostic::error(".", None, e.to_string()))?
            .port();
        Ok((listener, format!("http://127.0.0.1:{port}/")))
    }

    pub fn start(listener: std::net::TcpListener, files: Files) -> Result<Server, Diagnostic> {
        use axum::http::{StatusCode, header};
        use axum::response::IntoResponse;
        let files = Arc::new(RwLock::new(files));
        let served = files.clone();
        let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
            let files = served.clone();
            async move {
                let Ok(files) = files.read() else {
                    return StatusCode::INTERNAL_SERVER_ERROR.into_response();
                };
                let path = req.uri().path().trim_start_matches('/');
                let key = if path.is_empty() || path.ends_with('/') {
                    format!("{path}index.html")
                } else {
                    path.to_string()
                };
                let (status, key) = if files.contains_key(&key) {
                    (StatusCode::OK, key)
                } else {
                    (StatusCode::NOT_FOUND, "404.html".to_string())
                };
                let body = files.get(&key).cloned().unwrap_or_default();
                let mime = site::serve::http::mime_of(&key);
                (status, [(header::CONTENT_TYPE, mime)], body).into_response()
            }
        });
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| Diagnostic::error(".", None, e.to_string()))?;
        let listener = runtime
            .block_on(async { tokio::net::TcpListener::from_std(listener) })
            .map_err(|e| Diagnostic::error(".", None, e.to_string()))?;
        runtime.spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Server {
            files,
            _runtime: runtime,
        })
    }

    /// Serves another rendering of the site from now on.
    pub fn replace(&self, next: Files) {
        if let Ok(mut f) = self.files.write() {
            *f = next;
        }
    }
}

/// Chromium with a tab per core: pages are tested side by side.
pub struct Browser {
    // The tabs before the browser: dropped in this order, their browser is still open.
    tabs: Vec<chromium::Tab>,
    _browser: chromium::Browser,
    pub version: String,
}

fn failed(what: &str, e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(".", None, format!("{what}: {e}"))
        .with_help("Chromium（または Edge・Chrome）が正しくインストールされているか確かめて、もう一度実行してください")
}

impl Browser {
    pub fn launch(path: &Path) -> Result<Browser, Diagnostic> {
        // Nothing but this machine: pages that would load map tiles stay offline.
        let opts = chromium::Launch::new(path)
            .window(1280, 900)
            .arg("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1");
        let browser =
            chromium::Browser::launch(&opts).map_err(|e| failed("Chromium を起動できません", e))?;
        let version = browser.version().to_string();
        let n = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
        let mut tabs = Vec::new();
        for _ in 0..n {
            let mut tab = browser
                .new_tab()
                .map_err(|e| failed("Chromium のタブを開けません", e))?;
            tab.set_timeout(PAGE_TIMEOUT);
            tabs.push(tab);
        }
        Ok(Browser {
            tabs,
            _browser: browser,
            version,
        })
    }

    /// Tests every url, a tab per thread; results in the order of `urls`. `done` hears
    /// each page as it is finished, with how many are done.
    pub fn test_all(
        &self,
        urls: &[String],
        done: &(dyn Fn(usize, &str) + Sync),
    ) -> Result<Vec<PageResult>, Diagnostic> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let next = AtomicUsize::new(0);
        let finished = AtomicUsize::new(0);
        let results: Vec<std::sync::Mutex<Option<Result<PageResult, Diagnostic>>>> =
            urls.iter().map(|_| std::sync::Mutex::new(None)).collect();
        std::thread::scope(|scope| {
            for tab in &self.tabs {
                let (next, finished, results) = (&next, &finished, &results);
                scope.spawn(move || {
                    loop {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let Some(url) = urls.get(i) else {
                            break;
                        };
                        let r = test(tab, url);
                        let stop = r.is_err();
                        *results[i].lock().unwrap_or_else(PoisonError::into_inner) = Some(r);
                        done(finished.fetch_add(1, Ordering::SeqCst) + 1, url);
                        if stop {
                            // The others stop at their next page.
                            next.store(urls.len(), Ordering::SeqCst);
                            break;
                        }
                    }
                });
            }
        });
        let mut out = Vec::new();
        for (r, url) in results.into_iter().zip(urls) {
            match r.into_inner().unwrap_or_else(PoisonError::into_inner) {
                Some(r) => out.push(r?),
                None => return Err(failed(&format!("{url} を試験できませんでした"), "中止")),
            }
        }
        Ok(out)
    }
}

fn eval(tab: &chromium::Tab, js: &str, promise: bool) -> Result<serde_json::Value, Diagnostic> {
    tab.evaluate(js, promise)
        .map_err(|e| failed("Chromium でスクリプトを動かせません", e))
}

/// Opens `url` in `tab`, waits until it has loaded, and runs axe-core's WCAG 2.0 A and AA rules.
fn test(tab: &chromium::Tab, url: &str) -> Result<PageResult, Diagnostic> {
    tab.goto(url)
        .map_err(|e| failed(&format!("{url} を開けません"), e))?;
    eval(tab, AXE, false)?;
    let run = format!(
        "axe.configure({{locale: {AXE_JA}}}); {}",
        r#"axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}, resultTypes: ['violations', 'incomplete']}).then(r => {
  const rule = (x, full) => ({id: x.id, help: x.help, impact: x.impact, tags: x.tags,
    nodes: full ? x.nodes.map(n => ({target: n.target.join(' '), html: n.html, summary: n.failureSummary || ''})) : []});
  return JSON.stringify({title: document.title,
    violations: r.violations.map(x => rule(x, true)),
    incomplete: r.incomplete.map(x => rule(x, true)),
    passes: r.passes.map(x => rule(x, false))});
})"#
    );
    let text = eval(tab, &run, true)?;
    let text = text.as_str().unwrap_or_default();
    serde_json::from_str(text).map_err(|e| failed("axe-core の結果を読めません", e))
}
