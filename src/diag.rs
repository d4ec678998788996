//! Findings: what `check` and `audit` report. They are data — collected, never raised — each with
//! a stable code, a severity, a place in a file (line, column, the source line) and a hint, so
//! that every problem of every record is reported in one run, text or JSON.

use std::ops::Range;

use serde::Serialize;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks submission.
    Error,
    /// Worth a look; does not block.
    Warning,
}

impl Severity {
    /// Parse `error` / `warning`.
    pub fn parse(s: &str) -> Severity {
        if s == "warning" {
            Severity::Warning
        } else {
            Severity::Error
        }
    }

    /// The word printed before the code.
    pub fn word(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// `v` joined with commas, or `none` when it is empty ("reviewers: a@x, b@y" / "none yet").
pub fn list_or(v: &[String], none: &str) -> String {
    if v.is_empty() {
        none.to_string()
    } else {
        v.join(", ")
    }
}

/// One problem found in a file.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Stable code, e.g. `SM005`.
    pub code: String,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// The file, relative to the register.
    pub file: String,
    /// 1-based line (0 when the finding is about the whole file).
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
    /// The source line the finding points into.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub source_line: String,
    /// Characters to underline from `column`.
    #[serde(skip)]
    pub width: usize,
    /// The field's path in the record, when the finding is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The commit the finding is about (the audit's findings on history), full id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// Byte offsets to lines and columns of one file, built on the first finding located in it (a
/// file without findings is never indexed).
pub struct LineIndex<'a> {
    text: &'a str,
    starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> LineIndex<'a> {
    /// An index of `text`; a line ends at LF, CRLF or a lone CR (as TOML editors on any system
    /// save).
    pub fn new(text: &'a str) -> Self {
        LineIndex {
            text,
            starts: std::cell::OnceCell::new(),
        }
    }

    /// Where each line starts.
    fn starts(&self) -> &[usize] {
        self.starts.get_or_init(|| {
            let text = self.text;
            let mut starts = vec![0];
            let bytes = text.as_bytes();
            if memchr::memchr(b'\r', bytes).is_none() {
                // The usual file: a vectorised search per line instead of a test per byte.
                starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
                return starts;
            }
            for (i, &b) in bytes.iter().enumerate() {
                if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                    starts.push(i + 1);
                }
            }
            starts
        })
    }

    /// The source text of a span (empty when out of range).
    pub fn text(&self, span: &Range<usize>) -> &'a str {
        self.text.get(span.clone()).unwrap_or("")
    }

    /// (1-based line, 1-based char column, the line's text, underline width in chars). Any span
    /// is accepted: offsets past the end or inside a character are moved back to a boundary.
    pub fn locate(&self, span: &Range<usize>) -> (usize, usize, &'a str, usize) {
        let start = floor_boundary(self.text, span.start);
        let starts = self.starts();
        let line = starts.partition_point(|&s| s <= start).saturating_sub(1);
        let ls = starts[line];
        let next = starts.get(line + 1).copied().unwrap_or(self.text.len());
        let line_text = self.text[ls..next].trim_end_matches(['\n', '\r']);
        let le = ls + line_text.len();
        // A span that starts on the line break points just past the line's text.
        let start = start.min(le);
        let col = self.text[ls..start].chars().count() + 1;
        let end = floor_boundary(self.text, span.end.min(le).max(start));
        let width = self.text[start..end].chars().count().max(1);
        (line + 1, col, line_text, width)
    }
}

/// The largest char boundary of `text` at or before `i`.
fn floor_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl Finding {
    /// A finding with no location yet.
    pub fn new(code: &str, severity: Severity, message: impl Into<String>) -> Finding {
        Finding {
            code: code.to_string(),
            severity,
            message: message.into(),
            file: String::new(),
            line: 0,
            column: 0,
            source_line: String::new(),
            width: 0,
            field: None,
            commit: None,
            hint: None,
        }
    }

    /// Add a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Finding {
        self.hint = Some(hint.into());
        self
    }

    /// Name the field.
    pub fn field(mut self, path: impl Into<String>) -> Finding {
        self.field = Some(path.into());
        self
    }

    /// Place the finding at a span of `file`.
    pub fn at(mut self, file: &str, index: &LineIndex<'_>, span: &Range<usize>) -> Finding {
        let (line, column, text, width) = index.locate(span);
        self.file = file.to_string();
        self.line = line;
        self.column = column;
        self.source_line = text.to_string();
        self.width = width;
        self
    }

    /// Place the finding on a whole file.
    pub fn in_file(mut self, file: &str) -> Finding {
        self.file = file.to_string();
        self
    }

    /// Where the finding points, as one line prints it: `file:line:col`, the file alone, or
    /// `commit 1a2b3c4d5e` for a finding about history (never a made-up `smout.toml:0`).
    pub fn location(&self) -> String {
        match (&self.commit, self.line) {
            (_, l) if l > 0 => format!("{}:{}:{}", self.file, l, self.column),
            (Some(c), _) => format!("commit {}", &c[..c.len().min(10)]),
            (None, _) if !self.file.is_empty() => self.file.clone(),
            _ => "register".to_string(),
        }
    }

    /// Render as the compiler does: header, location arrow, source line with a caret, hint.
    /// Styles only when `color` (see [`crate::style`]).
    pub fn render_text(&self, color: bool) -> String {
        use crate::style;
        let sev = style::on(
            color,
            match self.severity {
                Severity::Error => style::ERROR,
                Severity::Warning => style::WARNING,
            },
        );
        let blue = style::on(color, style::GUTTER);
        let bold = style::on(color, style::BOLD);
        let mut out = format!(
            "{sev}{}[{}]{sev:#}{bold}: {}{bold:#}\n",
            self.severity.word(),
            self.code,
            self.message
        );
        let gutter = if self.line > 0 {
            self.line.to_string().len()
        } else {
            1
        };
        let pad = " ".repeat(gutter);
        if self.line > 0 {
            out += &format!(
                "{pad}{blue}-->{blue:#} {}:{}:{}\n",
                self.file, self.line, self.column
            );
            out += &format!("{pad} {blue}|{blue:#}\n");
            out += &format!(
                "{blue}{}{blue:#} {blue}|{blue:#} {}\n",
                self.line,
                self.source_line.replace('\t', " ")
            );
            let lead: String = self
                .source_line
                .chars()
                .take(self.column - 1)
                .map(|_| ' ')
                .collect();
            out += &format!(
                "{pad} {blue}|{blue:#} {lead}{sev}{}{sev:#}\n",
                "^".repeat(self.width.max(1))
            );
        } else if !self.file.is_empty() || self.commit.is_some() {
            out += &format!("{pad}{blue}-->{blue:#} {}\n", self.location());
        }
        if let Some(h) = &self.hint {
            out += &format!("{pad} {blue}={blue:#} {bold}hint{bold:#}: {h}\n");
        }
        out
    }
}

/// Edit distance, for "did you mean" hints.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (levenshtein(word, c), c))
        .filter(|(d, c)| *d <= limit || c.starts_with(word) || word.starts_with(*c))
        // Ties go to the candidate sharing the longest beginning with the word, then by name.
        .min_by_key(|(d, c)| {
            let shared = word
                .chars()
                .zip(c.chars())
                .take_while(|(a, b)| a == b)
                .count();
            (*d, std::cmp::Reverse(shared), *c)
        })
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_lines_and_columns_in_characters() {
        let text = "a = 1\nbé = \"x\"\n";
        let idx = LineIndex::new(text);
        let at = text.find("\"x\"").unwrap();
        let (line, col, src, width) = idx.locate(&(at..at + 3));
        assert_eq!((line, col, src, width), (2, 6, "bé = \"x\"", 3));
    }

    #[test]
    fn lines_end_at_lf_crlf_and_a_lone_cr() {
        for (text, nl) in [
            ("a = 1\ntitle = \"x\"\nc = 2\n", "\n"),
            ("a = 1\r\ntitle = \"x\"\r\nc = 2\r\n", "\r\n"),
            ("a = 1\rtitle = \"x\"\rc = 2\r", "\r"),
        ] {
            let idx = LineIndex::new(text);
            let at = text.find("\"x\"").unwrap();
            assert_eq!(
                idx.locate(&(at..at + 3)),
                (2, 9, "title = \"x\"", 3),
                "{nl:?}"
            );
            let c = text.find("c =").unwrap();
            assert_eq!(idx.locate(&(c..c + 1)).0, 3, "{nl:?}");
        }
    }

    #[test]
    fn any_span_is_located_without_panicking() {
        // The reproducers: a lone CR after a value, an unclosed string in a CRLF file, spans on
        // the line break, past the end, inside a multi-byte character, and reversed.
        for text in [
            "title = \"x\"\r",
            "a = \"b\r\nc = 1\r\n",
            "é\r\n\r",
            "",
            "\r\r\n\n",
        ] {
            let idx = LineIndex::new(text);
            for start in 0..=text.len() + 2 {
                for end in [0, start, start + 1, text.len(), text.len() + 5] {
                    let (line, col, _, width) = idx.locate(&(start..end));
                    assert!(line >= 1 && col >= 1 && width >= 1);
                }
            }
        }
    }

    #[test]
    fn renders_a_caret_under_the_offending_text() {
        let text = "title = \"x\"\ncomponnet = \"CBP\"\n";
        let idx = LineIndex::new(text);
        let f = Finding::new("SM002", Severity::Error, "unknown key `componnet`")
            .hint("did you mean `component`?")
            .at("records/a/record.toml", &idx, &(12..21));
        let out = f.render_text(false);
        assert!(
            out.contains("error[SM002]: unknown key `componnet`"),
            "{out}"
        );
        assert!(out.contains("--> records/a/record.toml:2:1"), "{out}");
        assert!(
            out.contains("2 | componnet = \"CBP\"\n  | ^^^^^^^^^\n"),
            "{out}"
        );
        assert!(out.contains("= hint: did you mean `component`?"), "{out}");
    }

    #[test]
    fn suggests_close_keys_only() {
        let keys = ["component", "contacts", "counsel"];
        assert_eq!(did_you_mean("componnet", keys), Some("component"));
        assert_eq!(did_you_mean("zebra", keys), None);
    }
}
