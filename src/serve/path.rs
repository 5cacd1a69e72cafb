//! A request's target turned into the name of a file of the built site, or
//! refused: the preview answers only for names made of plain path segments,
//! so no spelling of `..`, of an absolute path or of a NUL can reach past the
//! site (which is in memory anyway: nothing is read from disk per request).

/// A request's path, checked and decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitePath {
    segments: Vec<String>,
    folder: bool,
}

/// Why a target was refused (answered with 400 Bad Request).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadPath {
    /// Not a path starting with `/` (an absolute URL, `*`, or empty).
    NotOriginForm,
    /// A `%` not followed by two hex digits, or bytes that are not UTF-8.
    BadEncoding,
    /// A `.` or `..` segment, or an empty one (`//`).
    DotOrEmptySegment,
    /// A slash, backslash, NUL or other control character inside a segment.
    ForbiddenCharacter,
}

impl SitePath {
    /// Checks and decodes the path of a request target (`/a/b/?query`).
    pub fn parse(target: &str) -> Result<Self, BadPath> {
        let path = target.split(['?', '#']).next().unwrap_or("");
        let rest = path.strip_prefix('/').ok_or(BadPath::NotOriginForm)?;
        let mut raw: Vec<&str> = rest.split('/').collect();
        let folder = raw.last() == Some(&"");
        if folder {
            raw.pop();
        }
        let segments = raw
            .into_iter()
            .map(decode_segment)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { segments, folder })
    }

    /// The name of the file asked for: `a/b` for `/a/b`, `a/b/index.html`
    /// for `/a/b/`, `index.html` for `/`.
    pub fn file(&self) -> String {
        if self.folder || self.segments.is_empty() {
            self.index()
        } else {
            self.segments.join("/")
        }
    }

    /// The name of the folder's index, were the path a folder: `a/b/index.html`.
    pub fn index(&self) -> String {
        let mut name = self.segments.join("/");
        if !name.is_empty() {
            name.push('/');
        }
        name.push_str("index.html");
        name
    }

    /// Whether the path ends in `/` (or is the root).
    pub fn is_folder(&self) -> bool {
        self.folder || self.segments.is_empty()
    }

    /// The path as a folder's address, for a redirect: `/a/b/`.
    pub fn folder_address(&self) -> String {
        let mut address = String::from("/");
        for segment in &self.segments {
            address.push_str(&encode_segment(segment));
            address.push('/');
        }
        address
    }
}

fn decode_segment(raw: &str) -> Result<String, BadPath> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).ok_or(BadPath::BadEncoding)?;
            out.push(hex_value(hex).ok_or(BadPath::BadEncoding)?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let segment = String::from_utf8(out).map_err(|_| BadPath::BadEncoding)?;
    if segment.is_empty() || segment == "." || segment == ".." {
        return Err(BadPath::DotOrEmptySegment);
    }
    if segment
        .chars()
        .any(|c| c == '/' || c == '\\' || c.is_control())
    {
        return Err(BadPath::ForbiddenCharacter);
    }
    Ok(segment)
}

/// The byte two hex digits spell (`from_str_radix` alone would accept `+1`).
fn hex_value(digits: &[u8]) -> Option<u8> {
    let digit = |d: u8| (d as char).to_digit(16);
    match digits {
        [high, low] => Some((digit(*high)? * 16 + digit(*low)?) as u8),
        _ => None,
    }
}

fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_file_asked_for() {
        let cases = [
            ("/", "index.html", true),
            ("/?x=1", "index.html", true),
            ("/index.html", "index.html", false),
            (
                "/policies/online-safety/",
                "policies/online-safety/index.html",
                true,
            ),
            ("/policies/online-safety", "policies/online-safety", false),
            ("/theme/style.css?v=2#top", "theme/style.css", false),
            (
                "/for/pupils/%62ullying/",
                "for/pupils/bullying/index.html",
                true,
            ),
            ("/caf%C3%A9.txt", "café.txt", false),
            ("/%252e%252e/x", "%2e%2e/x", false),
        ];
        for (target, file, folder) in cases {
            let path = SitePath::parse(target).unwrap_or_else(|e| panic!("{target}: {e:?}"));
            assert_eq!(
                (path.file().as_str(), path.is_folder()),
                (file, folder),
                "{target}"
            );
        }
    }

    #[test]
    fn refuses_every_way_out_of_the_site() {
        use BadPath::*;
        let cases = [
            ("", NotOriginForm),
            ("*", NotOriginForm),
            ("http://example.org/", NotOriginForm),
            ("../etc/passwd", NotOriginForm),
            ("/../etc/passwd", DotOrEmptySegment),
            ("/a/../../etc/passwd", DotOrEmptySegment),
            ("/./a", DotOrEmptySegment),
            ("//etc/passwd", DotOrEmptySegment),
            ("/a//b", DotOrEmptySegment),
            ("/%2e%2e/etc/passwd", DotOrEmptySegment),
            ("/%2E%2E/etc/passwd", DotOrEmptySegment),
            ("/.%2e/x", DotOrEmptySegment),
            ("/%2e%2e%2fetc%2fpasswd", ForbiddenCharacter),
            ("/..%2f..%2fetc%2fpasswd", ForbiddenCharacter),
            ("/%2fetc/passwd", ForbiddenCharacter),
            ("/..\\..\\etc\\passwd", ForbiddenCharacter),
            ("/..%5c..%5cetc", ForbiddenCharacter),
            ("/a%00.html", ForbiddenCharacter),
            ("/%00../../etc/passwd", ForbiddenCharacter),
            ("/a%0d%0aSet-Cookie:x", ForbiddenCharacter),
            ("/%zz", BadEncoding),
            ("/%2", BadEncoding),
            ("/%", BadEncoding),
            ("/%C3", BadEncoding),
            ("/%+1", BadEncoding),
        ];
        for (target, why) in cases {
            assert_eq!(SitePath::parse(target), Err(why), "{target}");
        }
    }

    #[test]
    fn redirects_to_an_encoded_folder_address() {
        let path = SitePath::parse("/a%20b/caf%C3%A9").unwrap();
        assert_eq!(path.folder_address(), "/a%20b/caf%C3%A9/");
        assert_eq!(path.index(), "a b/café/index.html");
        assert_eq!(SitePath::parse("/").unwrap().folder_address(), "/");
    }
}
