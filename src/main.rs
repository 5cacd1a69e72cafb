//! The `policyweb` command; everything it does lives in the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    policyweb::cli::run(policyweb::cli::Cli::parse())
}
