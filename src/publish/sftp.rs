//! Publishing over SFTP (SSH), with russh and russh-sftp: pure Rust, so the
//! program builds the same everywhere. The server's host key is checked
//! against `~/.ssh/known_hosts`; logging in uses the SSH agent, a key file
//! (`--key`, or `~/.ssh/id_ed25519`, `id_ecdsa`, `id_rsa`), or a password from
//! the `POLICYWEB_PASSWORD` environment variable, never anything in the site.

use std::collections::HashSet;
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use russh::client::{self, AuthResult, Handle};
use russh::keys::{self, HashAlg, PrivateKeyWithHashAlg, PublicKey, PublicKeyOrCertificate};
use russh_sftp::client::RawSftpSession;
use russh_sftp::client::error::Error as SftpError;
use russh_sftp::protocol::{FileAttributes, OpenFlags, Packet, StatusCode};
use tokio::runtime::Runtime;

use super::folder::part_name;
use super::{PublishError, Remote, Target};

/// The environment variable that may hold the password.
pub const PASSWORD_VARIABLE: &str = "POLICYWEB_PASSWORD";

/// How much of a file goes in one write request.
const CHUNK: usize = 32 * 1024;

/// An SFTP connection to the site's folder.
pub struct SftpRemote {
    runtime: Arc<Runtime>,
    _ssh: Handle<HostCheck>,
    sftp: RawSftpSession,
    target: Target,
    posix_rename: bool,
    /// Folders known to exist.
    folders: HashSet<String>,
}

/// What the host key check found, when it refused the key.
#[derive(Debug, Clone)]
enum Refusal {
    Unknown(String),
    Changed(usize),
    Certificate,
    KnownHosts(String),
}

/// The client side of the SSH handshake: checks the server's host key.
struct HostCheck {
    host: String,
    port: u16,
    known_hosts: Option<PathBuf>,
    accept_new: bool,
    refusal: Arc<Mutex<Option<Refusal>>>,
}

impl HostCheck {
    fn check(&self, key: &PublicKey) -> Result<(), Refusal> {
        let Some(path) = &self.known_hosts else {
            return Err(Refusal::KnownHosts(
                "no home folder to find .ssh/known_hosts in".into(),
            ));
        };
        let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
        match keys::check_known_hosts_path(&self.host, self.port, key, path) {
            Ok(true) => Ok(()),
            Ok(false) if self.accept_new || ask_to_trust(&self.host, self.port, &fingerprint) => {
                keys::known_hosts::learn_known_hosts_path(&self.host, self.port, key, path).map_err(
                    |e| {
                        Refusal::KnownHosts(format!(
                            "cannot add the key to {}: {e}",
                            path.display()
                        ))
                    },
                )
            }
            Ok(false) => Err(Refusal::Unknown(fingerprint)),
            Err(keys::Error::KeyChanged { line }) => Err(Refusal::Changed(line)),
            Err(e) => Err(Refusal::KnownHosts(format!(
                "cannot read {}: {e}",
                path.display()
            ))),
        }
    }
}

impl client::Handler for HostCheck {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        server_public_key: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        let verdict = match server_public_key {
            PublicKeyOrCertificate::PublicKey { key, .. } => self.check(key),
            PublicKeyOrCertificate::Certificate(_) => Err(Refusal::Certificate),
        };
        let ok = verdict.is_ok();
        *self.refusal.lock().unwrap_or_else(|e| e.into_inner()) = verdict.err();
        Ok(ok)
    }
}

/// On a terminal, asks whether to trust a server seen for the first time.
fn ask_to_trust(host: &str, port: u16, fingerprint: &str) -> bool {
    if !io::stdin().is_terminal() || !io::stderr().is_terminal() {
        return false;
    }
    eprint!(
        "policyweb: {host} (port {port}) has not been seen before. Its key's fingerprint is\n  {fingerprint}\n\
         Check it with your web host. Trust it and remember it in ~/.ssh/known_hosts? [y/N] "
    );
    let _ = io::stderr().flush();
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer).is_ok()
        && matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

fn to_io(e: SftpError) -> io::Error {
    match e {
        SftpError::Status(status) => {
            let kind = match status.status_code {
                StatusCode::NoSuchFile => io::ErrorKind::NotFound,
                StatusCode::PermissionDenied => io::ErrorKind::PermissionDenied,
                _ => io::ErrorKind::Other,
            };
            let text = match status.error_message.trim() {
                "" => format!("{:?}", status.status_code),
                m => m.to_string(),
            };
            io::Error::new(kind, text)
        }
        other => io::Error::other(other.to_string()),
    }
}

fn not_found(e: &SftpError) -> bool {
    matches!(e, SftpError::Status(s) if s.status_code == StatusCode::NoSuchFile)
}

/// An SSH string: its length as four bytes, then its bytes.
fn ssh_string(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(&(text.len() as u32).to_be_bytes());
    out.extend_from_slice(text.as_bytes());
}

impl SftpRemote {
    /// Connects, checks the host key, logs in and starts SFTP.
    pub fn connect(target: &Target, accept_new: bool) -> Result<Self, PublishError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| PublishError(format!("cannot start the network runtime: {e}")))?;
        let refusal = Arc::new(Mutex::new(None));
        let check = HostCheck {
            host: target.host.clone(),
            port: target.port,
            known_hosts: std::env::home_dir().map(|h| h.join(".ssh/known_hosts")),
            accept_new,
            refusal: refusal.clone(),
        };
        let config = Arc::new(client::Config {
            inactivity_timeout: Some(Duration::from_secs(60)),
            ..Default::default()
        });
        let at = target.display();
        let (ssh, sftp, posix_rename) = runtime.block_on(async {
            let connecting = client::connect(config, (target.host.as_str(), target.port), check);
            let mut ssh = match tokio::time::timeout(Duration::from_secs(30), connecting).await {
                Ok(Ok(ssh)) => ssh,
                Ok(Err(e)) => {
                    let refused = refusal.lock().unwrap_or_else(|e| e.into_inner()).clone();
                    return Err(match refused {
                        Some(r) => host_key_message(&at, target, r),
                        None => PublishError(format!("{at}: cannot connect: {e}")),
                    });
                }
                Err(_) => return Err(PublishError(format!("{at}: no answer within 30 seconds"))),
            };
            log_in(&mut ssh, target).await?;
            let channel = ssh
                .channel_open_session()
                .await
                .map_err(|e| PublishError(format!("{at}: cannot open a channel: {e}")))?;
            channel
                .request_subsystem(true, "sftp")
                .await
                .map_err(|e| PublishError(format!("{at}: the server offers no SFTP: {e}")))?;
            let sftp = RawSftpSession::new(channel.into_stream());
            let version = sftp
                .init()
                .await
                .map_err(|e| PublishError(format!("{at}: SFTP did not start: {e}")))?;
            let posix_rename = version
                .extensions
                .get("posix-rename@openssh.com")
                .is_some_and(|v| v == "1");
            Ok((ssh, sftp, posix_rename))
        })?;
        Ok(Self {
            runtime: Arc::new(runtime),
            _ssh: ssh,
            sftp,
            target: target.clone(),
            posix_rename,
            folders: HashSet::new(),
        })
    }

    fn path(&self, file: &str) -> String {
        self.target.join(file)
    }

    async fn write_file(&self, path: &str, bytes: &[u8]) -> Result<(), SftpError> {
        let flags = OpenFlags::CREATE | OpenFlags::TRUNCATE | OpenFlags::WRITE;
        let handle = self
            .sftp
            .open(path, flags, FileAttributes::empty())
            .await?
            .handle;
        let mut offset = 0;
        for chunk in bytes.chunks(CHUNK) {
            if let Err(e) = self
                .sftp
                .write(handle.as_str(), offset, chunk.to_vec())
                .await
            {
                let _ = self.sftp.close(handle.as_str()).await;
                return Err(e);
            }
            offset += chunk.len() as u64;
        }
        self.sftp.close(handle).await.map(|_| ())
    }

    async fn rename_over(&self, from: &str, to: &str) -> Result<(), SftpError> {
        if self.posix_rename {
            let mut data = Vec::new();
            ssh_string(&mut data, from);
            ssh_string(&mut data, to);
            return match self.sftp.extended("posix-rename@openssh.com", data).await? {
                Packet::Status(s) if s.status_code == StatusCode::Ok => Ok(()),
                Packet::Status(s) => Err(SftpError::Status(s)),
                _ => Err(SftpError::UnexpectedPacket),
            };
        }
        // Plain SFTP cannot rename over a file: the old one goes first.
        match self.sftp.remove(to).await {
            Err(e) if !not_found(&e) => return Err(e),
            _ => {}
        }
        self.sftp.rename(from, to).await.map(|_| ())
    }

    async fn make_folders(&mut self, file: &str) -> Result<(), SftpError> {
        if self.folders.is_empty() {
            // The site's own folder, and those above it, may not exist yet.
            let root = self.target.path.trim_end_matches('/').to_string();
            let mut at = usize::from(root.starts_with('/'));
            while at <= root.len() {
                let end = root[at..].find('/').map_or(root.len(), |i| at + i);
                let dir = &root[..end];
                if !dir.is_empty() && self.sftp.stat(dir).await.is_err() {
                    self.sftp.mkdir(dir, FileAttributes::empty()).await?;
                }
                at = end + 1;
            }
            self.folders.insert(String::new());
        }
        let mut at = 0;
        while let Some(i) = file[at..].find('/') {
            let dir = &file[..at + i];
            at += i + 1;
            if self.folders.contains(dir) {
                continue;
            }
            let full = self.path(dir);
            if self.sftp.stat(full.as_str()).await.is_err() {
                self.sftp.mkdir(full, FileAttributes::empty()).await?;
            }
            self.folders.insert(dir.to_string());
        }
        Ok(())
    }
}

async fn log_in(ssh: &mut Handle<HostCheck>, target: &Target) -> Result<(), PublishError> {
    let at = target.display();
    let user = target.user.as_str();
    let failed = |e: russh::Error| PublishError(format!("{at}: logging in failed: {e}"));
    let mut tried = Vec::new();
    if let Ok(mut agent) = keys::agent::client::AgentClient::connect_env().await {
        let identities = agent.request_identities().await.unwrap_or_default();
        tried.push(format!("{} keys in the SSH agent", identities.len()));
        for identity in identities {
            let key = identity.public_key().into_owned();
            let hash = ssh.best_supported_rsa_hash().await.ok().flatten().flatten();
            if let Ok(AuthResult::Success) = ssh
                .authenticate_publickey_with(user, key, hash, &mut agent)
                .await
            {
                return Ok(());
            }
        }
    }
    let key_files: Vec<PathBuf> = match std::env::var_os("POLICYWEB_SSH_KEY") {
        Some(file) => vec![PathBuf::from(file)],
        None => std::env::home_dir()
            .map(|home| {
                ["id_ed25519", "id_ecdsa", "id_rsa"]
                    .iter()
                    .map(|name| home.join(".ssh").join(name))
                    .filter(|p| p.is_file())
                    .collect()
            })
            .unwrap_or_default(),
    };
    for file in &key_files {
        let key = match keys::load_secret_key(file, None) {
            Ok(key) => key,
            Err(e) => {
                tried.push(format!(
                    "{} (cannot use it: {e}; add it to the SSH agent)",
                    file.display()
                ));
                continue;
            }
        };
        tried.push(format!("the key {}", file.display()));
        let hash = ssh.best_supported_rsa_hash().await.ok().flatten().flatten();
        let key = PrivateKeyWithHashAlg::new(Arc::new(key), hash);
        if ssh
            .authenticate_publickey(user, key)
            .await
            .map_err(failed)?
            .success()
        {
            return Ok(());
        }
    }
    if let Some(password) = std::env::var_os(PASSWORD_VARIABLE) {
        tried.push(format!("the password in {PASSWORD_VARIABLE}"));
        let password = password.to_string_lossy().into_owned();
        if ssh
            .authenticate_password(user, password)
            .await
            .map_err(failed)?
            .success()
        {
            return Ok(());
        }
    }
    let tried = match tried.is_empty() {
        true => "no SSH agent, no key in ~/.ssh and no password".to_string(),
        false => tried.join(", "),
    };
    Err(PublishError(format!(
        "{at}: the server did not accept {user}'s login (tried {tried}); \
         add your public key to the server's authorized_keys, or set {PASSWORD_VARIABLE}"
    )))
}

fn host_key_message(at: &str, target: &Target, refusal: Refusal) -> PublishError {
    let host = match target.port {
        22 => target.host.clone(),
        port => format!("[{}]:{port}", target.host),
    };
    PublishError(match refusal {
        Refusal::Unknown(fingerprint) => format!(
            "{at}: the server is not in ~/.ssh/known_hosts yet (its key's fingerprint is {fingerprint}); \
             check the fingerprint with your web host, then run again with --accept-new-host-key, \
             or add it yourself with `ssh-keyscan -p {} {} >> ~/.ssh/known_hosts`",
            target.port, target.host
        ),
        Refusal::Changed(line) => format!(
            "{at}: the server's key is not the one in line {line} of ~/.ssh/known_hosts: someone may be \
             pretending to be your web host. Ask your web host whether the key changed; if it did, \
             remove the old one with `ssh-keygen -R '{host}'` and run again"
        ),
        Refusal::Certificate => format!(
            "{at}: the server sent a host certificate, which policyweb does not check; ask your web host for a plain host key"
        ),
        Refusal::KnownHosts(why) => format!("{at}: cannot check the server's key: {why}"),
    })
}

impl Remote for SftpRemote {
    fn read(&mut self, path: &str) -> io::Result<Option<Vec<u8>>> {
        let full = self.path(path);
        self.runtime.block_on(async {
            let handle = match self
                .sftp
                .open(full, OpenFlags::READ, FileAttributes::empty())
                .await
            {
                Ok(h) => h.handle,
                Err(e) if not_found(&e) => return Ok(None),
                Err(e) => return Err(to_io(e)),
            };
            let mut bytes = Vec::new();
            loop {
                match self
                    .sftp
                    .read(handle.as_str(), bytes.len() as u64, CHUNK as u32)
                    .await
                {
                    Ok(data) if data.data.is_empty() => break,
                    Ok(data) => bytes.extend_from_slice(&data.data),
                    Err(SftpError::Status(s)) if s.status_code == StatusCode::Eof => break,
                    Err(e) => return Err(to_io(e)),
                }
            }
            let _ = self.sftp.close(handle).await;
            Ok(Some(bytes))
        })
    }

    fn is_empty(&mut self) -> io::Result<bool> {
        let root = self.target.path.clone();
        let root = if root.is_empty() {
            ".".to_string()
        } else {
            root
        };
        self.runtime.block_on(async {
            let handle = match self.sftp.opendir(root).await {
                Ok(h) => h.handle,
                Err(e) if not_found(&e) => return Ok(true),
                Err(e) => return Err(to_io(e)),
            };
            let mut empty = true;
            loop {
                match self.sftp.readdir(handle.as_str()).await {
                    Ok(name) => {
                        if name
                            .files
                            .iter()
                            .any(|f| f.filename != "." && f.filename != "..")
                        {
                            empty = false;
                            break;
                        }
                    }
                    Err(SftpError::Status(s)) if s.status_code == StatusCode::Eof => break,
                    Err(e) => return Err(to_io(e)),
                }
            }
            let _ = self.sftp.close(handle).await;
            Ok(empty)
        })
    }

    fn exists(&mut self, path: &str) -> io::Result<bool> {
        let full = self.path(path);
        self.runtime.block_on(async {
            match self.sftp.lstat(full).await {
                Ok(_) => Ok(true),
                Err(e) if not_found(&e) => Ok(false),
                Err(e) => Err(to_io(e)),
            }
        })
    }

    fn put(&mut self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let (part, full) = (self.path(&part_name(path)), self.path(path));
        let runtime = self.runtime.clone();
        runtime.block_on(async {
            if let Err(e) = self.write_file(&part, bytes).await {
                if !not_found(&e) {
                    return Err(to_io(e));
                }
                self.make_folders(path).await.map_err(to_io)?;
                self.write_file(&part, bytes).await.map_err(to_io)?;
            }
            self.rename_over(&part, &full).await.map_err(to_io)
        })
    }

    fn remove(&mut self, path: &str) -> io::Result<()> {
        let full = self.path(path);
        let runtime = self.runtime.clone();
        runtime.block_on(async {
            match self.sftp.remove(full).await {
                Err(e) if !not_found(&e) => return Err(to_io(e)),
                _ => {}
            }
            let mut dir = Path::new(path).parent();
            while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
                let d_str = d.to_string_lossy().into_owned();
                if self.sftp.rmdir(self.path(&d_str)).await.is_err() {
                    break;
                }
                self.folders.remove(&d_str);
                dir = d.parent();
            }
            Ok(())
        })
    }
}
