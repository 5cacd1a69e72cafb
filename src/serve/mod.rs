//! `policyweb serve`: a local preview that rebuilds when the site's files
//! change and reloads open pages, keeps serving the last good build (with
//! the errors shown over it) while an edit is broken, and serves only the
//! built site, from memory, on a loopback address unless told otherwise.
//!
//! [`watch`] notices changes, [`rebuild`] builds into memory (parses cached
//! in [`cache`]), [`served`] swaps the result in whole, [`reload`] tells open
//! pages, and [`listen`] accepts connections for [`connection`] to answer
//! with [`http`] (paths checked by [`path`], the preview's script and error
//! overlay added by [`inject`]).

pub mod cache;
pub mod connection;
pub mod http;
pub mod inject;
pub mod listen;
pub mod path;
pub mod rebuild;
pub mod reload;
pub mod served;
pub mod watch;

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, mpsc};

use jiff::civil::Date;

use crate::cli::report;
use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;

use http::Access;
use rebuild::{Outcome, Rebuilder};
use served::Served;

/// What to serve, and where.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site folder (holding site.toml).
    pub site: PathBuf,
    /// The port; default [`listen::DEFAULT_PORT`] or the next free one; 0 for any free one.
    pub port: Option<u16>,
    /// The address to listen on.
    pub bind: IpAddr,
    /// The day review status is measured against; default the day of each build.
    pub today: Option<Date>,
}

/// Serves the site until Ctrl-C; the exit code is 0 then, 1 when there is
/// no site to serve, 2 when the address cannot be used.
pub fn run(options: &ServeOptions) -> ExitCode {
    if !options.site.join("site.toml").is_file()
        && let Err(errors) = SiteConfig::load(&options.site)
    {
        report(&errors);
        return ExitCode::from(1);
    }
    let listener = match listen::bind(options.bind, options.port) {
        Ok(listener) => listener,
        Err(message) => {
            eprintln!("policyweb: {message}");
            return ExitCode::from(2);
        }
    };
    let address = match listener.local_addr() {
        Ok(address) => address,
        Err(e) => {
            eprintln!("policyweb: cannot listen on {}: {e}", options.bind);
            return ExitCode::from(2);
        }
    };
    announce_address(options, address);
    let url = browser_url(address);
    let rebuilder = Rebuilder::new(options.site.clone(), options.today, url.clone());
    let served = Arc::new(Served::new());
    take(&served, rebuilder.run(), "built");

    let access = Access {
        loopback_only: options.bind.is_loopback(),
    };
    if let Err(e) = listen::answer(listener, Arc::clone(&served), access) {
        eprintln!("policyweb: cannot serve on {address}: {e}");
        return ExitCode::from(2);
    }
    let watched = Arc::clone(&served);
    let _watcher = watch::watch(&options.site, move || {
        take(&watched, rebuilder.run(), "rebuilt");
    })
    .map_err(|e| {
        eprintln!(
            "policyweb: warning: cannot watch {} for changes ({e}); restart serve to see edits",
            options.site.display()
        );
    })
    .ok();
    println!("policyweb: serving the site at {url} (press Ctrl-C to stop)");
    let _ = std::io::stdout().flush();
    wait_for_ctrl_c();
    eprintln!("policyweb: stopped");
    ExitCode::SUCCESS
}

/// Says which port was taken instead of the default, and warns when the
/// preview can be seen from other machines.
fn announce_address(options: &ServeOptions, address: SocketAddr) {
    if options.port.is_none() && address.port() != listen::DEFAULT_PORT {
        eprintln!(
            "policyweb: port {} is in use; serving on port {} instead",
            listen::DEFAULT_PORT,
            address.port()
        );
    }
    if !options.bind.is_loopback() {
        eprintln!(
            "policyweb: warning: listening on {}: anyone on your network who can reach this machine can see the site",
            options.bind
        );
    }
}

/// The address to open in a browser: an unspecified bind (0.0.0.0, ::) is
/// reached at the loopback address.
fn browser_url(address: SocketAddr) -> String {
    let ip = match address.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, address.port()))
}

/// Reports a build on the terminal and serves its outcome.
fn take(served: &Served, outcome: Outcome, verb: &str) {
    report(&outcome.diagnostics);
    let errors: Vec<Diagnostic> = outcome
        .diagnostics
        .sorted()
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
    let ms = outcome.elapsed.as_millis();
    let parsed = match outcome.parsed {
        1 => "1 file parsed".to_string(),
        n => format!("{n} files parsed"),
    };
    let built = outcome.files.is_some();
    let changed = served.publish(outcome.files, errors);
    let note = match (built, changed) {
        (true, true) => format!("{verb} in {ms} ms ({parsed})"),
        (true, false) => format!("{verb} in {ms} ms; nothing changed"),
        (false, _) if served.current().files.is_empty() => format!(
            "{}; nothing to serve until they are fixed",
            outcome.diagnostics.summary()
        ),
        (false, _) => format!(
            "{}; still serving the last good build",
            outcome.diagnostics.summary()
        ),
    };
    eprintln!("policyweb: {note}");
}

fn wait_for_ctrl_c() {
    let (stop, stopped) = mpsc::channel();
    match ctrlc::set_handler(move || {
        let _ = stop.send(());
    }) {
        Ok(()) => {
            let _ = stopped.recv();
        }
        // Ctrl-C still ends the process, only without a goodbye.
        Err(_) => loop {
            std::thread::park();
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_an_unspecified_address_on_this_machine() {
        let cases = [
            ("127.0.0.1:8000", "http://127.0.0.1:8000/"),
            ("0.0.0.0:8001", "http://127.0.0.1:8001/"),
            ("[::]:8000", "http://[::1]:8000/"),
            ("[::1]:8000", "http://[::1]:8000/"),
            ("192.168.1.5:80", "http://192.168.1.5:80/"),
        ];
        for (address, url) in cases {
            assert_eq!(browser_url(address.parse().unwrap()), url, "{address}");
        }
    }
}
