//! Making new things in a register: the register itself (`init`) and a new record (`new`).
//! Both check everything before they write anything, and commit through the store, so a refusal
//! leaves no half-made register or record behind.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::form::Form;
use crate::register::{Register, RECORDS_DIR, SETTINGS_FILE};
use crate::session::Session;
use crate::store::{Change, FileChange, Store};

/// Where renderings go by default; `init` tells git to ignore it.
pub use crate::store::RENDERS_DIR;

/// The settings file written by `init`.
pub fn settings_text(name: &str, signed: bool) -> String {
    format!(
        r#"# smout register settings. See `smout --help` and the README.
name = {name}

[review]
period = "3y"        # default review period when a form does not set one
warn = "90d"         # show approvals as due this long before their review date

[roles]
# Who may record determinations. Change it with `smout roles add|remove|rotate-key`, never by
# hand: each change is a commit a reviewer in force makes (and signs), which `smout audit`
# verifies. The first reviewer added is the register's root of trust.
require_signatures = {signed}
reviewers = []

[markings]
banner = "FOR OFFICIAL USE ONLY"     # printed top and bottom of internal renderings
# release_banner = "RELEASED UNDER FOIA"   # banner of `render --release` copies (none if unset)
"#,
        name = toml::Value::String(name.to_string()),
    )
}

/// What `init` did.
#[derive(Debug, Clone)]
pub struct Initialized {
    /// The register's folder.
    pub dir: PathBuf,
    /// Whether a new git repository was made.
    pub created_repo: bool,
}

/// Create a register named `name` in `dir`: `smout.toml`, `records/`, a `.gitignore` that
/// keeps `renders/` out of git, a git repository when `dir` is not in one, and — unless
/// `commit` is false — a first commit. Refuses, creating nothing, when `dir` is a register
/// already, holds other files (unless `force`), or git does not know who is committing.
pub fn init(
    dir: &Path,
    name: &str,
    commit: bool,
    force: bool,
    signed: bool,
) -> Result<Initialized> {
    if dir.join(SETTINGS_FILE).exists() {
        return Err(Refusal::IsARegister(dir.join(SETTINGS_FILE)).into());
    }
    if !force {
        if let Ok(entries) = crate::store::fs::list_dir(dir) {
            let mut others: Vec<String> = entries
                .into_iter()
                .filter_map(|(p, _)| Some(p.file_name()?.to_string_lossy().into_owned()))
                .filter(|n| n != ".git")
                .collect();
            others.sort();
            if !others.is_empty() {
                return Err(Refusal::NotEmpty {
                    dir: dir.to_path_buf(),
                    holds: others,
                }
                .into());
            }
        }
    }
    let in_repo = crate::store::git::prepare_init(dir, commit, signed)?;
    let existed = dir.exists();
    let made = Made {
        dir,
        existed,
        repo: !in_repo,
    };
    let done = make_register(dir, name, commit, signed, !in_repo);
    if done.is_err() {
        made.undo();
    }
    done
}

/// What `init` created, so that a failed `init` leaves the folder as it found it ("smout
/// changed nothing" is then true): the folder itself when it was new, else the repository and
/// Why `init` makes no register here (nothing was made).
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// The folder holds a register's settings already.
    #[error("{} exists already: this is a register", .0.display())]
    IsARegister(PathBuf),
    /// The folder holds files (their names; `.git` aside).
    #[error("{} is not empty ({}{}); smout makes a register in a new or empty folder. Pass --force to make this folder a register anyway", .dir.display(), .holds.iter().take(3).cloned().collect::<Vec<_>>().join(", "), if .holds.len() > 3 { ", …" } else { "" })]
    NotEmpty {
        /// The folder.
        dir: PathBuf,
        /// What it holds.
        holds: Vec<String>,
    },
}

crate::error::refusal!(Refusal);

/// `records/` it made in it.
struct Made<'a> {
    dir: &'a Path,
    existed: bool,
    repo: bool,
}

impl Made<'_> {
    fn undo(&self) {
        if !self.existed {
            let _ = std::fs::remove_dir_all(self.dir);
            return;
        }
        let _ = std::fs::remove_dir(self.dir.join(RECORDS_DIR));
        if self.repo {
            let _ = std::fs::remove_dir_all(self.dir.join(".git"));
        }
    }
}

fn make_register(
    dir: &Path,
    name: &str,
    commit: bool,
    signed: bool,
    created_repo: bool,
) -> Result<Initialized> {
    std::fs::create_dir_all(dir.join(RECORDS_DIR)).map_err(|e| Error::io(dir, e))?;
    if created_repo {
        crate::store::git::create_repository(dir)?;
    }
    let store = Store::open(dir)?;
    let files = vec![
        FileChange {
            rel: SETTINGS_FILE.into(),
            bytes: Some(settings_text(name, signed).into_bytes()),
        },
        FileChange {
            rel: ".gitignore".into(),
            bytes: Some(
                format!("# renderings: made from the records, never committed\n/{RENDERS_DIR}/\n# the site (`smout site -o public`) and code-scanning results, made by the pipeline\n/public/\n/smout.sarif\n")
                    .into_bytes(),
            ),
        },
    ];
    if commit {
        let lock = store.lock("init", &mut |_| {})?;
        store.commit(
            &lock,
            Change {
                what: "init".into(),
                files,
                message: format!("init: create register \"{name}\""),
                tag: None,
            },
        )?;
    } else {
        for f in files {
            if let Some(b) = f.bytes {
                store.write(&f.rel, &b)?;
            }
        }
    }
    Ok(Initialized {
        dir: store.root().to_path_buf(),
        created_repo,
    })
}

/// Start record `id` from the skeleton of `form` (every question as a comment), and commit it
/// unless `commit` is false.
/// `note` hears what the user should be told on the way (waiting for the lock).
pub fn new_record(
    reg: &Session,
    form: &Form,
    id: &str,
    title: &str,
    commit: bool,
    note: &mut dyn FnMut(String),
) -> Result<String> {
    crate::register::validate_id(id)?;
    let rel = Register::record_rel(id);
    let store = reg.store();
    let text = crate::skeleton::skeleton(form, title);
    // The skeleton's `#:schema` line names schemas/<form>.json: written with the first record
    // of a form, so an editor (taplo, VS Code) completes and checks from the first keystroke.
    let schema_rel = format!("schemas/{}.json", form.id);
    let schema = match store.read_text(&schema_rel, crate::store::fs::MAX_TEXT_BYTES)? {
        Some(_) => None,
        None => Some(FileChange {
            rel: schema_rel,
            bytes: Some(format!("{:#}\n", crate::schema::json_schema(form)).into_bytes()),
        }),
    };
    if !commit {
        if reg.record_dir(id).exists() {
            return Err(Error::RecordExists(id.to_string()));
        }
        store.write(&rel, text.as_bytes())?;
        if let Some(FileChange {
            rel,
            bytes: Some(b),
        }) = &schema
        {
            store.write(rel, b)?;
        }
        return Ok(rel);
    }
    let tx = reg.start(&format!("new {id}"), note)?;
    store.identity()?;
    if reg.record_dir(id).exists() {
        return Err(Error::RecordExists(id.to_string()));
    }
    tx.commit(Change {
        what: format!("new {id}"),
        files: std::iter::once(FileChange {
            rel: rel.clone(),
            bytes: Some(text.into_bytes()),
        })
        .chain(schema)
        .collect(),
        message: format!("new {id}: start a {} record", form.short_title),
        tag: None,
    })?;
    Ok(rel)
}
