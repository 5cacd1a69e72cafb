//! `policyweb publish` end to end, against real servers that each test starts
//! on loopback: OpenSSH's sshd (SFTP) and vsftpd with TLS (FTPS), each with a
//! throwaway key or certificate made here, and a plain folder (`file://`).
//! A test whose server is not installed says so and passes; CI installs them.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::{Run, Site, tree};

const BIN: &str = env!("CARGO_BIN_EXE_policyweb");

/// A policy no other policy links to, so it can come and go.
const UNIFORM: &str =
    "+++\ntitle = \"Uniform\"\napproved = \"2026-01-01\"\nreview = \"2027-01-01\"\n+++\n\nText.\n";

/// Runs `policyweb ARGS` in `dir` with only the environment given (plus PATH).
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(BIN);
    command.args(args).current_dir(dir).env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    command.envs(env.iter().copied());
    let out = command.output().expect("run policyweb");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until something listens on `port`.
fn wait_for(port: u16, child: &mut Child, what: &str) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("{what} stopped at once ({status}); its messages are above");
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{what} did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn installed(program: &str) -> bool {
    Path::new(program).is_file()
        || Command::new("sh")
            .args(["-c", &format!("command -v {program}")])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Files of `dir` but its top-level marker files, by path.
fn site_files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = tree(dir);
    files.retain(|path, _| !path.to_string_lossy().starts_with(".policyweb"));
    files
}

/// A server process that is stopped when the test ends.
struct Server {
    child: Child,
    /// Keeps keys, configuration and the remote folder alive.
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How a test publishes: the `--to` address, the environment, and the
/// folder on this machine where the server keeps the site.
struct Transport {
    name: &'static str,
    to: String,
    env: Vec<(String, String)>,
    remote: PathBuf,
    _server: Option<Server>,
    _dir: Option<tempfile::TempDir>,
}

impl Transport {
    fn publish(&self, site: &Site, extra: &[&str]) -> Run {
        let mut args = vec!["publish", ".", "--to", &self.to, "--today", "2026-11-21"];
        args.extend_from_slice(extra);
        let env: Vec<(&str, &str)> = self
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        run(site.root(), &args, &env)
    }
}

fn folder() -> Transport {
    let dir = tempfile::tempdir().unwrap();
    let remote = dir.path().join("www/policies");
    let to = format!("file://{}", remote.display());
    Transport {
        name: "folder",
        to,
        env: vec![],
        remote,
        _server: None,
        _dir: Some(dir),
    }
}

/// Makes an ed25519 key pair at `path` (and `path.pub`).
fn keygen(path: &Path) {
    let status = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

/// sshd on a free loopback port, letting the current user in with a key kept
/// in a throwaway home folder (whose known_hosts starts empty).
fn sftp() -> Option<Transport> {
    if !installed("/usr/sbin/sshd") || !installed("ssh-keygen") {
        eprintln!("skipped: OpenSSH's server is not installed (apt-get install openssh-server)");
        return None;
    }
    if is_root() && !Path::new("/run/sshd").is_dir() {
        // sshd running as root insists on its privilege separation folder.
        fs::create_dir_all("/run/sshd").unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let home = d.join("home");
    fs::create_dir_all(home.join(".ssh")).unwrap();
    keygen(&d.join("host_key"));
    keygen(&home.join(".ssh/id_ed25519"));
    fs::copy(home.join(".ssh/id_ed25519.pub"), d.join("authorized_keys")).unwrap();
    let port = free_port();
    let config = format!(
        "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\nAuthorizedKeysFile {d}/authorized_keys\n\
         PubkeyAuthentication yes\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n\
         StrictModes no\nPermitRootLogin prohibit-password\nPidFile {d}/sshd.pid\n\
         Subsystem sftp internal-sftp\nLogLevel FATAL\n",
        d = d.display()
    );
    fs::write(d.join("sshd_config"), config).unwrap();
    let mut child = Command::new("/usr/sbin/sshd")
        .args(["-D", "-e", "-f"])
        .arg(d.join("sshd_config"))
        .spawn()
        .unwrap();
    wait_for(port, &mut child, "sshd");
    let user = std::env::var("USER")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| {
            String::from_utf8(Command::new("whoami").output().unwrap().stdout)
                .unwrap()
                .trim()
                .to_string()
        });
    let remote = d.join("www/policies");
    Some(Transport {
        name: "sftp",
        to: format!("sftp://{user}@127.0.0.1:{port}{}", remote.display()),
        env: vec![("HOME".into(), home.display().to_string())],
        remote,
        _server: Some(Server { child, _dir: dir }),
        _dir: None,
    })
}

/// vsftpd with TLS on a free loopback port: anonymous logins that may write
/// into one folder, a certificate made here and trusted through SSL_CERT_FILE.
fn ftps() -> Option<Transport> {
    if !installed("vsftpd") || !installed("openssl") {
        eprintln!("skipped: vsftpd or openssl is not installed (apt-get install vsftpd openssl)");
        return None;
    }
    if !is_root() {
        eprintln!("skipped: vsftpd needs to run as root to let anyone log in");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
        ])
        .args([
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-addext",
            "basicConstraints=critical,CA:FALSE",
        ])
        .arg("-keyout")
        .arg(d.join("key.pem"))
        .arg("-out")
        .arg(d.join("cert.pem"))
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    // vsftpd refuses a writable login folder: the site goes in one below it.
    let root = d.join("root");
    fs::create_dir_all(root.join("policies")).unwrap();
    fs::create_dir_all(d.join("empty")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&root, fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(d, fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(root.join("policies"), fs::Permissions::from_mode(0o777)).unwrap();
    let (port, pasv) = (free_port(), free_port());
    let user = if Command::new("id")
        .arg("ftp")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        "ftp"
    } else {
        "nobody"
    };
    let config = format!(
        "listen=YES\nlisten_address=127.0.0.1\nlisten_port={port}\nbackground=NO\n\
         anonymous_enable=YES\nlocal_enable=NO\nwrite_enable=YES\nanon_upload_enable=YES\n\
         anon_mkdir_write_enable=YES\nanon_other_write_enable=YES\nanon_world_readable_only=NO\n\
         anon_umask=022\nno_anon_password=YES\nanon_root={d}/root\nftp_username={user}\n\
         secure_chroot_dir={d}/empty\npasv_enable=YES\npasv_address=127.0.0.1\n\
         pasv_min_port={pasv}\npasv_max_port={pasv}\nssl_enable=YES\nallow_anon_ssl=YES\n\
         force_anon_logins_ssl=YES\nforce_anon_data_ssl=YES\nssl_tlsv1=NO\nssl_sslv2=NO\nssl_sslv3=NO\n\
         require_ssl_reuse=NO\nrsa_cert_file={d}/cert.pem\nrsa_private_key_file={d}/key.pem\n\
         seccomp_sandbox=NO\nisolate=NO\nisolate_network=NO\nxferlog_enable=NO\n",
        d = d.display()
    );
    fs::write(d.join("vsftpd.conf"), config).unwrap();
    let mut child = Command::new("vsftpd")
        .arg(d.join("vsftpd.conf"))
        .spawn()
        .unwrap();
    wait_for(port, &mut child, "vsftpd");
    Some(Transport {
        name: "ftps",
        to: format!("ftps://anonymous@127.0.0.1:{port}/policies"),
        env: vec![
            (
                "SSL_CERT_FILE".into(),
                d.join("cert.pem").display().to_string(),
            ),
            ("POLICYWEB_PASSWORD".into(), "anything".into()),
        ],
        remote: root.join("policies"),
        _server: Some(Server { child, _dir: dir }),
        _dir: None,
    })
}

fn last_line(run: &Run) -> &str {
    run.stderr.lines().last().unwrap_or_default()
}

/// The whole story against one transport: a first publish, one with no
/// change, a changed policy, a removed one beside someone else's files, and
/// an interrupted publish finished by the next run.
fn publishes_only_what_changed(t: &Transport) {
    let name = t.name;
    let site = Site::fixture("basic");
    site.write("policies/uniform.md", UNIFORM);
    let first = t.publish(&site, &["--accept-new-host-key"]);
    assert_eq!(first.code, 0, "{name}: {}", first.stderr);
    let local = site.root().join("public");
    let count = site_files(&local).len();
    assert!(
        last_line(&first).starts_with(&format!("policyweb: sent {count} files (")),
        "{name}: {}",
        first.stderr
    );
    assert_eq!(
        site_files(&t.remote),
        site_files(&local),
        "{name}: the site arrived whole"
    );
    assert!(!t.remote.join(".policyweb-pending").exists(), "{name}");

    let again = t.publish(&site, &[]);
    assert_eq!(again.code, 0, "{name}: {}", again.stderr);
    assert!(
        last_line(&again).starts_with(&format!(
            "policyweb: sent 0 files (0 bytes), deleted 0, {count} unchanged"
        )),
        "{name}: {}",
        again.stderr
    );

    // One policy changes: exactly the files the build changed are sent.
    let visitors = fs::read_to_string(site.root().join("policies/visitors.md")).unwrap();
    site.write(
        "policies/visitors.md",
        &visitors.replace("Visitors show photo ID", "Visitors show ID"),
    );
    let built = run(
        site.root(),
        &["build", ".", "--today", "2026-11-21", "--list-changes"],
        &[],
    );
    let changed: Vec<String> = built
        .stdout
        .lines()
        .map(|l| l.strip_prefix("changed ").unwrap().to_string())
        .collect();
    assert!(
        changed.contains(&"policies/visitors/index.html".to_string()),
        "{changed:?}"
    );
    let dry = t.publish(&site, &["--dry-run"]);
    assert_eq!(dry.code, 0, "{name}: {}", dry.stderr);
    let mut would: Vec<String> = dry
        .stdout
        .lines()
        .map(|l| l.strip_prefix("send ").unwrap().to_string())
        .collect();
    would.sort();
    assert_eq!(would, changed, "{name}: --dry-run lists what changed");
    assert_ne!(
        site_files(&t.remote),
        site_files(&local),
        "{name}: --dry-run sent nothing"
    );
    let third = t.publish(&site, &[]);
    assert_eq!(third.code, 0, "{name}: {}", third.stderr);
    assert!(
        last_line(&third).starts_with(&format!("policyweb: sent {} files (", changed.len())),
        "{name}: {}",
        third.stderr
    );
    assert_eq!(site_files(&t.remote), site_files(&local), "{name}");

    // Someone's own files on the server stay; a removed policy goes.
    fs::write(t.remote.join("notes.txt"), "mine").unwrap();
    fs::write(t.remote.join("policies/uniform/form.pdf"), "pdf").unwrap();
    fs::remove_file(site.root().join("policies/uniform.md")).unwrap();
    let fourth = t.publish(&site, &[]);
    assert_eq!(fourth.code, 0, "{name}: {}", fourth.stderr);
    assert!(
        !t.remote.join("policies/uniform/index.html").exists(),
        "{name}"
    );
    assert_eq!(
        fs::read_to_string(t.remote.join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(
        fs::read_to_string(t.remote.join("policies/uniform/form.pdf")).unwrap(),
        "pdf"
    );
    for path in ["notes.txt", "policies/uniform/form.pdf"] {
        fs::remove_file(t.remote.join(path)).unwrap();
    }
    let _ = fs::remove_dir(t.remote.join("policies/uniform"));
    assert_eq!(site_files(&t.remote), site_files(&local), "{name}");

    // Interrupted: one upload fails (a folder stands where its temporary
    // file goes). The old pages stay whole and readable; the next run finishes.
    let before = site_files(&t.remote);
    site.write(
        "policies/visitors.md",
        &visitors.replace("Visitors show photo ID", "Visitors show a badge"),
    );
    let blocker = t
        .remote
        .join("policies/visitors/.index.html.policyweb-part");
    fs::create_dir(&blocker).unwrap();
    let broken = t.publish(&site, &[]);
    assert_eq!(broken.code, 1, "{name}: {}", broken.stderr);
    assert!(
        broken
            .stderr
            .contains("cannot upload policies/visitors/index.html")
            && broken
                .stderr
                .contains("run the same command again to finish"),
        "{name}: {}",
        broken.stderr
    );
    assert_eq!(
        site_files(&t.remote)[Path::new("policies/visitors/index.html")],
        before[Path::new("policies/visitors/index.html")],
        "{name}: the old page is still there, whole"
    );
    assert!(t.remote.join(".policyweb-pending").is_file(), "{name}");
    fs::remove_dir(&blocker).unwrap();
    let finished = t.publish(&site, &[]);
    assert_eq!(finished.code, 0, "{name}: {}", finished.stderr);
    assert_eq!(site_files(&t.remote), site_files(&local), "{name}");
    assert!(!t.remote.join(".policyweb-pending").exists(), "{name}");
    let last = t.publish(&site, &[]);
    assert!(
        last_line(&last).starts_with("policyweb: sent 0 files"),
        "{name}: {}",
        last.stderr
    );
}

/// A remote folder that already holds files, but no manifest, is refused.
fn refuses_a_folder_it_did_not_publish(t: &Transport) {
    let site = Site::fixture("basic");
    fs::create_dir_all(&t.remote).unwrap();
    fs::write(t.remote.join("index.html"), "the school's own home page").unwrap();
    let run = t.publish(&site, &["--accept-new-host-key"]);
    assert_eq!(run.code, 1, "{}: {}", t.name, run.stderr);
    assert!(
        run.stderr.contains(
            "refusing to publish into a folder that is not empty and has no .policyweb file"
        ),
        "{}: {}",
        t.name,
        run.stderr
    );
    assert_eq!(
        fs::read_to_string(t.remote.join("index.html")).unwrap(),
        "the school's own home page"
    );
    assert_eq!(tree(&t.remote).len(), 1, "{}", t.name);
}

#[test]
fn folder_publishes_only_what_changed() {
    publishes_only_what_changed(&folder());
    refuses_a_folder_it_did_not_publish(&folder());
}

#[test]
fn sftp_publishes_only_what_changed() {
    if let Some(t) = sftp() {
        publishes_only_what_changed(&t);
    }
    if let Some(t) = sftp() {
        refuses_a_folder_it_did_not_publish(&t);
    }
}

#[test]
fn ftps_publishes_only_what_changed() {
    if let Some(t) = ftps() {
        publishes_only_what_changed(&t);
    }
    if let Some(t) = ftps() {
        refuses_a_folder_it_did_not_publish(&t);
    }
}

#[test]
fn sftp_refuses_an_unknown_host_key_and_a_wrong_login() {
    let Some(t) = sftp() else { return };
    let site = Site::fixture("basic");
    let run = t.publish(&site, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let line = last_line(&run);
    assert!(
        line.contains("is not in ~/.ssh/known_hosts yet (its key's fingerprint is SHA256:"),
        "{line}"
    );
    assert!(
        line.contains("run again with --accept-new-host-key"),
        "{line}"
    );
    assert!(!t.remote.exists(), "nothing was sent");

    // A key the server does not know: one clear error.
    let home = PathBuf::from(&t.env[0].1);
    fs::remove_file(home.join(".ssh/id_ed25519")).unwrap();
    fs::remove_file(home.join(".ssh/id_ed25519.pub")).unwrap();
    keygen(&home.join(".ssh/id_ed25519"));
    let run = t.publish(&site, &["--accept-new-host-key"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let line = last_line(&run);
    assert!(line.contains("the server did not accept"), "{line}");
    assert!(
        line.contains(&format!("tried the key {}/.ssh/id_ed25519", home.display())),
        "{line}"
    );
    assert_eq!(run.stderr.matches("error:").count(), 1, "{}", run.stderr);
    assert!(!t.remote.exists(), "nothing was sent");

    // The host key, once accepted, is checked: a different one is refused.
    let known = fs::read_to_string(home.join(".ssh/known_hosts")).unwrap();
    let port =
        t.to.split(':')
            .nth(2)
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .to_string();
    let other = tempfile::tempdir().unwrap();
    keygen(&other.path().join("k"));
    let fake = fs::read_to_string(other.path().join("k.pub")).unwrap();
    fs::write(
        home.join(".ssh/known_hosts"),
        format!("[127.0.0.1]:{port} {fake}"),
    )
    .unwrap();
    let run = t.publish(&site, &[]);
    assert!(
        last_line(&run).contains("someone may be pretending to be your web host"),
        "{}",
        run.stderr
    );
    assert!(
        known.contains(&format!("[127.0.0.1]:{port} ssh-ed25519 ")),
        "{known}"
    );
}

#[test]
fn ftps_refuses_a_wrong_login_and_plain_ftp_needs_insecure() {
    if let Some(t) = ftps() {
        let site = Site::fixture("basic");
        let wrong = Transport {
            to: t.to.replace("anonymous@", "headteacher@"),
            name: "ftps",
            env: t.env.clone(),
            remote: t.remote.clone(),
            _server: None,
            _dir: None,
        };
        let run = wrong.publish(&site, &[]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(
            last_line(&run).contains("the server did not accept headteacher's login"),
            "{}",
            run.stderr
        );
        let no_password = run_in_site(
            &site,
            &["publish", ".", "--to", &t.to],
            &[("SSL_CERT_FILE", &t.env[0].1)],
        );
        assert!(
            last_line(&no_password).contains("set the POLICYWEB_PASSWORD environment variable"),
            "{}",
            no_password.stderr
        );
        assert_eq!(tree(&t.remote).len(), 0);
    }
    let site = Site::fixture("basic");
    let run = run_in_site(&site, &["publish", ".", "--to", "ftp://u@127.0.0.1/p"], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("ftp:// sends your password and pages unencrypted"),
        "{}",
        run.stderr
    );
}

fn run_in_site(site: &Site, args: &[&str], env: &[(&str, &str)]) -> Run {
    run(site.root(), args, env)
}

#[test]
fn publishing_needs_a_built_site_and_a_usable_address() {
    let site = Site::fixture("basic");
    let empty = tempfile::tempdir().unwrap();
    let remote = empty.path().join("remote");
    let to = format!("file://{}", remote.display());
    let from = empty.path().display().to_string();
    let run = run_in_site(&site, &["publish", ".", "--to", &to, "--from", &from], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("is not a site built by policyweb (it has no .policyweb file)"),
        "{}",
        run.stderr
    );
    let run = run_in_site(
        &site,
        &["publish", ".", "--to", "www.school.example/policies"],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("write it like sftp://user@host/path"),
        "{}",
        run.stderr
    );

    // Content errors stop the publish before anything is sent.
    site.write(
        "policies/bad.md",
        "+++\ntitle = \"Bad\"\nreview = \"Smarch 2027\"\n+++\n",
    );
    let run = run_in_site(&site, &["publish", ".", "--to", &to], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("nothing was published"),
        "{}",
        run.stderr
    );
    assert!(!remote.exists());
}
