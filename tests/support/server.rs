//! A tiny static file server (std only) for the built app in `dist/`.
//!
//! One thread accepts on 127.0.0.1:<free port>; each connection gets a
//! thread, one request, and `Connection: close`. GET and HEAD only.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Content type by file extension; `application/wasm` is what
/// `WebAssembly.instantiateStreaming` insists on.
pub fn mime_type(path: &Path) -> &'static str {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "toml" | "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "parquet" | "bin" => "application/octet-stream",
        _ => "application/octet-stream",
    }
}

/// The running server; stops (and joins its thread) when dropped.
pub struct StaticServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accept_thread: Option<JoinHandle<()>>,
    log: Arc<Mutex<Vec<(String, u16)>>>,
}

impl StaticServer {
    /// Serve the files under `root` on 127.0.0.1 and a free port.
    pub fn start(root: impl Into<PathBuf>) -> io::Result<Self> {
        let root: PathBuf = root.into();
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let log = Arc::new(Mutex::new(Vec::new()));
        let (stop2, log2) = (stop.clone(), log.clone());
        let accept_thread = thread::Builder::new()
            .name("e2e-static-server".into())
            .spawn(move || {
                for stream in listener.incoming() {
                    if stop2.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (root, log) = (root.clone(), log2.clone());
                    thread::spawn(move || {
                        if let Ok((path, status)) = handle(stream, &root) {
                            log.lock().unwrap().push((path, status));
                        }
                    });
                }
            })?;
        Ok(Self { addr, stop, accept_thread: Some(accept_thread), log })
    }

    /// `http://127.0.0.1:<port><path>`; `path` starts with `/`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Requests served so far: (path, status).
    pub fn requests(&self) -> Vec<(String, u16)> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees `stop`.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.accept_thread.take() {
            let _ = t.join();
        }
    }
}

/// Serve one request; returns the request path and status for the log.
fn handle(stream: TcpStream, root: &Path) -> io::Result<(String, u16)> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Skip the headers.
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let path = target.split(['?', '#']).next().unwrap_or("/").to_string();
    let mut out = stream;

    if method != "GET" && method != "HEAD" {
        respond(&mut out, 405, "text/plain", b"method not allowed", method == "HEAD")?;
        return Ok((path, 405));
    }
    match resolve(root, &path) {
        Some(file) => {
            let body = std::fs::read(&file)?;
            respond(&mut out, 200, mime_type(&file), &body, method == "HEAD")?;
            Ok((path, 200))
        }
        None => {
            respond(&mut out, 404, "text/plain", b"not found", method == "HEAD")?;
            Ok((path, 404))
        }
    }
}

/// Map a URL path to a file under `root`; `None` if missing or escaping root.
fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let rel = Path::new(decoded.trim_start_matches('/'));
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut file = root.join(rel);
    if file.is_dir() {
        file = file.join("index.html");
    }
    file.is_file().then_some(file)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn respond(out: &mut TcpStream, status: u16, mime: &str, body: &[u8], head: bool) -> io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    write!(
        out,
        "HTTP/1.1 {status} {}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        reason,
        body.len()
    )?;
    if !head {
        out.write_all(body)?;
    }
    out.flush()
}
