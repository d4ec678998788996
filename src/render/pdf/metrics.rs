//! The page: the sheet and the measures of type and boxes; the faces' own measures are in
//! [`crate::fonts`].

pub(crate) use crate::fonts::*;

pub(super) const MARGIN_X: f32 = 60.0;
pub(super) const BOTTOM: f32 = 70.0;

/// The paper: US Letter, upright (forms) or on its side (`@sheet landscape`: wide tables).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Sheet {
    pub(super) w: f32,
    pub(super) h: f32,
}

impl Default for Sheet {
    fn default() -> Sheet {
        Sheet::LETTER
    }
}

impl Sheet {
    pub(super) const LETTER: Sheet = Sheet { w: 612.0, h: 792.0 };

    pub(super) fn landscape(self) -> Sheet {
        Sheet {
            w: self.h.max(self.w),
            h: self.h.min(self.w),
        }
    }

    /// Where the body starts, below the banner and the running heading.
    pub(super) fn top(self) -> f32 {
        self.h - 78.0
    }

    /// The body's right edge.
    pub(super) fn right(self) -> f32 {
        self.w - MARGIN_X
    }
}
pub(super) const BODY: f32 = 10.0;
pub(super) const LEADING: f32 = 1.32;
pub(super) const INDENT: f32 = 18.0;
pub(super) const BOX_TICKED: &str = "☒";
/// The markers footnotes start with.
pub(super) const SUPERSCRIPTS: &str = "¹²³⁴⁵⁶⁷⁸⁹⁰";
pub(super) const BOX_EMPTY: &str = "☐";
