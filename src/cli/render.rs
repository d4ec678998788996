//! `smout render`: a record as PDF, HTML or Markdown; one record, a past revision, or all.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::{Args, ValueEnum};

use smout::determination::Determinations;
use smout::error::Error;
use smout::register::{validate_id, Register, DETERMINATIONS_FILE, RECORD_FILE};
use smout::render::{build_view, render, Format, RenderOptions, Source, Templates};

use super::{CliResult, Env};

/// Render a record as the PDF a Privacy Officer receives (or HTML, Markdown)
///
/// The PDF reads like the DHS template: its headings and question wording, ☒/☐ answers, the
/// Privacy Office determination page, "Page N of M" and the register's marking banner.
/// Output is reproducible: set SOURCE_DATE_EPOCH to fix the timestamp.
///
/// --release makes the FOIA release copy: text marked [[b6 …: …]] and fields listed under
/// [release] redact are removed (not covered) and replaced by their exemption label in a box.
///
/// Examples:
///   smout render cbp-fld                       # cbp-fld.pdf in the current folder
///   smout render cbp-fld --release -o fld-foia.pdf
///   smout render cbp-fld --rev submission/1 --format html -o -
///   smout render --all -o out/                 # every record, in parallel
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct RenderArgs {
    /// The record's id
    #[arg(required_unless_present = "all")]
    pub id: Option<String>,

    /// Render every record of the register (into the folder given by -o, default: .)
    #[arg(long, conflicts_with_all = ["id", "rev", "context"])]
    pub all: bool,

    /// Output file (`-` for stdout); default <id>.<format>
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = OutFormat::Pdf)]
    pub format: OutFormat,

    /// Render the record as it was at a revision: a commit, tag, branch or submission/N
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,

    /// Make the FOIA release copy, with exempt text removed
    #[arg(long)]
    pub release: bool,

    /// Print the JSON the templates see instead of rendering
    #[arg(long)]
    pub context: bool,
}

/// Output formats of `render`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OutFormat {
    /// PDF
    Pdf,
    /// A standalone HTML page
    Html,
    /// Markdown
    Md,
}

impl OutFormat {
    fn format(self) -> Format {
        match self {
            OutFormat::Pdf => Format::Pdf,
            OutFormat::Html => Format::Html,
            OutFormat::Md => Format::Md,
        }
    }
}

/// The timestamp stamped into renderings: SOURCE_DATE_EPOCH, else now.
pub fn timestamp() -> i64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| chrono::Utc::now().timestamp())
}

/// Write `bytes` to `path` through a temporary file, so a failure never leaves half a file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.smout-tmp"));
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

/// Run `smout render`.
pub fn run(env: &Env, args: RenderArgs, out: &mut dyn Write) -> CliResult {
    let reg = env.register()?;
    let templates = Templates::load(Some(&reg.root.join("templates")))?;
    let opts = RenderOptions {
        release: args.release,
        timestamp: timestamp(),
    };
    let format = args.format.format();
    if args.all {
        return render_all(env, &reg, &templates, &opts, format, args.output.as_deref());
    }
    let id = args.id.clone().unwrap_or_default();
    validate_id(&id)?;
    let (text, dets, origin) = match &args.rev {
        None => {
            let dir = reg.record_dir(&id);
            let path = dir.join(RECORD_FILE);
            if !dir.exists() {
                return Err(Error::NoRecord(id).into());
            }
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            let dets = Determinations::load(&dir.join(DETERMINATIONS_FILE))?;
            (text, dets, Register::record_rel(&id))
        }
        Some(rev) => {
            let repo = smout::store::git::open(&reg.root)?;
            let commit = smout::store::git::resolve_commit(&repo, &id, rev)?;
            let path = smout::store::git::repo_path(&repo, &reg.root, &Register::record_rel(&id))?;
            let text = smout::store::git::read_at(&repo, &commit, &path)?
                .ok_or_else(|| Error::Git(format!("record {id} did not exist at {rev}")))?;
            let dpath = smout::store::git::repo_path(
                &repo,
                &reg.root,
                &format!("records/{id}/{DETERMINATIONS_FILE}"),
            )?;
            let dets = match smout::store::git::read_at(&repo, &commit, &dpath)? {
                Some(t) => Determinations::parse(&t, Path::new(&dpath))?,
                None => Determinations::default(),
            };
            (
                text,
                dets,
                format!("{} at {rev}", Register::record_rel(&id)),
            )
        }
    };
    let src = Source {
        id: &id,
        text: &text,
        determinations: &dets,
        origin,
    };
    if args.context {
        let view = build_view(&reg, &src, &opts)?;
        serde_json::to_writer_pretty(&mut *out, &view).map_err(std::io::Error::from)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let bytes = render(&reg, &templates, &src, format, &opts)?;
    let target = args.output.clone().unwrap_or_else(|| {
        let suffix = if args.release { "-release" } else { "" };
        PathBuf::from(format!("{id}{suffix}.{}", format.ext()))
    });
    if target.as_os_str() == "-" {
        out.write_all(&bytes)?;
    } else {
        write_atomic(&target, &bytes)?;
        if !env.quiet {
            eprintln!("wrote {} ({} bytes)", target.display(), bytes.len());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn render_all(
    env: &Env,
    reg: &Register,
    templates: &Templates,
    opts: &RenderOptions,
    format: Format,
    dir: Option<&Path>,
) -> CliResult {
    let dir = dir
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let ids = reg.record_ids()?;
    let done = AtomicUsize::new(0);
    let progress = std::io::stderr().is_terminal() && !env.quiet;
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .max(1);
    let next = AtomicUsize::new(0);
    let failures: Vec<(String, Error)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut failed = Vec::new();
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(id) = ids.get(k) else { break };
                        if let Err(e) = render_one(reg, templates, opts, format, &dir, id) {
                            failed.push((id.clone(), e));
                        }
                        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                        if progress && (n.is_multiple_of(10) || n == ids.len()) {
                            eprint!("\rrendering {n}/{}", ids.len());
                        }
                    }
                    failed
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    if progress {
        eprintln!();
    }
    for (id, e) in &failures {
        eprintln!("error: {id}: {e}");
    }
    if !env.quiet {
        eprintln!(
            "rendered {} of {} records into {}",
            ids.len() - failures.len(),
            ids.len(),
            dir.display()
        );
    }
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

fn render_one(
    reg: &Register,
    templates: &Templates,
    opts: &RenderOptions,
    format: Format,
    dir: &Path,
    id: &str,
) -> Result<(), Error> {
    let rdir = reg.record_dir(id);
    let path = rdir.join(RECORD_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let dets = Determinations::load(&rdir.join(DETERMINATIONS_FILE))?;
    let src = Source {
        id,
        text: &text,
        determinations: &dets,
        origin: Register::record_rel(id),
    };
    let bytes = render(reg, templates, &src, format, opts)?;
    let suffix = if opts.release { "-release" } else { "" };
    write_atomic(&dir.join(format!("{id}{suffix}.{}", format.ext())), &bytes)
}
