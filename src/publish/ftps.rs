//! Publishing over FTP with explicit TLS (FTPS, `AUTH TLS`), with suppaftp
//! and rustls: pure Rust, certificates checked against the system's trusted
//! roots (or the file `SSL_CERT_FILE` names). Plain `ftp://` sends the
//! password and pages unencrypted and is only used with `--insecure`. The
//! password comes from `POLICYWEB_PASSWORD`, or is asked for on a terminal.

use std::collections::HashSet;
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use suppaftp::types::FileType;
use suppaftp::{FtpError, ImplFtpStream, RustlsConnector, Status, TlsStream};

use super::folder::part_name;
use super::sftp::PASSWORD_VARIABLE;
use super::{PublishError, Remote, Scheme, Target};

/// An FTP or FTPS connection to the site's folder.
pub struct FtpRemote<T: TlsStream> {
    ftp: ImplFtpStream<T>,
    target: Target,
    /// Folders known to exist.
    folders: HashSet<String>,
}

/// Connects to `target` (ftps://, or ftp:// once `--insecure` allowed it) and logs in.
pub fn connect(target: &Target) -> Result<Box<dyn Remote>, PublishError> {
    let at = target.display();
    let address = std::net::ToSocketAddrs::to_socket_addrs(&(target.host.as_str(), target.port))
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| PublishError(format!("{at}: cannot find the server {}", target.host)))?;
    let timeout = Duration::from_secs(30);
    let unreachable = |e: FtpError| PublishError(format!("{at}: cannot connect: {e}"));
    let password = password(target)?;
    if target.scheme == Scheme::Ftp {
        let plain = suppaftp::FtpStream::connect_timeout(address, timeout).map_err(unreachable)?;
        return Ok(Box::new(FtpRemote::log_in(plain, target, &password)?));
    }
    let config = tls_config().map_err(|e| PublishError(format!("{at}: {e}")))?;
    let secure = suppaftp::RustlsFtpStream::connect_timeout(address, timeout)
        .map_err(unreachable)?
        .into_secure(RustlsConnector::from(Arc::new(config)), &target.host)
        .map_err(|e| {
            PublishError(format!(
                "{at}: the server did not set up TLS ({e}); check that it offers FTPS \
                 (explicit TLS) and that its certificate is valid for {}",
                target.host
            ))
        })?;
    Ok(Box::new(FtpRemote::log_in(secure, target, &password)?))
}

/// Trusts the system's root certificates (and `SSL_CERT_FILE`'s).
fn tls_config() -> Result<rustls::ClientConfig, String> {
    let mut roots = rustls::RootCertStore::empty();
    let found = rustls_native_certs::load_native_certs();
    for cert in found.certs {
        let _ = roots.add(cert);
    }
    if roots.is_empty() {
        return Err(
            "no trusted certificates found on this computer to check the server's with".into(),
        );
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// The password: from the environment, or asked for on a terminal.
fn password(target: &Target) -> Result<String, PublishError> {
    if let Some(p) = std::env::var_os(PASSWORD_VARIABLE) {
        return Ok(p.to_string_lossy().into_owned());
    }
    if !io::stdin().is_terminal() {
        return Err(PublishError(format!(
            "{}: no password: set the {PASSWORD_VARIABLE} environment variable to {}'s password",
            target.display(),
            target.user
        )));
    }
    eprint!(
        "Password for {} at {} (it will show as you type): ",
        target.user, target.host
    );
    let _ = io::stderr().flush();
    let mut line = String::new();
    io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| PublishError(format!("cannot read the password: {e}")))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

fn to_io(e: FtpError) -> io::Error {
    match &e {
        FtpError::UnexpectedResponse(r) if r.status == Status::FileUnavailable => {
            io::Error::new(io::ErrorKind::NotFound, e.to_string())
        }
        _ => io::Error::other(e.to_string()),
    }
}

fn unavailable(e: &FtpError) -> bool {
    matches!(e, FtpError::UnexpectedResponse(r) if r.status == Status::FileUnavailable)
}

impl<T: TlsStream> FtpRemote<T> {
    fn log_in(
        mut ftp: ImplFtpStream<T>,
        target: &Target,
        password: &str,
    ) -> Result<Self, PublishError> {
        let at = target.display();
        ftp.login(target.user.as_str(), password).map_err(|e| {
            PublishError(format!(
                "{at}: the server did not accept {}'s login ({e}); check the user name and {PASSWORD_VARIABLE}",
                target.user
            ))
        })?;
        ftp.transfer_type(FileType::Binary)
            .map_err(|e| PublishError(format!("{at}: cannot switch to binary transfers: {e}")))?;
        Ok(Self {
            ftp,
            target: target.clone(),
            folders: HashSet::new(),
        })
    }

    fn path(&self, file: &str) -> String {
        self.target.join(file)
    }

    fn make_folders(&mut self, file: &str) -> Result<(), FtpError> {
        if self.folders.is_empty() {
            // The site's own folder, and those above it, may not exist yet;
            // a folder that exists already answers 550, which is fine.
            let root = self.target.path.trim_end_matches('/').to_string();
            let mut at = usize::from(root.starts_with('/'));
            while at <= root.len() {
                let end = root[at..].find('/').map_or(root.len(), |i| at + i);
                if end > 0 {
                    match self.ftp.mkdir(&root[..end]) {
                        Err(e) if !unavailable(&e) => return Err(e),
                        _ => {}
                    }
                }
                at = end + 1;
            }
            self.folders.insert(String::new());
        }
        let mut at = 0;
        while let Some(i) = file[at..].find('/') {
            let dir = file[..at + i].to_string();
            at += i + 1;
            if self.folders.contains(&dir) {
                continue;
            }
            match self.ftp.mkdir(self.path(&dir)) {
                Ok(()) => {}
                // It exists already (or cannot be made: the upload will say).
                Err(e) if unavailable(&e) => {}
                Err(e) => return Err(e),
            }
            self.folders.insert(dir);
        }
        Ok(())
    }
}

impl<T: TlsStream> Remote for FtpRemote<T> {
    fn read(&mut self, path: &str) -> io::Result<Option<Vec<u8>>> {
        match self.ftp.retr_as_buffer(&self.path(path)) {
            Ok(cursor) => Ok(Some(cursor.into_inner())),
            Err(e) if unavailable(&e) => Ok(None),
            Err(e) => Err(to_io(e)),
        }
    }

    fn is_empty(&mut self) -> io::Result<bool> {
        let root = match self.target.path.as_str() {
            "" => ".".to_string(),
            p => p.to_string(),
        };
        match self.ftp.nlst(Some(&root)) {
            Ok(names) => Ok(names.iter().all(|n| {
                let name = n.rsplit('/').next().unwrap_or(n);
                name == "." || name == ".."
            })),
            Err(e) if unavailable(&e) => Ok(true),
            Err(e) => Err(to_io(e)),
        }
    }

    fn exists(&mut self, path: &str) -> io::Result<bool> {
        let full = self.path(path);
        match self.ftp.nlst(Some(&full)) {
            Ok(names) => Ok(!names.is_empty()),
            Err(e) if unavailable(&e) => Ok(false),
            Err(e) => Err(to_io(e)),
        }
    }

    fn put(&mut self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let (part, full) = (self.path(&part_name(path)), self.path(path));
        // A missing folder gives 550 or 553 depending on the server: make
        // the folders and try once more whatever the reply was.
        if self.ftp.put_file(&part, &mut &bytes[..]).is_err() {
            self.make_folders(path).map_err(to_io)?;
            self.ftp.put_file(&part, &mut &bytes[..]).map_err(to_io)?;
        }
        self.ftp.rename(&part, &full).map_err(to_io)
    }

    fn remove(&mut self, path: &str) -> io::Result<()> {
        match self.ftp.rm(self.path(path)) {
            Err(e) if !unavailable(&e) => return Err(to_io(e)),
            _ => {}
        }
        let mut dir = Path::new(path).parent();
        while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
            let d_str = d.to_string_lossy().into_owned();
            if self.ftp.rmdir(self.path(&d_str)).is_err() {
                break;
            }
            self.folders.remove(&d_str);
            dir = d.parent();
        }
        Ok(())
    }
}
