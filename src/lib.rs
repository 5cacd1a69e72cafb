//! policyweb turns a folder of school policies (Markdown with TOML front
//! matter) into an accessible, cross-linked static website: every policy in
//! full, a view of it for each audience, age-limit tables and a review tracker.
//!
//! The pipeline runs one way: [`config`] (site.toml) → [`source`] (each file
//! parsed on its own, with [`markdown`] and [`audiences`]) → [`site`] (the
//! whole model, checked across files) → [`render`] (tera, one page at a time,
//! in parallel) → [`output`] (a temporary folder, swapped in when complete).
//! [`build`] runs the pipeline; [`serve`] runs it again on every edit for a
//! local preview; [`cli`] maps commands onto them.
#![warn(missing_docs)]

pub mod approve;
pub mod audiences;
pub mod build;
pub mod check;
pub mod cli;
pub mod config;
pub mod contrast;
pub mod data;
pub mod dates;
pub mod diagnostics;
pub mod import;
pub mod manifest;
pub mod markdown;
pub mod markers;
pub mod output;
pub mod publish;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod source;
pub mod statutory;
pub mod suggest;
pub mod tomlfile;
pub mod urls;
