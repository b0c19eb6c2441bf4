//! The preview's web server: answers only this machine, serves the last good build from
//! memory, tells open pages to reload over a websocket, and lets the page's policy admit
//! the preview's own script.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast;

pub const LIVERELOAD_PATH: &str = "/__tsunagu/livereload.js";
pub const WS_PATH: &str = "/__tsunagu/ws";

/// What the server hands out: the last good build, and the current error if any.
#[derive(Default)]
pub struct Served {
    pub files: HashMap<String, Arc<Vec<u8>>>,
}

#[derive(Clone)]
pub struct AppState {
    pub served: Arc<RwLock<Served>>,
    pub events: broadcast::Sender<String>,
    /// `127.0.0.1:PORT`, `localhost:PORT`, `[::1]:PORT`: the only hosts the preview answers,
    /// so a page elsewhere cannot read it by pointing its own name at this machine (DNS
    /// rebinding), and the only origins whose pages may open its socket.
    pub hosts: Arc<[String]>,
}
/// Answers only requests to this machine by its own name, and marks every answer
/// `nosniff` (a type is never guessed from the bytes).
pub async fn guard(
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

pub async fn websocket(
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

pub async fn file(State(state): State<AppState>, req: Request) -> Response {
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
    if let Some((at, quote)) = policy_value(&s) {
        let policy = markup::html::decode(&s[at.clone()]).into_owned();
        let relaxed = preview_policy(&policy, host);
        let encoded = match quote {
            Some('"') => relaxed,
            Some(_) => relaxed.replace('\'', "&#39;"),
            None => format!("\"{relaxed}\""),
        };
        s.replace_range(at, &encoded);
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
fn policy_value(html: &str) -> Option<(std::ops::Range<usize>, Option<char>)> {
    use markup::html::{self, Token};
    for (_, token) in html::tokens(html) {
        match token {
            Token::End(name) if name.eq_ignore_ascii_case("head") => return None,
            Token::Start(tag) if tag.is("body") => return None,
            Token::Start(tag)
                if tag.is("meta")
                    && tag.attr("http-equiv").is_some_and(|v| {
                        html::decode(v).eq_ignore_ascii_case("content-security-policy")
                    }) =>
            {
                let a = tag
                    .attrs()
                    .find(|a| a.has_value && a.name.eq_ignore_ascii_case("content"))?;
                let quote = html[..a.at.start]
                    .chars()
                    .next_back()
                    .filter(|c| matches!(c, '"' | '\''));
                return Some((a.at, quote));
            }
            _ => {}
        }
    }
    None
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
pub fn mime_of(path: &str) -> String {
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

pub const LIVERELOAD_JS: &str = r#"(function () {
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
