//! Where `policyweb publish --to URL` sends a site: `sftp://user@host[:port]/path`,
//! `ftps://user@host[:port]/path`, `ftp://...` (only with `--insecure`) or
//! `file:///path` (a mounted share or another folder).

use std::fmt;

/// How to reach the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// SSH file transfer.
    Sftp,
    /// FTP with explicit TLS (AUTH TLS).
    Ftps,
    /// FTP without encryption (only with `--insecure`).
    Ftp,
    /// A folder on this computer or a mounted share.
    Folder,
}

/// A parsed `--to` address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// How to reach it.
    pub scheme: Scheme,
    /// Who to log in as (empty for a folder).
    pub user: String,
    /// The server's name or address (empty for a folder).
    pub host: String,
    /// The port.
    pub port: u16,
    /// The site's folder there: absolute, or relative to the login folder
    /// when the address says `/~/path`.
    pub path: String,
}

impl Target {
    /// Reads a `--to` address.
    pub fn parse(url: &str) -> Result<Self, String> {
        let usage = "write it like sftp://user@host/path, ftps://user@host/path or file:///path";
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| format!("\"{url}\" is not an address to publish to; {usage}"))?;
        let (scheme, port) = match scheme.to_ascii_lowercase().as_str() {
            "sftp" => (Scheme::Sftp, 22),
            "ftps" => (Scheme::Ftps, 21),
            "ftp" => (Scheme::Ftp, 21),
            "file" => (Scheme::Folder, 0),
            other => {
                return Err(format!(
                    "\"{other}://\" is not a way policyweb can publish; {usage}"
                ));
            }
        };
        if scheme == Scheme::Folder {
            let path = decode(rest)?;
            if !path.starts_with('/') {
                return Err(format!(
                    "\"{url}\": a file:// address needs a full path after file://, like file:///srv/www/policies"
                ));
            }
            return Ok(Self {
                scheme,
                user: String::new(),
                host: String::new(),
                port,
                path,
            });
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let (user, hostport) = authority.rsplit_once('@').ok_or_else(|| {
            format!(
                "\"{url}\" names no user to log in as; write it like {}://user@{authority}{path}",
                scheme.word()
            )
        })?;
        let (host, port) = match hostport.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(']') || hostport.starts_with('[') => {
                let port = port
                    .parse()
                    .map_err(|_| format!("\"{port}\" in \"{url}\" is not a port number"))?;
                (host, port)
            }
            _ => (hostport, port),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if user.is_empty() || host.is_empty() {
            return Err(format!("\"{url}\" needs a user and a server; {usage}"));
        }
        let path = decode(path)?;
        let path = match path.strip_prefix("/~") {
            Some(rest) => rest.trim_start_matches('/').to_string(),
            None => path,
        };
        Ok(Self {
            scheme,
            user: decode(user)?,
            host: host.to_string(),
            port,
            path,
        })
    }

    /// The address, for messages (never with a password).
    pub fn display(&self) -> String {
        match self.scheme {
            Scheme::Folder => format!("file://{}", self.path),
            _ => {
                let path = match self.path.starts_with('/') {
                    true => self.path.clone(),
                    false => format!("/~/{}", self.path),
                };
                format!(
                    "{}://{}@{}:{}{path}",
                    self.scheme.word(),
                    self.user,
                    self.host,
                    self.port
                )
            }
        }
    }

    /// `file` below the site's folder on the server.
    pub fn join(&self, file: &str) -> String {
        match self.path.as_str() {
            "" => file.to_string(),
            p if p.ends_with('/') => format!("{p}{file}"),
            p => format!("{p}/{file}"),
        }
    }
}

impl Scheme {
    fn word(self) -> &'static str {
        match self {
            Scheme::Sftp => "sftp",
            Scheme::Ftps => "ftps",
            Scheme::Ftp => "ftp",
            Scheme::Folder => "file",
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

/// `text` with `%XX` escapes decoded.
fn decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| {
                    format!("\"{text}\" has a % that is not followed by two hex digits")
                })?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("\"{text}\" is not UTF-8 once decoded"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse() {
        let t = Target::parse("sftp://web@www.school.example/var/www/policies").unwrap();
        assert_eq!(
            (
                t.scheme,
                t.user.as_str(),
                t.host.as_str(),
                t.port,
                t.path.as_str()
            ),
            (
                Scheme::Sftp,
                "web",
                "www.school.example",
                22,
                "/var/www/policies"
            )
        );
        assert_eq!(
            t.display(),
            "sftp://web@www.school.example:22/var/www/policies"
        );
        assert_eq!(t.join("index.html"), "/var/www/policies/index.html");
        let t = Target::parse("ftps://a%40b@127.0.0.1:2121/~/public_html").unwrap();
        assert_eq!(
            (t.user.as_str(), t.port, t.path.as_str()),
            ("a@b", 2121, "public_html")
        );
        assert_eq!(t.join("x"), "public_html/x");
        assert_eq!(Target::parse("sftp://u@[::1]:2222/p").unwrap().host, "::1");
        assert_eq!(Target::parse("sftp://u@h").unwrap().path, "/");
        let t = Target::parse("file:///mnt/web%20share/policies").unwrap();
        assert_eq!(
            (t.scheme, t.path.as_str()),
            (Scheme::Folder, "/mnt/web share/policies")
        );
    }

    #[test]
    fn bad_addresses_say_what_to_write() {
        for (url, says) in [
            ("www.school.example/policies", "sftp://user@host/path"),
            ("http://u@h/p", "\"http://\" is not a way"),
            (
                "sftp://host/p",
                "names no user to log in as; write it like sftp://user@host/p",
            ),
            ("sftp://u@h:port/p", "\"port\" in"),
            ("file://relative/p", "needs a full path"),
            ("sftp://u@h/%zz", "two hex digits"),
        ] {
            let err = Target::parse(url).unwrap_err();
            assert!(err.contains(says), "{url}: {err}");
        }
    }
}
