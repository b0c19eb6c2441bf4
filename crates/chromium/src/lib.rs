//! Headless Chromium (or Edge, or Chrome) driven over the DevTools protocol: the one way
//! tsunagu prints PDFs, runs the accessibility audit, and its tests look at pages.
//!
//! The browser is started with its own empty profile and `--remote-debugging-port=0`; the
//! port it chose is read from `DevToolsActivePort` in that profile, so no output of the
//! browser has to be parsed. One websocket carries every tab's commands (sessions
//! attached with `flatten`): a reader thread hands each answer to the caller waiting for
//! its id. The protocol is JSON in and out; this crate knows only the handful of methods
//! it wraps, and `call` reaches the rest.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::protocol::{Role, WebSocketConfig};
use tungstenite::{Message, WebSocket};

mod keys;

/// What went wrong, in words for the message a caller wraps it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl Error {
    fn new(what: impl Into<String>) -> Error {
        Error(what.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl From<&str> for Error {
    fn from(what: &str) -> Error {
        Error::new(what)
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// How long a command may take unless the caller says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
/// Starting a browser on a machine busy with other work can take many seconds.
const LAUNCH_TIMEOUT: Duration = Duration::from_secs(90);
/// Large enough for the PDF of a long guide, sent as base64 in one message.
const MAX_MESSAGE: usize = 1 << 30;

/// How to start the browser.
#[derive(Debug, Clone)]
pub struct Launch {
    pub path: PathBuf,
    /// The window (and so the first layout viewport) in CSS pixels.
    pub window: (u32, u32),
    /// More command-line switches, e.g. `--host-resolver-rules=…`.
    pub args: Vec<String>,
    /// The profile's `Default/Preferences` (JSON), e.g. the fonts of generic families.
    pub preferences: Option<String>,
    /// On Linux, the browser is killed when the thread that launched it ends (so a browser
    /// kept for a whole test run does not outlive it). Elsewhere it is closed on drop only.
    pub bound_to_thread: bool,
}

impl Launch {
    pub fn new(path: impl Into<PathBuf>) -> Launch {
        Launch {
            path: path.into(),
            window: (1280, 900),
            args: Vec::new(),
            preferences: None,
            bound_to_thread: false,
        }
    }

    pub fn bound_to_thread(mut self) -> Launch {
        self.bound_to_thread = true;
        self
    }

    pub fn window(mut self, width: u32, height: u32) -> Launch {
        self.window = (width, height);
        self
    }

    pub fn arg(mut self, arg: impl Into<String>) -> Launch {
        self.args.push(arg.into());
        self
    }

    pub fn preferences(mut self, json: impl Into<String>) -> Launch {
        self.preferences = Some(json.into());
        self
    }
}

/// Switches for a browser that works offline and alone: no updates, syncing or other
/// background traffic (refused on a closed network, and a privacy matter anyway), no
/// throttling of tabs that are not in front (tests and prints run side by side).
const SWITCHES: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-renderer-backgrounding",
    "--disable-hang-monitor",
    "--metrics-recording-only",
    "--password-store=basic",
    "--use-mock-keychain",
    "--mute-audio",
    "--remote-debugging-port=0",
];

/// A running browser; it is closed when dropped.
pub struct Browser {
    conn: Arc<Connection>,
    child: Mutex<Child>,
    profile: tempfile::TempDir,
    version: String,
}

impl Browser {
    pub fn launch(opts: &Launch) -> Result<Browser> {
        let profile = tempfile::Builder::new()
            .prefix("tsunagu-chromium-")
            .tempdir()
            .map_err(|e| Error::new(format!("temporary profile: {e}")))?;
        if let Some(prefs) = &opts.preferences {
            let dir = profile.path().join("Default");
            std::fs::create_dir_all(&dir)
                .and_then(|_| std::fs::write(dir.join("Preferences"), prefs))
                .map_err(|e| Error::new(format!("profile preferences: {e}")))?;
        }
        let log = profile.path().join("chromium-stderr.log");
        let stderr = std::fs::File::create(&log)
            .map(Stdio::from)
            .unwrap_or_else(|_| Stdio::null());
        let mut command = Command::new(&opts.path);
        #[cfg(target_os = "linux")]
        if opts.bound_to_thread {
            use std::os::unix::process::CommandExt;
            // SAFETY: between fork and exec only prctl(2) runs, which is async-signal-safe.
            unsafe {
                command.pre_exec(|| {
                    rustix::process::set_parent_process_death_signal(Some(
                        rustix::process::Signal::KILL,
                    ))
                    .map_err(std::io::Error::from)
                });
            }
        }
        let mut child = command
            .args(SWITCHES)
            .arg(format!("--window-size={},{}", opts.window.0, opts.window.1))
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(&opts.args)
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .map_err(|e| Error::new(format!("{}: {e}", opts.path.display())))?;
        let endpoint = match wait_for_endpoint(&mut child, profile.path(), &log) {
            Ok(e) => e,
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(e);
            }
        };
        let conn = match Connection::open(&endpoint) {
            Ok(c) => c,
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(e);
            }
        };
        let mut browser = Browser {
            conn,
            child: Mutex::new(child),
            profile,
            version: String::new(),
        };
        let v = browser.call("Browser.getVersion", json!({}))?;
        browser.version = v["product"]
            .as_str()
            .unwrap_or("Chromium")
            .replace('/', " ");
        Ok(browser)
    }

    /// "Chrome 156.0.8078.73" (or "HeadlessChrome …", "Edg …"): the product and version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// A browser-level command (no tab).
    pub fn call(&self, method: &str, params: Value) -> Result<Value> {
        self.conn.call(None, method, params, DEFAULT_TIMEOUT)
    }

    /// A new tab showing `about:blank`.
    pub fn new_tab(&self) -> Result<Tab> {
        self.open_tab("about:blank", None, false)
    }

    /// A new tab of a fresh browser context (its own renderer process, cookies and
    /// storage) opening `url`; the context is disposed of when the tab is closed.
    /// A fresh process numbers the document's nodes from the start, which tagged PDFs
    /// carry: prints side by side in one process would number them by chance.
    pub fn new_isolated_tab(&self, url: &str) -> Result<Tab> {
        self.open_tab(url, None, true)
    }

    /// A new tab opening `url`, in a window `size` CSS pixels large if given, and in a
    /// browser context of its own if `isolated` (nothing stored by one tab's pages is seen
    /// by another's).
    pub fn open_tab(&self, url: &str, size: Option<(u32, u32)>, isolated: bool) -> Result<Tab> {
        let mut params = json!({"url": url});
        if let Some((w, h)) = size {
            params["width"] = json!(w);
            params["height"] = json!(h);
            params["newWindow"] = json!(true);
        }
        let context = if isolated {
            let c = self.call(
                "Target.createBrowserContext",
                json!({"disposeOnDetach": true}),
            )?;
            let id = c["browserContextId"]
                .as_str()
                .ok_or_else(|| Error::new("Target.createBrowserContext gave no id"))?
                .to_string();
            params["browserContextId"] = json!(id);
            Some(id)
        } else {
            None
        };
        let tab = self.open(params, context.clone());
        if let (Err(_), Some(id)) = (&tab, context) {
            let _ = self.call(
                "Target.disposeBrowserContext",
                json!({"browserContextId": id}),
            );
        }
        tab
    }

    fn open(&self, params: Value, context: Option<String>) -> Result<Tab> {
        let target = self.call("Target.createTarget", params)?;
        let target_id = target["targetId"]
            .as_str()
            .ok_or_else(|| Error::new("Target.createTarget gave no targetId"))?
            .to_string();
        let attached = self.call(
            "Target.attachToTarget",
            json!({"targetId": target_id, "flatten": true}),
        )?;
        let session = attached["sessionId"]
            .as_str()
            .ok_or_else(|| Error::new("Target.attachToTarget gave no sessionId"))?
            .to_string();
        let tab = Tab {
            conn: self.conn.clone(),
            session,
            target: target_id,
            context,
            timeout: DEFAULT_TIMEOUT,
            closed: false,
        };
        // Scripts added for new documents (Page.addScriptToEvaluateOnNewDocument) run only
        // with the Page domain on.
        tab.call("Page.enable", json!({}))?;
        Ok(tab)
    }

    /// The browser's own profile folder (downloads may be sent below it).
    pub fn profile(&self) -> &Path {
        self.profile.path()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self
            .conn
            .call(None, "Browser.close", json!({}), Duration::from_secs(5));
        let mut child = lock(&self.child);
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// One tab (a page target) of a [`Browser`].
pub struct Tab {
    conn: Arc<Connection>,
    session: String,
    target: String,
    /// The browser context made for this tab alone, disposed of with it.
    context: Option<String>,
    timeout: Duration,
    closed: bool,
}

impl Tab {
    /// How long each command of this tab may take (navigation waits included).
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Any protocol command in this tab: `tab.call("Emulation.setCPUThrottlingRate", json!({"rate": 4}))`.
    pub fn call(&self, method: &str, params: Value) -> Result<Value> {
        self.conn
            .call(Some(&self.session), method, params, self.timeout)
    }

    /// The value of a JavaScript expression (a promise awaited when `await_promise`);
    /// a thrown exception is an error with its text.
    pub fn evaluate(&self, expression: &str, await_promise: bool) -> Result<Value> {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": await_promise}),
        )?;
        if let Some(ex) = r.get("exceptionDetails") {
            let text = ex["exception"]["description"]
                .as_str()
                .or_else(|| ex["text"].as_str())
                .unwrap_or("exception");
            return Err(Error::new(format!("JavaScript: {text}")));
        }
        Ok(r["result"]["value"].clone())
    }

    /// Whether the JavaScript condition holds now (an exception counts as not yet).
    pub fn holds(&self, condition: &str) -> bool {
        self.evaluate(&format!("!!({condition})"), false)
            .map(|v| v == Value::Bool(true))
            .unwrap_or(false)
    }

    /// Waits until the JavaScript condition holds, checking every 25 ms.
    pub fn wait_until(&self, condition: &str, timeout: Duration) -> Result<()> {
        let start = Instant::now();
        while !self.holds(condition) {
            if start.elapsed() > timeout {
                return Err(Error::new(format!(
                    "timed out after {} s waiting for {condition}",
                    timeout.as_secs()
                )));
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        Ok(())
    }

    /// Opens `url` and waits until the new document has loaded. A marker set on the old
    /// document tells it from the new one (a load event can come before we listen).
    pub fn goto(&self, url: &str) -> Result<()> {
        let _ = self.evaluate("window.__tsunaguOld = true", false);
        let r = self.call("Page.navigate", json!({"url": url}))?;
        if let Some(err) = r["errorText"].as_str().filter(|e| !e.is_empty()) {
            return Err(Error::new(format!("{url}: {err}")));
        }
        self.wait_until(
            "window.__tsunaguOld !== true && document.readyState === 'complete'",
            self.timeout,
        )
        .map_err(|_| Error::new(format!("{url} did not finish loading")))
    }

    /// Loads the page again and waits for it.
    pub fn reload(&self) -> Result<()> {
        let _ = self.evaluate("window.__tsunaguOld = true", false);
        self.call("Page.reload", json!({}))?;
        self.wait_until(
            "window.__tsunaguOld !== true && document.readyState === 'complete'",
            self.timeout,
        )
    }

    /// The page printed as Chromium's `--print-to-pdf --no-pdf-header-footer
    /// --generate-pdf-document-outline` prints it (CSS page size, backgrounds, tagged,
    /// bookmarks from the headings), with `overrides` of those parameters on top.
    pub fn print_to_pdf(&self, overrides: Value) -> Result<Vec<u8>> {
        let mut params = json!({
            "displayHeaderFooter": false,
            "generateTaggedPDF": true,
            "generateDocumentOutline": true,
            "printBackground": true,
            "preferCSSPageSize": true,
        });
        if let (Some(p), Value::Object(o)) = (params.as_object_mut(), overrides) {
            p.extend(o);
        }
        let r = self.call("Page.printToPDF", params)?;
        let data = r["data"]
            .as_str()
            .ok_or_else(|| Error::new("Page.printToPDF gave no data"))?;
        data_encoding::BASE64
            .decode(data.as_bytes())
            .map_err(|e| Error::new(format!("Page.printToPDF: {e}")))
    }

    /// A PNG of what the tab shows.
    pub fn screenshot(&self) -> Result<Vec<u8>> {
        let r = self.call("Page.captureScreenshot", json!({"format": "png"}))?;
        let data = r["data"]
            .as_str()
            .ok_or_else(|| Error::new("Page.captureScreenshot gave no data"))?;
        data_encoding::BASE64
            .decode(data.as_bytes())
            .map_err(|e| Error::new(format!("Page.captureScreenshot: {e}")))
    }

    /// Clicks the middle of the first element matching `selector`, as a mouse would
    /// (scrolled into view first).
    pub fn click(&self, selector: &str) -> Result<()> {
        let sel = serde_json::to_string(selector).map_err(|e| Error::new(e.to_string()))?;
        let point = self.evaluate(
            &format!(
                "(() => {{ const e = document.querySelector({sel}); if (!e) return null;
                 e.scrollIntoView({{block: 'center', inline: 'center'}});
                 const r = e.getBoundingClientRect();
                 return [r.left + r.width / 2, r.top + r.height / 2]; }})()"
            ),
            false,
        )?;
        let (Some(x), Some(y)) = (point[0].as_f64(), point[1].as_f64()) else {
            return Err(Error::new(format!("no element matches {selector}")));
        };
        self.click_at(x, y)
    }

    /// A left click at a point of the viewport.
    pub fn click_at(&self, x: f64, y: f64) -> Result<()> {
        self.call(
            "Input.dispatchMouseEvent",
            json!({"type": "mouseMoved", "x": x, "y": y}),
        )?;
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}),
            )?;
        }
        Ok(())
    }

    /// Focuses the first element matching `selector`.
    pub fn focus(&self, selector: &str) -> Result<()> {
        let sel = serde_json::to_string(selector).map_err(|e| Error::new(e.to_string()))?;
        let found = self.evaluate(
            &format!(
                "(() => {{ const e = document.querySelector({sel}); if (!e) return false; e.focus(); return true; }})()"
            ),
            false,
        )?;
        if found == Value::Bool(true) {
            Ok(())
        } else {
            Err(Error::new(format!("no element matches {selector}")))
        }
    }

    /// Chooses `files` in the file input matching `selector`, as a user's file dialog would.
    pub fn set_files(&self, selector: &str, files: &[&Path]) -> Result<()> {
        let sel = serde_json::to_string(selector).map_err(|e| Error::new(e.to_string()))?;
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": format!("document.querySelector({sel})")}),
        )?;
        let object = r["result"]["objectId"]
            .as_str()
            .ok_or_else(|| Error::new(format!("no element matches {selector}")))?;
        let files: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        self.call(
            "DOM.setFileInputFiles",
            json!({"files": files, "objectId": object}),
        )?;
        Ok(())
    }

    /// Presses and releases one key, named as in `KeyboardEvent.key` ("Enter", "Tab",
    /// "ArrowLeft", " ", "a" …).
    pub fn press_key(&self, key: &str) -> Result<()> {
        let k = keys::definition(key).ok_or_else(|| Error::new(format!("unknown key {key:?}")))?;
        let mut down = json!({
            "type": if k.text.is_some() { "keyDown" } else { "rawKeyDown" },
            "key": k.key, "code": k.code,
            "windowsVirtualKeyCode": k.key_code, "nativeVirtualKeyCode": k.key_code,
        });
        if let Some(t) = k.text {
            down["text"] = json!(t);
            down["unmodifiedText"] = json!(t);
        }
        self.call("Input.dispatchKeyEvent", down)?;
        self.call(
            "Input.dispatchKeyEvent",
            json!({"type": "keyUp", "key": k.key, "code": k.code,
                   "windowsVirtualKeyCode": k.key_code, "nativeVirtualKeyCode": k.key_code}),
        )?;
        Ok(())
    }

    /// Types `text` into the focused element one character at a time, each as a key
    /// press that inserts it (so every character fires its own input event).
    pub fn type_text(&self, text: &str) -> Result<()> {
        for c in text.chars() {
            let s = c.to_string();
            if keys::definition(&s).is_some() {
                self.press_key(&s)?;
                continue;
            }
            self.call(
                "Input.dispatchKeyEvent",
                json!({"type": "keyDown", "key": s, "text": s, "unmodifiedText": s}),
            )?;
            self.call("Input.dispatchKeyEvent", json!({"type": "keyUp", "key": s}))?;
        }
        Ok(())
    }

    /// Answers every `alert`, `confirm` and `prompt` of this tab with OK (or Cancel), and
    /// keeps their messages for [`Tab::dialogs`]. Without it a dialog stops the page.
    pub fn answer_dialogs(&self, accept: bool) -> Result<()> {
        lock(&self.conn.dialogs).insert(self.session.clone(), (accept, Vec::new()));
        Ok(())
    }

    /// The messages of the dialogs answered so far.
    pub fn dialogs(&self) -> Vec<String> {
        lock(&self.conn.dialogs)
            .get(&self.session)
            .map(|(_, seen)| seen.clone())
            .unwrap_or_default()
    }

    /// This tab's protocol events from now on, as (method, params).
    pub fn events(&self) -> Receiver<Event> {
        let (tx, rx) = mpsc::channel();
        lock(&self.conn.listeners).push((self.session.clone(), tx));
        rx
    }

    /// Waits until the document at `url` has loaded (for a tab opened at a URL).
    pub fn wait_for_load(&self, url: &str) -> Result<()> {
        let url_js = serde_json::to_string(url).map_err(|e| Error::new(e.to_string()))?;
        self.wait_until(
            &format!("location.href === {url_js} && document.readyState === 'complete'"),
            self.timeout,
        )
        .map_err(|_| Error::new(format!("{url} did not finish loading")))
    }

    /// The browser context made for this tab alone, if any (downloads are allowed per
    /// context, for one).
    pub fn context(&self) -> Option<&str> {
        self.context.as_deref()
    }

    /// Closes the tab (and its own browser context), waiting for the browser to confirm.
    pub fn close(mut self) -> Result<()> {
        self.closed = true;
        self.conn.call(
            None,
            "Target.closeTarget",
            json!({"targetId": self.target}),
            DEFAULT_TIMEOUT,
        )?;
        if let Some(id) = &self.context {
            self.conn.call(
                None,
                "Target.disposeBrowserContext",
                json!({"browserContextId": id}),
                DEFAULT_TIMEOUT,
            )?;
        }
        Ok(())
    }
}

/// A tab dropped without [`Tab::close`] is closed all the same, without waiting: a
/// browser kept for many tabs would otherwise keep every page and its process alive.
impl Drop for Tab {
    fn drop(&mut self) {
        if self.closed || self.conn.closed.load(Ordering::SeqCst) {
            return;
        }
        let next = || self.conn.next_id.fetch_add(1, Ordering::SeqCst);
        let _ = self
            .conn
            .send(json!({"id": next(), "method": "Target.closeTarget",
            "params": {"targetId": self.target}}));
        if let Some(id) = &self.context {
            let _ = self.conn.send(
                json!({"id": next(), "method": "Target.disposeBrowserContext",
                "params": {"browserContextId": id}}),
            );
        }
    }
}

/// The browser's answer to one command: its result, or its error message.
type Answer = std::result::Result<Value, String>;

/// A protocol event: its method and parameters.
pub type Event = (String, Value);

/// The websocket, the callers waiting for answers, and what listens to events.
struct Connection {
    writer: Mutex<WebSocket<TcpStream>>,
    next_id: AtomicU64,
    pending: Mutex<HashMap<u64, Sender<Answer>>>,
    /// (session, where its events go).
    listeners: Mutex<Vec<(String, Sender<Event>)>>,
    /// Sessions whose dialogs are answered: (accept, messages seen).
    dialogs: Mutex<HashMap<String, (bool, Vec<String>)>>,
    closed: AtomicBool,
}

/// A poisoned lock only means another thread panicked while holding it; the data (a
/// socket, a map of waiting callers) is still whole, so it is used as it is.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Connection {
    fn open(endpoint: &str) -> Result<Arc<Connection>> {
        let rest = endpoint
            .strip_prefix("ws://")
            .ok_or_else(|| Error::new(format!("unexpected DevTools address {endpoint}")))?;
        let host = rest.split('/').next().unwrap_or(rest);
        let stream =
            TcpStream::connect(host).map_err(|e| Error::new(format!("DevTools {host}: {e}")))?;
        let _ = stream.set_nodelay(true);
        let config = WebSocketConfig::default()
            .max_message_size(Some(MAX_MESSAGE))
            .max_frame_size(Some(MAX_MESSAGE));
        let (ws, _) = tungstenite::client::client_with_config(endpoint, stream, Some(config))
            .map_err(|e| Error::new(format!("DevTools handshake: {e}")))?;
        // Reading and writing on two handles of one socket: a reader blocked in `read`
        // never holds up a command being sent.
        let stream = ws.into_inner();
        let read_half = stream
            .try_clone()
            .map_err(|e| Error::new(format!("DevTools socket: {e}")))?;
        let reader = WebSocket::from_raw_socket(read_half, Role::Client, Some(config));
        let writer = WebSocket::from_raw_socket(stream, Role::Client, Some(config));
        let conn = Arc::new(Connection {
            writer: Mutex::new(writer),
            next_id: AtomicU64::new(1),
            pending: Mutex::new(HashMap::new()),
            listeners: Mutex::new(Vec::new()),
            dialogs: Mutex::new(HashMap::new()),
            closed: AtomicBool::new(false),
        });
        let weak = Arc::downgrade(&conn);
        std::thread::Builder::new()
            .name("chromium-devtools".into())
            .spawn(move || read_loop(reader, weak))
            .map_err(|e| Error::new(format!("DevTools reader: {e}")))?;
        Ok(conn)
    }

    fn send(&self, message: Value) -> Result<()> {
        let mut w = lock(&self.writer);
        w.send(Message::text(message.to_string()))
            .map_err(|e| Error::new(format!("DevTools: {e}")))
    }

    fn call(
        &self,
        session: Option<&str>,
        method: &str,
        params: Value,
        timeout: Duration,
    ) -> Result<Value> {
        if self.closed.load(Ordering::SeqCst) {
            return Err(Error::new(format!("{method}: the browser has closed")));
        }
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        let (tx, rx) = mpsc::channel();
        lock(&self.pending).insert(id, tx);
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            message["sessionId"] = json!(s);
        }
        if let Err(e) = self.send(message) {
            lock(&self.pending).remove(&id);
            return Err(e);
        }
        match rx.recv_timeout(timeout) {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(Error::new(format!("{method}: {e}"))),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                lock(&self.pending).remove(&id);
                Err(Error::new(format!(
                    "{method}: no answer within {} s",
                    timeout.as_secs()
                )))
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                Err(Error::new(format!("{method}: the browser has closed")))
            }
        }
    }

    fn event(&self, session: &str, method: &str, params: &Value) {
        if method == "Page.javascriptDialogOpening" {
            let mut dialogs = lock(&self.dialogs);
            if let Some((accept, seen)) = dialogs.get_mut(session) {
                seen.push(params["message"].as_str().unwrap_or_default().to_string());
                let id = self.next_id.fetch_add(1, Ordering::SeqCst);
                let accept = *accept;
                drop(dialogs);
                let _ = self.send(json!({"id": id, "sessionId": session,
                    "method": "Page.handleJavaScriptDialog", "params": {"accept": accept}}));
            }
        }
        lock(&self.listeners).retain(|(s, tx)| {
            s != session || tx.send((method.to_string(), params.clone())).is_ok()
        });
    }
}

fn read_loop(mut reader: WebSocket<TcpStream>, conn: std::sync::Weak<Connection>) {
    loop {
        let msg = reader.read();
        let Some(conn) = conn.upgrade() else {
            return;
        };
        let text = match msg {
            Ok(Message::Text(t)) => t,
            Ok(Message::Close(_)) | Err(_) => {
                conn.closed.store(true, Ordering::SeqCst);
                // Waiting callers see their channel close.
                lock(&conn.pending).clear();
                return;
            }
            Ok(_) => continue,
        };
        let Ok(v) = serde_json::from_str::<Value>(text.as_str()) else {
            continue;
        };
        if let Some(id) = v["id"].as_u64() {
            if let Some(tx) = lock(&conn.pending).remove(&id) {
                let answer = match v.get("error") {
                    Some(e) => Err(e["message"].as_str().unwrap_or("error").to_string()),
                    None => Ok(v["result"].clone()),
                };
                let _ = tx.send(answer);
            }
        } else if let Some(method) = v["method"].as_str() {
            let session = v["sessionId"].as_str().unwrap_or_default();
            conn.event(session, method, &v["params"]);
        }
    }
}

/// Waits for the browser to write `DevToolsActivePort` (the port, then the path) into its
/// profile, and gives the websocket address.
fn wait_for_endpoint(child: &mut Child, profile: &Path, log: &Path) -> Result<String> {
    let file = profile.join("DevToolsActivePort");
    let start = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(&file) {
            let mut lines = text.lines();
            if let (Some(port), Some(path)) = (lines.next(), lines.next())
                && port.trim().parse::<u16>().is_ok()
            {
                return Ok(format!("ws://127.0.0.1:{}{}", port.trim(), path.trim()));
            }
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(Error::new(format!(
                "the browser stopped at once ({status}): {}",
                tail(log)
            )));
        }
        if start.elapsed() > LAUNCH_TIMEOUT {
            return Err(Error::new(format!(
                "the browser did not start within {} s: {}",
                LAUNCH_TIMEOUT.as_secs(),
                tail(log)
            )));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The last lines the browser wrote to its error output.
fn tail(log: &Path) -> String {
    let mut text = String::new();
    if let Ok(mut f) = std::fs::File::open(log) {
        let _ = f.read_to_string(&mut text);
    }
    let lines: Vec<&str> = text.lines().rev().take(5).collect();
    lines.into_iter().rev().collect::<Vec<_>>().join(" / ")
}
