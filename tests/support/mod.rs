//! End-to-end harness: the built app (`dist/`) served by a std-only static
//! server, driven in headless Chromium through chromedriver (fantoccini).
//!
//! Environment (defaults in brackets):
//!   GAMEDAY_DIST         built app [<repo>/dist]
//!   GAMEDAY_BASE_URL     test this running server instead of serving GAMEDAY_DIST
//!   GAMEDAY_E2E_OUT      screenshots and chromedriver logs [$CARGO_TARGET_DIR/e2e or <repo>/target/e2e]
//!   CHROMEDRIVER         [/usr/bin/chromedriver]
//!   CHROME_BIN           [/usr/bin/chromium]
//!   GAMEDAY_E2E_TIMEOUT  seconds for a whole test [180]
//!
//! Every test goes through [`with_app`], which always shuts the browser down,
//! also when the test fails or panics (and [`Browser`]'s `Drop` kills what is left).
#![allow(dead_code)]

pub mod server;

use std::future::Future;
use std::io;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

pub use server::StaticServer;

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How long helpers wait for an element by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);
/// How long the first paint of the app may take (wasm download + start).
pub const LOAD_TIMEOUT: Duration = Duration::from_secs(60);

/// Chromium flags: headless, as root, and quiet (no calls to Google hosts
/// the machine cannot reach).
const CHROME_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--window-size=1280,800",
];

// ---------------------------------------------------------------- paths

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The built app: `trunk build --release` writes it to `<repo>/dist`.
pub fn dist_dir() -> PathBuf {
    std::env::var_os("GAMEDAY_DIST").map(PathBuf::from).unwrap_or_else(|| repo_root().join("dist"))
}

/// Where screenshots and logs go: `target/e2e` (honours CARGO_TARGET_DIR).
pub fn out_dir() -> PathBuf {
    let dir = if let Some(d) = std::env::var_os("GAMEDAY_E2E_OUT") {
        PathBuf::from(d)
    } else if let Some(t) = std::env::var_os("CARGO_TARGET_DIR") {
        let t = PathBuf::from(t);
        if t.is_absolute() { t } else { repo_root().join(t) }.join("e2e")
    } else {
        repo_root().join("target").join("e2e")
    };
    std::fs::create_dir_all(&dir).expect("create e2e output dir");
    dir
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

// ------------------------------------------------- chromedriver + Chromium

/// chromedriver and the Chromium it starts, with a private profile dir.
/// Dropping it kills both (process group, then any process still using
/// the profile dir) and removes the profile.
pub struct Browser {
    driver: Child,
    pub port: u16,
    profile: PathBuf,
}

impl Browser {
    /// Start chromedriver on a free port and wait until it listens.
    pub fn start(name: &str) -> Result<Self> {
        let unique = SystemTime::now().duration_since(UNIX_EPOCH)?.as_nanos();
        let profile = std::env::temp_dir().join(format!("gameday-e2e-{}-{unique}", std::process::id()));
        std::fs::create_dir_all(&profile)?;
        let port = free_port()?;
        let log = std::fs::File::create(out_dir().join(format!("{name}-chromedriver.log")))?;
        let chromedriver = env_or("CHROMEDRIVER", "/usr/bin/chromedriver");
        let mut cmd = Command::new(&chromedriver);
        cmd.arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        // Own process group, so Drop can signal chromedriver and Chromium together.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let driver = cmd.spawn().map_err(|e| format!("cannot start {chromedriver}: {e}"))?;
        let browser = Self { driver, port, profile };

        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err(format!("chromedriver did not listen on port {port} within 20 s").into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(browser)
    }

    /// Open a WebDriver session with headless Chromium.
    pub async fn connect(&self) -> Result<Client> {
        let mut args: Vec<String> = CHROME_ARGS.iter().map(|s| s.to_string()).collect();
        args.push(format!("--user-data-dir={}", self.profile.display()));
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": env_or("CHROME_BIN", "/usr/bin/chromium"),
                "args": args,
            },
        });
        let Value::Object(caps) = caps else { unreachable!() };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await?;
        Ok(client)
    }

    /// Pids (other than chromedriver's group) whose command line names our
    /// private profile dir: the Chromium processes of this test, nobody else's.
    #[cfg(target_os = "linux")]
    fn profile_pids(&self) -> Vec<u32> {
        let needle = self.profile.to_string_lossy().into_owned();
        let Ok(entries) = std::fs::read_dir("/proc") else { return vec![] };
        entries
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .filter(|pid| {
                std::fs::read(format!("/proc/{pid}/cmdline"))
                    .map(|c| String::from_utf8_lossy(&c).contains(&needle))
                    .unwrap_or(false)
            })
            .collect()
    }
}

fn kill(signal: &str, target: &str) {
    let _ = Command::new("kill")
        .args([signal, "--", target])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

impl Drop for Browser {
    fn drop(&mut self) {
        let group = format!("-{}", self.driver.id());
        kill("-TERM", &group);
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline && !matches!(self.driver.try_wait(), Ok(Some(_))) {
            std::thread::sleep(Duration::from_millis(50));
        }
        kill("-KILL", &group);
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        #[cfg(target_os = "linux")]
        for pid in self.profile_pids() {
            kill("-KILL", &pid.to_string());
        }
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

// ------------------------------------------------------------------ tests

/// What a test body gets: the WebDriver client and the app's address.
#[derive(Clone)]
pub struct App {
    pub client: Client,
    pub base_url: String,
}

impl App {
    /// Navigate to `path` (e.g. "/") on the static server; returns after the
    /// page's `load` event.
    pub async fn open(&self, path: &str) -> Result<()> {
        let url = format!("{}{}", self.base_url.trim_end_matches('/'), path);
        self.client.goto(&url).await?;
        Ok(())
    }
}

/// Serve `dist/`, start Chromium, run `body`, and always shut down. On
/// failure, a screenshot `<name>-failed.png` is written first. Panics (so the
/// test fails) if `body` returns an error, panics, or exceeds GAMEDAY_E2E_TIMEOUT.
pub async fn with_app<F, Fut>(name: &str, body: F)
where
    F: FnOnce(App) -> Fut,
    Fut: Future<Output = Result<()>> + Send + 'static,
{
    // GAMEDAY_BASE_URL (e.g. http://127.0.0.1:8080 from scripts/serve.sh)
    // tests a running server instead of serving dist/.
    let (server, base_url) = match std::env::var("GAMEDAY_BASE_URL") {
        Ok(url) => (None, url),
        Err(_) => {
            let dist = dist_dir();
            assert!(
                dist.join("index.html").is_file(),
                "{} has no index.html: build the app first (`trunk build --release`, or scripts/test.sh)",
                dist.display()
            );
            let server = StaticServer::start(&dist).expect("start static server");
            let url = server.url("/");
            (Some(server), url)
        }
    };
    let browser = Browser::start(name).expect("start chromedriver");
    let client = browser.connect().await.expect("open a Chromium session");
    let app = App { client: client.clone(), base_url };

    let limit = Duration::from_secs(env_or("GAMEDAY_E2E_TIMEOUT", "180").parse().unwrap_or(180));
    // A spawned task turns a panic in `body` into a JoinError, so we still clean up.
    let outcome = tokio::time::timeout(limit, tokio::spawn(body(app))).await;
    let failure: Option<Box<dyn std::any::Any + Send>> = match outcome {
        Ok(Ok(Ok(()))) => None,
        Ok(Ok(Err(e))) => Some(Box::new(format!("e2e `{name}` failed: {e}"))),
        Ok(Err(join)) if join.is_panic() => Some(join.into_panic()),
        Ok(Err(join)) => Some(Box::new(format!("e2e `{name}` task: {join}"))),
        Err(_) => Some(Box::new(format!("e2e `{name}` timed out after {limit:?}"))),
    };
    if failure.is_some() {
        match screenshot(&client, &format!("{name}-failed")).await {
            Ok(p) => eprintln!("e2e `{name}`: screenshot of the failure: {}", p.display()),
            Err(e) => eprintln!("e2e `{name}`: no failure screenshot: {e}"),
        }
    }
    let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
    drop(browser);
    drop(server);
    if let Some(payload) = failure {
        std::panic::resume_unwind(payload);
    }
}

// ---------------------------------------------------------------- helpers

/// Wait until an element matches `css` (a selector list such as
/// `"#app-ready, body"` waits for whichever comes first).
pub async fn wait_for(client: &Client, css: &str, timeout: Duration) -> Result<Element> {
    client
        .wait()
        .at_most(timeout)
        .every(Duration::from_millis(50))
        .for_element(Locator::Css(css))
        .await
        .map_err(|e| format!("waiting {timeout:?} for `{css}`: {e}").into())
}

/// Wait until the JavaScript expression `js` is truthy in the page.
pub async fn wait_until(client: &Client, js: &str, timeout: Duration) -> Result<()> {
    let deadline = Instant::now() + timeout;
    let script = format!("return !!({js});");
    loop {
        if client.execute(&script, vec![]).await? == Value::Bool(true) {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("waiting {timeout:?} for `{js}`").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Visible text of the first element matching `css` (waits for it).
pub async fn text_of(client: &Client, css: &str) -> Result<String> {
    Ok(wait_for(client, css, DEFAULT_TIMEOUT).await?.text().await?)
}

/// Type `text` into the terminal (`#terminal-input`) and press Enter.
pub async fn type_command(client: &Client, text: &str) -> Result<()> {
    let input = wait_for(client, "#terminal-input", DEFAULT_TIMEOUT).await?;
    input.send_keys(&format!("{text}{}", Key::Enter)).await?;
    Ok(())
}

/// Evaluate a JavaScript expression in the page and return its value.
pub async fn eval(client: &Client, js: &str) -> Result<Value> {
    Ok(client.execute(&format!("return ({js});"), vec![]).await?)
}

/// Save a PNG of the viewport to `<out_dir>/<name>.png`; returns the path.
pub async fn screenshot(client: &Client, name: &str) -> Result<PathBuf> {
    let png = client.screenshot().await?;
    let path = out_dir().join(format!("{name}.png"));
    std::fs::write(&path, png)?;
    Ok(path)
}

/// Time to interactive, in ms since navigation start (`performance.now()`
/// is relative to it).
#[derive(Debug, Clone)]
pub struct Tti {
    pub ms: f64,
    /// "app": the app's own `window.__gamedayReadyMs` mark (exact);
    /// "polled": first poll that saw the element (an upper bound, ~poll interval + WebDriver round trip).
    pub source: &'static str,
}

/// Poll until `css` exists, then read the app's `window.__gamedayReadyMs`
/// (set when it has rendered a quest); without that mark within a second,
/// fall back to the polled time. Call right after [`App::open`].
pub async fn time_to_interactive(client: &Client, css: &str, timeout: Duration) -> Result<Tti> {
    const PROBE: &str = "return [document.querySelector(arguments[0]) !== null, performance.now(), \
        (typeof window.__gamedayReadyMs === 'number') ? window.__gamedayReadyMs : null];";
    let deadline = Instant::now() + timeout;
    let mut seen_at: Option<(Instant, f64)> = None;
    loop {
        let v = client.execute(PROBE, vec![json!(css)]).await?;
        let found = v[0].as_bool().unwrap_or(false);
        if let Some(ms) = v[2].as_f64() {
            if found {
                return Ok(Tti { ms, source: "app" });
            }
        }
        if found && seen_at.is_none() {
            seen_at = Some((Instant::now(), v[1].as_f64().unwrap_or(f64::NAN)));
        }
        if let Some((when, ms)) = seen_at {
            if when.elapsed() > Duration::from_secs(1) {
                return Ok(Tti { ms, source: "polled" });
            }
        }
        if Instant::now() > deadline {
            return Err(format!("`{css}` did not appear within {timeout:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
