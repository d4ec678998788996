//! The two kinds of decision: the Privacy Office's determination and the appeal.

use crate::store::TagKind;

/// Determination or appeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The Privacy Office's determination.
    Determination,
    /// An appeal to the Deputy Secretary, and its outcome.
    Appeal,
}

impl Kind {
    pub(super) fn table(self) -> &'static str {
        match self {
            Kind::Determination => "determination",
            Kind::Appeal => "appeal",
        }
    }

    /// The kind of tag its entries get.
    pub fn tag_kind(self) -> TagKind {
        match self {
            Kind::Determination => TagKind::Determination,
            Kind::Appeal => TagKind::Appeal,
        }
    }
}
