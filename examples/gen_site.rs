//! Writes a synthetic policy site for benchmarking:
//! `cargo run --release --example gen_site -- N DIR [SEED]`.
//!
//! The same N and SEED always give byte-identical files, so the corpus can be
//! fed to policyweb, to Hugo (benches/compare-hugo.sh) or to anything else.

#[path = "../benches/corpus/mod.rs"]
#[allow(dead_code)]
mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: gen_site N DIR [SEED]   (N policies written into DIR; SEED defaults to 1)";
    let (Some(n), Some(dir)) = (args.first(), args.get(1)) else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let (Ok(n), Ok(seed)) = (
        n.parse::<usize>(),
        args.get(2).map_or(Ok(1), |s| s.parse::<u64>()),
    ) else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    if dir.join("site.toml").exists() || dir.join("policies").exists() {
        eprintln!(
            "{}: error: already holds a site; choose a new folder",
            dir.display()
        );
        return ExitCode::from(1);
    }
    match corpus::write(n, seed, &dir) {
        Ok(()) => {
            eprintln!("wrote {n} policies to {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: error: {e}", dir.display());
            ExitCode::from(1)
        }
    }
}
