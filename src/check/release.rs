//! The release checks: `[release] redact` entries, and PII a release would show unmarked.

use toml::de::DeTable;

use super::conditions::lookup;
use super::model::{Checker, Ctx, Value};
use crate::diag::{did_you_mean, Finding, LineIndex, Severity};
use crate::markup;
use crate::register::RECORD_FILE;
use toml::de::DeValue;

impl<'a, 'r> Checker<'a, 'r> {
    /// A cited document whose Federal Register citation the catalog knows otherwise (a filing
    /// may carry the FR document number where the notice's page is meant): a warning, since a
    /// transcription keeps the filing's text.
    pub(super) fn check_citations(&mut self) {
        let (form, Some(cat)) = (self.form(), self.reg.catalog.as_ref()) else {
            return;
        };
        for f in &form.fields {
            let (Some(kind), Some(list)) = (&f.catalog, f.path.strip_suffix("[].id")) else {
                continue;
            };
            let Some(DeValue::Array(items)) =
                lookup(self.root, list, &Ctx::default()).map(|v| v.get_ref())
            else {
                continue;
            };
            for item in items.iter() {
                let Some(t) = item.get_ref().as_table() else {
                    continue;
                };
                let (Some(id), Some(cited)) = (t.get("id"), t.get("citation")) else {
                    continue;
                };
                let (Some(id), Some(said)) = (id.get_ref().as_str(), cited.get_ref().as_str())
                else {
                    continue;
                };
                let id = markup::plain(id);
                let Some(known) = cat.get(kind, id.trim()).and_then(|e| e.citation.as_deref())
                else {
                    continue;
                };
                let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
                if fold(&markup::plain(said)) != fold(known) {
                    self.report(
                        Finding::new(
                            "SM023",
                            Severity::Warning,
                            format!("{} cites {id} as {}; the register's catalog has {known}", f.label.trim_end_matches(" ID").trim_end_matches(" id"), markup::plain(said)),
                        )
                        .hint(format!("a transcription keeps the filing's text; a new filing cites the notice where it is published ({known})"))
                        .field(format!("{list}[].citation")),
                        &cited.span(),
                    );
                }
            }
        }
    }

    /// `[provenance]`: each key a field of the form, each value one of the kinds; fields the
    /// source withheld are noted so that no answer is required of them.
    pub(super) fn check_provenance(&mut self, p: &'r Value<'r>) {
        let form = self.form();
        let Some(t) = p.get_ref().as_table() else {
            self.report(
                Finding::new("SM022", Severity::Error, "[provenance] must be a table")
                    .hint("[provenance]\n\"use.category\" = \"inferred\""),
                &p.span(),
            );
            return;
        };
        for (k, v) in t.iter() {
            let path: &str = k.get_ref();
            if form.field(path).is_none() && form.field(&path.replace('.', "[].")).is_none() {
                let hint = match did_you_mean(path, form.fields.iter().map(|f| f.path.as_str())) {
                    Some(m) => format!("did you mean \"{m}\"?"),
                    None => "name a field by its path, e.g. \"use.category\"".into(),
                };
                self.report(
                    Finding::new(
                        "SM022",
                        Severity::Error,
                        format!(
                            "[provenance] names `{path}`, which is not a field of form {}",
                            form.id
                        ),
                    )
                    .hint(hint),
                    &k.span(),
                );
                continue;
            }
            use crate::form::WITHHELD_IN_SOURCE;
            // `{ withheld-in-source = ["b7E"] }`: the exemptions the source printed.
            let codes = |t: &DeTable<'_>| -> Option<bool> {
                let (k, codes) = t.iter().next().filter(|_| t.len() == 1)?;
                let DeValue::Array(a) = codes.get_ref() else {
                    return None;
                };
                let known = a.iter().all(|c| {
                    c.get_ref()
                        .as_str()
                        .and_then(crate::form::canonical_exemption)
                        .is_some()
                });
                (k.get_ref() == WITHHELD_IN_SOURCE).then_some(known && !a.is_empty())
            };
            match v.get_ref() {
                DeValue::String(kind) if crate::form::PROVENANCE_KINDS.contains(&kind.as_ref()) => {
                    if kind == WITHHELD_IN_SOURCE {
                        self.withheld_in_source.push(path.to_string());
                    }
                }
                DeValue::Table(t) if codes(t) == Some(true) => {
                    self.withheld_in_source.push(path.to_string());
                }
                DeValue::Table(t) if codes(t) == Some(false) => self.report(
                    Finding::new(
                        "SM022",
                        Severity::Error,
                        format!("the exemptions the source withheld `{path}` under must be a list such as [\"b7E\"]"),
                    )
                    .hint(format!("FOIA exemptions are b1–b9 and b7A–b7F, as the source printed them ((b) (7)(E) is \"b7E\"); if it printed none, write \"{path}\" = \"{WITHHELD_IN_SOURCE}\""))
                    .field(path.to_string()),
                    &v.span(),
                ),
                _ => self.report(
                    Finding::new(
                        "SM022",
                        Severity::Error,
                        format!("the provenance of `{path}` is not one of {}", crate::form::PROVENANCE_KINDS.join(", ")),
                    )
                    .hint(format!("transcribed: the source shows it; inferred: the source does not show it; withheld-in-source: the source withheld it (leave it unanswered), with the exemptions it printed as {{ {WITHHELD_IN_SOURCE} = [\"b7E\"] }}"))
                    .field(path.to_string()),
                    &v.span(),
                ),
            }
        }
    }

    pub(super) fn check_release(&mut self, release: &'r Value<'r>) {
        let form = self.form();
        let Some(t) = release.get_ref().as_table() else {
            self.report(
                Finding::new("SM020", Severity::Error, "[release] must be a table").hint(format!(
                    "[release]\nredact = {{ \"{}\" = [\"b6\", \"b7C\"] }}",
                    form.redact_example()
                )),
                &release.span(),
            );
            return;
        };
        for (k, v) in t.iter() {
            if k.get_ref() != "redact" {
                self.report(
                    Finding::new(
                        "SM002",
                        Severity::Error,
                        format!("unknown key `{}` in [release]", k.get_ref()),
                    )
                    .hint("[release] takes only `redact`"),
                    &k.span(),
                );
                continue;
            }
            let Some(map) = v.get_ref().as_table() else {
                self.report(
                    Finding::new(
                        "SM020",
                        Severity::Error,
                        "`redact` maps field paths to exemptions",
                    )
                    .hint(format!(
                        "redact = {{ \"{}\" = [\"b6\", \"b7C\"] }}",
                        form.redact_example()
                    )),
                    &v.span(),
                );
                continue;
            };
            for (path, ex) in map.iter() {
                let p: &str = path.get_ref();
                let on_page = crate::release::DETERMINATION_FIELDS.contains(&p);
                if !on_page
                    && form.field(p).is_none()
                    && form.field(&p.replace('.', "[].")).is_none()
                {
                    let hint = match did_you_mean(p, form.fields.iter().map(|f| f.path.as_str())) {
                        Some(m) => format!("did you mean \"{m}\"?"),
                        None => format!(
                            "name a field by its path, e.g. \"{}\"",
                            form.redact_example()
                        ),
                    };
                    self.report(
                        Finding::new(
                            "SM020",
                            Severity::Error,
                            format!(
                                "[release] redact names `{p}`, which is not a field of the form"
                            ),
                        )
                        .hint(hint),
                        &path.span(),
                    );
                }
                let ok = ex.get_ref().as_array().is_some_and(|a| {
                    !a.is_empty()
                        && a.iter()
                            .all(|e| e.get_ref().as_str().is_some_and(markup::is_exemption))
                });
                if !ok {
                    self.report(
                        Finding::new(
                            "SM020",
                            Severity::Error,
                            format!(
                                "the exemptions for `{p}` must be a list such as [\"b6\", \"b7C\"]"
                            ),
                        )
                        .hint("FOIA exemptions are b1–b9 and b7A–b7F; exemption 3 names its statute, e.g. [\"b3 8 USC 1367\"]"),
                        &ex.span(),
                    );
                }
            }
        }
    }

    pub(super) fn check_pii(&mut self) {
        // The release prints the determination page too: its reviewers are people to look for,
        // and its text is scanned like the record's.
        let dets_text = self
            .dir
            .and_then(|d| {
                crate::store::read_text_file(
                    &d.join(crate::register::DETERMINATIONS_FILE),
                    crate::store::fs::MAX_TEXT_BYTES,
                )
                .ok()
                .flatten()
            })
            .unwrap_or_default();
        let dets = DeTable::parse(&dets_text).ok();
        let reviewers = dets
            .as_ref()
            .map(|d| crate::pii::reviewer_names(d.get_ref()))
            .unwrap_or_default();
        let findings = crate::pii::scan(self.root, self.form(), self.file, &self.index, &reviewers);
        self.findings.extend(findings);
        if let Some(d) = dets {
            let file = self
                .file
                .replace(RECORD_FILE, crate::register::DETERMINATIONS_FILE);
            let index = LineIndex::new(&dets_text);
            let mut names = reviewers;
            let mut record_names = std::collections::HashSet::new();
            crate::pii::collect_record_names(self.root, self.form(), &mut record_names);
            names.extend(record_names);
            let withheld = crate::pii::withheld_fields(self.root);
            self.findings.extend(
                crate::pii::scan_determinations(d.get_ref(), &file, &index, &names)
                    .into_iter()
                    .filter(|f| {
                        let key = crate::pii::determination_field(f.field.as_deref().unwrap_or(""));
                        !withheld.contains(&key)
                    }),
            );
        }
    }
}
