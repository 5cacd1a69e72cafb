//! The build benchmark: `cargo bench --bench build`.
//!
//! For each size it writes a synthetic site (benches/corpus), runs the release
//! `policyweb build` as a child process five times (after one warm-up run),
//! and reports the median wall time, pages per second and the peak resident
//! memory of the child (from `wait4`'s rusage). Then it times the in-process
//! rebuild after one edited file (`serve`'s own `Rebuilder`, and a cold load +
//! render into a `MemorySink`), and, per size, where the time goes stage by stage.
//!
//! Environment:
//! - `POLICYWEB_BENCH_SIZES` (default `100,1000`; add `10000` for the large run),
//! - `POLICYWEB_BENCH_RUNS` (default 5),
//! - `POLICYWEB_BENCH_STAGES=0` to skip the stage breakdown,
//! - `POLICYWEB_BENCH_DIR` (default `target/bench-sites`),
//! - `POLICYWEB_BENCH_BIN` to time another policyweb binary.

#[allow(dead_code)]
mod corpus;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use jiff::civil::Date;
use rayon::prelude::*;

use policyweb::build;
use policyweb::config::SiteConfig;
use policyweb::data::SiteData;
use policyweb::diagnostics::Diagnostics;
use policyweb::output::{MemorySink, NullSink};
use policyweb::render::{self, PageKind, Renderer};
use policyweb::serve::rebuild::Rebuilder;
use policyweb::site::{Site, Sources};
use policyweb::source::{self, policy, policy::PolicySource};

const SEED: u64 = 1;
const TODAY: &str = "2026-11-21";

/// Chooses the pages of one kind.
type PageFilter = fn(&PageKind) -> bool;

/// One timed run of the binary.
struct Run {
    wall: Duration,
    peak_rss_kib: u64,
    user: Duration,
    system: Duration,
}

fn main() {
    let sizes: Vec<usize> = env_or("POLICYWEB_BENCH_SIZES", "100,1000")
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let runs: usize = env_or("POLICYWEB_BENCH_RUNS", "5").parse().unwrap_or(5);
    let stages = env_or("POLICYWEB_BENCH_STAGES", "1") != "0";
    let dir = PathBuf::from(env_or("POLICYWEB_BENCH_DIR", "target/bench-sites"));
    let bin = PathBuf::from(env_or(
        "POLICYWEB_BENCH_BIN",
        env!("CARGO_BIN_EXE_policyweb"),
    ));
    println!(
        "policyweb build benchmark: {} cores, median of {runs} runs, binary {}, \
         output under {}, load average {}\n",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        bin.display(),
        dir.display(),
        load_average()
    );

    let mut rows = Vec::new();
    for &n in &sizes {
        let site = dir.join(format!("site-{n}"));
        generate(n, &site);
        let out = dir.join(format!("out-{n}"));
        let result = time_builds(&bin, &site, &out, runs);
        let pages = count_pages(&out);
        rows.push((n, pages, result));
    }
    println!(
        "| policies | pages | build time (median) | pages/s | peak memory | user + system CPU |"
    );
    println!("|---:|---:|---:|---:|---:|---:|");
    for (n, pages, result) in &rows {
        let wall = median(result.iter().map(|r| r.wall).collect());
        let rss = result.iter().map(|r| r.peak_rss_kib).max().unwrap_or(0);
        let user = median(result.iter().map(|r| r.user).collect());
        let system = median(result.iter().map(|r| r.system).collect());
        println!(
            "| {n} | {pages} | {:.3} s | {:.0} | {:.1} MiB | {:.2} s + {:.2} s |",
            wall.as_secs_f64(),
            *pages as f64 / wall.as_secs_f64(),
            rss as f64 / 1024.0,
            user.as_secs_f64(),
            system.as_secs_f64()
        );
    }

    let small = sizes.iter().copied().min().unwrap_or(100);
    let (cached, cold) = time_rebuild(&dir.join(format!("site-{small}")), small, runs);
    let list = |runs: &[Duration]| {
        runs.iter()
            .map(|d| format!("{:.1}", d.as_secs_f64() * 1000.0))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "\nOne edited policy of {small}, rebuilt by serve's Rebuilder (one file re-parsed, \
         the site rendered into memory): median {:.1} ms (runs: {})",
        rebuild_median(&cached),
        list(&cached)
    );
    println!(
        "The same with nothing cached (load + render into a MemorySink): median {:.1} ms (runs: {})\n",
        rebuild_median(&cold),
        list(&cold)
    );

    let n: usize = env_or("POLICYWEB_BENCH_INCREMENTAL", "50")
        .parse()
        .unwrap_or(50);
    time_incremental(&bin, &dir, n, runs);

    println!("Load average after the timed builds: {}", load_average());
    if stages {
        println!("\nWhere the time goes, in process (each stage's wall time on all cores):\n");
        let breakdowns: Vec<(usize, Vec<(String, Duration)>)> = sizes
            .iter()
            .map(|&n| (n, stage_times(&dir.join(format!("site-{n}")))))
            .collect();
        print_stages(&breakdowns);
    }
}

/// Times the binary building an `n`-policy site into an empty folder, then
/// rebuilding it with no change and after one policy changed (the output
/// folder keeps every unchanged file), and prints the medians and ratios.
fn time_incremental(bin: &Path, dir: &Path, n: usize, runs: usize) {
    let site = dir.join(format!("incremental-{n}"));
    generate(n, &site);
    let out = dir.join(format!("incremental-out-{n}"));
    let mut policies: Vec<PathBuf> = std::fs::read_dir(site.join("policies"))
        .expect("the corpus has policies")
        .map(|e| e.expect("read the corpus").path())
        .collect();
    policies.sort();
    let edited = &policies[0];
    let original = std::fs::read_to_string(edited).expect("read a policy");
    let (mut full, mut none, mut one) = (Vec::new(), Vec::new(), Vec::new());
    run_once(bin, &site, &out);
    for i in 0..runs {
        let _ = std::fs::remove_dir_all(&out);
        full.push(run_once(bin, &site, &out).wall);
        none.push(run_once(bin, &site, &out).wall);
        std::fs::write(
            edited,
            format!("{original}\nA sentence added at review {i}.\n"),
        )
        .expect("edit a policy");
        one.push(run_once(bin, &site, &out).wall);
    }
    std::fs::write(edited, original).expect("restore the policy");
    let ms = |runs: &[Duration]| rebuild_median(runs);
    println!(
        "Incremental output, {n} policies ({} pages), median of {runs}: full build into an empty folder \
         {:.1} ms; rebuild with no change {:.1} ms ({:.2}x); after one policy changed {:.1} ms ({:.2}x)\n",
        count_pages(&out),
        ms(&full),
        ms(&none),
        ms(&none) / ms(&full),
        ms(&one),
        ms(&one) / ms(&full)
    );
}

/// The 1-, 5- and 15-minute load averages: other work on the machine slows every figure.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

fn today() -> Date {
    TODAY.parse().expect("TODAY is a date")
}

/// Writes the corpus afresh, so that it always matches the generator.
fn generate(n: usize, site: &Path) {
    if site.exists() {
        std::fs::remove_dir_all(site).expect("remove the previous corpus");
    }
    let start = Instant::now();
    corpus::write(n, SEED, site).expect("write the corpus");
    eprintln!(
        "generated {n} policies in {:.2} s at {}",
        start.elapsed().as_secs_f64(),
        site.display()
    );
}

/// One warm-up run, then `runs` timed runs.
fn time_builds(bin: &Path, site: &Path, out: &Path, runs: usize) -> Vec<Run> {
    run_once(bin, site, out);
    (0..runs).map(|_| run_once(bin, site, out)).collect()
}

// The child is reaped by `wait`, through wait4, which also gives its rusage.
#[allow(clippy::zombie_processes)]
fn run_once(bin: &Path, site: &Path, out: &Path) -> Run {
    let start = Instant::now();
    let child = Command::new(bin)
        .arg("build")
        .arg(site)
        .arg("--out")
        .arg(out)
        .arg("--today")
        .arg(TODAY)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("start policyweb");
    let (status, usage) = wait(child.id());
    let wall = start.elapsed();
    assert!(status == 0, "policyweb build {} failed", site.display());
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    Run {
        wall,
        // Linux reports ru_maxrss in KiB.
        peak_rss_kib: usage.ru_maxrss as u64,
        user: time(usage.ru_utime),
        system: time(usage.ru_stime),
    }
}

/// Waits for the child `pid`; its exit code and resource usage.
fn wait(pid: u32) -> (i32, libc::rusage) {
    let mut status = 0;
    // SAFETY: rusage is plain data that wait4 fills in; pid is our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let done = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    assert!(done == pid as libc::pid_t, "wait4 failed");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (code, usage)
}

fn count_pages(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .count()
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

fn rebuild_median(runs: &[Duration]) -> f64 {
    median(runs.to_vec()).as_secs_f64() * 1000.0
}

/// Times `serve`'s rebuild after one policy is edited: the real `Rebuilder`
/// (parses of unchanged files come from its cache), and, for comparison, a
/// cold load + render into a `MemorySink` with nothing cached.
fn time_rebuild(site: &Path, n: usize, runs: usize) -> (Vec<Duration>, Vec<Duration>) {
    let edited = site.join(corpus::edited_policy(n, SEED));
    let original = std::fs::read_to_string(&edited).expect("read the edited policy");
    let rebuilder = Rebuilder::new(
        site.to_path_buf(),
        Some(today()),
        "http://127.0.0.1:8000/".into(),
    );
    let first = rebuilder.run();
    assert!(first.files.is_some(), "the corpus builds in serve");
    let (mut cached, mut cold) = (Vec::new(), Vec::new());
    for run in 0..=runs {
        let text = format!("{original}\nEdited in run {run}: the clerk keeps the minutes.\n");
        std::fs::write(&edited, text).expect("edit the policy");
        let outcome = rebuilder.run();
        assert!(
            outcome.files.is_some() && outcome.parsed == 1,
            "one file re-parsed"
        );
        let start = Instant::now();
        let mut d = Diagnostics::new();
        let loaded = build::load(site, today(), None, &mut d).expect("the corpus loads");
        let sink = MemorySink::new();
        build::render_into(&loaded, &sink, &mut d).expect("the corpus renders");
        let elapsed = start.elapsed();
        if run > 0 {
            cached.push(outcome.elapsed);
            cold.push(elapsed);
        }
    }
    std::fs::write(&edited, original).expect("restore the edited policy");
    (cached, cold)
}

/// The wall time of each stage, in process, with no files written.
fn stage_times(site: &Path) -> Vec<(String, Duration)> {
    let mut times = Vec::new();
    let mut d = Diagnostics::new();
    let config = SiteConfig::load(site).expect("site.toml loads");
    let files = source::markdown_files(&site.join("policies"), &mut d);
    let data = SiteData::load(site, &mut d);
    let glossary = data.glossary.as_ref().and_then(|g| g.matcher());
    let parse_all = |glossary| -> Vec<PolicySource> {
        files
            .par_iter()
            .filter_map(|path| {
                let text = source::read(path).ok()?;
                policy::parse(path, &text, &config, glossary, &mut Diagnostics::new())
            })
            .collect()
    };
    // Once untimed, so that the two timed parses start alike (files cached,
    // allocator warm).
    drop(parse_all(None));
    let start = Instant::now();
    drop(parse_all(None));
    times.push((
        "read and parse the policies, no glossary".into(),
        start.elapsed(),
    ));
    let start = Instant::now();
    let parsed = parse_all(glossary);
    times.push((
        "read and parse the policies (glossary terms marked)".into(),
        start.elapsed(),
    ));
    let sources = Sources {
        policies: parsed,
        pages: Vec::new(),
        ..Sources::default()
    };
    let start = Instant::now();
    let model = Site::assemble(config, sources, data, today(), &mut d);
    times.push((
        format!(
            "assemble the site: links, backlinks, checks ({} backlinks)",
            model
                .policies
                .iter()
                .map(|p| p.backlinks.len())
                .sum::<usize>()
        ),
        start.elapsed(),
    ));
    drop(model);
    let start = Instant::now();
    let loaded = build::load(site, today(), None, &mut d).expect("the corpus loads");
    times.push(("the whole load, as build does it".into(), start.elapsed()));
    let start = Instant::now();
    let renderer = Renderer::new(&loaded.site, &loaded.templates).expect("shortcodes render");
    times.push(("shortcodes".into(), start.elapsed()));
    let pages = render::pages(&loaded.site);
    let kinds: [(&str, PageFilter); 4] = [
        ("render policy pages", |p| matches!(p, PageKind::Policy(_))),
        ("render audience views", |p| matches!(p, PageKind::View(..))),
        ("render audience landing pages", |p| {
            matches!(p, PageKind::Audience(_))
        }),
        ("render home, tracker, other pages", |p| {
            !matches!(
                p,
                PageKind::Policy(_) | PageKind::View(..) | PageKind::Audience(_)
            )
        }),
    ];
    for (label, wanted) in kinds {
        let chosen: Vec<PageKind> = pages.iter().copied().filter(wanted).collect();
        let start = Instant::now();
        let bytes: usize = chosen
            .par_iter()
            .map(|&p| renderer.render(p).map(|(_, html)| html.len()).unwrap_or(0))
            .sum();
        times.push((
            format!(
                "{label} ({} pages, {:.1} MiB)",
                chosen.len(),
                bytes as f64 / 1048576.0
            ),
            start.elapsed(),
        ));
    }
    let start = Instant::now();
    render::render_site(&loaded.site, &loaded.templates, &loaded.assets, &NullSink)
        .expect("the corpus renders");
    times.push((
        "whole render, no link check, no writes".into(),
        start.elapsed(),
    ));
    let start = Instant::now();
    build::render_into(&loaded, &NullSink, &mut d).expect("the corpus renders");
    times.push((
        "whole render with the link check, no writes".into(),
        start.elapsed(),
    ));
    times
}

fn print_stages(breakdowns: &[(usize, Vec<(String, Duration)>)]) {
    let header: Vec<String> = breakdowns
        .iter()
        .map(|(n, _)| format!("{n} policies"))
        .collect();
    println!("| stage | {} |", header.join(" | "));
    println!("|---|{}|", vec!["---:"; header.len()].join("|"));
    let Some((_, first)) = breakdowns.first() else {
        return;
    };
    for (row, (label, _)) in first.iter().enumerate() {
        let label = label.split(" (").next().unwrap_or(label);
        let cells: Vec<String> = breakdowns
            .iter()
            .map(|(_, stages)| {
                let (text, time) = &stages[row];
                let detail = text
                    .split_once(" (")
                    .map(|(_, d)| format!(" ({d}"))
                    .unwrap_or_default();
                format!("{:.1} ms{detail}", time.as_secs_f64() * 1000.0)
            })
            .collect();
        println!("| {label} | {} |", cells.join(" | "));
    }
}
