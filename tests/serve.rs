//! `policyweb serve`, run as a user would: the real binary on a free
//! loopback port, a fixture site in a temporary folder, requests over TCP.
//! Every server is killed when its test ends, pass or fail.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_policyweb");
const WAIT: Duration = Duration::from_secs(8);

const SITE_TOML: &str = "school = \"Larchfield Community School\"\n";

const FIRST_AID: &str = r#"+++
title = "First Aid Policy"
summary = "How we look after anyone who is hurt or unwell at school."
approved = "2025-09-01"
review = "Autumn 2026"
related = ["visitors"]
+++

## Who helps

Every class has a trained first aider within reach of the green bag.

## Records {audience=staff}

Write each incident in the accident book before the end of the day.
"#;

const VISITORS: &str = r#"+++
title = "Visitors Policy"
summary = "How guests sign in and who looks after them."
approved = "2025-09-01"
review = "Autumn 2026"
+++

## Signing in

Visitors sign in at reception and wear a yellow lanyard. Anyone hurt on
site is cared for under the [first aid policy](policy:first-aid).
"#;

/// A site folder inside a temporary folder, with a canary file beside it
/// that must never be served.
struct Fixture {
    dir: tempfile::TempDir,
}

const CANARY: &str = "canary-3f9c1e-never-serve-this";

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let fixture = Self { dir };
        fixture.write("site.toml", SITE_TOML);
        fixture.write("policies/first-aid.md", FIRST_AID);
        fixture.write("policies/visitors.md", VISITORS);
        fs::write(fixture.dir.path().join("canary.txt"), CANARY).unwrap();
        fixture
    }

    fn site(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    fn write(&self, name: &str, text: &str) {
        let path = self.site().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn edit(&self, name: &str, from: &str, to: &str) {
        let path = self.site().join(name);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{name} has no {from:?}");
        fs::write(path, text.replacen(from, to, 1)).unwrap();
    }

    fn serve(&self) -> Server {
        Server::start(&self.site(), &[])
    }
}

/// A running `policyweb serve`, killed on drop.
struct Server {
    child: Child,
    addr: SocketAddr,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    fn start(site: &Path, extra: &[&str]) -> Self {
        let mut command = Command::new(BIN);
        command
            .arg("serve")
            .arg(site)
            .args(["--port", "0", "--today", "2026-01-15"])
            .args(extra);
        Self::spawn(command)
    }

    fn spawn(mut command: Command) -> Self {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = collect(child.stderr.take().unwrap());
        let lines = lines(child.stdout.take().unwrap());
        let mut server = Self {
            child,
            addr: "127.0.0.1:1".parse().unwrap(),
            stderr,
        };
        let line = lines
            .recv_timeout(WAIT)
            .unwrap_or_else(|_| panic!("no address printed; stderr:\n{}", server.stderr()));
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"));
        let authority = url.trim_start_matches("http://").trim_end_matches('/');
        server.addr = authority.parse().unwrap();
        server
    }

    fn get(&self, target: &str) -> Reply {
        self.request("GET", target)
    }

    fn request(&self, method: &str, target: &str) -> Reply {
        let raw = format!(
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        );
        send(self.addr, raw.as_bytes())
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits until the server's stderr, read by another thread, holds `text`.
    fn wait_stderr(&self, text: &str) -> bool {
        let start = Instant::now();
        while start.elapsed() < WAIT {
            if self.stderr().contains(text) {
                return true;
            }
            thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// Waits until `done` holds for the reply to GET `target`.
    fn poll(&self, target: &str, what: &str, done: impl Fn(&Reply) -> bool) -> Reply {
        let start = Instant::now();
        loop {
            let reply = self.get(target);
            if done(&reply) {
                return reply;
            }
            if start.elapsed() > WAIT {
                panic!(
                    "{target} never {what}; last reply:\n{}\nstderr:\n{}",
                    reply.body,
                    self.stderr()
                );
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends Ctrl-C and waits for the exit.
    #[cfg(unix)]
    fn interrupt(&mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-INT", &pid]).status().unwrap();
        assert!(sent.success());
        wait_with_timeout(&mut self.child)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_with_timeout(child: &mut Child) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(start.elapsed() < WAIT, "the server did not exit");
        thread::sleep(Duration::from_millis(20));
    }
}

fn lines(out: impl Read + Send + 'static) -> Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { return };
            if sender.send(line).is_err() {
                return;
            }
        }
    });
    receiver
}

fn collect(out: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let shared = Arc::clone(&text);
    thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { return };
            let mut text = shared.lock().unwrap();
            text.push_str(&line);
            text.push('\n');
        }
    });
    text
}

/// One HTTP response.
#[derive(Debug)]
struct Reply {
    status: u16,
    head: String,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// Sends raw request bytes and reads all that comes back (the request asks
/// for the connection to close).
fn exchange(addr: SocketAddr, raw: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    stream.write_all(raw).unwrap();
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Sends raw request bytes and reads the response.
fn send(addr: SocketAddr, raw: &[u8]) -> Reply {
    let text = exchange(addr, raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    Reply {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

#[test]
fn serves_the_site_and_shows_an_edit() {
    let fixture = Fixture::new();
    let server = fixture.serve();
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert!(home.body.contains("Larchfield Community School"));
    assert!(
        home.body.contains("/__policyweb/preview.js"),
        "the reload script"
    );
    assert!(server.wait_stderr("built in"), "{}", server.stderr());

    let page = server.get("/policies/first-aid/");
    assert!(page.body.contains("within reach of the green bag"));
    let saved = Instant::now();
    fixture.edit("policies/first-aid.md", "green bag", "red bag");
    server.poll("/policies/first-aid/", "showed the edit", |r| {
        r.body.contains("within reach of the red bag")
    });
    eprintln!("edit visible after {} ms", saved.elapsed().as_millis());
    let stderr = server.stderr();
    assert!(
        stderr.contains("rebuilt in") && stderr.contains("(1 file parsed)"),
        "only the edited file is parsed again:\n{stderr}"
    );
    assert!(
        !fixture.site().join("public").exists(),
        "serve writes nothing into the site folder"
    );
}

#[test]
fn a_broken_edit_shows_its_errors_over_the_last_good_page_until_fixed() {
    let fixture = Fixture::new();
    let server = fixture.serve();
    fixture.edit(
        "policies/first-aid.md",
        "review = \"Autumn 2026\"",
        "review = \"Autumn\"",
    );
    let broken = server.poll("/policies/first-aid/", "showed the errors", |r| {
        r.body.contains("role=\"alert\"")
    });
    assert_eq!(broken.status, 200);
    assert!(
        broken.body.contains("green bag"),
        "the last good page stays"
    );
    assert!(
        broken.body.contains("<code>") && broken.body.contains("first-aid.md:5</code>"),
        "{}",
        broken.body
    );
    assert!(
        broken.body.contains("data-pw-dismiss"),
        "it can be dismissed"
    );
    let other = server.get("/policies/visitors/");
    assert!(other.body.contains("first-aid.md:5"), "on every page");
    assert!(
        server.wait_stderr("first-aid.md:5: error:"),
        "{}",
        server.stderr()
    );
    assert!(
        server.wait_stderr("still serving the last good build"),
        "{}",
        server.stderr()
    );
    assert!(
        !server
            .get("/theme/style.css")
            .body
            .contains("role=\"alert\"")
    );

    fixture.edit(
        "policies/first-aid.md",
        "review = \"Autumn\"",
        "review = \"Autumn 2026\"",
    );
    fixture.edit("policies/first-aid.md", "green bag", "blue bag");
    let fixed = server.poll("/policies/first-aid/", "dropped the errors", |r| {
        !r.body.contains("role=\"alert\"")
    });
    assert!(fixed.body.contains("blue bag"));
}

#[test]
fn survives_a_removed_policy_a_broken_template_and_a_half_saved_file() {
    let fixture = Fixture::new();
    let server = fixture.serve();
    let visitors = fixture.site().join("policies/visitors.md");
    fs::rename(&visitors, fixture.dir.path().join("visitors.md")).unwrap();
    server.poll("/", "reported the missing policy", |r| {
        r.body
            .contains("related policy &quot;visitors&quot; does not exist")
    });
    fs::rename(fixture.dir.path().join("visitors.md"), &visitors).unwrap();
    server.poll("/", "recovered", |r| !r.body.contains("role=\"alert\""));

    fixture.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block main %}{{ \n",
    );
    fixture.write(
        "pages/about.md",
        "+++\ntitle = \"About us\"\n+++\n\nHello.\n",
    );
    server.poll("/", "reported the template error", |r| {
        r.body.contains("templates/page.html:")
    });
    fs::remove_file(fixture.site().join("templates/page.html")).unwrap();
    server.poll("/about/", "served the page", |r| {
        r.status == 200 && r.body.contains("Hello.")
    });

    fixture.write("policies/first-aid.md", "+++\ntitle = \"First");
    server.poll("/", "reported the half-saved file", |r| {
        r.body.contains("first-aid.md:1</code>")
    });
    fixture.write("policies/first-aid.md", FIRST_AID);
    server.poll("/", "recovered", |r| !r.body.contains("role=\"alert\""));
    assert_eq!(server.get("/policies/first-aid/").status, 200);
}

#[test]
fn never_serves_anything_outside_the_site() {
    let fixture = Fixture::new();
    #[cfg(unix)]
    {
        let canary = fixture.dir.path().join("canary.txt");
        fs::create_dir_all(fixture.site().join("theme")).unwrap();
        std::os::unix::fs::symlink(&canary, fixture.site().join("theme/leak.txt")).unwrap();
        std::os::unix::fs::symlink(&canary, fixture.site().join("policies/leak.md")).unwrap();
    }
    let server = fixture.serve();
    let targets = [
        "/../canary.txt",
        "/../../canary.txt",
        "/%2e%2e/canary.txt",
        "/%2E%2E/canary.txt",
        "/%2e%2e%2fcanary.txt",
        "/..%2fcanary.txt",
        "/..%2Fcanary.txt",
        "/%252e%252e/canary.txt",
        "/%252e%252e%252fcanary.txt",
        "/..\\canary.txt",
        "/..%5ccanary.txt",
        "/policies/../../canary.txt",
        "/./../canary.txt",
        "//canary.txt",
        "/%2f../canary.txt",
        "/canary.txt%00.html",
        "/%00../canary.txt",
        "/theme/leak.txt",
        "/policies/leak/",
        "/etc/passwd",
        "//etc/passwd",
        "/../../../../../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    ];
    let absolute = format!("{}/canary.txt", fixture.dir.path().display());
    let absolute_url = format!("http://{}{}", server.addr, absolute);
    for target in targets
        .iter()
        .copied()
        .chain([absolute.as_str(), absolute_url.as_str()])
    {
        let reply = server.get(target);
        assert!(
            matches!(reply.status, 400 | 404),
            "{target}: {} {}",
            reply.status,
            reply.body
        );
        assert!(!reply.body.contains(CANARY), "{target} leaked the canary");
        assert!(!reply.body.contains("root:x:0:0"), "{target} leaked passwd");
    }
    let nul = exchange(
        server.addr,
        b"GET /\0/../canary.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    assert!(!nul.contains(CANARY));
    assert_eq!(server.get("/").status, 200, "still up");
}

#[test]
fn answers_like_a_static_host() {
    let fixture = Fixture::new();
    let server = fixture.serve();
    let css = server.get("/theme/style.css");
    assert_eq!(
        (css.status, css.header("Content-Type")),
        (200, Some("text/css; charset=utf-8"))
    );
    assert!(
        !css.body.contains("__policyweb"),
        "only HTML gets the script"
    );
    let js = server.get("/theme/policyweb.js");
    assert_eq!(
        js.header("Content-Type"),
        Some("text/javascript; charset=utf-8")
    );

    let folder = server.get("/policies/first-aid");
    assert_eq!(folder.status, 302);
    assert_eq!(folder.header("Location"), Some("/policies/first-aid/"));

    let missing = server.get("/policies/no-such-policy/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("Page not found"),
        "the site's 404 page"
    );

    let head = server.request("HEAD", "/policies/first-aid/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    for method in ["POST", "PUT", "DELETE", "OPTIONS", "BREW"] {
        let reply = server.request(method, "/");
        assert_eq!(reply.status, 405, "{method}");
        assert_eq!(reply.header("Allow"), Some("GET, HEAD"));
    }
    let rebinding = send(
        server.addr,
        b"GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(rebinding.status, 403, "a foreign Host header is refused");
}

#[test]
fn keeps_connections_alive_and_refuses_oversized_or_stalled_requests() {
    let fixture = Fixture::new();
    let server = fixture.serve();
    let host = server.addr;
    let pipelined = exchange(
        server.addr,
        format!(
            "GET /theme/style.css HTTP/1.1\r\nHost: {host}\r\n\r\n\
             HEAD / HTTP/1.1\r\nHost: {host}\r\n\r\n\
             GET /policies/visitors HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    );
    assert_eq!(
        pipelined.matches("HTTP/1.1 200 OK").count(),
        2,
        "{pipelined}"
    );
    assert!(pipelined.contains("HTTP/1.1 302 Found"), "{pipelined}");

    let stalled = TcpStream::connect(server.addr).unwrap();
    (&stalled)
        .write_all(b"GET / HTTP/1.1\r\nHost: 127.")
        .unwrap();
    assert_eq!(
        server.get("/").status,
        200,
        "a stalled client holds up no one"
    );

    let huge = format!(
        "GET / HTTP/1.1\r\nHost: {host}\r\nX-Filler: {}\r\n\r\n",
        "a".repeat(20_000)
    );
    assert_eq!(send(server.addr, huge.as_bytes()).status, 431);
    let long_path = format!("/{}", "a".repeat(8192));
    assert_eq!(server.get(&long_path).status, 404);
    assert_eq!(
        send(server.addr, b"\x16\x03\x01\x00\x05hello\r\n\r\n").status,
        400
    );
}

#[test]
fn tells_open_pages_to_reload_after_an_edit() {
    let fixture = Fixture::new();
    let server = fixture.serve();
    let mut events = TcpStream::connect(server.addr).unwrap();
    events.set_read_timeout(Some(WAIT)).unwrap();
    write!(
        events,
        "GET /__policyweb/events HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.addr
    )
    .unwrap();
    let events = lines(events);
    let next_generation = || -> u64 {
        let start = Instant::now();
        while start.elapsed() < WAIT {
            if let Ok(line) = events.recv_timeout(WAIT)
                && let Some(n) = line.strip_prefix("data: ")
            {
                return n.parse().unwrap();
            }
        }
        panic!("no reload event; stderr:\n{}", server.stderr());
    };
    let first = next_generation();
    fixture.edit("policies/visitors.md", "yellow", "orange");
    let second = next_generation();
    assert!(second > first, "{second} after {first}");
    let page = server.get("/policies/visitors/");
    assert!(page.body.contains(&format!("data-generation=\"{second}\"")));
}

#[test]
fn answers_every_request_of_a_burst_during_rebuilds() {
    let fixture = Fixture::new();
    let server = Arc::new(fixture.serve());
    let targets = ["/", "/policies/first-aid/", "/theme/style.css", "/nope/"];
    let workers: Vec<_> = (0..20)
        .map(|i| {
            let server = Arc::clone(&server);
            thread::spawn(move || {
                (0..10)
                    .map(|j| server.get(targets[(i + j) % targets.len()]).status)
                    .collect::<Vec<u16>>()
            })
        })
        .collect();
    for n in 0..5 {
        fixture.edit(
            "policies/visitors.md",
            "Visitors sign in",
            &format!("Visitors sign in ({n})"),
        );
        thread::sleep(Duration::from_millis(120));
    }
    let statuses: Vec<u16> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    assert_eq!(statuses.len(), 200);
    assert!(
        statuses.iter().all(|s| matches!(s, 200 | 404)),
        "{statuses:?}"
    );
    assert_eq!(statuses.iter().filter(|&&s| s == 404).count(), 50);
}

#[test]
fn saving_ten_files_at_once_rebuilds_once() {
    let fixture = Fixture::new();
    let server = fixture.serve();
    for n in 0..10 {
        let text = format!("+++\ntitle = \"Extra {n}\"\n+++\n\nText number {n}.\n");
        fixture.write(&format!("policies/extra-{n}.md"), &text);
    }
    server.poll("/policies/extra-9/", "appeared", |r| r.status == 200);
    thread::sleep(Duration::from_millis(600));
    let stderr = server.stderr();
    assert_eq!(stderr.matches("rebuilt in").count(), 1, "{stderr}");
    assert!(stderr.contains("(10 files parsed)"), "{stderr}");
}

/// Each connection costs the server two file descriptors; with few allowed,
/// a flood of connections makes accepting fail, and the server must recover.
#[cfg(unix)]
#[test]
fn keeps_answering_after_running_out_of_file_descriptors() {
    let fixture = Fixture::new();
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg("ulimit -n 48 && exec \"$0\" serve \"$1\" --port 0 --today 2026-01-15")
        .arg(BIN)
        .arg(fixture.site());
    let server = Server::spawn(command);
    assert_eq!(server.get("/").status, 200);
    let flood: Vec<TcpStream> = (0..60)
        .filter_map(|_| TcpStream::connect(server.addr).ok())
        .collect();
    let start = Instant::now();
    while !server.stderr().contains("cannot accept connections") {
        assert!(start.elapsed() < WAIT, "accepting never failed");
        thread::sleep(Duration::from_millis(20));
    }
    drop(flood);
    server.poll("/", "answered again", |r| r.status == 200);
}

#[test]
fn listens_on_loopback_and_says_so_otherwise() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let fixture = Fixture::new();
    let out = Command::new(BIN)
        .arg("serve")
        .arg(fixture.site())
        .args(["--port", &port])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("choose another --port"), "{stderr}");

    let server = fixture.serve();
    assert!(server.addr.ip().is_loopback());
    assert!(!server.stderr().contains("warning: listening on"));
    let open = Server::start(&fixture.site(), &["--bind", "0.0.0.0"]);
    assert!(
        open.wait_stderr("anyone on your network"),
        "{}",
        open.stderr()
    );
    assert_eq!(open.get("/").status, 200);
}

#[test]
fn a_site_that_never_built_shows_its_errors_until_fixed() {
    let fixture = Fixture::new();
    fixture.write(
        "site.toml",
        "school = \"Larchfield\"\nreview_warning_days = \"sixty\"\n",
    );
    let server = fixture.serve();
    let broken = server.get("/");
    assert_eq!(broken.status, 503);
    assert!(
        broken.body.contains("site.toml:2</code>"),
        "{}",
        broken.body
    );
    assert!(
        server.wait_stderr("nothing to serve until they are fixed"),
        "{}",
        server.stderr()
    );
    fixture.write("site.toml", SITE_TOML);
    server.poll("/", "served the site", |r| r.status == 200);
}

#[test]
fn refuses_a_folder_without_site_toml() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .arg("serve")
        .arg(dir.path())
        .args(["--port", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no site.toml"));
}

#[cfg(unix)]
#[test]
fn exits_cleanly_on_ctrl_c() {
    let fixture = Fixture::new();
    let mut server = fixture.serve();
    assert_eq!(server.get("/").status, 200);
    let status = server.interrupt();
    assert!(status.success(), "{status:?}");
    assert!(
        server.wait_stderr("policyweb: stopped"),
        "{}",
        server.stderr()
    );
}

#[test]
fn build_output_has_no_trace_of_the_preview() {
    let fixture = Fixture::new();
    let out = fixture.dir.path().join("out");
    let built = Command::new(BIN)
        .arg("build")
        .arg(fixture.site())
        .arg("--out")
        .arg(&out)
        .args(["--today", "2026-01-15"])
        .output()
        .unwrap();
    assert!(built.status.success());
    for entry in walk(&out) {
        let text = fs::read_to_string(&entry).unwrap_or_default();
        assert!(!text.contains("__policyweb"), "{}", entry.display());
        assert!(!text.contains("pw-preview"), "{}", entry.display());
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
