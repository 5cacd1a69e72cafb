//! The cost benchmark: `cargo bench --bench cost`.
//!
//! No input may make a pass slower than linear. For each pathological input
//! (one long paragraph repeating platforms and ages, many identical
//! headings, many distinct headings, many footnotes, footnotes citing each
//! other, unmatched marker characters, a glossary of many overlapping terms,
//! many links, deep nesting, one long line) it writes a one-policy site at
//! three sizes, runs the release `policyweb build` on it as a child process
//! and prints the wall time, the peak resident memory (from `wait4`'s
//! rusage) and how each grew from the size before. Doubling the input should
//! about double the time; each must stay under one second and 200 MB at 1 MB.
//!
//! Environment:
//! - `POLICYWEB_COST_SIZES` (KiB, default `256,512,1024`),
//! - `POLICYWEB_COST_CASES` (names, default every case),
//! - `POLICYWEB_COST_DIR` (default `target/cost-sites`),
//! - `POLICYWEB_BENCH_BIN` to time another policyweb binary.

use std::fmt::Write;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The limits at 1 MiB of input.
const MAX_SECONDS: f64 = 1.0;
const MAX_MIB: f64 = 200.0;

/// A pathological input: its name, and a function that writes the site's
/// files (path, text) for a body of about `bytes` bytes.
struct Case {
    name: &'static str,
    files: fn(usize) -> Vec<(String, String)>,
}

const CASES: &[Case] = &[
    Case {
        name: "age-claims",
        files: age_claims,
    },
    Case {
        name: "same-headings",
        files: same_headings,
    },
    Case {
        name: "distinct-headings",
        files: distinct_headings,
    },
    Case {
        name: "footnotes",
        files: footnotes,
    },
    Case {
        name: "footnote-chains",
        files: footnote_chains,
    },
    Case {
        name: "marker-chars",
        files: marker_chars,
    },
    Case {
        name: "glossary-overlap",
        files: glossary_overlap,
    },
    Case {
        name: "many-links",
        files: many_links,
    },
    Case {
        name: "deep-nesting",
        files: deep_nesting,
    },
    Case {
        name: "long-line",
        files: long_line,
    },
];

fn main() {
    let sizes: Vec<usize> = env_or("POLICYWEB_COST_SIZES", "256,512,1024")
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let only = env_or("POLICYWEB_COST_CASES", "");
    let dir = PathBuf::from(env_or("POLICYWEB_COST_DIR", "target/cost-sites"));
    let bin = PathBuf::from(env_or(
        "POLICYWEB_BENCH_BIN",
        env!("CARGO_BIN_EXE_policyweb"),
    ));
    println!(
        "policyweb cost benchmark: one policy per site, sizes {sizes:?} KiB, binary {}\n",
        bin.display()
    );
    println!(
        "{:<18} {:>8} {:>9} {:>7} {:>9} {:>7}  exit",
        "case", "KiB", "seconds", "growth", "peak MiB", "growth"
    );
    let mut over = Vec::new();
    for case in CASES {
        if !only.is_empty() && !only.split(',').any(|n| n == case.name) {
            continue;
        }
        let mut previous: Option<(f64, f64)> = None;
        for &kib in &sizes {
            let site = dir.join(format!("{}-{kib}", case.name));
            let _ = fs::remove_dir_all(&site);
            for (path, text) in (case.files)(kib * 1024) {
                let path = site.join(path);
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(path, text).unwrap();
            }
            let run = run_once(&bin, &site);
            let seconds = run.wall.as_secs_f64();
            let mib = run.peak_rss_kib as f64 / 1024.0;
            let growth = |now: f64, before: Option<f64>| {
                before.map_or(String::from("-"), |b| format!("{:.2}x", now / b))
            };
            println!(
                "{:<18} {:>8} {:>9.3} {:>7} {:>9.1} {:>7}  {}",
                case.name,
                kib,
                seconds,
                growth(seconds, previous.map(|p| p.0)),
                mib,
                growth(mib, previous.map(|p| p.1)),
                run.code
            );
            if kib >= 1024 && (seconds > MAX_SECONDS || mib > MAX_MIB) {
                over.push(format!(
                    "{} at {kib} KiB: {seconds:.2} s, {mib:.0} MiB",
                    case.name
                ));
            }
            previous = Some((seconds, mib));
        }
    }
    if over.is_empty() {
        println!("\nevery case is under {MAX_SECONDS} s and {MAX_MIB} MiB at 1 MiB");
    } else {
        println!("\nover the limits:\n  {}", over.join("\n  "));
    }
}

/// A site: site.toml, the policy with `body`, and `extra` files.
fn site(body: String, extra: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut files = vec![
        (
            "site.toml".to_string(),
            "school = \"Cost Academy\"\nbase_url = \"https://example.org/\"\n".to_string(),
        ),
        (
            "policies/cost.md".to_string(),
            format!("+++\ntitle = \"Cost\"\nid = \"cost\"\nreview = \"2027-09-01\"\n+++\n\n{body}"),
        ),
    ];
    files.extend(extra);
    files
}

/// `unit(i)` repeated until the text is `bytes` long.
fn repeat(bytes: usize, mut unit: impl FnMut(usize) -> String) -> String {
    let mut out = String::with_capacity(bytes + 256);
    let mut i = 0;
    while out.len() < bytes {
        out.push_str(&unit(i));
        i += 1;
    }
    out
}

fn age_claims(bytes: usize) -> Vec<(String, String)> {
    let data = "checked = \"2026-11-01\"\n\n\
                [[platform]]\nname = \"TikTok\"\nmin_age = 13\nsource = \"https://www.tiktok.com/legal\"\n\n\
                [[platform]]\nname = \"WhatsApp\"\nmin_age = 13\nsource = \"https://www.whatsapp.com/legal\"\n";
    let body = repeat(bytes, |i| {
        format!(
            "pupils may use TikTok from age {} and WhatsApp at 16, ",
            10 + i % 5
        )
    });
    site(
        format!("## Online\n\n{body}\n"),
        vec![("data/age-limits.toml".into(), data.into())],
    )
}

fn same_headings(bytes: usize) -> Vec<(String, String)> {
    site(repeat(bytes, |_| "## Rules\n\nText.\n\n".into()), vec![])
}

fn distinct_headings(bytes: usize) -> Vec<(String, String)> {
    site(
        repeat(bytes, |i| format!("## Rule number {i}\n\nText.\n\n")),
        vec![],
    )
}

fn footnotes(bytes: usize) -> Vec<(String, String)> {
    let body = repeat(bytes, |i| {
        format!("Claim {i}.[^n{i}] Again.[^n{i}]\n\n[^n{i}]: Note {i}.\n\n")
    });
    site(format!("## Notes\n\n{body}"), vec![])
}

fn footnote_chains(bytes: usize) -> Vec<(String, String)> {
    let body = repeat(bytes, |i| {
        format!("Claim {i}.[^n{i}]\n\n[^n{i}]: See also.[^n{}]\n\n", i + 1)
    });
    site(format!("## Notes\n\n{body}[^n999999999]: End.\n"), vec![])
}

fn marker_chars(bytes: usize) -> Vec<(String, String)> {
    let body = repeat(bytes, |i| {
        if i % 2 == 0 {
            "x \u{E000}policy:cost y ".into()
        } else {
            "&#xE000;root:x [a](%EE%80%80policy:cost) ".into()
        }
    });
    site(format!("## Markers\n\n{body}\n"), vec![])
}

fn glossary_overlap(bytes: usize) -> Vec<(String, String)> {
    // 300 terms, each a longer run of the same words as the one before.
    let words = [
        "safe", "guarding", "lead", "officer", "deputy", "senior", "team", "member",
    ];
    let mut glossary = String::from("autolink = true\n\n");
    let mut terms = Vec::new();
    for i in 0..300 {
        let len = 1 + i % words.len();
        let start = (i / words.len()) % words.len();
        let term: Vec<&str> = (0..len).map(|k| words[(start + k) % words.len()]).collect();
        let term = format!("{} {i}", term.join(" "));
        let _ = write!(
            glossary,
            "[[term]]\nterm = \"{term}\"\ndefinition = \"Meaning {i}.\"\n\n"
        );
        terms.push(term);
    }
    let text = words.join(" ");
    let body = repeat(bytes, |i| {
        if i % 20 == 19 {
            format!("\n\n## Part {i}\n\n")
        } else {
            format!("{text} {} {text} ", terms[i % terms.len()])
        }
    });
    site(
        format!("## Words\n\n{body}\n"),
        vec![("data/glossary.toml".into(), glossary)],
    )
}

fn many_links(bytes: usize) -> Vec<(String, String)> {
    let body = repeat(bytes, |i| {
        format!("[self](policy:cost#links) [out](https://example.org/{i}) [top](#links) ")
    });
    site(format!("## Links\n\n{body}\n"), vec![])
}

fn deep_nesting(bytes: usize) -> Vec<(String, String)> {
    let body = repeat(bytes, |i| {
        let depth = 1 + i % 60;
        format!(
            "{} item\n{}\n\n",
            "> ".repeat(depth),
            "<mark>".repeat(depth.min(80))
        )
    });
    site(format!("## Deep\n\n{body}"), vec![])
}

fn long_line(bytes: usize) -> Vec<(String, String)> {
    let body = repeat(bytes, |i| format!("word{i} *em* `code` "));
    site(format!("## Long\n\n{body}\n"), vec![])
}

/// One timed build.
struct Run {
    wall: Duration,
    peak_rss_kib: u64,
    code: i32,
}

// The child is reaped by `wait4`, which also gives its rusage.
#[allow(clippy::zombie_processes)]
fn run_once(bin: &Path, site: &Path) -> Run {
    let start = Instant::now();
    let child = Command::new(bin)
        .arg("build")
        .arg(site)
        .arg("--out")
        .arg(site.join("public"))
        .arg("--today")
        .arg("2026-11-21")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start policyweb");
    let mut status = 0;
    // SAFETY: rusage is plain data that wait4 fills in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, with valid pointers.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert!(pid > 0, "wait4 failed");
    Run {
        wall: start.elapsed(),
        // Linux reports ru_maxrss in KiB.
        peak_rss_kib: usage.ru_maxrss as u64,
        code: if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            -1
        },
    }
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}
