//! `tsunagu serve`: a live preview on 127.0.0.1 that rebuilds when files change.
//!
//! The loaded site and the last good build stay in memory ([`session`]). An edit of
//! provider data alone re-reads only the changed files and re-renders only the affected
//! provider pages plus the pages that list providers; anything else rebuilds everything.
//! Only files whose bytes changed are written to the preview's folder. Open pages reload
//! by themselves through a websocket ([`http`]); a failed build shows its errors in the
//! terminal and over the page, and the last good build keeps being served.

pub mod http;
mod session;
mod watch;

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use axum::Router;
use axum::http::header;
use axum::routing::get;
use tokio::sync::broadcast;

use diagnostics::{Diagnostic, Diagnostics};
use http::{AppState, LIVERELOAD_JS, LIVERELOAD_PATH, Served, WS_PATH};
use load::Overrides;
use session::Session;

pub struct ServeOptions {
    pub root: PathBuf,
    pub port: u16,
    /// Where the preview's files are written; a temporary folder when `None`.
    pub output: Option<PathBuf>,
    /// Write into a folder tsunagu did not make.
    pub force: bool,
}

/// Builds, serves and watches until the process is stopped. `ready` gets the address
/// once the first build is served, and each rebuild's outcome is printed by `say`.
pub fn run(
    opts: ServeOptions,
    say: fn(&str),
    emit: impl Fn(&Diagnostics) + Send + 'static,
) -> Result<(), Diagnostics> {
    if let Some(out) = &opts.output {
        write::outdir::check(&opts.root, out, &write::outdir::Kind::Site, opts.force)?;
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
        ..Default::default()
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
    let (watcher, rx) = watch::start(&opts.root)?;

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
        while let Some(changed) = watch::next_change(&rx) {
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
        .route(WS_PATH, get(http::websocket))
        .fallback(http::file)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::guard,
        ))
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

fn publish(state: &AppState, session: &Session) {
    if let Ok(mut s) = state.served.write() {
        s.files = session.preview.files().clone();
    }
}
