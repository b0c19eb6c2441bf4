//! `tsunagu serve`: a live preview on 127.0.0.1 that rebuilds when files change.
//!
//! The loaded site and the last good build stay in memory. An edit of provider data alone
//! re-reads only the changed files and re-renders only the affected provider pages plus the
//! pages that list providers; anything else rebuilds everything. Only files whose bytes
//! changed are written to the output folder. Open pages reload by themselves through a
//! websocket; a failed build shows its errors in the terminal and over the page, and the
//! last good build keeps being served.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use notify::{RecursiveMode, Watcher};
use rayon::prelude::*;
use tokio::sync::broadcast;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{self, Overrides};
use crate::model::Site;
use crate::outputs::{self, RenderContext, Scope};
use crate::templates::Templates;
use crate::timings::Timings;
use crate::write;

const LIVERELOAD_PATH: &str = "/__tsunagu/livereload.js";
const WS_PATH: &str = "/__tsunagu/ws";

pub struct ServeOptions {
    pub root: PathBuf,
    pub port: u16,
    /// Where the preview's files are written; a temporary folder when `None`.
    pub output: Option<PathBuf>,
    /// Write into a folder tsunagu did not make.
    pub force: bool,
}

/// What the server hands out: the last good build, and the current error if any.
#[derive(Default)]
struct Served {
    files: HashMap<String, Arc<Vec<u8>>>,
}

#[derive(Clone)]
struct AppState {
    served: Arc<RwLock<Served>>,
    events: broadcast::Sender<String>,
    /// `127.0.0.1:PORT`, `localhost:PORT`, `[::1]:PORT`: the only hosts the preview answers,
    /// so a page elsewhere cannot read it by pointing its own name at this machine (DNS
    /// rebinding), and the only origins whose pages may open its socket.
    hosts: Arc<[String]>,
}

/// Builds, serves and watches until the process is stopped. `ready` gets the address
/// once the first build is served, and each rebuild's outcome is printed by `say`.
pub fn run(
    opts: ServeOptions,
    say: fn(&str),
    emit: impl Fn(&Diagnostics) + Send + 'static,
) -> Result<(), Diagnostics> {
    if let Some(out) = &opts.output {
        crate::outdir::check(&opts.root, out, &crate::outdir::Kind::Site, opts.force)?;
        std::fs::create_dir_all(out)
            .and_then(|_| {
                std::fs::write(
                    out.join(write::MARKER),
                    "tsunagu serve のプレビューのフォルダです。\n",
                )
            })
            .map_err(|e| Diagnostic::error(out, None, format!("書き込めません: {e}")))?;
    }
    let listener = std::net::TcpListener::bind(("127.0.0.1", opts.port)).map_err(|e| {
        Diagnostic::error(
            "--port",
            None,
            format!("127.0.0.1:{} で待ち受けられません: {e}", opts.port),
        )
        .with_help("別の番号を --port で指定してください")
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Diagnostic::error("--port", None, e.to_string()))?;
    let _ = listener.set_nonblocking(true);
    let temp = tempfile::tempdir().map_err(|e| Diagnostic::error(".", None, e.to_string()))?;
    let out_dir = opts
        .output
        .clone()
        .unwrap_or_else(|| temp.path().join("public"));
    let overrides = Overrides {
        base_url: Some(format!("http://{addr}/")),
    };

    let mut session = Session::new(opts.root.clone(), overrides, out_dir);
    let port = addr.port();
    let state = AppState {
        served: Arc::new(RwLock::new(Served::default())),
        events: broadcast::channel(16).0,
        hosts: ["127.0.0.1", "localhost", "[::1]"]
            .iter()
            .map(|h| format!("{h}:{port}"))
            .collect(),
    };
    // Watching starts before the first build, so an edit made meanwhile is not missed.
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        // Reading files (as a rebuild does) is reported too; only changes matter, and
        // the close that ends a write.
        if let Ok(ev) = res
            && (saved(&ev)
                || !matches!(
                    ev.kind,
                    notify::EventKind::Access(_) | notify::EventKind::Other
                ))
        {
            let _ = tx.send(ev);
        }
    })
    .map_err(|e| {
        Diagnostic::error(
            &opts.root,
            None,
            format!("ファイルの監視を始められません: {e}"),
        )
    })?;
    watcher
        .watch(&opts.root, RecursiveMode::Recursive)
        .map_err(|e| {
            Diagnostic::error(
                &opts.root,
                None,
                format!("ファイルの監視を始められません: {e}"),
            )
        })?;

    match session.rebuild(None) {
        Ok(report) => {
            publish(&state, &session);
            say(&report);
        }
        Err(d) => {
            emit(&d);
            return Err(Diagnostics::from(Diagnostic::error(
                "site.toml",
                None,
                "最初のビルドに失敗したため、プレビューを始められません",
            )));
        }
    }
    say(&format!(
        "プレビュー: http://{addr}/ （Ctrl+C で終わります）"
    ));

    let watch_state = state.clone();
    std::thread::spawn(move || {
        let _watcher = watcher;
        while let Ok(first) = rx.recv() {
            let mut done = saved(&first);
            let mut changed: HashSet<PathBuf> = first.paths.into_iter().collect();
            // Editors save in several steps: gather what arrives in a short moment, unless
            // the file was just closed after writing (or renamed into place), which is the
            // end of a save.
            while !done && let Ok(ev) = rx.recv_timeout(Duration::from_millis(60)) {
                done = saved(&ev);
                changed.extend(ev.paths);
            }
            while let Ok(ev) = rx.try_recv() {
                changed.extend(ev.paths);
            }
            let relevant: Vec<PathBuf> = changed
                .into_iter()
                .filter_map(|p| session.relevant(&p))
                .collect();
            if relevant.is_empty() {
                continue;
            }
            match session.rebuild(Some(&relevant)) {
                Ok(report) => {
                    publish(&watch_state, &session);
                    say(&report);
                    let _ = watch_state.events.send("reload".into());
                }
                Err(d) => {
                    emit(&d);
                    let text: Vec<String> = d.iter().map(|x| x.to_string()).collect();
                    let _ = watch_state
                        .events
                        .send(format!("error\n{}", text.join("\n")));
                }
            }
        }
    });

    let app = Router::new()
        .route(
            LIVERELOAD_PATH,
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                    LIVERELOAD_JS,
                )
            }),
        )
        .route(WS_PATH, get(websocket))
        .fallback(file)
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Diagnostic::error(".", None, e.to_string()))?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| Diagnostic::error("--port", None, e.to_string()))?;
        axum::serve(listener, app)
            .await
            .map_err(|e| Diagnostic::error("--port", None, e.to_string()))
    })?;
    drop(temp);
    Ok(())
}

/// Whether an event ends a save: a file closed after writing, or renamed into place.
fn saved(ev: &notify::Event) -> bool {
    use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
    matches!(
        ev.kind,
        notify::EventKind::Access(AccessKind::Close(AccessMode::Write))
            | notify::EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
    )
}

fn publish(state: &AppState, session: &Session) {
    if let Ok(mut s) = state.served.write() {
        s.files = session.files.clone();
    }
}

/// Answers only requests to this machine by its own name, and marks every answer
/// `nosniff` (a type is never guessed from the bytes).
async fn guard(
    State(state): State<AppState>,
    req: Request,
    next: axum::middleware::Next,
) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    if !state.hosts.iter().any(|h| h == host) {
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "tsunagu のプレビューは、このコンピューターの http://127.0.0.1 からだけ見られます。\n",
        )
            .into_response();
    }
    let mut res = next.run(req).await;
    res.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    res
}

async fn websocket(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Response {
    // Browsers always send the page's origin with a socket: only the preview's own pages
    // may follow its builds (the errors quote the files being edited).
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    if let Some(o) = origin
        && !state.hosts.iter().any(|h| o == format!("http://{h}"))
    {
        return StatusCode::FORBIDDEN.into_response();
    }
    let mut events = state.events.subscribe();
    ws.on_upgrade(move |mut socket: WebSocket| async move {
        while let Ok(msg) = events.recv().await {
            if socket.send(Message::Text(msg.into())).await.is_err() {
                break;
            }
        }
    })
}

async fn file(State(state): State<AppState>, req: Request) -> Response {
    let path = req.uri().path().trim_start_matches('/').to_string();
    let key = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path
    };
    let served = match state.served.read() {
        Ok(s) => s,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let (status, key) = if served.files.contains_key(&key) {
        (StatusCode::OK, key)
    } else if served.files.contains_key(&format!("{key}/index.html")) {
        return (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, format!("/{key}/"))],
        )
            .into_response();
    } else {
        (StatusCode::NOT_FOUND, "404.html".to_string())
    };
    let Some(bytes) = served.files.get(&key).cloned() else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let mime = mime_of(&key);
    if mime.starts_with("text/html") {
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default();
        return (status, [(header::CONTENT_TYPE, mime)], inject(&bytes, host)).into_response();
    }
    (status, [(header::CONTENT_TYPE, mime)], bytes.to_vec()).into_response()
}

/// Adds the live-reload script to a page. A page's own Content-Security-Policy stays as
/// it is but for two sources: this one script and its socket on `host` (the ending note,
/// the lecture deck and its handout forbid scripts or connections of their own), so the
/// preview fails wherever the published site would.
fn inject(html: &[u8], host: &str) -> String {
    let mut s = String::from_utf8_lossy(html).into_owned();
    if let Some((start, end, quote)) = policy_value(&s) {
        let policy = s[start..end].replace("&#39;", "'").replace("&quot;", "\"");
        let relaxed = preview_policy(&policy, host);
        let encoded = if quote == '"' {
            relaxed
        } else {
            relaxed.replace('\'', "&#39;")
        };
        s.replace_range(start..end, &encoded);
    }
    let tag = format!("<script src=\"{LIVERELOAD_PATH}\"></script>");
    match s.rfind("</body>") {
        Some(i) => s.insert_str(i, &tag),
        None => s.push_str(&tag),
    }
    s
}

/// Where the value of the page's `<meta http-equiv=Content-Security-Policy content=…>` is,
/// and its quote.
fn policy_value(html: &str) -> Option<(usize, usize, char)> {
    let head = &html[..html.find("</head>").unwrap_or(html.len())];
    let at = head.to_ascii_lowercase().find("content-security-policy")?;
    let content = at + head[at..].find("content=")? + "content=".len();
    let quote = head[content..].chars().next()?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    let start = content + 1;
    let end = start + head[start..].find(quote)?;
    Some((start, end, quote))
}

/// `policy` with the live-reload script and socket on `host` allowed, and nothing else.
fn preview_policy(policy: &str, host: &str) -> String {
    let script = format!("http://{host}{LIVERELOAD_PATH}");
    let socket = format!("ws://{host}{WS_PATH}");
    let mut directives: Vec<String> = policy
        .split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(String::from)
        .collect();
    for (name, source) in [("script-src", &script), ("connect-src", &socket)] {
        match directives
            .iter_mut()
            .find(|d| d.split_whitespace().next() == Some(name))
        {
            // 'none' cannot stand with another source: the source replaces it.
            Some(d) => {
                *d = d.replace(" 'none'", "");
                d.push(' ');
                d.push_str(source);
            }
            None => directives.push(format!("{name} {source}")),
        }
    }
    directives.join("; ")
}

/// The type of a file from its extension (text as UTF-8, as all of the site's is).
fn mime_of(path: &str) -> String {
    use mime_guess::mime;
    let m = mime_guess::from_path(path).first_or_octet_stream();
    let text = m.type_() == mime::TEXT
        || m.subtype() == mime::JAVASCRIPT
        || m.subtype() == mime::JSON
        || m.subtype() == mime::XML
        || m.suffix() == Some(mime::XML)
        || m.suffix() == Some(mime::JSON);
    if text {
        format!("{m}; charset=utf-8")
    } else {
        m.to_string()
    }
}

const LIVERELOAD_JS: &str = r#"(function () {
  "use strict";
  var overlay = null;
  function show(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "tsunagu-error";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:99999;background:rgba(0,0,0,.85);color:#fff;padding:2rem;overflow:auto;font:16px/1.6 monospace;white-space:pre-wrap";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "ビルドに失敗しました（直すと自動で消えます）\n\n" + text;
  }
  function connect() {
    var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/__tsunagu/ws");
    ws.onopen = function () { window.__tsunaguLive = true; };
    ws.onmessage = function (e) {
      if (e.data === "reload") location.reload();
      else if (e.data.indexOf("error\n") === 0) show(e.data.slice(6));
    };
    ws.onclose = function () { setTimeout(connect, 1000); };
  }
  connect();
})();
"#;

/// The site kept in memory between rebuilds.
struct Session {
    root: PathBuf,
    overrides: Overrides,
    out_dir: PathBuf,
    cache: load::Cache,
    site: Option<Arc<Site>>,
    templates: Option<Templates>,
    pieces: outputs::Pieces,
    /// Output path → bytes of the last good build.
    files: HashMap<String, Arc<Vec<u8>>>,
}

impl Session {
    fn new(root: PathBuf, overrides: Overrides, out_dir: PathBuf) -> Self {
        Session {
            root,
            overrides,
            out_dir,
            cache: load::Cache::default(),
            site: None,
            templates: None,
            pieces: outputs::Pieces::default(),
            files: HashMap::new(),
        }
    }

    /// A changed path relative to the root, if it is one of the site's sources.
    fn relevant(&self, p: &Path) -> Option<PathBuf> {
        let root = self
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.root.clone());
        let rel = p
            .strip_prefix(&root)
            .or_else(|_| p.strip_prefix(&self.root))
            .ok()?;
        let first = rel.components().next()?.as_os_str().to_str()?;
        let hidden = rel
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
        let ours = matches!(
            first,
            "site.toml" | "content" | "templates" | "static" | "themes"
        );
        (ours && !hidden && !p.starts_with(&self.out_dir)).then(|| rel.to_path_buf())
    }

    /// Rebuilds after `changed` (everything when `None`); returns the summary line.
    fn rebuild(&mut self, changed: Option<&[PathBuf]>) -> Result<String, Diagnostics> {
        let start = Instant::now();
        // Editors and tools save through temporary files that are gone by now; those are
        // not changes of their own.
        let data_only = changed.is_some_and(|c| {
            c.iter().all(|p| {
                let yaml = p.extension().is_some_and(|e| e == "yaml" || e == "yml");
                p.starts_with(load::providers::PROVIDERS_DIR)
                    && (yaml || !self.root.join(p).exists())
            })
        }) && self.site.is_some();
        if !data_only {
            self.cache.clear();
            self.pieces.clear();
        }
        self.cache
            .content
            .unchanged
            .store(data_only, std::sync::atomic::Ordering::Relaxed);
        let mut timer = Timings::new();
        let (site, _warnings) = load::load_cached(&self.root, &self.overrides, Some(&self.cache))?;
        timer.mark("load");
        // After a data-only edit: the changed records' pages, and the lists they were or are in.
        // Adding or removing records can reshape lists (a list may split into 行 pages), so
        // those rebuild everything.
        // Compared as bytes: hashing a path walks its components, 20,000 times here.
        let files: Files = changed
            .unwrap_or_default()
            .iter()
            .map(|p| p.as_os_str())
            .collect();
        let scope: Option<Scope> = match (&self.site, data_only) {
            (Some(old), true) => {
                // Records of files that were not read again are the same objects as before.
                let (before, after) = (records_of(old, &files), records_of(&site, &files));
                // A new day may make records stale: everything shows that again.
                let same = old.providers.len() == site.providers.len()
                    && old.today == site.today
                    && before.len() == after.len()
                    && before.keys().all(|id| after.contains_key(id));
                same.then(|| Scope {
                    articles_unchanged: same_articles(old, &site),
                    ..scope_of(&before, &after)
                })
            }
            _ => None,
        };
        timer.mark("scope");
        // Data alone changed: the compiled templates serve again.
        let templates = match (self.templates.take(), data_only) {
            (Some(mut t), true) => {
                // With no record moved between lists, the site's counts are as they were.
                let counts_kept = scope.as_ref().is_some_and(|s| !s.sitemap_changed);
                t.refresh(&site, counts_kept);
                t
            }
            _ => Templates::new(&site, false)?,
        };
        timer.mark("templates");
        if scope.is_none() {
            self.pieces.clear();
        }
        let hidden = indicatif::ProgressBar::hidden();
        let cx = RenderContext {
            site: &site,
            templates: &templates,
            progress: &hidden,
            pdf: false,
            scope: scope.as_ref(),
            pieces: Some(&self.pieces),
            sink: None,
        };
        let rendered = outputs::render_all(&cx);
        // What a failed build made is not kept: its records are in the next scope again.
        match rendered {
            Ok(_) => self.pieces.settle(&site),
            Err(_) => self.pieces.clear(),
        }
        let rendered = rendered?;
        timer.mark("render");
        let made = write::contents(&self.root, rendered).map_err(Diagnostics::from)?;
        timer.mark("prepare");
        let made: Vec<(String, Arc<Vec<u8>>)> = made
            .into_iter()
            .map(|(p, b)| (p.to_string_lossy().replace('\\', "/"), Arc::new(b)))
            .collect();
        let written = if scope.is_some() {
            // Same records, some edited: what was not rendered again stays as it is.
            let changed: Vec<&(String, Arc<Vec<u8>>)> = made
                .iter()
                .filter(|(key, bytes)| self.files.get(key).is_none_or(|old| old != bytes))
                .collect();
            changed
                .par_iter()
                .try_for_each(|(key, bytes)| {
                    let old = self.files.get(key).map(|b| b.as_slice());
                    patch_file(&self.out_dir, key, old, bytes)
                })
                .map_err(Diagnostics::from)?;
            let written = changed.len();
            self.files.extend(made);
            written
        } else {
            let next: HashMap<String, Arc<Vec<u8>>> = made.into_iter().collect();
            let written = self.write_changes(&next).map_err(Diagnostics::from)?;
            self.files = next;
            written
        };
        timer.mark("write");
        timer.report();
        let pages = self.files.keys().filter(|k| k.ends_with(".html")).count();
        self.site = Some(site);
        self.templates = Some(templates);
        Ok(format!(
            "更新しました: {pages} ページ、書き換え {written} ファイル、{:.0} ミリ秒",
            start.elapsed().as_secs_f64() * 1000.0
        ))
    }

    /// Writes files whose bytes changed and removes files no longer produced.
    fn write_changes(&self, next: &HashMap<String, Arc<Vec<u8>>>) -> Result<usize, Diagnostic> {
        let mut written = 0;
        // What the last build wrote is on disk still (the preview's folder is its own):
        // only files whose bytes differ are written, without looking at the rest.
        for (path, bytes) in next {
            if self
                .files
                .get(path)
                .is_some_and(|old| Arc::ptr_eq(old, bytes) || old == bytes)
            {
                continue;
            }
            write_file(&self.out_dir, path, bytes)?;
            written += 1;
        }
        for path in self.files.keys().filter(|k| !next.contains_key(*k)) {
            let _ = std::fs::remove_file(self.out_dir.join(path));
        }
        Ok(written)
    }
}

/// Writes `new` over the file that holds `old`. When the length is the same (a phone
/// number or a status changed), only the bytes from the first to the last difference are
/// written: the whole-site files are 10 MB at 10,000 records, and rewriting them was most
/// of an edit's time on disk. The preview's folder is its own, so the file on disk is
/// what the last build wrote; its length is checked all the same.
fn patch_file(
    out_dir: &Path,
    path: &str,
    old: Option<&[u8]>,
    new: &[u8],
) -> Result<(), Diagnostic> {
    let target = out_dir.join(path);
    if let Some(old) = old
        && old.len() == new.len()
        && std::fs::metadata(&target).is_ok_and(|m| m.len() == new.len() as u64)
    {
        let Some(first) = old.iter().zip(new).position(|(a, b)| a != b) else {
            return Ok(());
        };
        let tail = old
            .iter()
            .rev()
            .zip(new.iter().rev())
            .position(|(a, b)| a != b);
        let last = new.len() - tail.unwrap_or(0);
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(&target)
            .map_err(|e| Diagnostic::error(&target, None, e.to_string()))?;
        return write_at(&file, &new[first..last], first as u64)
            .map_err(|e| Diagnostic::error(&target, None, e.to_string()));
    }
    write_file(out_dir, path, new)
}

#[cfg(unix)]
fn write_at(file: &std::fs::File, bytes: &[u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, at)
}

#[cfg(windows)]
fn write_at(file: &std::fs::File, mut bytes: &[u8], mut at: u64) -> std::io::Result<()> {
    while !bytes.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_write(file, bytes, at)?;
        if n == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        bytes = &bytes[n..];
        at += n as u64;
    }
    Ok(())
}

#[cfg(not(any(unix, windows)))]
fn write_at(mut file: &std::fs::File, bytes: &[u8], at: u64) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom, Write};
    file.seek(SeekFrom::Start(at))?;
    file.write_all(bytes)
}

fn write_file(out_dir: &Path, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
    let target = out_dir.join(path);
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Diagnostic::error(dir, None, e.to_string()))?;
    }
    std::fs::write(&target, bytes).map_err(|e| Diagnostic::error(&target, None, e.to_string()))
}

type Files<'a> = rustc_hash::FxHashSet<&'a std::ffi::OsStr>;

type Records<'a> = HashMap<&'a str, &'a Arc<crate::model::Provider>>;

/// The records read from `files` (when none are, every record: nothing is assumed).
fn records_of<'a>(site: &'a Site, files: &Files) -> Records<'a> {
    let of = |p: &&Arc<crate::model::Provider>| files.contains(p.source.as_os_str());
    let any = site.providers.iter().any(|p| of(&p));
    site.providers
        .iter()
        .filter(|p| !any || of(p))
        .map(|p| (p.id.as_str(), p))
        .collect()
}

/// Whether two loads have the same sections and pages, as far as anything made of them
/// alone shows (the search index).
fn same_articles(a: &Site, b: &Site) -> bool {
    let sections = a.sections.iter().zip(&b.sections).all(|(x, y)| {
        (&x.path, &x.meta.title, &x.content, x.parent)
            == (&y.path, &y.meta.title, &y.content, y.parent)
    });
    let pages = a.pages.iter().zip(&b.pages).all(|(x, y)| {
        (&x.path, &x.meta.title, &x.content, x.section)
            == (&y.path, &y.meta.title, &y.content, y.section)
            && x.slides.len() == y.slides.len()
            && x.slides
                .iter()
                .zip(&y.slides)
                .all(|(s, t)| s.html == t.html)
    });
    a.sections.len() == b.sections.len() && a.pages.len() == b.pages.len() && sections && pages
}

/// The records that differ between two loads, and every list page either version is on.
fn scope_of(before: &Records, after: &Records) -> Scope {
    let mut scope = Scope::default();
    let mut sitemap_changed = false;
    let mut touch = |p: &crate::model::Provider| {
        let row = crate::model::kana::ROWS
            .iter()
            .position(|r| *r == p.kana.row())
            .unwrap_or(0);
        use crate::model::routes::{self, List};
        let lists = [
            routes::list(List::Category, &p.category),
            routes::list(List::Area, &p.area),
        ]
        .into_iter()
        .chain(p.services.iter().map(|s| routes::list(List::Service, s)));
        for list in lists {
            scope.lists.insert(outputs::directory::row_path(&list, row));
            scope.lists.insert(list);
        }
    };
    for (id, p) in after {
        match before.get(id) {
            Some(old) if Arc::ptr_eq(old, p) || old == p => {}
            Some(old) => {
                touch(old);
                touch(p);
                scope.providers.insert(id.to_string());
                if old.updated != p.updated
                    || old.kana != p.kana
                    || old.category != p.category
                    || old.area != p.area
                    || old.services != p.services
                {
                    sitemap_changed = true;
                }
            }
            None => {
                touch(p);
                scope.providers.insert(id.to_string());
                sitemap_changed = true;
            }
        }
    }
    for (id, p) in before {
        if !after.contains_key(id) {
            touch(p);
            sitemap_changed = true;
        }
    }
    scope.sitemap_changed = sitemap_changed;
    scope
}

#[cfg(test)]
mod tests {
    #[test]
    fn injection_adds_the_script_and_keeps_the_csp() {
        let html = b"<html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\"></head><body>x</body></html>";
        let out = super::inject(html, "127.0.0.1:1111");
        assert!(out.contains("content=\"default-src 'self'; script-src http://127.0.0.1:1111/__tsunagu/livereload.js; connect-src ws://127.0.0.1:1111/__tsunagu/ws\""), "{out}");
        assert!(out.contains("<script src=\"/__tsunagu/livereload.js\"></script></body>"));
    }

    #[test]
    fn a_strict_page_policy_is_relaxed_for_the_preview_script_alone() {
        assert_eq!(
            super::preview_policy(
                "default-src 'self'; connect-src 'none'; form-action 'none'",
                "localhost:2"
            ),
            "default-src 'self'; connect-src ws://localhost:2/__tsunagu/ws; form-action 'none'; script-src http://localhost:2/__tsunagu/livereload.js"
        );
        assert_eq!(
            super::preview_policy("default-src 'none'; script-src 'unsafe-inline'", "h:1"),
            "default-src 'none'; script-src 'unsafe-inline' http://h:1/__tsunagu/livereload.js; connect-src ws://h:1/__tsunagu/ws"
        );
    }

    #[test]
    fn types_come_from_the_extension_and_text_is_utf8() {
        for (file, want) in [
            ("a.html", "text/html; charset=utf-8"),
            ("a.txt", "text/plain; charset=utf-8"),
            ("a.js", "text/javascript; charset=utf-8"),
            ("a.json", "application/json; charset=utf-8"),
            ("sitemap.xml", "text/xml; charset=utf-8"),
            ("a.svg", "image/svg+xml; charset=utf-8"),
            ("a.webp", "image/webp"),
            ("a.gif", "image/gif"),
            ("favicon.ico", "image/x-icon"),
            ("a.woff2", "font/woff2"),
            (
                "site.webmanifest",
                "application/manifest+json; charset=utf-8",
            ),
            ("a.unknownext", "application/octet-stream"),
        ] {
            assert_eq!(super::mime_of(file), want, "{file}");
        }
    }
}
