//! The command line: `build`, `serve`, `check`, `import`, `approve`, `publish` and `new`, each returning an exit code
//! (0 success, 1 content errors, 2 bad usage).

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use jiff::civil::Date;

use crate::approve::{self, ApproveOptions};
use crate::build::{self, BuildOptions};
use crate::check;
use crate::dates;
use crate::diagnostics::Diagnostics;
use crate::import::{self, ImportOptions};
use crate::publish::{self, PublishOptions, Scheme, Target};
use crate::scaffold;
use crate::serve::{self, ServeOptions};

/// Turn a folder of school policies into an accessible, cross-linked website.
#[derive(Debug, Parser)]
#[command(name = "policyweb", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into a folder of plain files ready to upload.
    Build {
        /// The site folder (holding site.toml).
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Where to write the site [default: SITE/public].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The date to measure review status against [default: today].
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
        today: Option<Date>,
        /// The address the site will be published at (overrides site.toml).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Build draft policies too (status = "draft"), marked as drafts on
        /// every page: for a preview, never for the school's website.
        #[arg(long)]
        drafts: bool,
        /// List each file that changed, was added or was removed since the
        /// previous build in the output folder ("changed PATH", ...).
        #[arg(long)]
        list_changes: bool,
    },
    /// Preview the site in a browser: rebuilds and reloads the page as you edit.
    Serve {
        /// The site folder (holding site.toml).
        #[arg(default_value = ".")]
        site: PathBuf,
        /// The port to listen on [default: 8000, or the next free one; 0: any free one].
        #[arg(long, value_name = "N")]
        port: Option<u16>,
        /// The address to listen on. Anything but a loopback address lets others
        /// on the network see the site.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1", value_parser = parse_bind)]
        bind: IpAddr,
        /// The date to measure review status against [default: today].
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
        today: Option<Date>,
    },
    /// Check the site without publishing it, and list every policy's review status.
    Check {
        /// The site folder (holding site.toml).
        #[arg(default_value = ".")]
        site: PathBuf,
        /// The date to measure review status against [default: today].
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
        today: Option<Date>,
        /// Fail (exit 1) on warnings too: overdue reviews, stale age data.
        #[arg(long)]
        strict: bool,
        /// How to print the results: a table for people, or JSON for scripts.
        #[arg(long, value_enum, default_value_t = check::Format::Human)]
        format: check::Format,
        /// Check draft policies too (status = "draft"), as `build --drafts` builds them.
        #[arg(long)]
        drafts: bool,
    },
    /// Record a review the board approved: archive the version it replaces,
    /// set approved, approved_by and the next review, and add a history entry.
    Approve {
        /// The policy's id (its file name in policies/ without .md).
        policy: String,
        /// The day the board approved it.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
        date: Date,
        /// Who approved it, such as "Full Governing Body".
        #[arg(long, value_name = "BODY")]
        by: String,
        /// What changed at this review, in a sentence.
        #[arg(long, value_name = "TEXT")]
        summary: String,
        /// The next review date, as you would write it in the policy
        /// ("Summer 2027"); not needed when the policy uses review_every.
        #[arg(long, value_name = "WHEN")]
        review: Option<String>,
        /// The site folder (holding site.toml).
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
    /// Turn a school's existing policies (Word .docx, .doc, .odt, PDF, web
    /// pages, text) into draft sources in SITE/policies/, with a report of
    /// what was found and what to check by hand.
    Import {
        /// The files to import, or folders of them.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// The site folder (holding site.toml).
        #[arg(long, default_value = ".")]
        site: PathBuf,
        /// The draft's id (its file name) when importing one file
        /// [default: from the title].
        #[arg(long, value_name = "ID")]
        id: Option<String>,
        /// Replace a draft or policy that already has that id.
        #[arg(long)]
        force: bool,
        /// Print the report and the drafts; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Send the site to the school's web host: only the files that changed
    /// since the last publish there, and never a file policyweb did not put there.
    Publish {
        /// The site folder (holding site.toml).
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Where to: sftp://user@host/path, ftps://user@host/path (a port,
        /// if needed, after the host: host:2222) or file:///path. Passwords
        /// never go here: see docs/publishing.md.
        #[arg(long, value_name = "URL", value_parser = parse_target)]
        to: Target,
        /// Publish this folder, already built, instead of building the site first.
        #[arg(long, value_name = "DIR")]
        from: Option<PathBuf>,
        /// List what would be sent and deleted, and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Trust an SSH server seen for the first time and add its key to
        /// ~/.ssh/known_hosts (check its fingerprint with your web host first).
        #[arg(long)]
        accept_new_host_key: bool,
        /// Allow plain ftp://, which sends the password and the pages unencrypted.
        #[arg(long)]
        insecure: bool,
        /// The date to measure review status against when building [default: today].
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
        today: Option<Date>,
    },
    /// Create a small working site to start from.
    New {
        /// The folder to create.
        site: PathBuf,
    },
}

fn parse_today(text: &str) -> Result<Date, String> {
    dates::parse_day(text)
}

fn parse_target(text: &str) -> Result<Target, String> {
    Target::parse(text)
}

fn parse_bind(text: &str) -> Result<IpAddr, String> {
    if text.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    text.parse().map_err(|_| {
        format!("\"{text}\" is not an IP address; use 127.0.0.1 (this machine only) or 0.0.0.0 (every network)")
    })
}

/// Prints diagnostics to stderr, one per line, sorted by file and line.
pub fn report(diagnostics: &Diagnostics) {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    for d in diagnostics.sorted() {
        let _ = writeln!(err, "{d}");
    }
}

/// Runs a parsed command line and returns the process's exit code.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Build {
            site,
            out,
            today,
            base_url,
            drafts,
            list_changes,
        } => {
            let options = BuildOptions {
                site,
                out,
                today,
                base_url,
                drafts,
            };
            match build::build(&options) {
                Ok(report_) => {
                    report(&report_.diagnostics);
                    if list_changes {
                        let stdout = std::io::stdout();
                        let mut out = stdout.lock();
                        for line in report_.changes.lines() {
                            let _ = writeln!(out, "{line}");
                        }
                    }
                    eprintln!(
                        "policyweb: built {} policies ({} files) into {}{}; {}",
                        report_.policies,
                        report_.files,
                        report_.out.display(),
                        warnings_note(&report_.diagnostics),
                        report_.changes.summary()
                    );
                    ExitCode::SUCCESS
                }
                Err(diagnostics) => {
                    report(&diagnostics);
                    eprintln!(
                        "policyweb: {}; nothing was published",
                        diagnostics.summary()
                    );
                    ExitCode::from(1)
                }
            }
        }
        Command::Serve {
            site,
            port,
            bind,
            today,
        } => serve::run(&ServeOptions {
            site,
            port,
            bind,
            today,
        }),
        Command::Check {
            site,
            today,
            strict,
            format,
            drafts,
        } => check::run(
            &site,
            today.unwrap_or_else(build::system_today),
            strict,
            format,
            drafts,
        ),
        Command::Approve {
            policy,
            date,
            by,
            summary,
            review,
            site,
        } => {
            let options = ApproveOptions {
                site,
                policy,
                date,
                by,
                summary,
                review,
                today: build::system_today(),
            };
            match approve::approve(&options) {
                Ok(done) => {
                    report(&done.warnings);
                    if let Some(archived) = &done.archived {
                        eprintln!(
                            "policyweb: kept the version it replaces as {}",
                            archived.display()
                        );
                    }
                    eprintln!(
                        "policyweb: recorded the approval of {} on {} in {}",
                        options.policy,
                        dates::iso(options.date),
                        done.policy.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(diagnostics) => {
                    report(&diagnostics);
                    eprintln!("policyweb: {}; nothing was changed", diagnostics.summary());
                    ExitCode::from(1)
                }
            }
        }
        Command::Import {
            files,
            site,
            id,
            force,
            dry_run,
        } => import::run(&ImportOptions {
            files,
            site,
            id,
            force,
            dry_run,
        }),
        Command::Publish {
            site,
            to,
            from,
            dry_run,
            accept_new_host_key,
            insecure,
            today,
        } => {
            if to.scheme == Scheme::Ftp && !insecure {
                eprintln!(
                    "policyweb: error: ftp:// sends your password and pages unencrypted; use ftps:// \
                     or sftp:// if your host offers it, or add --insecure to send them anyway"
                );
                return ExitCode::from(2);
            }
            if to.scheme == Scheme::Ftp {
                eprintln!(
                    "policyweb: warning: publishing over plain FTP: the password and pages are not encrypted"
                );
            }
            let from = match from {
                Some(from) => from,
                None => {
                    let options = BuildOptions {
                        site,
                        out: None,
                        today,
                        base_url: None,
                        drafts: false,
                    };
                    match build::build(&options) {
                        Ok(built) => {
                            report(&built.diagnostics);
                            eprintln!(
                                "policyweb: built {} policies into {}; {}",
                                built.policies,
                                built.out.display(),
                                built.changes.summary()
                            );
                            built.out
                        }
                        Err(diagnostics) => {
                            report(&diagnostics);
                            eprintln!(
                                "policyweb: {}; nothing was published",
                                diagnostics.summary()
                            );
                            return ExitCode::from(1);
                        }
                    }
                }
            };
            let options = PublishOptions {
                from,
                to,
                dry_run,
                accept_new_host_key,
            };
            publish_command(&options)
        }
        Command::New { site } => match scaffold::create(&site) {
            Ok(()) => {
                eprintln!(
                    "policyweb: created a new site in {0}; build it with `policyweb build {0}`",
                    site.display()
                );
                ExitCode::SUCCESS
            }
            Err(d) => {
                eprintln!("{d}");
                ExitCode::from(1)
            }
        },
    }
}

/// Publishes, with a progress bar on a terminal, and says what was done.
fn publish_command(options: &PublishOptions) -> ExitCode {
    let mut progress = publish::progress::Bar::new();
    match publish::publish(options, &mut progress) {
        Ok(plan) => {
            progress.finish();
            let to = options.to.display();
            if options.dry_run {
                let stdout = std::io::stdout();
                let mut out = stdout.lock();
                for path in &plan.send {
                    let _ = writeln!(out, "send {path}");
                }
                for path in &plan.delete {
                    let _ = writeln!(out, "delete {path}");
                }
                eprintln!(
                    "policyweb: would send {} and delete {} at {to}; {} unchanged (nothing was sent: --dry-run)",
                    publish::progress::files_and_bytes(plan.send.len(), plan.bytes),
                    plan.delete.len(),
                    plan.unchanged
                );
            } else {
                eprintln!(
                    "policyweb: sent {}, deleted {}, {} unchanged, to {to}",
                    publish::progress::files_and_bytes(plan.send.len(), plan.bytes),
                    plan.delete.len(),
                    plan.unchanged
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            progress.finish();
            eprintln!("policyweb: error: {e}");
            ExitCode::from(1)
        }
    }
}

fn warnings_note(diagnostics: &Diagnostics) -> String {
    match diagnostics.warning_count() {
        0 => String::new(),
        1 => " (1 warning)".into(),
        n => format!(" ({n} warnings)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
