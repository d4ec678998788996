//! Forms are data: this module reads a form definition (`forms/<id>.toml`) and compiles it into
//! the tree the checker, the skeleton writer, the schema writer and the renderers walk.
//!
//! Nothing here names a particular form. A form declares sections, fields (by dotted `path`, with
//! `[]` for the items of a list), compound answer types, cross-field rules and the options of the
//! reviewer's determination.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::Error;

mod compile;
mod condition;
mod model;
mod page;

pub use condition::Condition;
pub use model::*;
pub use page::{DeterminationDef, DocumentationKind, FindingDef, Outcome};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

/// The forms shipped with smout (every file of `forms/`), embedded in the binary.
pub use builtin::BUILTIN_FORMS;

/// The templates shipped with smout (every file of `templates/`), embedded in the binary.
pub use builtin::BUILTIN_TEMPLATES;

impl Form {
    /// Parse and compile a form definition.
    pub fn parse(text: &str, source: &str) -> Result<Form, Error> {
        compile::parse(text, source)
    }

    /// The exemptions a person's name in this record is withheld under: its category's (the
    /// choice of the `[index] category` field), else the form's. A record of several
    /// categories takes every exemption any of them names.
    pub fn person_exemptions_for(&self, root: &toml::de::DeTable<'_>) -> Vec<String> {
        let mut values: Vec<String> = Vec::new();
        if let Some(path) = &self.index.category {
            let mut v: Option<&toml::de::DeValue<'_>> = None;
            let mut table = Some(root);
            for (i, key) in path.split('.').enumerate() {
                let Some(t) = table else { break };
                let Some(x) = t.get(key) else { break };
                if i + 1 == path.split('.').count() {
                    v = Some(x.get_ref());
                }
                table = x.get_ref().as_table();
            }
            match v {
                Some(toml::de::DeValue::String(s)) => values.push(s.to_string()),
                Some(toml::de::DeValue::Array(a)) => values.extend(
                    a.iter()
                        .filter_map(|x| x.get_ref().as_str().map(str::to_string)),
                ),
                _ => {}
            }
        }
        let field = self.index.category.as_deref().and_then(|p| self.field(p));
        let mut out: Vec<String> = Vec::new();
        let mut any = false;
        for v in &values {
            if let Some(ex) = field
                .and_then(|f| f.choice(v))
                .and_then(|c| c.person_exemptions.as_ref())
            {
                any = true;
                for e in ex {
                    if !out.contains(e) {
                        out.push(e.clone());
                    }
                }
            }
        }
        match any {
            true => out,
            false => self.person_exemptions.clone(),
        }
    }

    /// A field path to show in an example of `[release] redact`: the list of people (the
    /// parent of the first field holding a name), else the first field.
    pub fn redact_example(&self) -> String {
        self.fields
            .iter()
            .find(|f| f.pii.is_some())
            .map(|f| match f.path.rsplit_once("[].") {
                Some((list, _)) => list.to_string(),
                None => f.path.clone(),
            })
            .or_else(|| self.fields.first().map(|f| f.path.clone()))
            .unwrap_or_default()
    }

    /// The field at a schema path (`summary.contacts[].name`).
    pub fn field(&self, path: &str) -> Option<&Field> {
        self.by_path.get(path).map(|&i| &self.fields[i])
    }

    /// The child fields of a container path ("" for the top level), in form order.
    pub fn children<'a>(&'a self, parent: &str) -> impl Iterator<Item = &'a Field> + Clone + 'a {
        let ids: &[usize] = if parent.is_empty() {
            &self.root_ids
        } else {
            self.field(parent.trim_end_matches("[]"))
                .map(|f| &f.child_ids[..])
                .unwrap_or(&[])
        };
        ids.iter().map(move |&i| &self.fields[i])
    }

    /// The files a record names in its attachment fields (relative to the record's folder), in
    /// form order, each once.
    pub fn attachments(&self, record: &toml::Table) -> Vec<String> {
        fn collect(v: &toml::Value, path: &[&str], out: &mut Vec<String>) {
            let Some((first, rest)) = path.split_first() else {
                if let Some(s) = v.as_str().map(str::trim).filter(|s| !s.is_empty()) {
                    if !out.iter().any(|o| o == s) {
                        out.push(s.to_string());
                    }
                }
                return;
            };
            let (key, many) = match first.strip_suffix("[]") {
                Some(k) => (k, true),
                None => (*first, false),
            };
            let Some(child) = v.as_table().and_then(|t| t.get(key)) else {
                return;
            };
            match (many, child.as_array()) {
                (true, Some(items)) => items.iter().for_each(|i| collect(i, rest, out)),
                (true, None) => {}
                (false, _) => collect(child, rest, out),
            }
        }
        let root = toml::Value::Table(record.clone());
        let mut out = Vec::new();
        for f in self
            .fields
            .iter()
            .filter(|f| f.kind == FieldType::Attachment)
        {
            let parts: Vec<&str> = f.path.split('.').collect();
            collect(&root, &parts, &mut out);
        }
        out
    }

    /// The determination outcome with this value.
    pub fn outcome(&self, value: &str) -> Option<&Outcome> {
        self.determination
            .outcomes
            .iter()
            .find(|o| o.value == value)
    }
}

/// The forms a register can use: the built-in ones, overridden or extended by the register's
/// own `forms/` folder.
#[derive(Debug, Clone, Default)]
pub struct FormSet {
    forms: BTreeMap<String, Entry>,
    /// SHA-256 over the definitions the set was read from: what a cache of facts computed with
    /// these forms is keyed by.
    fingerprint: String,
}

/// A form of the set: read from a register's folder, or built in and parsed on first use
/// (most runs use one form of the two; parsing both was a sixth of a one-record `render`).
#[derive(Debug, Clone)]
enum Entry {
    Read(Box<Form>),
    Builtin {
        name: &'static str,
        text: &'static str,
        form: std::sync::OnceLock<Option<Box<Form>>>,
    },
}

impl Entry {
    fn form(&self) -> Option<&Form> {
        match self {
            Entry::Read(f) => Some(f),
            // A built-in form parses (every one is parsed by the tests); were one not to, it
            // is unknown rather than a panic.
            Entry::Builtin { name, text, form } => form
                .get_or_init(|| {
                    Form::parse(text, &format!("built-in forms/{name}"))
                        .ok()
                        .map(Box::new)
                })
                .as_deref(),
        }
    }
}

impl FormSet {
    /// The built-in forms only (`forms/<id>.toml`, each parsed on first use).
    pub fn builtin() -> Result<FormSet, Error> {
        let mut set = FormSet::default();
        for (name, text) in BUILTIN_FORMS.iter().filter(|(n, _)| n.ends_with(".toml")) {
            set.hash(name, text);
            set.forms.insert(
                name.trim_end_matches(".toml").to_string(),
                Entry::Builtin {
                    name,
                    text,
                    form: std::sync::OnceLock::new(),
                },
            );
        }
        Ok(set)
    }

    /// The built-in forms plus every `*.toml` in `dir` (a register's `forms/`), which win.
    pub fn load(dir: Option<&Path>) -> Result<FormSet, Error> {
        let mut set = FormSet::builtin()?;
        let Some(dir) = dir else { return Ok(set) };
        let entries = crate::store::fs::list_dir(dir).map_err(|source| Error::File {
            path: dir.to_path_buf(),
            source,
        })?;
        let paths: Vec<PathBuf> = entries
            .into_iter()
            .map(|(p, _)| p)
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        for p in paths {
            // A link or a device named *.toml is refused by the read, not followed.
            let text = crate::store::read_text_file(&p, crate::store::fs::MAX_TEXT_BYTES)?
                .unwrap_or_default();
            let form = Form::parse(&text, &p.display().to_string())?;
            set.add(form, &p.display().to_string(), &text);
        }
        Ok(set)
    }

    fn add(&mut self, form: Form, name: &str, text: &str) {
        self.hash(name, text);
        self.forms
            .insert(form.id.clone(), Entry::Read(Box::new(form)));
    }

    /// Fold definition `name` into the fingerprint.
    fn hash(&mut self, name: &str, text: &str) {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(self.fingerprint.as_bytes());
        h.update(format!("{name}\0{}\0", text.len()).as_bytes());
        h.update(text.as_bytes());
        self.fingerprint = crate::digest::hex(&h.finalize());
    }

    /// What identifies the definitions these forms were read from (a SHA-256).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The form with this id.
    pub fn get(&self, id: &str) -> Option<&Form> {
        self.forms.get(id).and_then(Entry::form)
    }

    /// All forms, by id.
    pub fn iter(&self) -> impl Iterator<Item = &Form> {
        self.forms.values().filter_map(Entry::form)
    }

    /// All form ids.
    pub fn ids(&self) -> Vec<&str> {
        self.forms.keys().map(String::as_str).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "id = \"t\"\nversion = \"1\"\ntitle = \"T\"\n[[section]]\nid = \"s\"\nheading = \"S\"\n[determination]\nheading = \"D\"\nreviewed_label = \"r\"\nreviewer_label = \"n\"\noutcome_heading = \"o\"\ncomments_heading = \"c\"\n[[determination.outcome]]\nvalue = \"ok\"\ntext = \"OK\"\nstatus = \"approved\"\napproves = true\n";

    fn form(fields: &str) -> Result<Form, Error> {
        Form::parse(&format!("{HEAD}{fields}"), "test")
    }

    fn error(fields: &str) -> String {
        form(fields).unwrap_err().to_string()
    }

    /// `path_covers` decides what a release withholds: it must answer as the plain definition
    /// (normalize the path with allocations, then compare) on every pair.
    #[test]
    fn path_covers_answers_as_its_definition() {
        fn reference(withheld: &str, path: &str) -> bool {
            let under = |p: &str| {
                p.strip_prefix(withheld).is_some_and(|rest| {
                    rest.is_empty() || rest.starts_with('.') || rest.starts_with('[')
                })
            };
            let schema = schema_path(path);
            under(path) || under(&schema) || under(&schema.replace("[]", ""))
        }
        let parts = ["a", "ab", "a[]", "a[0]", "a[12]", "b", "b[]", "b[3]", "c"];
        let mut paths = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> = paths
                .iter()
                .flat_map(|p| {
                    parts.iter().map(move |q| {
                        if p.is_empty() {
                            q.to_string()
                        } else {
                            format!("{p}.{q}")
                        }
                    })
                })
                .collect();
            paths.extend(longer);
        }
        let mut checked = 0;
        for w in paths.iter().filter(|w| !w.is_empty() && w.len() < 9) {
            for p in &paths {
                assert_eq!(path_covers(w, p), reference(w, p), "{w} covers {p}?");
                checked += 1;
            }
        }
        assert!(checked > 10_000, "{checked}");
    }

    #[test]
    fn a_choice_line_and_the_determinations_nesting_name_what_the_form_defines() {
        let fields = "[[field]]\npath = \"u\"\nsection = \"s\"\ntype = \"table\"\nlabel = \"U\"\n[[field]]\npath = \"u.stage\"\ntype = \"choice\"\nlabel = \"Stage\"\nchoices = [{ value = \"on\", label = \"On. Since:\", with_answer = \"since\" }]\n";
        assert_eq!(
            error(fields),
            "form definition test: field `u.stage`: choice `on` prints the answer of `u.since`, which is not a field"
        );
        let since = "[[field]]\npath = \"u.since\"\ntype = \"date\"\nlabel = \"Since\"\n";
        assert!(form(&format!("{fields}{since}")).is_ok());
        let head = HEAD.replace(
            "[determination]\n",
            "[determination]\nprinted_under = \"nope\"\n",
        );
        let e = Form::parse(&format!("{head}{fields}{since}"), "test").unwrap_err();
        assert_eq!(
            e.to_string(),
            "form definition test: [determination] printed_under = \"nope\" is not one of its outcomes"
        );
    }

    #[test]
    fn a_bad_date_format_is_refused_when_the_form_loads() {
        let field = "[[field]]\npath = \"a\"\nsection = \"s\"\ntype = \"string\"\nlabel = \"A\"\n";
        let e = Form::parse(&format!("date_format = \"%Q\"\n{HEAD}{field}"), "test").unwrap_err();
        assert_eq!(
            e.to_string(),
            "form definition test: date_format `%Q` is not a date format (e.g. %-m/%-d/%Y)"
        );
        let f = Form::parse(
            &format!("date_format = \"%-m/%-d/%y\"\n{HEAD}{field}"),
            "test",
        )
        .unwrap();
        assert_eq!(f.date_format, "%-m/%-d/%y");
    }

    #[test]
    fn every_built_in_form_compiles() {
        let set = FormSet::builtin().unwrap();
        assert!(set.ids().len() >= 2);
        // Each parses now, eagerly, and is filed under the id it declares (the set files a
        // built-in form under its file name before parsing it).
        for (name, text) in BUILTIN_FORMS.iter().filter(|(n, _)| n.ends_with(".toml")) {
            let f = Form::parse(text, name).unwrap();
            assert_eq!(format!("{}.toml", f.id), *name);
            assert!(!f.fields.is_empty() && !f.sections.is_empty(), "{}", f.id);
        }
        assert_eq!(set.iter().count(), set.ids().len());
    }

    #[test]
    fn compounds_expand_into_tables_with_relative_conditions() {
        let f = form(
            "[[field]]\npath = \"a\"\nsection = \"s\"\ntype = \"yn\"\nlabel = \"A\"\nnumber = \"1\"\n\
             [compound.yn]\nyes = \"Yes.\"\nno = \"No.\"\n\
             [[compound.yn.field]]\nkey = \"ok\"\ntype = \"bool\"\nlabel = \"OK\"\n\
             [[compound.yn.field]]\nkey = \"why\"\ntype = \"text\"\nlabel = \"Why\"\nrequired_when = { field = \"ok\", eq = false }\n",
        )
        .unwrap();
        let why = f.field("a.why").unwrap();
        assert_eq!(why.display_label(), "1 A: Why");
        assert_eq!(why.required_when.as_ref().unwrap().fields(), ["a.ok"]);
        assert_eq!(f.field("a").unwrap().kind, FieldType::Table);
        assert_eq!(
            f.children("a").map(|c| c.key.as_str()).collect::<Vec<_>>(),
            ["ok", "why"]
        );
    }

    #[test]
    fn list_items_are_children_of_the_list() {
        let f = form(
            "[[field]]\npath = \"l\"\nsection = \"s\"\ntype = \"list\"\nlabel = \"L\"\n\
             [[field]]\npath = \"l[].name\"\ntype = \"string\"\nlabel = \"Name\"\n",
        )
        .unwrap();
        assert_eq!(
            f.children("l[]")
                .map(|c| c.path.as_str())
                .collect::<Vec<_>>(),
            ["l[].name"]
        );
        assert_eq!(
            f.field("l[].name").unwrap().section,
            "s",
            "inherited from the list"
        );
    }

    #[test]
    fn broken_definitions_say_what_is_wrong() {
        assert!(error(
            "[[field]]\npath = \"a\"\nsection = \"nope\"\ntype = \"string\"\nlabel = \"A\"\n"
        )
        .contains("names section `nope`"));
        assert!(
            error("[[field]]\npath = \"a.b\"\ntype = \"string\"\nlabel = \"B\"\n")
                .contains("parent `a` is not defined")
        );
        assert!(error("[[field]]\npath = \"a\"\nsection = \"s\"\ntype = \"string\"\nlabel = \"A\"\nrequired_when = { field = \"zz\", eq = 1 }\n").contains("condition on `zz`"));
        assert!(error("[[field]]\npath = \"a\"\nsection = \"s\"\ntype = \"string\"\nlabel = \"A\"\n[[field]]\npath = \"a\"\nsection = \"s\"\ntype = \"string\"\nlabel = \"A\"\n").contains("defined twice"));
        assert!(error(
            "[[field]]\npath = \"a\"\nsection = \"s\"\ntype = \"widget\"\nlabel = \"A\"\n"
        )
        .contains("neither a built-in type"));
        assert!(error(
            "[[field]]\npath = \"a\"\nsection = \"s\"\ntype = \"choice\"\nlabel = \"A\"\n"
        )
        .contains("lists no choices"));
        assert!(error("[[field]]\npath = \"a\"\nsection = \"s\"\ntype = \"string\"\nlabel = \"A\"\npattern = \"(\"\n").contains("bad pattern"));
        assert!(error("[[field]]\npath = \"a\"\nsection = \"s\"\ntype = \"string\"\nlabel = \"A\"\nlabell = \"x\"\n").contains("unknown field `labell`"));
    }
}
