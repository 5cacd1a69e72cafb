//! Telling open pages to reload: each page's script listens for server-sent
//! events at [`EVENTS_PATH`], and every rebuild that changes what is served
//! sends its generation to all of them.

use std::io::{self, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Where pages listen for reload events.
pub const EVENTS_PATH: &str = "/__policyweb/events";

/// The most event streams open at once (each holds a thread).
pub const MAX_STREAMS: usize = 64;

/// How often an idle stream sends a comment, to find clients that have gone.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The open event streams.
#[derive(Debug, Default)]
pub struct Reload {
    subscribers: Mutex<Vec<Sender<u64>>>,
    open: Arc<AtomicUsize>,
}

impl Reload {
    /// A new stream's events, or `None` when [`MAX_STREAMS`] are open.
    pub fn subscribe(&self) -> Option<Subscription> {
        if self.open.fetch_add(1, Ordering::SeqCst) >= MAX_STREAMS {
            self.open.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        let (sender, events) = mpsc::channel();
        self.lock().push(sender);
        Some(Subscription {
            events,
            open: Arc::clone(&self.open),
        })
    }

    /// Sends `generation` to every open stream, forgetting closed ones.
    pub fn broadcast(&self, generation: u64) {
        self.lock().retain(|s| s.send(generation).is_ok());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Sender<u64>>> {
        self.subscribers.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One page's stream of reload events.
#[derive(Debug)]
pub struct Subscription {
    events: Receiver<u64>,
    open: Arc<AtomicUsize>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Subscription {
    /// Writes a complete HTTP response to `out`: the headers, the current
    /// generation, then each new one as it comes, until the client goes away.
    pub fn stream(self, out: &mut dyn Write, current: u64) -> io::Result<()> {
        out.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
              X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\nretry: 1000\n\n",
        )?;
        send(out, current)?;
        loop {
            match self.events.recv_timeout(KEEP_ALIVE) {
                Ok(generation) => send(out, generation)?,
                Err(RecvTimeoutError::Timeout) => {
                    out.write_all(b": still here\n\n")?;
                    out.flush()?;
                }
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            }
        }
    }
}

fn send(out: &mut dyn Write, generation: u64) -> io::Result<()> {
    write!(out, "event: reload\ndata: {generation}\n\n")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_the_current_generation_then_each_new_one() {
        let reload = Reload::default();
        let subscription = reload.subscribe().unwrap();
        reload.broadcast(8);
        drop(reload);
        let mut out = Vec::new();
        subscription.stream(&mut out, 7).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"));
        assert!(text.ends_with(
            "\r\n\r\nretry: 1000\n\nevent: reload\ndata: 7\n\nevent: reload\ndata: 8\n\n"
        ));
    }

    #[test]
    fn limits_the_open_streams() {
        let reload = Reload::default();
        let open: Vec<_> = (0..MAX_STREAMS)
            .map(|_| reload.subscribe().unwrap())
            .collect();
        assert!(reload.subscribe().is_none());
        drop(open);
        assert!(
            reload.subscribe().is_some(),
            "closed streams free their places"
        );
    }
}
