//! A record's component against the register's `[[components]]` (SM025): a component the
//! register does not list is a typo or a component to add, never a new line in the report.

use super::conditions::lookup;
use super::model::{Checker, Ctx};
use crate::diag::{did_you_mean, Finding, Severity};

impl Checker<'_, '_> {
    pub(super) fn check_component(&mut self) {
        let settings = &self.reg.settings;
        let (Some(form), false) = (self.form, settings.components.is_empty()) else {
            return;
        };
        let Some(path) = form.index.component.as_deref() else {
            return;
        };
        let Some(v) = lookup(self.root, path, &Ctx::default()) else {
            return;
        };
        let Some(name) = v.get_ref().as_str() else {
            return;
        };
        let name = crate::markup::plain(name);
        if name.trim().is_empty() || settings.component(&name).is_some() {
            return;
        }
        let known: Vec<&str> = settings
            .components
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        let hint = match did_you_mean(&name, known.iter().copied()) {
            Some(m) => format!("did you mean {m:?}? Otherwise add it to smout.toml under [[components]]"),
            None => format!(
                "the register's components are {}; add this one to smout.toml under [[components]] if it is one",
                known.join(", ")
            ),
        };
        let span = v.span();
        self.report(
            Finding::new(
                "SM025",
                Severity::Error,
                format!("{name:?} is not one of the register's components"),
            )
            .hint(hint)
            .field(path.to_string()),
            &span,
        );
    }
}
