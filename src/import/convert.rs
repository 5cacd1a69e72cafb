//! The programs policyweb borrows for formats it does not read itself:
//! `pdftotext` (poppler) for PDF, LibreOffice's `soffice` for .odt, .doc
//! and .rtf. Each is run directly, never through a shell, and a missing
//! program is an error that names the package to install.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long a conversion may take before it is stopped: a damaged file must
/// not leave `import` waiting for ever.
const TIME_LIMIT: Duration = Duration::from_secs(120);

/// Reads a child's pipe to its end on a thread of its own, so that a full
/// pipe never blocks the child.
fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

/// Runs `command` to its end, or stops it after [`TIME_LIMIT`].
fn run(command: &mut Command, program: &str) -> std::io::Result<Output> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::other(format!(
                "{program} was still working after {} seconds and was stopped",
                TIME_LIMIT.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ok(Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// The text of a PDF, from `pdftotext`.
pub fn pdf_text(path: &Path) -> Result<String, String> {
    let mut command = Command::new("pdftotext");
    command
        .arg("-enc")
        .arg("UTF-8")
        .arg("-nopgbrk")
        .arg("--")
        .arg(path)
        .arg("-");
    let output = run(&mut command, "pdftotext")
        .map_err(|e| missing("pdftotext", "poppler-utils", "PDF", &e))?;
    if !output.status.success() {
        let why = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "pdftotext could not read it ({}); if it is a scanned image, the PDF has no text to import",
            why.trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The file converted to .docx by LibreOffice, as bytes.
pub fn to_docx(path: &Path) -> Result<Vec<u8>, String> {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("policyweb-import-{}-{n}", std::process::id()));
    let result = convert_in(&dir, path);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn convert_in(dir: &Path, path: &Path) -> Result<Vec<u8>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot make a temporary folder: {e}"))?;
    // A profile of its own, so that a LibreOffice the user has open does
    // not take the job (and so that two imports do not share one).
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.join("profile").display()
    );
    let mut command = Command::new("soffice");
    command
        .arg(profile)
        .arg("--headless")
        .arg("--norestore")
        .arg("--convert-to")
        .arg("docx:MS Word 2007 XML")
        .arg("--outdir")
        .arg(dir)
        .arg(path);
    let output = run(&mut command, "soffice")
        .map_err(|e| missing("soffice", "libreoffice-writer", "this kind of", &e))?;
    let stem = path.file_stem().unwrap_or_default();
    let converted: PathBuf = dir.join(stem).with_extension("docx");
    std::fs::read(&converted).map_err(|_| {
        format!(
            "LibreOffice could not convert it ({}); open it in Word or LibreOffice and save it as .docx",
            String::from_utf8_lossy(&output.stderr).trim()
        )
    })
}

fn missing(program: &str, package: &str, kind: &str, error: &std::io::Error) -> String {
    if error.kind() == std::io::ErrorKind::NotFound {
        format!(
            "reading {kind} files needs the program {program}, which is not installed; install it \
             (on Debian or Ubuntu: `apt-get install {package}`) or save the file as .docx and import that"
        )
    } else {
        format!("could not run {program}: {error}")
    }
}
