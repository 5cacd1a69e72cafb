//! What a publish shows while it runs: a bar of files and bytes on a
//! terminal (indicatif), nothing otherwise (the command prints one summary line).

use indicatif::{ProgressBar, ProgressStyle};

use super::Progress;

/// A progress bar on standard error, hidden when that is not a terminal.
#[derive(Default)]
pub struct Bar {
    bar: Option<ProgressBar>,
    files: usize,
    sent: usize,
}

impl Bar {
    /// A bar that appears when sending starts.
    pub fn new() -> Self {
        Self::default()
    }

    /// Clears the bar.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Bar {
    fn start(&mut self, files: usize, bytes: u64) {
        let bar = ProgressBar::new(bytes);
        if let Ok(style) = ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes}, {msg}") {
            bar.set_style(style);
        }
        self.files = files;
        self.bar = Some(bar);
    }

    fn sending(&mut self, path: &str, size: u64) {
        self.sent += 1;
        if let Some(bar) = &self.bar {
            bar.inc(size);
            bar.set_message(format!("file {} of {}: {path}", self.sent, self.files));
        }
    }

    fn deleting(&mut self, path: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!("deleting {path}"));
        }
    }
}

/// "12 files (340 KB)".
pub fn files_and_bytes(files: usize, bytes: u64) -> String {
    let size = match bytes {
        b if b < 1000 => format!("{b} bytes"),
        b if b < 1_000_000 => format!("{:.0} KB", b as f64 / 1e3),
        b => format!("{:.1} MB", b as f64 / 1e6),
    };
    match files {
        1 => format!("1 file ({size})"),
        n => format!("{n} files ({size})"),
    }
}
