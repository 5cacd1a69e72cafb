//! Listening for requests: binding the address (8000, or the next free port
//! when that is taken) and answering on a few worker threads, so that a slow
//! client or a rebuild never holds up the others.

use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};
use tiny_http::{Request, Server};

use super::http::{self, Access, Reply};
use super::served::Served;

/// The port tried first when none is given.
pub const DEFAULT_PORT: u16 = 8000;
/// How many ports from [`DEFAULT_PORT`] on are tried.
const PORTS_TO_TRY: u16 = 100;
/// How many requests are answered at once.
const WORKERS: usize = 8;
/// How long to wait before listening again after accepting failed.
const RETRY: Duration = Duration::from_millis(200);

/// How many connections may wait to be accepted.
const BACKLOG: i32 = 1024;

/// Binds `ip:port`; without a port, [`DEFAULT_PORT`] or the next free one.
pub fn bind(ip: IpAddr, port: Option<u16>) -> Result<TcpListener, String> {
    let cannot =
        |port: u16, e: io::Error| format!("cannot listen on {}: {e}", SocketAddr::new(ip, port));
    if let Some(port) = port {
        return listen_on(SocketAddr::new(ip, port)).map_err(|e| {
            let hint = if e.kind() == io::ErrorKind::AddrInUse {
                "; choose another --port (or --port 0 for any free one)"
            } else {
                ""
            };
            format!("{}{hint}", cannot(port, e))
        });
    }
    let last = DEFAULT_PORT + PORTS_TO_TRY - 1;
    for port in DEFAULT_PORT..=last {
        match listen_on(SocketAddr::new(ip, port)) {
            Ok(listener) => return Ok(listener),
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => continue,
            Err(e) => return Err(cannot(port, e)),
        }
    }
    Err(format!(
        "ports {DEFAULT_PORT} to {last} on {ip} are all in use; choose one with --port"
    ))
}

/// A listening socket whose connections send small writes at once.
///
/// Accepted connections inherit `TCP_NODELAY` from the listener (tiny_http
/// does not set it on them); without it a response on a kept-alive
/// connection waits some 40 ms for Nagle's algorithm and delayed ACKs.
fn listen_on(address: SocketAddr) -> io::Result<TcpListener> {
    let socket = Socket::new(
        Domain::for_address(address),
        Type::STREAM,
        Some(Protocol::TCP),
    )?;
    socket.set_tcp_nodelay(true)?;
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.bind(&address.into())?;
    socket.listen(BACKLOG)?;
    Ok(socket.into())
}

/// Answers requests on `listener` from what `served` holds, on threads of
/// their own, until the process ends.
pub fn answer(listener: TcpListener, served: Arc<Served>, access: Access) -> io::Result<()> {
    let spare = listener.try_clone()?;
    let server = Server::from_listener(listener, None).map_err(io::Error::other)?;
    let (sender, requests) = mpsc::channel();
    let requests = Arc::new(Mutex::new(requests));
    for _ in 0..WORKERS {
        let requests = Arc::clone(&requests);
        let served = Arc::clone(&served);
        thread::Builder::new()
            .name("policyweb-http".into())
            .spawn(move || work(&requests, &served, access))?;
    }
    thread::Builder::new()
        .name("policyweb-accept".into())
        .spawn(move || dispatch(server, &spare, &sender))?;
    Ok(())
}

/// Hands each request to a worker. tiny_http stops accepting after its
/// first failed accept (such as running out of file descriptors under a
/// flood of connections), so then a new server takes over the same socket.
fn dispatch(mut server: Server, spare: &TcpListener, workers: &Sender<Request>) {
    let mut warned = false;
    loop {
        match server.recv() {
            Ok(request) => {
                warned = false;
                if workers.send(request).is_err() {
                    return;
                }
            }
            Err(e) => {
                if !warned {
                    eprintln!("policyweb: warning: cannot accept connections ({e}); retrying");
                    warned = true;
                }
                thread::sleep(RETRY);
                let next = spare
                    .try_clone()
                    .and_then(|l| Server::from_listener(l, None).map_err(io::Error::other));
                if let Ok(next) = next {
                    server = next;
                }
            }
        }
    }
}

fn work(requests: &Mutex<Receiver<Request>>, served: &Arc<Served>, access: Access) {
    loop {
        let request = requests.lock().unwrap_or_else(|e| e.into_inner()).recv();
        let Ok(request) = request else {
            return;
        };
        if panic::catch_unwind(AssertUnwindSafe(|| handle(request, served, access))).is_err() {
            eprintln!("policyweb: internal error while answering a request; please report it");
        }
    }
}

fn handle(request: Request, served: &Arc<Served>, access: Access) {
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.to_string());
    let snapshot = served.current();
    match http::reply(
        request.method(),
        request.url(),
        host.as_deref(),
        &snapshot,
        access,
    ) {
        // A client that hung up is no error of ours.
        Reply::Full(full) => drop(request.respond(full.into_response())),
        Reply::Events => stream_events(request, served),
    }
}

/// Streams reload events on a thread of its own, so that open pages do
/// not hold up the workers.
fn stream_events(request: Request, served: &Served) {
    let Some(subscription) = served.reload().subscribe() else {
        drop(request.respond(http::too_many_streams().into_response()));
        return;
    };
    let generation = served.current().generation;
    // When no thread can be made, the request is dropped: the connection
    // closes and the page's script tries again a second later.
    let _ = thread::Builder::new()
        .name("policyweb-events".into())
        .spawn(move || {
            let mut out = request.into_writer();
            drop(subscription.stream(&mut out, generation));
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn moves_on_from_a_taken_default_port_but_not_a_chosen_one() {
        let local = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let first = bind(local, None).unwrap();
        let second = bind(local, None).unwrap();
        let (a, b) = (
            first.local_addr().unwrap().port(),
            second.local_addr().unwrap().port(),
        );
        assert!((DEFAULT_PORT..DEFAULT_PORT + PORTS_TO_TRY).contains(&a));
        assert!(b > a, "{b} after {a}");
        let taken = bind(local, Some(a)).unwrap_err();
        assert!(taken.contains("choose another --port"), "{taken}");
        assert_ne!(
            bind(local, Some(0)).unwrap().local_addr().unwrap().port(),
            0
        );
    }
}
