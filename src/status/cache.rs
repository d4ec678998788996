//! The status cache in `.git/smout/status-v1`: per record its facts and verdicts, and the
//! parsed determinations files by blob id.

use std::collections::HashMap;

use serde::Serialize;

use crate::determination::Determinations;
use crate::store::cache::Stamp;
use crate::store::history::SubmittedParts;

use super::facts::Facts;

/// One record's entry in the status cache.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub(super) struct Cached {
    /// The stamp of `record.toml` the facts were read under.
    pub(super) stamp: Stamp,
    pub(super) facts: Facts,
    /// The materiality verdict against an approved submission: its blob, and whether the
    /// record as stamped differs materially from it.
    pub(super) verdict: Option<(String, bool)>,
    /// The stamp of the working tree's `determinations.toml` and its blob id.
    pub(super) determinations: Option<(Stamp, String)>,
}

/// The status cache: per record, and the parsed determinations files by blob id.
#[derive(Debug, Default, Serialize, serde::Deserialize)]
pub(super) struct Cache {
    /// The HEAD `submitted` was found for.
    pub(super) head: Option<String>,
    /// The records as submitted and the determinations files as HEAD holds them.
    pub(super) submitted: SubmittedParts,
    pub(super) records: HashMap<String, Cached>,
    pub(super) determinations: HashMap<String, Determinations>,
}

pub(super) const CACHE: &str = "status-v1";
