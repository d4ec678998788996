//! `smout roles`: who may decide, changed only through commits that a reviewer in force makes
//! (and, in a signed register, signs), so that nobody edits `[roles]` by hand and `audit` can
//! follow the chain of trust from the root. Also writes git's `allowed_signers`, so plain
//! `git log --show-signature` verifies the same commits.

use std::path::Path;

use toml_edit::{value, Array, ArrayOfTables, DocumentMut, Item, Table};

use crate::error::{Error, Result};
use crate::register::{Reviewer, Roles, Settings, SETTINGS_FILE};
use crate::session::Session;
use crate::store::sign;
use crate::store::{Change, FileChange};

/// A change of `[roles]`.
#[derive(Debug, Clone)]
pub enum RolesChange {
    /// Add a reviewer with a name and keys.
    Add {
        /// E-mail (the git author e-mail they commit with).
        email: String,
        /// Name as printed.
        name: String,
        /// SSH public keys.
        keys: Vec<String>,
    },
    /// Remove a reviewer (their keys sign nothing from then on).
    Remove {
        /// E-mail.
        email: String,
    },
    /// Replace a reviewer's keys by a new one (or add it, keeping the old).
    RotateKey {
        /// E-mail.
        email: String,
        /// The new public key.
        key: String,
        /// Keep the old keys too.
        keep_old: bool,
    },
    /// Turn signatures on for an existing register.
    RequireSignatures,
    /// How many reviewers in force must sign a roles change.
    Quorum(u32),
}

/// Who decides, as `roles list` shows it (fields in the order the JSON prints them).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Listing {
    /// How many reviewers in force must sign a roles change.
    pub quorum: u32,
    /// Whether every commit must be signed.
    pub require_signatures: bool,
    /// The reviewers.
    pub reviewers: Vec<Listed>,
}

/// One reviewer of a [`Listing`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct Listed {
    /// Their e-mail (git's author e-mail).
    pub email: String,
    /// Their keys' fingerprints (or why a key does not read).
    pub keys: Vec<String>,
    /// Their name.
    pub name: String,
}

/// The reviewers in force (the committed `[roles]`), with their keys' fingerprints.
pub fn listing(reg: &Session) -> Result<Listing> {
    let roles = in_force(reg)?;
    let reviewers = roles
        .list()
        .into_iter()
        .map(|r| Listed {
            keys: r
                .keys
                .iter()
                .map(|k| match sign::parse_public(k) {
                    Ok(p) => p.fingerprint,
                    Err(e) => format!("invalid: {e}"),
                })
                .collect(),
            email: r.email,
            name: r.name,
        })
        .collect();
    Ok(Listing {
        quorum: roles.quorum,
        require_signatures: roles.require_signatures,
        reviewers,
    })
}

/// The roles in force: the committed `smout.toml`'s.
pub fn in_force(reg: &Session) -> Result<Roles> {
    let store = reg.store();
    let text = store.read_committed(SETTINGS_FILE)?.unwrap_or_default();
    Ok(Settings::parse(&text, Path::new(SETTINGS_FILE))?.roles)
}

/// Why a roles change is refused. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// `smout.toml` was never committed.
    #[error("{SETTINGS_FILE} is not committed yet; commit it first")]
    NotCommitted,
    /// `smout.toml` has uncommitted changes.
    #[error("{SETTINGS_FILE} has uncommitted changes; commit or discard them first (smout changes roles only from the committed file)")]
    Edited,
    /// The git identity is not a reviewer in force.
    #[error("{me} is not a reviewer in force, so it cannot change who decides; reviewers: {}", .reviewers.join(", "))]
    NotReviewer {
        /// Who tried.
        me: String,
        /// The reviewers in force.
        reviewers: Vec<String>,
    },
    /// Not an e-mail address.
    #[error("`{0}` is not an e-mail address")]
    NotAnEmail(String),
    /// Adding a reviewer twice.
    #[error("{0} is a reviewer already; `smout roles rotate-key` changes their key")]
    AlreadyReviewer(String),
    /// Changing someone who is not a reviewer.
    #[error("{0} is not a reviewer")]
    NoSuchReviewer(String),
    /// A signed register's reviewer without a key.
    #[error(
        "this register requires signatures: a reviewer needs a key (--key \"ssh-ed25519 AAAA…\")"
    )]
    NeedsKey,
    /// A key that does not parse.
    #[error("{0}")]
    BadKey(String),
    /// Removing the last reviewer.
    #[error("that is the last reviewer; add their successor first, then remove them")]
    LastReviewer,
    /// A quorum outside 1..=reviewers.
    #[error("a quorum is 1 to the number of reviewers ({0})")]
    BadQuorum(usize),
    /// Requiring signatures twice.
    #[error("this register requires signatures already")]
    AlreadySigned,
    /// Requiring signatures while a reviewer has no key.
    #[error(
        "{0} has no key; give every reviewer a key first (`smout roles rotate-key {0} --key …`)"
    )]
    ReviewerWithoutKey(String),
    /// Co-signing a commit that does not change the roles.
    #[error("commit {0} does not change [roles]; only roles changes are co-signed")]
    NotARolesChange(String),
    /// Co-signing by someone who was not a reviewer before the change.
    #[error("{0} was not a reviewer before that change, so its signature does not count")]
    NotReviewerBefore(String),
    /// `smout.toml` is not the TOML smout can edit.
    #[error("{SETTINGS_FILE} is not valid TOML: {0}")]
    Unreadable(String),
    /// `[roles]` is not a table.
    #[error("[roles] of {SETTINGS_FILE} is not a table")]
    RolesNotATable,
}

crate::error::refusal!(Refusal);

/// Make a roles change as the current git identity. Returns the commit's one-line message.
pub fn change(reg: &Session, ch: RolesChange, note: &mut dyn FnMut(String)) -> Result<String> {
    let store = reg.store();
    let tx = reg.start("roles", note)?;
    let (_, me) = store.identity()?;
    let (committed, edited) = store.read_committed_and_edited(SETTINGS_FILE)?;
    let committed = committed.ok_or(Refusal::NotCommitted)?;
    if edited {
        return Err(Refusal::Edited.into());
    }
    let settings = Settings::parse(&committed, Path::new(SETTINGS_FILE))?;
    let roles = settings.roles;
    let mut list = roles.list();
    if !list.is_empty() && !roles.is_reviewer(&me) {
        return Err(Refusal::NotReviewer {
            me,
            reviewers: roles.emails(),
        }
        .into());
    }
    let find = |list: &[Reviewer], email: &str| {
        list.iter()
            .position(|r| r.email.eq_ignore_ascii_case(email))
    };
    let mut require = roles.require_signatures;
    let summary = match &ch {
        RolesChange::Add { email, name, keys } => {
            if email.trim().is_empty() || !email.contains('@') {
                return Err(Refusal::NotAnEmail(email.clone()).into());
            }
            if find(&list, email).is_some() {
                return Err(Refusal::AlreadyReviewer(email.clone()).into());
            }
            let parsed = parse_keys(keys)?;
            if parsed.is_empty() && require {
                return Err(Refusal::NeedsKey.into());
            }
            list.push(Reviewer {
                email: email.clone(),
                name: name.clone(),
                keys: parsed.iter().map(|p| p.key.clone()).collect(),
            });
            format!("add reviewer {email}{}", fingerprints(&parsed))
        }
        RolesChange::Remove { email } => {
            let Some(i) = find(&list, email) else {
                return Err(Refusal::NoSuchReviewer(email.clone()).into());
            };
            if list.len() == 1 {
                return Err(Refusal::LastReviewer.into());
            }
            list.remove(i);
            format!("remove reviewer {email}")
        }
        RolesChange::RotateKey {
            email,
            key,
            keep_old,
        } => {
            let Some(i) = find(&list, email) else {
                return Err(Refusal::NoSuchReviewer(email.clone()).into());
            };
            let parsed = parse_keys(std::slice::from_ref(key))?;
            if !keep_old {
                list[i].keys.clear();
            }
            list[i].keys.extend(parsed.iter().map(|p| p.key.clone()));
            format!("rotate the key of {email}{}", fingerprints(&parsed))
        }
        RolesChange::Quorum(n) => {
            if *n == 0 || *n as usize > list.len() {
                return Err(Refusal::BadQuorum(list.len()).into());
            }
            format!("quorum {n}")
        }
        RolesChange::RequireSignatures => {
            if require {
                return Err(Refusal::AlreadySigned.into());
            }
            if let Some(r) = list.iter().find(|r| r.keys.is_empty()) {
                return Err(Refusal::ReviewerWithoutKey(r.email.clone()).into());
            }
            require = true;
            "require signatures".to_string()
        }
    };
    let mut quorum = roles.quorum;
    if let RolesChange::Quorum(n) = ch {
        quorum = n;
    }
    let text = write_roles(&committed, &list, require)?;
    let text = set_quorum(&text, quorum)?;
    let message = format!("roles: {summary}\n\nsmout-roles: {summary}\n");
    let done = tx.commit(Change {
        what: "roles".into(),
        files: vec![FileChange {
            rel: SETTINGS_FILE.into(),
            bytes: Some(text.into_bytes()),
        }],
        message,
        tag: None,
    })?;
    // Another reviewer's key changed by someone else counts only with their co-signature or a
    // second reviewer's (the audit says AU013 until then).
    if let RolesChange::RotateKey { email, .. } = &ch {
        if require && list.len() > 1 && !email.eq_ignore_ascii_case(&me) {
            let short = crate::store::history::short(done.commit);
            return Ok(format!(
                "roles: {summary}\nnext: this changes another reviewer's key, so it counts once {email} (with a key in force) or a second reviewer co-signs it: smout roles cosign {short}"
            ));
        }
    }
    Ok(format!("roles: {summary}"))
}

fn parse_keys(keys: &[String]) -> Result<Vec<sign::Signer>> {
    keys.iter()
        .map(|k| sign::parse_public(k).map_err(|e| Refusal::BadKey(e).into()))
        .collect()
}

fn fingerprints(keys: &[sign::Signer]) -> String {
    if keys.is_empty() {
        String::new()
    } else {
        format!(
            " ({})",
            keys.iter()
                .map(|k| k.fingerprint.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// Co-sign the roles change `commit` as the current git identity: a signed tag
/// `smout/roles/cosign/<commit>/<n>`. A roles change counts once `[roles] quorum` reviewers in
/// force before it have signed it — its author by the commit, the others this way.
pub fn cosign(reg: &Session, commit: &str, note: &mut dyn FnMut(String)) -> Result<String> {
    let store = reg.store();
    let lock = reg.hold("roles cosign", note)?;
    let id = store.rev_id(commit).ok_or_else(|| Error::Revision {
        id: "roles".into(),
        spec: commit.to_string(),
        why: "no such commit".into(),
    })?;
    let before = match store.parent(id)? {
        Some(p) => store.read_at(p, SETTINGS_FILE)?.unwrap_or_default(),
        None => String::new(),
    };
    let after = store.read_at(id, SETTINGS_FILE)?.unwrap_or_default();
    let roles_before = Settings::parse(&before, Path::new(SETTINGS_FILE))
        .map(|s| s.roles)
        .unwrap_or_default();
    let roles_after = Settings::parse(&after, Path::new(SETTINGS_FILE))
        .map(|s| s.roles)
        .unwrap_or_default();
    if roles_before == roles_after {
        return Err(Refusal::NotARolesChange(commit.to_string()).into());
    }
    let (_, me) = store.identity()?;
    if !roles_before.is_reviewer(&me) {
        return Err(Refusal::NotReviewerBefore(me).into());
    }
    let mut n = 1;
    while store.has_ref(&format!("refs/tags/{}", crate::store::cosign_tag(id, n))) {
        n += 1;
    }
    let name = crate::store::cosign_tag(id, n);
    store.signed_tag(
        &lock,
        &name,
        id,
        &format!("co-sign roles change {id} ({me})"),
    )?;
    Ok(name)
}

/// `smout.toml` with `[roles] reviewers` rewritten as `[[roles.reviewers]]` tables, keeping
/// every other line, comment and layout as it was.
pub fn write_roles(text: &str, list: &[Reviewer], require: bool) -> Result<String> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| Refusal::Unreadable(e.to_string()))?;
    if doc.get("roles").and_then(Item::as_table).is_none() {
        doc.insert("roles", Item::Table(Table::new()));
    }
    let Some(roles) = doc.get_mut("roles").and_then(Item::as_table_mut) else {
        return Err(Refusal::RolesNotATable.into());
    };
    // A comment above an inline `reviewers = […]`, which becomes tables below, moves up to
    // the first line of `[roles]` rather than vanishing with it.
    let above_reviewers = roles
        .key("reviewers")
        .filter(|_| roles.get("reviewers").is_some_and(Item::is_value))
        .and_then(|k| k.leaf_decor().prefix())
        .and_then(|p| p.as_str())
        .filter(|p| p.contains('#'))
        .map(str::to_string);
    set_keeping_comments(roles, "require_signatures", value(require));
    if let Some(comment) = above_reviewers {
        if let Some(mut k) = roles.key_mut("require_signatures") {
            let before = k
                .leaf_decor()
                .prefix()
                .and_then(|p| p.as_str())
                .unwrap_or("")
                .to_string();
            k.leaf_decor_mut().set_prefix(format!("{comment}{before}"));
        }
    }
    let mut aot = ArrayOfTables::new();
    for r in list {
        let mut t = Table::new();
        t.insert("email", value(r.email.clone()));
        if !r.name.is_empty() {
            t.insert("name", value(r.name.clone()));
        }
        let mut keys = Array::new();
        for k in &r.keys {
            keys.push(k.as_str());
        }
        t.insert("keys", value(keys));
        aot.push(t);
    }
    roles.insert("reviewers", Item::ArrayOfTables(aot));
    Ok(doc.to_string())
}

/// Set `key` of `table` to `new`, keeping the comments around the line it replaces (the
/// guidance `init` writes above `require_signatures`, a note after a value): toml_edit's
/// `insert` replaces the key with its decoration, and with it the comments.
fn set_keeping_comments(table: &mut Table, key: &str, new: Item) {
    match table.get_mut(key) {
        Some(Item::Value(old)) => {
            let decor = old.decor().clone();
            *old = new
                .into_value()
                .unwrap_or_else(|it| it.as_value().cloned().unwrap_or_else(|| false.into()));
            *old.decor_mut() = decor;
        }
        _ => {
            table.insert(key, new);
        }
    }
}

fn set_quorum(text: &str, quorum: u32) -> Result<String> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| Refusal::Unreadable(e.to_string()))?;
    if let Some(roles) = doc.get_mut("roles").and_then(Item::as_table_mut) {
        if quorum == 1 {
            roles.remove("quorum");
        } else {
            set_keeping_comments(roles, "quorum", value(i64::from(quorum)));
        }
    }
    Ok(doc.to_string())
}

/// git's `allowed_signers`: every key any reviewer held in the register's history (a commit
/// signed before a rotation still verifies), one `email namespaces="git" key` line each.
pub fn allowed_signers(reg: &Session) -> Result<String> {
    let store = reg.store();
    let index = store.path_index(false)?;
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut add = |roles: &Roles| {
        for r in roles.list() {
            for k in &r.keys {
                if let Ok(p) = sign::parse_public(k) {
                    let entry = (r.email.clone(), p.key);
                    if !seen.contains(&entry) {
                        seen.push(entry);
                    }
                }
            }
        }
    };
    for e in &index.entries {
        for c in e.changes.iter().filter(|c| c.path == SETTINGS_FILE) {
            if let Some(t) = c.new.and_then(|o| store.blob_text(o).ok()) {
                if let Ok(s) = Settings::parse(&t, Path::new(SETTINGS_FILE)) {
                    add(&s.roles);
                }
            }
        }
    }
    add(&in_force(reg)?);
    Ok(seen
        .into_iter()
        .map(|(email, key)| format!("{email} namespaces=\"git\" {key}\n"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The guidance `init` writes under `[roles]` survives `roles add` (it sits above
    /// `require_signatures`, which every roles change sets).
    #[test]
    fn a_roles_change_keeps_the_comments_init_wrote() {
        let text = crate::create::settings_text("R", true);
        let list = vec![Reviewer {
            email: "a@example.gov".into(),
            name: "A".into(),
            keys: vec![],
        }];
        let out = write_roles(&text, &list, true).unwrap();
        let guidance = text
            .lines()
            .skip_while(|l| *l != "[roles]")
            .skip(1)
            .take_while(|l| l.starts_with('#'))
            .collect::<Vec<_>>();
        assert!(guidance.len() >= 2, "{text}");
        for line in guidance {
            assert!(out.contains(line), "{line:?} lost:\n{out}");
        }
        let out = set_quorum(&out, 2).unwrap();
        let out = set_quorum(&out, 2).unwrap();
        assert!(out.contains("quorum = 2"), "{out}");
    }

    #[test]
    fn rewrites_reviewers_as_tables_keeping_the_rest() {
        let text = "# settings\nname = \"R\"\n\n[roles]\n# who decides\nreviewers = [\"a@example.gov\"]\n\n[markings]\nbanner = \"X\"\n";
        let list = vec![Reviewer {
            email: "a@example.gov".into(),
            name: "A".into(),
            keys: vec![
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB2tBzhmjVOmWj4eUX5wOm3Vd2LeE9Y+VLPdoTTbTmdx"
                    .into(),
            ],
        }];
        let out = write_roles(text, &list, true).unwrap();
        assert!(out.starts_with("# settings\nname = \"R\"\n"), "{out}");
        assert!(out.contains("[roles]\n# who decides\n"), "{out}");
        assert!(out.contains("[markings]\nbanner = \"X\""), "{out}");
        let s = Settings::parse(&out, Path::new("smout.toml")).unwrap();
        assert!(s.roles.require_signatures);
        assert_eq!(s.roles.list(), list);
    }
}
