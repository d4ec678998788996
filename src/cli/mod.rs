//! The command line: argument parsing (clap derive) and dispatch. Each subcommand lives in its
//! own file with its `Args` (whose doc comment is its `--help`) and its `run` function; the work
//! itself is done by the library.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use smout::error::{Error, Result};
use smout::register::Register;

mod audit;
mod check;
mod ci;
mod completions;
mod determine;
mod diff;
mod forms;
mod import;
mod init;
mod log;
mod new;
mod render;
mod report;
mod retire;
mod roles;
mod schema;
mod site;
mod status;
mod submit;
mod term;
mod withdraw;

/// Privacy compliance paperwork for DHS operational use of social media.
///
/// smout keeps each filing (a SMOUT, a PII disclosure request …) as a TOML record in a git
/// repository (a register), checks it against the form it fills, and tells drafters exactly
/// what to fix.
///
/// Exit codes: 0 ok · 1 findings (check errors, audit findings, changes with
/// `diff --exit-code`, a submission refused for check errors) · 2 usage, I/O or git error, or a
/// refused change (nothing was changed).
#[derive(Debug, Parser)]
#[command(
    name = "smout",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Run as if started in <REGISTER> (the register is found from there upwards)
    #[arg(
        short = 'C',
        global = true,
        value_name = "REGISTER",
        help_heading = "Global options"
    )]
    pub register: Option<PathBuf>,

    /// Colour in text output and messages: auto (on a terminal, unless NO_COLOR is set or
    /// TERM=dumb; CLICOLOR_FORCE forces it), always, never
    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t = ColorChoice::Auto,
        help_heading = "Global options",
        hide_possible_values = true
    )]
    pub color: ColorChoice,

    /// Print only findings and errors, no summary lines
    #[arg(short, long, global = true, help_heading = "Global options")]
    pub quiet: bool,

    /// Treat this date as today (YYYY-MM-DD) for date rules; default: the SMOUT_TODAY
    /// environment variable, else the system date
    #[arg(
        long,
        global = true,
        value_name = "DATE",
        env = "SMOUT_TODAY",
        hide_env = true,
        help_heading = "Global options"
    )]
    pub today: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set or TERM=dumb; CLICOLOR_FORCE forces it
    Auto,
    /// Always
    Always,
    /// Never
    Never,
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// For people
    Text,
    /// For programs
    Json,
}

/// The subcommands. Each one's help is the doc comment of its `Args` struct (in its own file),
/// so the variants carry none: a doc comment here would replace the command's examples.
#[derive(Debug, Subcommand)]
pub enum Command {
    Init(init::InitArgs),
    New(new::NewArgs),
    Import(import::ImportArgs),
    Check(check::CheckArgs),
    Render(render::RenderArgs),
    Submit(submit::SubmitArgs),
    Withdraw(withdraw::WithdrawArgs),
    Retire(retire::RetireArgs),
    Diff(diff::DiffArgs),
    Log(log::LogArgs),
    Determine(determine::DetermineArgs),
    Appeal(determine::AppealArgs),
    Status(status::StatusArgs),
    Report(report::ReportArgs),
    Audit(audit::AuditArgs),
    Ci(ci::CiArgs),
    Site(site::SiteArgs),
    Roles(roles::RolesArgs),
    Schema(schema::SchemaArgs),
    Forms(forms::FormsArgs),
    Completions(completions::CompletionsArgs),
}

/// What every command gets besides its own arguments.
pub struct Env {
    /// `-C`, or the current directory.
    pub start: PathBuf,
    /// Colour on stdout.
    pub color: bool,
    /// Stdout is a terminal: tables may be clipped to fit (never in a pipe or a file).
    pub terminal: bool,
    /// `-q`.
    pub quiet: bool,
    /// Today.
    pub today: NaiveDate,
}

impl Env {
    /// The register found from `-C` or the current directory: settings and forms only (for
    /// the commands that read no history).
    pub fn register(&self) -> Result<Register> {
        Register::discover(&self.start)
    }

    /// The register found from `-C` or the current directory, opened — its one repository
    /// handle for this command.
    pub fn session(&self) -> Result<smout::session::Session> {
        smout::session::Session::discover(&self.start)
    }

    /// How this command prints.
    pub fn printer(&self) -> smout::print::Printer {
        smout::print::Printer {
            color: self.color,
            quiet: self.quiet,
            clip: self.terminal,
        }
    }

    /// What the user should be told on the way (waiting for the lock, an interrupted change
    /// finished), on stderr.
    pub fn note(&self) -> impl FnMut(String) {
        |m| eprintln!("{m}")
    }
}

/// Parse, dispatch, and map the outcome to an exit code.
pub fn main() -> ExitCode {
    // `COMPLETE=bash smout` prints the shell's hook; the hook calls smout back while you type.
    clap_complete::CompleteEnv::with_factory(<Cli as clap::CommandFactory>::command).complete();
    let cli = parse();
    let start = cli.register.clone().unwrap_or_else(|| PathBuf::from("."));
    let terminal = std::io::stdout().is_terminal();
    let color = term::color_on_here(cli.color, terminal);
    // Errors and hints: the same rules, for stderr. Styles are written always and stripped
    // here when colour is off. (Stdout is never stripped: it carries PDFs and data byte for
    // byte, and its printers style only when `color`.)
    let err_color = term::color_on_here(cli.color, std::io::stderr().is_terminal());
    let mut err = stderr(err_color);
    let env = Env {
        start,
        color,
        terminal,
        quiet: cli.quiet,
        today: match parse_today(cli.today.as_deref()) {
            Ok(d) => d,
            // Commands that read no dates work whatever the setting says.
            Err(_)
                if matches!(
                    cli.command,
                    Command::Forms(_) | Command::Schema(_) | Command::Completions(_)
                ) =>
            {
                chrono::Local::now().date_naive()
            }
            Err(e) => {
                print_error(
                    &mut err,
                    &e,
                    &[],
                    Some("write the date as YYYY-MM-DD (e.g. 2026-02-28), or unset SMOUT_TODAY to use the system date"),
                );
                return ExitCode::from(2);
            }
        },
    };
    if std::io::stderr().is_terminal() && !cli.quiet {
        smout::store::pathindex::on_progress(|done, total| {
            if done < total {
                eprint!("\rindexing history: {done}/{total} commits");
            } else {
                eprint!("\r\x1b[2K");
            }
        });
    }
    let mut out = std::io::stdout().lock();
    let result = match cli.command {
        Command::Init(a) => init::run(&env, a, &mut out),
        Command::New(a) => new::run(&env, a, &mut out),
        Command::Import(a) => import::run(&env, a, &mut out),
        Command::Check(a) => check::run(&env, a, &mut out),
        Command::Render(a) => render::run(&env, a, &mut out),
        Command::Submit(a) => submit::run(&env, a, &mut out),
        Command::Withdraw(a) => withdraw::run(&env, a, &mut out),
        Command::Retire(a) => retire::run(&env, a, &mut out),
        Command::Diff(a) => diff::run(&env, a, &mut out),
        Command::Log(a) => log::run(&env, a, &mut out),
        Command::Determine(a) => determine::run(&env, a, &mut out),
        Command::Appeal(a) => determine::run_appeal(&env, a, &mut out),
        Command::Status(a) => status::run(&env, a, &mut out),
        Command::Report(a) => report::run(&env, a, &mut out),
        Command::Audit(a) => audit::run(&env, a, &mut out),
        Command::Ci(a) => ci::run(&env, a, &mut out),
        Command::Site(a) => site::run(&env, a, &mut out),
        Command::Roles(a) => roles::run(&env, a, &mut out),
        Command::Schema(a) => schema::run(&env, a, &mut out),
        Command::Forms(a) => forms::run(&env, a, &mut out),
        Command::Completions(a) => completions::run(a, &mut out),
    };
    let _ = out.flush();
    match result {
        Ok(code) => code,
        Err(CliError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            // The `Caused by:` chain, less what the first line already says.
            let top = e.to_string();
            let mut chain = Vec::new();
            let mut cause = std::error::Error::source(&e);
            while let Some(c) = cause {
                let text = c.to_string();
                if !top.contains(&text) {
                    chain.push(text);
                }
                cause = c.source();
            }
            let hint = match &e {
                CliError::Smout(e) => e.hint(),
                CliError::Io(_) => None,
            };
            print_error(&mut err, &top, &chain, hint.as_deref());
            ExitCode::from(2)
        }
    }
}

/// The command line, parsed. clap's own help and usage errors follow `--color` and the
/// environment as the rest of the output does (clap alone would colour them whatever
/// `--color` says, and for any CLICOLOR_FORCE, `0` too).
fn parse() -> Cli {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let flag = term::color_flag(&args);
    let clap_color = |is_terminal: bool| {
        if term::color_on_here(flag, is_terminal) {
            clap::ColorChoice::Always
        } else {
            clap::ColorChoice::Never
        }
    };
    let mut cmd = Cli::command().color(clap_color(std::io::stderr().is_terminal()));
    let parsed = cmd
        .try_get_matches_from_mut(&args)
        .and_then(|m| Cli::from_arg_matches(&m));
    match parsed {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout: coloured as stdout is.
            let e = if e.use_stderr() {
                e
            } else {
                let mut cmd = cmd.color(clap_color(std::io::stdout().is_terminal()));
                e.format(&mut cmd)
            };
            e.exit()
        }
    }
}

/// Stderr, its styles stripped unless `color`.
fn stderr(color: bool) -> anstream::AutoStream<std::io::Stderr> {
    let choice = if color {
        anstream::ColorChoice::Always
    } else {
        anstream::ColorChoice::Never
    };
    anstream::AutoStream::new(std::io::stderr(), choice)
}

/// An error on stderr: `error: …`, the causes it does not already say, and what to do.
fn print_error(err: &mut dyn Write, message: &str, causes: &[String], hint: Option<&str>) {
    use smout::style::{BOLD, ERROR};
    let _ = writeln!(err, "{ERROR}error{ERROR:#}{BOLD}: {message}{BOLD:#}");
    if !causes.is_empty() {
        let _ = writeln!(err, "Caused by:");
        for c in causes {
            let _ = writeln!(err, "    {c}");
        }
    }
    if let Some(h) = hint {
        let _ = writeln!(err, "{BOLD}hint{BOLD:#}: {h}");
    }
}

/// `--today` / `SMOUT_TODAY`, or the system date.
fn parse_today(s: Option<&str>) -> std::result::Result<NaiveDate, String> {
    let Some(s) = s.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(chrono::Local::now().date_naive());
    };
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        let looks_like_date = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
        if looks_like_date {
            format!("--today / SMOUT_TODAY `{s}` is not a day of the calendar")
        } else {
            format!("--today / SMOUT_TODAY `{s}` is not a date")
        }
    })
}

/// An error as the CLI sees it: the library's, or a failed write to stdout.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// From the library.
    #[error(transparent)]
    Smout(#[from] Error),
    /// Writing output failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// What a command returns.
pub type CliResult = std::result::Result<ExitCode, CliError>;

/// Exit code 1: findings.
pub fn findings() -> ExitCode {
    ExitCode::from(1)
}
