//! Conditions on other answers of a record (`required_when`, `forbidden_when`, a rule's `when`).

use serde::{Deserialize, Serialize};

/// A condition on other answers of the record (`required_when`, `forbidden_when`, `when`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Condition {
    /// All of the conditions hold.
    All {
        /// The conditions.
        all: Vec<Condition>,
    },
    /// Any of the conditions holds.
    Any {
        /// The conditions.
        any: Vec<Condition>,
    },
    /// A test on one field.
    Test {
        /// The field's path (absolute, or relative inside a compound).
        field: String,
        /// The field equals this value.
        #[serde(default)]
        eq: Option<toml::Value>,
        /// The field is present and differs from this value.
        #[serde(default)]
        ne: Option<toml::Value>,
        /// The field equals one of these values.
        #[serde(default, rename = "in")]
        one_of: Option<Vec<toml::Value>>,
        /// The field is present (true) or absent (false).
        #[serde(default)]
        present: Option<bool>,
    },
}

impl Condition {
    pub(super) fn prefixed(&self, prefix: &str) -> Condition {
        match self {
            Condition::All { all } => Condition::All {
                all: all.iter().map(|c| c.prefixed(prefix)).collect(),
            },
            Condition::Any { any } => Condition::Any {
                any: any.iter().map(|c| c.prefixed(prefix)).collect(),
            },
            Condition::Test {
                field,
                eq,
                ne,
                one_of,
                present,
            } => Condition::Test {
                field: format!("{prefix}.{field}"),
                eq: eq.clone(),
                ne: ne.clone(),
                one_of: one_of.clone(),
                present: *present,
            },
        }
    }

    /// Every field path the condition reads.
    pub fn fields(&self) -> Vec<&str> {
        match self {
            Condition::All { all } => all.iter().flat_map(|c| c.fields()).collect(),
            Condition::Any { any } => any.iter().flat_map(|c| c.fields()).collect(),
            Condition::Test { field, .. } => vec![field.as_str()],
        }
    }
}
