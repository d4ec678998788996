//! smout: the privacy compliance paperwork of operational social-media use, as code.
//!
//! Records are TOML files in a git repository (a *register*); forms are data ([`form`]); `check`
//! validates records against their forms ([`check`]); renderings, revisions and determinations
//! build on those. The library knows nothing of the command line: the binary in `main.rs` parses
//! arguments and prints what these modules compute.

/// smout's version and what identifies its build (a hash of its sources, forms, templates, fonts
/// and locked dependencies): the key of every cache of judgments, so another build under the
/// same version number computes them again.
pub const BUILD: &str = concat!(env!("CARGO_PKG_VERSION"), "+", env!("SMOUT_BUILD_ID"));

pub mod audit;
pub mod check;
pub mod ci;
pub mod create;
pub mod decide;
pub mod determination;
pub mod diag;
pub mod diff;
pub mod digest;
pub mod duration;
pub mod error;
pub mod fonts;
pub mod forge;
pub mod form;
#[doc(hidden)]
pub mod fuzz;
pub mod import;
pub mod lifecycle;
pub mod markup;
pub mod par;
pub mod pii;
pub mod print;
pub mod register;
pub mod release;
pub mod render;
pub mod rendering;
pub mod report;
pub mod revision;
pub mod roles;
pub mod schema;
pub mod session;
pub mod site;
pub mod skeleton;
pub mod status;
pub mod store;
pub mod style;
pub mod submit;
pub mod timeline;
pub mod trust;

pub use error::{Error, Result};
