//! The two sides a diff compares, as `diff` names them, and their release copies.

use toml::{Table, Value};

use super::model::{RecordDiff, MATCH_KEY};
use crate::release::Audience;
use crate::session::Session;

/// Give every list item (at any depth) the fingerprint of its identity as the record has it
/// (`id`, else `name`, else its first string), before a release copy withholds it.
fn fingerprint_items(t: &mut Table) {
    use sha2::{Digest, Sha256};
    for (_, v) in t.iter_mut() {
        match v {
            Value::Array(items) => {
                for item in items.iter_mut() {
                    if let Value::Table(it) = item {
                        // The identity's text, marked or not: a name marked since is the
                        // same person.
                        let ident = ["id", "name"]
                            .iter()
                            .find_map(|k| it.get(*k).and_then(Value::as_str))
                            .or_else(|| it.values().find_map(Value::as_str))
                            .map(|s| crate::markup::plain(s).trim().to_string());
                        fingerprint_items(it);
                        if let Some(ident) = ident {
                            let d = Sha256::digest(ident.as_bytes());
                            let hex = crate::digest::hex(&d[..12]);
                            it.insert(MATCH_KEY.into(), Value::String(hex));
                        }
                    }
                }
            }
            Value::Table(inner) => fingerprint_items(inner),
            _ => {}
        }
    }
}

/// Release copies of two versions of a record, for a diff or a summary of it: each withholds
/// whatever *either* version, or `current` (the record as it stands), withholds
/// ([`crate::release::Withholding`]) — a field listed under `[release] redact` or text marked
/// `[[…]]` since is withheld from the older version too. List items carry the fingerprint of
/// their identity, to be matched across versions by it.
pub fn release_copies(old: &Table, new: &Table, current: Option<&Table>) -> (Table, Table) {
    let w = crate::release::Withholding::of([old, new].into_iter().chain(current));
    let copy = |t: &Table| {
        let mut t = t.clone();
        fingerprint_items(&mut t);
        w.copy(&t)
    };
    (copy(old), copy(new))
}

/// Compare record `id` between two revisions as `diff` names them (`None`: the approved
/// submission, else the latest one; and the working tree). A `release` comparison is made on
/// release copies of both sides ([`release_copies`]), each withholding what either side or the
/// record as it stands withholds: no exempt text can reach any printer.
pub fn compare(
    reg: &Session,
    id: &str,
    from: Option<&str>,
    to: Option<&str>,
    audience: Audience,
) -> crate::Result<RecordDiff> {
    crate::register::validate_id(id)?;
    reg.require_record(id)?;
    compare_in(reg, reg.store(), id, from, to, audience)
}

/// [`compare`] through an open store (the site compares thousands of records through one per
/// worker, with its tags and history already read). `id` is a record of `reg`.
pub fn compare_in(
    reg: &crate::register::Register,
    store: &crate::store::Store,
    id: &str,
    from: Option<&str>,
    to: Option<&str>,
    audience: Audience,
) -> crate::Result<RecordDiff> {
    let release = audience.is_release();
    use crate::error::Error;
    use crate::store::history::Side;
    let (from, from_name) = match from {
        Some(r) => crate::revision::resolve(reg, store, id, r)?,
        None => match crate::revision::resolve(reg, store, id, "approved") {
            Ok(side) => side,
            Err(_) => crate::revision::resolve(reg, store, id, "submitted")
                .map_err(|_| Error::from(super::model::Refusal::NeverSubmitted(id.to_string())))?,
        },
    };
    let (to, to_name) = match to {
        Some(r) => crate::revision::resolve(reg, store, id, r)?,
        None => (Side::Worktree, "working tree".to_string()),
    };
    let parse = |side: &Side, name: &str| -> crate::Result<Table> {
        let text = store.record_text(id, side)?;
        let t: Table = toml::from_str(&text).map_err(|e| Error::InvalidRecord {
            what: format!("{id} at {name}"),
            message: e.message().to_string(),
        })?;
        Ok(t)
    };
    let old = parse(&from, &from_name)?;
    let new = parse(&to, &to_name)?;
    let (old, new) = match release {
        true => release_copies(
            &old,
            &new,
            crate::revision::current_record(store, id).as_ref(),
        ),
        false => (old, new),
    };
    let form_id = new
        .get("form")
        .or(old.get("form"))
        .and_then(|v| v.as_str())
        .unwrap_or("");
    let form = reg.forms.get(form_id).ok_or_else(|| Error::NoForm {
        id: form_id.into(),
        known: reg.forms.ids().join(", "),
    })?;
    Ok(RecordDiff::new(form, id, &from_name, &to_name, &old, &new))
}
