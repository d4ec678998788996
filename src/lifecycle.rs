//! The end of a record's life, kept in history: a drafter *withdraws* a record that is not
//! approved (a draft, a submission awaiting or refused a determination), a program *retires* a
//! use that was approved. Each is an empty commit saying why, tagged
//! `smout/<id>/withdrawal/<n>` or `smout/<id>/retirement/<n>` where `n` is the submission it
//! ends (0 for a draft never submitted). The record stays in the register and in every report,
//! out of the due lists; a new submission reopens it.

use chrono::NaiveDate;

use crate::error::Result;
use crate::session::Session;
use crate::status::{register_status, Status};
use crate::store::{tag_name, Change, Oid, TagKind};

/// Withdraw or retire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The drafter withdraws a record that is not approved.
    Withdraw,
    /// An approved use ends.
    Retire,
}

impl End {
    fn verb(self) -> &'static str {
        match self {
            End::Withdraw => "withdraw",
            End::Retire => "retire",
        }
    }

    fn tag_kind(self) -> TagKind {
        match self {
            End::Withdraw => TagKind::Withdrawal,
            End::Retire => TagKind::Retirement,
        }
    }
}

/// Why a withdrawal or retirement is refused. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// No reason given.
    #[error("say why: --reason \"…\" (it is kept in the register's history)")]
    NoReason,
    /// Withdrawing an approved use.
    #[error("{id} is {status}: an approved use is not withdrawn but retired (`smout retire {id} --reason \"…\"`)")]
    Approved {
        /// The record.
        id: String,
        /// Its status.
        status: Status,
    },
    /// Retiring a use that was never approved.
    #[error("{id} is {status}, never approved: a use that was not approved is withdrawn (`smout withdraw {id} --reason \"…\"`)")]
    NotApproved {
        /// The record.
        id: String,
        /// Its status.
        status: Status,
    },
    /// Ending it twice.
    #[error("{id} is {status} already; a new submission (`smout submit {id}`) reopens it")]
    AlreadyEnded {
        /// The record.
        id: String,
        /// Its status.
        status: Status,
    },
}

crate::error::refusal!(Refusal);

/// What was done.
#[derive(Debug, Clone)]
pub struct Ended {
    /// The tag made.
    pub tag: String,
    /// The commit.
    pub commit: Oid,
}

/// Withdraw or retire record `id` for `reason`, judged by its status from committed history as
/// of `today`.
pub fn end(
    reg: &Session,
    id: &str,
    how: End,
    reason: &str,
    today: NaiveDate,
    note: &mut dyn FnMut(String),
) -> Result<Ended> {
    crate::register::validate_id(id)?;
    reg.require_record(id)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Refusal::NoReason.into());
    }
    let tx = reg.start(&format!("{} {id}", how.verb()), note)?;
    let st = register_status(
        reg,
        &[id.to_string()],
        today,
        crate::release::Audience::Internal,
    )?
    .into_iter()
    .next()
    .ok_or_else(|| reg.no_record(id))?;
    let refusal = match (how, st.status) {
        (_, s @ (Status::Withdrawn | Status::Retired)) => Some(Refusal::AlreadyEnded {
            id: id.into(),
            status: s,
        }),
        (
            End::Withdraw,
            s @ (Status::Approved | Status::Due | Status::Expired | Status::Changed),
        ) => Some(Refusal::Approved {
            id: id.into(),
            status: s,
        }),
        (
            End::Retire,
            s @ (Status::Draft
            | Status::Submitted
            | Status::NotYetMet
            | Status::NotAuthorized
            | Status::Appealed),
        ) => Some(Refusal::NotApproved {
            id: id.into(),
            status: s,
        }),
        _ => None,
    };
    if let Some(r) = refusal {
        return Err(r.into());
    }
    let n = st.submission.unwrap_or(0);
    let tag = tag_name(id, how.tag_kind(), n);
    let done = tx.commit(Change {
        what: format!("{} {id}", how.verb()),
        files: Vec::new(),
        message: format!(
            "{} {id}: {reason}\n\nsmout-{}: {id}/{n}\n",
            how.verb(),
            how.tag_kind().word()
        ),
        tag: Some((tag.clone(), reason.to_string())),
    })?;
    Ok(Ended {
        tag,
        commit: done.commit,
    })
}
