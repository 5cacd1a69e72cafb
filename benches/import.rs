//! The import benchmark: `cargo bench --bench import`.
//!
//! Imports (as `--dry-run` does: read, detect, write the draft in memory and
//! check that it reads as a policy) synthetic policies of growing size, as
//! text and as Word files, plus hostile shapes (one huge paragraph, a
//! thousand brackets, every line a heading), and prints the median time of
//! `POLICYWEB_BENCH_RUNS` runs (default 5) and the time per line, which stays
//! flat when every pass is linear.

use std::collections::BTreeSet;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use policyweb::config::SiteConfig;
use policyweb::import::{self, ImportOptions, SiteInfo};

/// A policy of about `lines` lines in the shape schools write.
fn text(lines: usize) -> String {
    let mut out =
        String::from("Hillside Primary School\n\nExample Policy\n\nReview date: Spring 2027\n\n");
    let mut n = 0;
    while n < lines {
        let s = n / 10 + 1;
        out.push_str(&format!(
            "{s}. Section for staff\n\nThis policy says what staff do in part {s}, as the Designated \
             Safeguarding Lead (DSL) and the Behaviour Policy explain. WhatsApp's minimum age is 16.\n\n\
             - a point about parents\n\n- another point\n\na) a lettered clause\n\nParents should read it.\n\n"
        ));
        n += 10;
    }
    out
}

/// A Word file of `paragraphs` paragraphs with headings, lists and runs.
fn docx(paragraphs: usize) -> Vec<u8> {
    let mut body = String::new();
    for i in 0..paragraphs {
        body.push_str(&match i % 4 {
            0 => format!("<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t>Part {i} for pupils</w:t></w:r></w:p>"),
            1 => "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr><w:r><w:t>An item</w:t></w:r></w:p>".into(),
            2 => "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Bold</w:t></w:r><w:r><w:t xml:space=\"preserve\"> and plain text (ABC) here.</w:t></w:r></w:p>".into(),
            _ => "<w:p><w:r><w:t>Staff should keep records.</w:t></w:r></w:p>".into(),
        });
    }
    let document = format!(
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let styles = "<w:styles xmlns:w=\"w\"><w:style w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/></w:style></w:styles>";
    let numbering = "<w:numbering xmlns:w=\"w\"><w:abstractNum w:abstractNumId=\"0\"><w:lvl w:ilvl=\"0\">\
                     <w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.\"/></w:lvl></w:abstractNum>\
                     <w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>";
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in [
        ("word/document.xml", document.as_str()),
        ("word/styles.xml", styles),
        ("word/numbering.xml", numbering),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn time(site: &Path, file: &Path, runs: usize) -> Duration {
    let config = SiteConfig::load(site).expect("site.toml");
    let info = SiteInfo::load(site);
    let options = ImportOptions {
        files: vec![file.to_path_buf()],
        site: site.to_path_buf(),
        id: Some("bench".into()),
        force: true,
        dry_run: true,
    };
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            import::import_file(file, &options, &config, &info, &mut BTreeSet::new())
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let runs: usize = std::env::var("POLICYWEB_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let dir: PathBuf =
        std::env::temp_dir().join(format!("policyweb-import-bench-{}", std::process::id()));
    let site = dir.join("site");
    std::fs::create_dir_all(site.join("policies")).unwrap();
    std::fs::create_dir_all(site.join("data")).unwrap();
    std::fs::write(site.join("site.toml"), "school = \"Bench School\"\n").unwrap();
    std::fs::write(
        site.join("policies/behaviour.md"),
        "+++\ntitle = \"Behaviour Policy\"\n+++\n\nText.\n",
    )
    .unwrap();
    std::fs::write(
        site.join("data/age-limits.toml"),
        "checked = \"2026-09-01\"\n[[platform]]\nname = \"WhatsApp\"\nmin_age = 13\n",
    )
    .unwrap();

    let mut cases: Vec<(String, PathBuf, usize)> = Vec::new();
    for lines in [1_000, 10_000, 100_000] {
        let path = dir.join(format!("text-{lines}.txt"));
        let text = text(lines);
        std::fs::write(&path, &text).unwrap();
        cases.push((format!("text, {lines} lines"), path, text.lines().count()));
    }
    for paragraphs in [1_000, 10_000, 100_000] {
        let path = dir.join(format!("word-{paragraphs}.docx"));
        std::fs::write(&path, docx(paragraphs)).unwrap();
        cases.push((format!("Word, {paragraphs} paragraphs"), path, paragraphs));
    }
    let hostile: [(&str, String); 3] = [
        (
            "one 1 MB paragraph",
            format!(
                "Example Policy\n\n{}\n",
                "word (ABC) Big Policy ".repeat(50_000)
            ),
        ),
        (
            "100,000 brackets",
            format!("Example Policy\n\n{})\n", "(".repeat(100_000)),
        ),
        (
            "20,000 headings",
            (0..20_000)
                .map(|i| format!("{i}. Heading for staff\n\n"))
                .collect(),
        ),
    ];
    for (name, text) in hostile {
        let path = dir.join(format!("{}.txt", name.replace([' ', ','], "-")));
        std::fs::write(&path, &text).unwrap();
        cases.push((name.to_string(), path, text.lines().count()));
    }

    println!("{:<28} {:>12} {:>16}", "input", "median", "per line");
    for (name, path, lines) in cases {
        let t = time(&site, &path, runs);
        println!(
            "{name:<28} {:>9.1} ms {:>13.2} µs",
            t.as_secs_f64() * 1000.0,
            t.as_secs_f64() * 1e6 / lines.max(1) as f64
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
