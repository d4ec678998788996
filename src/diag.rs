//! Findings: what `check` and `audit` report. They are data — collected, never raised — each with
//! a stable code, a severity, a place in a file (line, column, the source line) and a hint, so
//! that every problem of every record is reported in one run, text or JSON.

use std::ops::Range;

use serde::Serialize;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
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
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// Byte offsets to lines and columns, built once per file with findings.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Index `text`.
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// The source text of a span (empty when out of range).
    pub fn text(&self, span: &Range<usize>) -> &'a str {
        self.text.get(span.clone()).unwrap_or("")
    }

    /// (1-based line, 1-based char column, the line's text, underline width in chars).
    pub fn locate(&self, span: &Range<usize>) -> (usize, usize, &'a str, usize) {
        let start = span.start.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= start) - 1;
        let ls = self.starts[line];
        let le = self
            .starts
            .get(line + 1)
            .map(|e| e - 1)
            .unwrap_or(self.text.len());
        let line_text = self.text[ls..le].trim_end_matches('\r');
        let col = self.text[ls..start].chars().count() + 1;
        let end = span.end.clamp(start, ls + line_text.len());
        let width = self.text[start..end].chars().count().max(1);
        (line + 1, col, line_text, width)
    }
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

    /// Render as the compiler does: header, location arrow, source line with a caret, hint.
    pub fn render_text(&self, color: bool) -> String {
        let (sev, blue, bold, reset) = if color {
            let sev = match self.severity {
                Severity::Error => "\x1b[1;31m",
                Severity::Warning => "\x1b[1;33m",
            };
            (sev, "\x1b[1;34m", "\x1b[1m", "\x1b[0m")
        } else {
            ("", "", "", "")
        };
        let mut out = format!(
            "{sev}{}[{}]{reset}{bold}: {}{reset}\n",
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
                "{pad}{blue}-->{reset} {}:{}:{}\n",
                self.file, self.line, self.column
            );
            out += &format!("{pad} {blue}|{reset}\n");
            out += &format!(
                "{blue}{}{reset} {blue}|{reset} {}\n",
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
                "{pad} {blue}|{reset} {lead}{sev}{}{reset}\n",
                "^".repeat(self.width.max(1))
            );
        } else if !self.file.is_empty() {
            out += &format!("{pad}{blue}-->{reset} {}\n", self.file);
        }
        if let Some(h) = &self.hint {
            out += &format!("{pad} {blue}={reset} {bold}hint{reset}: {h}\n");
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
        .min_by_key(|(d, _)| *d)
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
