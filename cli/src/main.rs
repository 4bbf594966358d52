//! `hazy`: Hazy's Hub from the command line, on libhazy's Rust API (the crate the C ABI wraps),
//! so it has the library's configuration, errors, retries and redaction.

// hazy::Error is the library's type, returned once per run: boxing it buys nothing here.
#![allow(clippy::result_large_err)]

mod args;
mod commands;
mod doctor;
mod duration;
mod exit;
mod interrupt;
mod logs;
mod output;
mod progress;
mod settings;
mod token_info;

use clap::{CommandFactory, FromArgMatches};

use crate::args::Cli;
use crate::output::Output;

fn main() -> std::process::ExitCode {
    let command = Cli::command().after_help(exit::help_text()).after_long_help(long_help());
    // Clap prints usage errors and exits with 2, the usage row of the exit-code table.
    let cli = Cli::from_arg_matches(&command.get_matches()).unwrap_or_else(|e| e.exit());
    let out = Output { json: cli.global.json };
    let code = match commands::run(&cli.global, cli.command) {
        Ok(code) => code,
        Err(error) => out.error(&error),
    };
    std::process::ExitCode::from(code)
}

/// `--help` adds the environment variables, from the library's own option table.
fn long_help() -> String {
    let mut text = exit::help_text();
    text.push_str("\nEnvironment (the same variables as libhazy; flags override them):\n");
    for (_, var, about) in hazy::OPTIONS {
        text.push_str(&format!("  {var:<31} {about}\n"));
    }
    text.push_str("\nSecrets (HAZY_CLIENT_SECRET, HAZY_PASSWORD, HAZY_ACCESS_TOKEN) have no flags: ps would show them.\n");
    text
}
