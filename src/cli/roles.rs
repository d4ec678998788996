//! `smout roles`: list and change who may decide, through signed commits.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use smout::roles::{allowed_signers, change, RolesChange};

use super::{CliResult, Env, ReportFormat};

/// List or change the reviewers: who may record determinations, and the keys that prove it
///
/// Every change is a commit made (and, where [roles] require_signatures is set, signed) by a
/// reviewer in force; the first reviewer added is the register's root of trust. `audit`
/// verifies the whole chain.
///
/// Examples:
///   smout roles list
///   smout roles add privacy@example.gov --name "Pat Privacy" --key "$(cat ~/.ssh/id_ed25519.pub)"
///   smout roles rotate-key privacy@example.gov --key "$(ssh-add -L | head -1)"   # a PIV card
///   smout roles remove former.reviewer@example.gov
///   smout roles require-signatures                # an existing register opts in
///   smout roles cosign 3f2a9c1e                   # a second reviewer, where [roles] quorum = 2
///   smout roles export-allowed-signers -o ~/.ssh/cbp-allowed-signers
///   git config gpg.ssh.allowedSignersFile ~/.ssh/cbp-allowed-signers && git log --show-signature
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct RolesArgs {
    #[command(subcommand)]
    pub action: RolesAction,
}

/// What `roles` does.
#[derive(Debug, Subcommand)]
pub enum RolesAction {
    /// List the reviewers in force (from the committed smout.toml) and their key fingerprints
    List {
        /// Output format
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// Add a reviewer
    Add {
        /// The e-mail they commit with
        email: String,
        /// Their name as printed on determinations
        #[arg(long, default_value = "")]
        name: String,
        /// An SSH public key (ed25519, ecdsa-sha2-nistp256/384, rsa); repeatable
        #[arg(long = "key", value_name = "PUBLIC KEY")]
        keys: Vec<String>,
    },
    /// Remove a reviewer: their keys sign nothing from the next commit on
    Remove {
        /// Their e-mail
        email: String,
    },
    /// Replace a reviewer's key (a new card, a lost laptop)
    RotateKey {
        /// Their e-mail
        email: String,
        /// The new SSH public key
        #[arg(long = "key", value_name = "PUBLIC KEY")]
        key: String,
        /// Keep the old key as well
        #[arg(long)]
        keep_old: bool,
    },
    /// Require signed commits and tags from now on (every reviewer needs a key)
    RequireSignatures,
    /// Ask for N reviewer signatures on every later roles change (see cosign)
    Quorum {
        /// How many
        n: u32,
    },
    /// Co-sign a roles change, for registers whose [roles] quorum asks for more than one signature
    Cosign {
        /// The commit that changed [roles]
        commit: String,
    },
    /// Write git's allowed_signers file, so `git log --show-signature` verifies smout's commits
    ExportAllowedSigners {
        /// Output file (default: stdout)
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// Run `smout roles`.
pub fn run(env: &Env, args: RolesArgs, out: &mut dyn Write) -> CliResult {
    let reg = env.session()?;
    let ch = match args.action {
        RolesAction::List { format } => {
            let listing = smout::roles::listing(&reg)?;
            match format {
                ReportFormat::Json => smout::print::json(out, &env.printer(), &listing)?,
                ReportFormat::Text => smout::print::roles_text(out, &env.printer(), &listing)?,
            }
            return Ok(ExitCode::SUCCESS);
        }
        RolesAction::ExportAllowedSigners { output } => {
            let text = allowed_signers(&reg)?;
            match output {
                Some(p) => {
                    reg.store().write_output(&p, text.as_bytes())?;
                    if !env.quiet {
                        eprintln!("wrote {}", p.display());
                    }
                }
                None => out.write_all(text.as_bytes())?,
            }
            return Ok(ExitCode::SUCCESS);
        }
        RolesAction::Add { email, name, keys } => RolesChange::Add { email, name, keys },
        RolesAction::Remove { email } => RolesChange::Remove { email },
        RolesAction::RotateKey {
            email,
            key,
            keep_old,
        } => RolesChange::RotateKey {
            email,
            key,
            keep_old,
        },
        RolesAction::RequireSignatures => RolesChange::RequireSignatures,
        RolesAction::Quorum { n } => RolesChange::Quorum(n),
        RolesAction::Cosign { commit } => {
            let tag = smout::roles::cosign(&reg, &commit, &mut |m| eprintln!("{m}"))?;
            if !env.quiet {
                writeln!(out, "co-signed: tag {tag}")?;
            }
            return Ok(ExitCode::SUCCESS);
        }
    };
    let done = change(&reg, ch, &mut |m| eprintln!("{m}"))?;
    if !env.quiet {
        writeln!(out, "committed {done}")?;
    }
    Ok(ExitCode::SUCCESS)
}
