//! One client connection: request heads parsed with httparse and answered
//! in turn, kept alive unless the client says otherwise, within limits of
//! size and time, so that no client can hold the preview up for long. The
//! preview never reads a request body: a request with one is answered and
//! its connection closed.

use std::io::Read;
use std::net::TcpStream;
use std::time::Duration;

use super::http::{self, Access, Full, Method, Reply};
use super::served::Served;

/// The largest request head read.
const MAX_HEAD: usize = 16 * 1024;
/// The most header fields a request may have.
const MAX_HEADERS: usize = 64;
/// How long a connection may stay silent, or a client take to read.
const TIMEOUT: Duration = Duration::from_secs(10);

/// What the preview needs of a request head.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Head {
    method: Method,
    target: String,
    host: Option<String>,
    keep_alive: bool,
}

/// Answers the requests on `stream` until the client closes it, asks to,
/// goes quiet, or sends something that is not a GET or HEAD request head.
pub fn serve(stream: TcpStream, served: &Served, access: Access) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(TIMEOUT));
    let _ = stream.set_write_timeout(Some(TIMEOUT));
    let mut buffer = Vec::new();
    let mut chunk = [0; 4096];
    loop {
        match parse(&buffer) {
            Ok(Some((_, length))) if length > MAX_HEAD => {
                return refuse(&stream, http::head_too_large());
            }
            Ok(Some((head, length))) => {
                buffer.drain(..length);
                if !answer(&stream, &head, served, access) {
                    return;
                }
                continue;
            }
            Ok(None) if buffer.len() <= MAX_HEAD => {}
            Ok(None) | Err(httparse::Error::TooManyHeaders) => {
                return refuse(&stream, http::head_too_large());
            }
            Err(_) => return refuse(&stream, http::bad_request()),
        }
        match (&stream).read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Answers one request; whether the connection stays open for another.
fn answer(stream: &TcpStream, head: &Head, served: &Served, access: Access) -> bool {
    let snapshot = served.current();
    let reply = http::reply(
        head.method,
        &head.target,
        head.host.as_deref(),
        &snapshot,
        access,
    );
    match reply {
        Reply::Full(full) => {
            let head_only = head.method == Method::Head;
            full.write(&mut &*stream, head_only, head.keep_alive)
                .is_ok()
                && head.keep_alive
        }
        Reply::Events => {
            stream_events(stream, served);
            false
        }
    }
}

/// Streams reload events on this connection until the client goes away.
fn stream_events(stream: &TcpStream, served: &Served) {
    match served.reload().subscribe() {
        Some(subscription) => {
            let generation = served.current().generation;
            // A client that went away ends the stream; nothing to report.
            let _ = subscription.stream(&mut &*stream, generation);
        }
        None => refuse(stream, http::too_many_streams()),
    }
}

fn refuse(stream: &TcpStream, full: Full) {
    let _ = full.write(&mut &*stream, false, false);
}

/// The first request head in `buffer` and its length, if it is complete.
fn parse(buffer: &[u8]) -> Result<Option<(Head, usize)>, httparse::Error> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    let length = match request.parse(buffer)? {
        httparse::Status::Complete(length) => length,
        httparse::Status::Partial => return Ok(None),
    };
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).into_owned())
    };
    let closes = header("Connection").is_some_and(|v| {
        v.split(',')
            .any(|token| token.trim().eq_ignore_ascii_case("close"))
    });
    let has_body = header("Transfer-Encoding").is_some()
        || header("Content-Length").is_some_and(|v| v.trim() != "0");
    let head = Head {
        method: Method::parse(request.method.unwrap_or("")),
        target: request.path.unwrap_or("").to_string(),
        host: header("Host"),
        keep_alive: request.version == Some(1) && !closes && !has_body,
    };
    Ok(Some((head, length)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(raw: &str) -> (Head, usize) {
        parse(raw.as_bytes()).unwrap().unwrap()
    }

    #[test]
    fn reads_what_the_preview_needs() {
        let first = "GET /a/?x HTTP/1.1\r\nHost: localhost:8000\r\n\r\n";
        let (h, length) = head(&format!("{first}GET /b"));
        assert_eq!(length, first.len(), "the next request is left alone");
        assert_eq!(
            h,
            Head {
                method: Method::Get,
                target: "/a/?x".into(),
                host: Some("localhost:8000".into()),
                keep_alive: true,
            }
        );
        assert!(!head("GET / HTTP/1.0\r\n\r\n").0.keep_alive);
        assert!(
            !head("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n")
                .0
                .keep_alive
        );
        assert!(
            !head("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n")
                .0
                .keep_alive
        );
        assert!(
            !head("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
                .0
                .keep_alive
        );
        assert!(
            head("HEAD / HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
                .0
                .keep_alive
        );
        assert_eq!(head("GET / HTTP/1.1\n\n").0.method, Method::Get);
    }

    #[test]
    fn waits_for_a_whole_head_and_refuses_garbage() {
        assert_eq!(parse(b"GET / HTTP/1.1\r\nHost: x\r\n"), Ok(None));
        assert_eq!(parse(b""), Ok(None));
        assert!(parse(b"GET /\0 HTTP/1.1\r\n\r\n").is_err());
        assert!(
            parse(b"\x16\x03\x01\x02\x00\x01\x00").is_err(),
            "a TLS hello"
        );
        let many = format!(
            "GET / HTTP/1.1\r\n{}\r\n",
            "X: y\r\n".repeat(MAX_HEADERS + 1)
        );
        assert_eq!(parse(many.as_bytes()), Err(httparse::Error::TooManyHeaders));
    }
}
