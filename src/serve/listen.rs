//! Listening for requests: binding the address (8000, or the next free port
//! when that is taken) and giving each connection a thread of its own, up
//! to a limit, so that a slow client or a rebuild never holds up the others.
//! A failed accept (such as running out of file descriptors under a flood
//! of connections) is waited out, never fatal.

use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use super::connection;
use super::http::Access;
use super::served::Served;

/// The port tried first when none is given.
pub const DEFAULT_PORT: u16 = 8000;
/// How many ports from [`DEFAULT_PORT`] on are tried.
const PORTS_TO_TRY: u16 = 100;
/// The most connections open at once; more wait to be accepted.
const MAX_CONNECTIONS: usize = 512;
/// How long to wait before accepting again after accepting failed.
const RETRY: Duration = Duration::from_millis(100);

/// Binds `ip:port`; without a port, [`DEFAULT_PORT`] or the next free one.
pub fn bind(ip: IpAddr, port: Option<u16>) -> Result<TcpListener, String> {
    let cannot =
        |port: u16, e: io::Error| format!("cannot listen on {}: {e}", SocketAddr::new(ip, port));
    if let Some(port) = port {
        return TcpListener::bind((ip, port)).map_err(|e| {
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
        match TcpListener::bind((ip, port)) {
            Ok(listener) => return Ok(listener),
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => continue,
            Err(e) => return Err(cannot(port, e)),
        }
    }
    Err(format!(
        "ports {DEFAULT_PORT} to {last} on {ip} are all in use; choose one with --port"
    ))
}

/// Answers connections on `listener` from what `served` holds, on threads
/// of their own, until the process ends.
pub fn answer(listener: TcpListener, served: Arc<Served>, access: Access) -> io::Result<()> {
    thread::Builder::new()
        .name("policyweb-accept".into())
        .spawn(move || accept(&listener, &served, access))?;
    Ok(())
}

fn accept(listener: &TcpListener, served: &Arc<Served>, access: Access) {
    let slots = Arc::new(Slots::default());
    let mut warned = false;
    loop {
        let slot = Slots::take(&slots);
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(e) => {
                if !warned {
                    eprintln!("policyweb: warning: cannot accept connections ({e}); retrying");
                    warned = true;
                }
                thread::sleep(RETRY);
                continue;
            }
        };
        warned = false;
        let served = Arc::clone(served);
        let spawned = thread::Builder::new()
            .name("policyweb-http".into())
            .spawn(move || {
                let _slot = slot;
                let answered = panic::catch_unwind(AssertUnwindSafe(|| {
                    connection::serve(stream, &served, access)
                }));
                if answered.is_err() {
                    eprintln!(
                        "policyweb: internal error while answering a request; please report it"
                    );
                }
            });
        // Without a thread the connection is dropped (closed); wait a moment
        // for resources to come back.
        if spawned.is_err() {
            thread::sleep(RETRY);
        }
    }
}

/// Counts open connections against [`MAX_CONNECTIONS`].
#[derive(Debug, Default)]
struct Slots {
    open: Mutex<usize>,
    freed: Condvar,
}

/// One open connection's place; freed on drop.
struct Slot(Arc<Slots>);

impl Slots {
    /// Waits for a free place and takes it.
    fn take(slots: &Arc<Slots>) -> Slot {
        let mut open = slots.open.lock().unwrap_or_else(|e| e.into_inner());
        while *open >= MAX_CONNECTIONS {
            open = slots.freed.wait(open).unwrap_or_else(|e| e.into_inner());
        }
        *open += 1;
        Slot(Arc::clone(slots))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.0.open.lock().unwrap_or_else(|e| e.into_inner());
        *open -= 1;
        self.0.freed.notify_one();
    }
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

    #[test]
    fn connections_wait_for_a_free_place() {
        let slots = Arc::new(Slots::default());
        let taken: Vec<Slot> = (0..MAX_CONNECTIONS).map(|_| Slots::take(&slots)).collect();
        let waiting = {
            let slots = Arc::clone(&slots);
            thread::spawn(move || drop(Slots::take(&slots)))
        };
        thread::sleep(Duration::from_millis(50));
        assert!(!waiting.is_finished());
        drop(taken);
        waiting.join().unwrap();
        assert_eq!(*slots.open.lock().unwrap(), 0);
    }
}
