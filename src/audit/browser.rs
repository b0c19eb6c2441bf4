//! Runs axe-core over pages in headless Chromium. The pages are served from memory on
//! 127.0.0.1, and the browser may reach nothing else (map tiles included): an audit sends
//! no request off the machine.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::diagnostics::Diagnostic;

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
                let mime = crate::serve::http::mime_of(&key);
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

pub struct Browser {
    browser: headless_chrome::Browser,
    tab: Arc<headless_chrome::Tab>,
    pub version: String,
}

fn failed(what: &str, e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(".", None, format!("{what}: {e}"))
        .with_help("Chromium（または Edge・Chrome）が正しくインストールされているか確かめて、もう一度実行してください")
}

impl Browser {
    pub fn launch(chromium: &Path) -> Result<Browser, Diagnostic> {
        let args: Vec<&std::ffi::OsStr> = [
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
            // Nothing but this machine: pages that would load map tiles stay offline.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        ]
        .iter()
        .map(std::ffi::OsStr::new)
        .collect();
        let opts = headless_chrome::LaunchOptions::default_builder()
            .path(Some(chromium.to_path_buf()))
            .sandbox(false)
            .window_size(Some((1280, 900)))
            .idle_browser_timeout(Duration::from_secs(600))
            .args(args)
            .build()
            .map_err(|e| failed("Chromium の起動の設定ができません", e))?;
        let browser = headless_chrome::Browser::new(opts)
            .map_err(|e| failed("Chromium を起動できません", e))?;
        let version = browser
            .get_version()
            .map(|v| v.product.replace('/', " "))
            .unwrap_or_else(|_| "Chromium".into());
        let tab = browser
            .new_tab()
            .map_err(|e| failed("Chromium のタブを開けません", e))?;
        Ok(Browser {
            browser,
            tab,
            version,
        })
    }

    fn eval(&self, js: &str, promise: bool) -> Result<serde_json::Value, Diagnostic> {
        self.tab
            .evaluate(js, promise)
            .map(|r| r.value.unwrap_or(serde_json::Value::Null))
            .map_err(|e| failed("Chromium でスクリプトを動かせません", e))
    }

    /// Opens `url`, waits until it has loaded, and runs axe-core's WCAG 2.0 A and AA rules.
    pub fn test(&self, url: &str) -> Result<PageResult, Diagnostic> {
        self.eval("window.__tsunaguOld = true", false)?;
        self.tab
            .navigate_to(url)
            .map_err(|e| failed(&format!("{url} を開けません"), e))?;
        let start = Instant::now();
        loop {
            let ready = self
                .eval(
                    "window.__tsunaguOld !== true && document.readyState === 'complete'",
                    false,
                )
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            if ready {
                break;
            }
            if start.elapsed() > PAGE_TIMEOUT {
                return Err(failed(&format!("{url} が時間内に開けません"), "timeout"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.eval(AXE, false)?;
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
        let text = self.eval(&run, true)?;
        let text = text.as_str().unwrap_or_default();
        serde_json::from_str(text).map_err(|e| failed("axe-core の結果を読めません", e))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.tab.close(false);
        let _ = &self.browser;
    }
}
