//! Answering one request from the snapshot being served: GET and HEAD only,
//! files looked up by name in memory (never on disk), `/x/` answered by
//! `x/index.html`, `/x` redirected to `/x/` when that is a folder, the site's
//! 404 page for anything else, and the preview's script injected into HTML.

use std::io::{self, Write};
use std::net::IpAddr;
use std::sync::Arc;

use super::inject::{self, RESERVED, SCRIPT_PATH, STYLE_PATH};
use super::path::SitePath;
use super::reload::EVENTS_PATH;
use super::served::Snapshot;

/// A request's method, as far as the preview cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// HEAD: the headers of a GET, without the body.
    Head,
    /// Anything else (refused with 405).
    Other,
}

impl Method {
    /// The method named `name` (methods are case-sensitive).
    pub fn parse(name: &str) -> Self {
        match name {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            _ => Method::Other,
        }
    }
}

/// What to answer.
#[derive(Debug)]
pub enum Reply {
    /// A complete response.
    Full(Full),
    /// The stream of reload events (see [`super::reload`]).
    Events,
}

/// A complete response.
#[derive(Debug)]
pub struct Full {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type`.
    pub content_type: &'static str,
    /// The body (left out for HEAD by the server).
    pub body: Body,
    /// The `Location` of a redirect.
    pub location: Option<String>,
}

/// A response body, shared with the snapshot when it can be.
#[derive(Debug, Clone)]
pub enum Body {
    /// A file of the snapshot, as it is.
    Shared(Arc<[u8]>),
    /// Made for this response.
    Owned(Vec<u8>),
    /// Built into policyweb.
    Static(&'static [u8]),
}

impl AsRef<[u8]> for Body {
    fn as_ref(&self) -> &[u8] {
        match self {
            Body::Shared(bytes) => bytes,
            Body::Owned(bytes) => bytes,
            Body::Static(bytes) => bytes,
        }
    }
}

/// Who may ask: with `loopback_only`, requests must name this machine in
/// their `Host` header, so that a web page elsewhere cannot read the preview
/// by pointing its own domain name at 127.0.0.1 (DNS rebinding).
#[derive(Debug, Clone, Copy)]
pub struct Access {
    /// Whether the server listens on a loopback address only.
    pub loopback_only: bool,
}

const TEXT: &str = "text/plain; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";

/// The answer to `method target` (with its `Host` header) from `snapshot`.
pub fn reply(
    method: Method,
    target: &str,
    host: Option<&str>,
    snapshot: &Snapshot,
    access: Access,
) -> Reply {
    if !matches!(method, Method::Get | Method::Head) {
        return Reply::Full(text(
            405,
            "Method not allowed: the preview answers GET and HEAD only.\n",
        ));
    }
    if access.loopback_only && !is_local_host(host) {
        return Reply::Full(text(
            403,
            "Forbidden: this preview answers only to localhost or 127.0.0.1.\n",
        ));
    }
    let path = target.split('?').next().unwrap_or("");
    if path.starts_with(RESERVED) {
        return reserved(method, path);
    }
    let Ok(path) = SitePath::parse(target) else {
        return Reply::Full(text(
            400,
            "Bad request: that is not an address in this site.\n",
        ));
    };
    Reply::Full(site_file(&path, snapshot))
}

fn reserved(method: Method, path: &str) -> Reply {
    match path {
        EVENTS_PATH if method == Method::Get => Reply::Events,
        EVENTS_PATH => Reply::Full(full(200, "text/event-stream", Body::Static(b""))),
        SCRIPT_PATH => Reply::Full(full(
            200,
            "text/javascript; charset=utf-8",
            Body::Static(inject::SCRIPT.as_bytes()),
        )),
        STYLE_PATH => Reply::Full(full(
            200,
            "text/css; charset=utf-8",
            Body::Static(inject::STYLE.as_bytes()),
        )),
        _ => Reply::Full(text(404, "Not found.\n")),
    }
}

fn site_file(path: &SitePath, snapshot: &Snapshot) -> Full {
    let files = &snapshot.files;
    if files.is_empty() {
        let page = inject::error_page(snapshot.generation, &snapshot.errors);
        return full(503, HTML, Body::Owned(page));
    }
    let name = path.file();
    if let Some(bytes) = files.get(&name) {
        return file(200, &name, bytes, snapshot);
    }
    if !path.is_folder() && files.contains_key(&path.index()) {
        let mut redirect = text(302, "Found: this is a folder.\n");
        redirect.location = Some(path.folder_address());
        return redirect;
    }
    match files.get("404.html") {
        Some(bytes) => file(404, "404.html", bytes, snapshot),
        None => text(404, "Not found.\n"),
    }
}

fn file(status: u16, name: &str, bytes: &Arc<[u8]>, snapshot: &Snapshot) -> Full {
    let content_type = content_type(name);
    let body = if content_type == HTML {
        Body::Owned(inject::page(bytes, snapshot.generation, &snapshot.errors))
    } else {
        Body::Shared(Arc::clone(bytes))
    };
    full(status, content_type, body)
}

/// The answer to a request head that cannot be parsed.
pub fn bad_request() -> Full {
    text(400, "Bad request.\n")
}

/// The answer to a request head that is too large.
pub fn head_too_large() -> Full {
    text(431, "Request header fields too large.\n")
}

/// The answer when too many pages already wait for reload events.
pub fn too_many_streams() -> Full {
    text(
        503,
        "Too many open pages are waiting for reloads; close some and try again.\n",
    )
}

fn full(status: u16, content_type: &'static str, body: Body) -> Full {
    Full {
        status,
        content_type,
        body,
        location: None,
    }
}

fn text(status: u16, message: &'static str) -> Full {
    full(status, TEXT, Body::Static(message.as_bytes()))
}

/// The `Content-Type` for a file, by its extension.
pub fn content_type(name: &str) -> &'static str {
    let file = name.rsplit('/').next().unwrap_or(name);
    let extension = file
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => HTML,
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml",
        "ics" => "text/calendar; charset=utf-8",
        "txt" => TEXT,
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Whether a `Host` header names this machine (a request without one, from
/// an HTTP/1.0 client, is let through).
pub fn is_local_host(host: Option<&str>) -> bool {
    let Some(host) = host else {
        return true;
    };
    let host = host.trim();
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl Full {
    /// Writes the response to `out`: without the body for HEAD (`head_only`),
    /// and saying the connection closes unless it is `keep_alive`.
    pub fn write(&self, out: &mut dyn Write, head_only: bool, keep_alive: bool) -> io::Result<()> {
        let body = self.body.as_ref();
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
             Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n",
            self.status,
            reason(self.status),
            self.content_type,
            body.len()
        );
        if let Some(location) = &self.location {
            head.push_str(&format!("Location: {location}\r\n"));
        }
        if self.status == 405 {
            head.push_str("Allow: GET, HEAD\r\n");
        }
        if !keep_alive {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        out.write_all(head.as_bytes())?;
        if !head_only {
            out.write_all(body)?;
        }
        out.flush()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostic;
    use std::path::Path;

    fn snapshot(errors: Vec<Diagnostic>) -> Snapshot {
        let files = [
            ("index.html", "<body>home</body>"),
            ("404.html", "<body>missing</body>"),
            ("policies/a/index.html", "<body>policy a</body>"),
            ("theme/style.css", "body{}"),
            ("reviews.ics", "BEGIN:VCALENDAR"),
        ];
        Snapshot {
            files: Arc::new(
                files
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), Arc::from(v.as_bytes())))
                    .collect(),
            ),
            errors,
            generation: 4,
        }
    }

    fn get(target: &str, snapshot: &Snapshot) -> (u16, String, String, Option<String>) {
        get_as(Method::Get, target, Some("127.0.0.1:8000"), snapshot)
    }

    fn get_as(
        method: Method,
        target: &str,
        host: Option<&str>,
        snapshot: &Snapshot,
    ) -> (u16, String, String, Option<String>) {
        let access = Access {
            loopback_only: true,
        };
        match reply(method, target, host, snapshot, access) {
            Reply::Full(f) => (
                f.status,
                f.content_type.to_string(),
                String::from_utf8_lossy(f.body.as_ref()).into_owned(),
                f.location,
            ),
            Reply::Events => (0, "events".into(), String::new(), None),
        }
    }

    #[test]
    fn answers_from_the_built_files() {
        let s = snapshot(vec![]);
        let cases = [
            ("/", 200, HTML, "home"),
            ("/index.html?x=1", 200, HTML, "home"),
            ("/policies/a/", 200, HTML, "policy a"),
            ("/theme/style.css", 200, "text/css; charset=utf-8", "body{}"),
            ("/reviews.ics", 200, "text/calendar; charset=utf-8", "BEGIN"),
            ("/policies/b/", 404, HTML, "missing"),
            ("/nothing.png", 404, HTML, "missing"),
            ("/../../etc/passwd", 400, TEXT, "Bad request"),
            ("/%2e%2e/%2e%2e/etc/passwd", 400, TEXT, "Bad request"),
            ("//etc/passwd", 400, TEXT, "Bad request"),
            (
                "/__policyweb/preview.js",
                200,
                "text/javascript; charset=utf-8",
                "EventSource",
            ),
            ("/__policyweb/nothing", 404, TEXT, "Not found"),
        ];
        for (target, status, content_type, text) in cases {
            let (got_status, got_type, body, _) = get(target, &s);
            assert_eq!(
                (got_status, got_type.as_str()),
                (status, content_type),
                "{target}"
            );
            assert!(body.contains(text), "{target}: {body}");
        }
    }

    #[test]
    fn injects_the_script_into_html_only() {
        let s = snapshot(vec![]);
        assert!(get("/", &s).2.contains("data-generation=\"4\""));
        assert!(get("/nope/", &s).2.contains("data-generation=\"4\""));
        assert_eq!(get("/theme/style.css", &s).2, "body{}");
    }

    #[test]
    fn redirects_a_folder_without_its_slash() {
        let (status, _, _, location) = get("/policies/a?q=1", &snapshot(vec![]));
        assert_eq!((status, location.as_deref()), (302, Some("/policies/a/")));
    }

    #[test]
    fn shows_errors_over_the_last_good_pages() {
        let error = Diagnostic::error(Path::new("policies/a.md"), Some(9), "no title");
        let s = snapshot(vec![error]);
        let (status, _, body, _) = get("/policies/a/", &s);
        assert_eq!(status, 200);
        assert!(body.contains("policy a") && body.contains("policies/a.md:9"));
        assert!(!get("/theme/style.css", &s).2.contains("no title"));
    }

    #[test]
    fn before_any_good_build_every_address_shows_the_errors() {
        let error = Diagnostic::error(Path::new("site.toml"), Some(1), "bad");
        let s = Snapshot {
            errors: vec![error],
            generation: 1,
            ..Snapshot::default()
        };
        let (status, content_type, body, _) = get("/anything/", &s);
        assert_eq!((status, content_type.as_str()), (503, HTML));
        assert!(body.contains("site.toml:1"));
    }

    #[test]
    fn only_get_and_head_from_this_machine() {
        let s = snapshot(vec![]);
        let local = Some("localhost:8000");
        assert_eq!(get_as(Method::Head, "/", local, &s).0, 200);
        for name in ["POST", "PUT", "DELETE", "OPTIONS", "get", "BREW"] {
            assert_eq!(get_as(Method::parse(name), "/", local, &s).0, 405, "{name}");
        }
        assert_eq!(
            get_as(Method::Get, "/__policyweb/events", local, &s).1,
            "events"
        );
        assert_eq!(get_as(Method::Get, "/", Some("evil.example"), &s).0, 403);
        assert_eq!(
            get_as(Method::Get, "/", Some("evil.example:8000"), &s).0,
            403
        );
    }

    #[test]
    fn knows_this_machine_by_its_names() {
        let local = [
            None,
            Some("localhost"),
            Some("LOCALHOST:8000"),
            Some("preview.localhost:8000"),
            Some("127.0.0.1:8001"),
            Some("127.1.2.3"),
            Some("[::1]:8000"),
            Some("localhost.:80"),
        ];
        for host in local {
            assert!(is_local_host(host), "{host:?}");
        }
        let foreign = [
            Some("evil.example"),
            Some("localhost.evil.example"),
            Some("192.168.1.10:8000"),
            Some("[::2]:8000"),
            Some(""),
        ];
        for host in foreign {
            assert!(!is_local_host(host), "{host:?}");
        }
    }

    #[test]
    fn writes_heads_for_head_requests_and_closing_connections() {
        let mut redirect = text(302, "Found.\n");
        redirect.location = Some("/a/".into());
        let mut out = Vec::new();
        redirect.write(&mut out, false, false).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "HTTP/1.1 302 Found\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 7\r\n\
             Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nLocation: /a/\r\n\
             Connection: close\r\n\r\nFound.\n"
        );
        let mut out = Vec::new();
        text(405, "No.\n").write(&mut out, true, true).unwrap();
        let written = String::from_utf8(out).unwrap();
        assert!(
            written.contains("Content-Length: 4\r\n") && written.contains("Allow: GET, HEAD\r\n")
        );
        assert!(
            written.ends_with("nosniff\r\nAllow: GET, HEAD\r\n\r\n"),
            "{written}"
        );
    }

    #[test]
    fn names_content_types() {
        let cases = [
            ("a/index.html", HTML),
            ("feed.xml", "application/xml"),
            ("theme/logo.SVG", "image/svg+xml"),
            ("theme/font.woff2", "font/woff2"),
            ("theme/photo.jpeg", "image/jpeg"),
            ("theme/data.json", "application/json"),
            ("robots.txt", TEXT),
            ("theme/README", "application/octet-stream"),
            ("theme.d/file", "application/octet-stream"),
        ];
        for (name, expected) in cases {
            assert_eq!(content_type(name), expected, "{name}");
        }
    }
}
