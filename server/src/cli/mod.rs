//! The command line: `bucketguard check`, `rule`, `rules`, `server`.
//!
//! This is an edge: it reads and writes files, talks to the terminal and
//! uses `anyhow`. It calls the same config loader ([`crate::project`]) and
//! analysis entry point ([`crate::analysis`]) as the language server.

mod check;
mod github;
mod json;
mod report;
mod rules_cmd;
mod sarif;
mod terraform;
mod text;

/// The edits one pass of `check --fix` applies (also used by the fuzz
/// targets, which must apply fixes exactly as `check --fix` does).
pub use check::safe_edits;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit code: nothing found.
pub const EXIT_OK: u8 = 0;
/// Exit code: findings reported.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: usage, config or I/O error.
pub const EXIT_ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "bucketguard",
    version,
    about = "Finds Amazon S3 security mistakes in CloudFormation templates",
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check templates for S3 security problems
    Check(CheckArgs),
    /// Show the documentation of one rule
    Rule {
        /// A rule id (`S3-111`) or name (`public-acl`)
        id: String,
    },
    /// List every rule
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Run the language server (LSP over stdin/stdout)
    Server {
        /// Accepted for clients that pass it (vscode-languageclient, …);
        /// stdio is the only transport
        #[arg(long)]
        stdio: bool,
    },
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Files or folders to check. Folders are walked honouring
    /// `.gitignore`; files named explicitly are always checked
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    /// Apply safe fixes in place, then report what remains
    #[arg(long)]
    fix: bool,
    /// Only run these rules (comma-separated selectors: `S3-111`, `S3-1`,
    /// `public-acl`, `ALL`). Replaces the config file's `select` and `ignore`
    #[arg(long, value_delimiter = ',', value_name = "SELECTORS")]
    select: Vec<String>,
    /// Do not run these rules (comma-separated selectors); adds to the
    /// config file's `ignore`
    #[arg(long, value_delimiter = ',', value_name = "SELECTORS")]
    ignore: Vec<String>,
    /// Exit with 0 even when problems are found
    #[arg(long)]
    exit_zero: bool,
    /// Use this config file for every checked file instead of looking for
    /// `bucketguard.toml` / `.bucketguard.toml` next to each file
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Print the problems only: no summary, no fix report
    #[arg(short, long)]
    quiet: bool,
    /// Skip files larger than this many bytes (overrides the config
    /// file's `max-file-size`; default 4194304)
    #[arg(long, value_name = "BYTES")]
    max_file_size: Option<u64>,
}

/// How `check` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Human-readable, with source excerpts
    Text,
    /// The stable JSON schema of `docs/json-output.md`
    Json,
    /// SARIF 2.1.0, for code scanning
    Sarif,
    /// GitHub Actions workflow commands (annotations)
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RulesFormat {
    Text,
    Json,
}

/// Run the command line and return the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with 0; usage errors to stderr with 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_ERROR } else { EXIT_OK });
        }
    };
    let result = match cli.command {
        Command::Check(args) => check::run(check::Options {
            paths: args.paths,
            format: args.format,
            fix: args.fix,
            select: args.select,
            ignore: args.ignore,
            exit_zero: args.exit_zero,
            config: args.config,
            quiet: args.quiet,
            max_file_size: args.max_file_size,
        }),
        Command::Rule { id } => rules_cmd::rule(&id),
        Command::Rules { format } => rules_cmd::rules(format == RulesFormat::Json),
        Command::Server { stdio: _ } => crate::lsp::run(),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
