//! The release check (`check --release`): warn about personally identifiable information that a
//! FOIA or public release would show because nobody marked it. The kinds follow CBP Directive
//! 1450-027: footnote 4's PII (SM050) — names, e-mail addresses, telephone numbers, IP and device
//! identifiers, dates and places of birth, mother's maiden names, licence plates, VINs, and
//! financial, medical, criminal, employment and education information — and footnote 6's
//! sensitive PII (SM051): Social Security, Alien Registration, passport, driver's licence,
//! account and payment card numbers, and biometric identifiers.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;
use toml::de::{DeTable, DeValue};

use crate::diag::{Finding, LineIndex, Severity};
use crate::form::{child_prefix, path_covers, schema_path, FieldType, Form};
use crate::markup::{self, Segment};

pub mod names;

/// One kind of PII the release check looks for.
struct Detector {
    kind: &'static str,
    /// Sensitive PII (SPII) as the Directive lists it in footnote 6: A-Number, SSN, financial
    /// account numbers, licence numbers, passport numbers, biometric identifiers.
    sensitive: bool,
    regex: Regex,
    /// A further test of a match (a check digit), when the pattern alone is too loose.
    valid: fn(&str) -> bool,
    /// A test of what stands around a match (text, where the match is).
    around: fn(&str, Range<usize>) -> bool,
}

fn any(_: &str) -> bool {
    true
}

/// The Luhn check of payment card numbers and IMEIs.
fn luhn(s: &str) -> bool {
    let digits: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() < 13 {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| match i % 2 {
            1 if d * 2 > 9 => d * 2 - 9,
            1 => d * 2,
            _ => *d,
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The check digit (position 9) of a North American vehicle identification number.
fn vin(s: &str) -> bool {
    let value = |c: char| -> Option<u32> {
        Some(match c {
            '0'..='9' => c.to_digit(10)?,
            'A' | 'J' => 1,
            'B' | 'K' | 'S' => 2,
            'C' | 'L' | 'T' => 3,
            'D' | 'M' | 'U' => 4,
            'E' | 'N' | 'V' => 5,
            'F' | 'W' => 6,
            'G' | 'P' | 'X' => 7,
            'H' | 'Y' => 8,
            'R' | 'Z' => 9,
            _ => return None,
        })
    };
    const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
    let chars: Vec<char> = s.chars().collect();
    if chars.len() != 17 || !chars.iter().any(char::is_ascii_digit) {
        return false;
    }
    let Some(sum) = chars
        .iter()
        .zip(WEIGHTS)
        .map(|(c, w)| value(*c).map(|v| v * w))
        .sum::<Option<u32>>()
    else {
        return false;
    };
    let check = match sum % 11 {
        10 => 'X',
        n => char::from_digit(n, 10).unwrap_or('?'),
    };
    chars[8] == check
}

/// An e-mail address is a person's unless it is an office's mailbox: a local part that holds a
/// role word (privacy@, cbp-privacymediareleases@, foia@, media.inquiries@) and no given name
/// (privacy.office@ is an office's, jane.privacy@ a person's).
fn personal_mailbox(address: &str) -> bool {
    const ROLES: &[&str] = &[
        "privacy",
        "foia",
        "media",
        "press",
        "info",
        "contact",
        "office",
        "help",
        "support",
        "admin",
        "webmaster",
        "noreply",
        "no-reply",
        "inquir",
        "public",
        "affairs",
        "release",
        "request",
        "desk",
        "team",
        "hotline",
        "tips",
        "service",
        "correspondence",
        "mailbox",
        "counsel",
        "ombudsman",
        "watch",
        "operations",
        "dispatch",
        "records",
        "compliance",
    ];
    let local = address.split('@').next().unwrap_or("").to_ascii_lowercase();
    if !ROLES.iter().any(|r| local.contains(r)) {
        return true;
    }
    local
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|p| p.len() >= 3 && !ROLES.iter().any(|r| p.contains(r)))
        .any(names::is_given_name)
}

/// A `+` number of 8 to 15 digits (E.164).
fn international_phone(s: &str) -> bool {
    (8..=15).contains(&s.chars().filter(char::is_ascii_digit).count())
}

/// Not a part of a longer dotted number (7.2.2.3 in 7.2.2.3.1, 1.2.3.4 in 10.1.2.3.4).
fn not_in_a_longer_number(text: &str, at: Range<usize>) -> bool {
    let before = text[..at.start].chars().next_back();
    let mut after = text[at.end..].chars();
    let (a, b) = (after.next(), after.next());
    !(before == Some('.') || a == Some('.') && b.is_some_and(|c| c.is_ascii_digit()))
}

/// Four numbers of one digit each are a section of a directive (8.1.2.1), not an address.
fn not_a_section_number(m: &str) -> bool {
    !m.split('.')
        .all(|p| p.trim_matches(|c: char| !c.is_ascii_digit()).len() == 1)
}

/// Whether a match holds a digit (a licence or account "number" of letters only is a word).
fn has_digit(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_digit())
}

/// The kinds of CBP Directive 1450-027, footnote 4 (PII) and footnote 6 (SPII). Identifiers
/// are found by their form (with a check digit where one exists); dates, places, accounts,
/// licences and the financial, medical, criminal, employment and education categories by the
/// words that introduce them, which is how such facts appear in prose.
fn detectors() -> &'static [Detector] {
    static D: OnceLock<Vec<Detector>> = OnceLock::new();
    D.get_or_init(|| {
        let d = |kind, sensitive, re: &str, valid: fn(&str) -> bool| Detector {
            kind,
            sensitive,
            regex: Regex::new(re).expect("built-in PII pattern"),
            valid,
            around: |_, _| true,
        };
        vec![
            d(
                "e-mail address",
                false,
                r"(?-u)[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
                personal_mailbox,
            ),
            // Dashed, spaced or bare: 123-45-6789, 123 45 6789, 123456789.
            d(
                "Social Security number",
                true,
                r"(?-u)\b\d{3}-\d{2}-\d{4}\b|\b\d{3} \d{2} \d{4}\b|\b\d{9}\b",
                any,
            ),
            d(
                "telephone number",
                false,
                r"(?-u)(\(\d{3}\)\s?|\b\d{3}[-. ])\d{3}[-. ]\d{4}\b",
                any,
            ),
            // International: a `+` and a country code, then groups (+52 55 1234 5678,
            // +44 (0)20 7946 0958): 8 to 15 digits as E.164 allows.
            d(
                "telephone number",
                false,
                r"(?-u)\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,6}\b",
                international_phone,
            ),
            d(
                "Alien Registration Number (A-Number)",
                true,
                r"(?-u)\bA[- ]?\d{3}[- ]?\d{3}[- ]?\d{3}\b|\bA[- ]?\d{8}\b",
                any,
            ),
            // Not a section number of a directive (8.1.2.1, 7.2.2.3: four single digits, or
            // one part of a longer number such as 7.2.2.3.1).
            Detector {
                around: not_in_a_longer_number,
                ..d(
                    "internet protocol address",
                    false,
                    r"(?-u)\b(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\b",
                    not_a_section_number,
                )
            },
            // IPv6, full (8 groups) or compressed with `::` (2001:db8::1, fe80::1ff:fe23).
            d(
                "internet protocol (IPv6) address",
                false,
                r"(?-u)\b(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b|\b(?:[0-9a-fA-F]{1,4}:){1,6}:(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,5})?\b",
                any,
            ),
            d(
                "date of birth",
                false,
                r"(?i-u)\b(?:date of birth|birth ?date|DOB|born(?: on)?)\b[\s:,]*(?:\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2}|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2},? \d{4})",
                any,
            ),
            d(
                "place of birth",
                false,
                r"(?-u)(?:[Pp]lace of birth|POB)[\s:,]+[A-Z][a-z]+|\b[Bb]orn in [A-Z][a-z]+",
                any,
            ),
            d("mother's maiden name", false, r"(?i-u)\bmother'?s maiden name\b", any),
            d(
                "passport number",
                true,
                r"(?i-u)\bpassport\s*(?:no\.?|number|#)?\s*[:#]?\s*[A-Z0-9]{6,9}\b",
                has_digit,
            ),
            d(
                "driver's license number",
                true,
                r"(?i-u)\bdriver'?s?\s+licen[cs]e\s*(?:no\.?|number|#)?\s*[:#]?\s*[A-Z0-9-]{5,15}\b",
                has_digit,
            ),
            d(
                "account number",
                true,
                r"(?i-u)\b(?:bank |financial |checking |savings )?account\s*(?:no\.?|number|#)\s*[:#]?\s*[0-9][0-9-]{3,}",
                any,
            ),
            d(
                "payment card number",
                true,
                r"(?-u)\b(?:\d[ -]?){12,18}\d\b",
                luhn,
            ),
            d(
                "license plate number",
                false,
                r"(?i-u)\b(?:license|licence|tag)\s+plate\s*(?:no\.?|number|#)?\s*[:#]?\s*[A-Z0-9][A-Z0-9 -]{1,7}[A-Z0-9]\b",
                has_digit,
            ),
            d(
                "vehicle identification number (VIN)",
                false,
                r"(?-u)\b[A-HJ-NPR-Z0-9]{17}\b",
                vin,
            ),
            d(
                "device identifier (MAC address)",
                false,
                r"(?-u)\b(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}\b",
                any,
            ),
            d(
                "device serial number",
                false,
                r"(?i-u)\b(?:serial|IMEI|device ID)\s*(?:no\.?|number|#)?\s*[:#]?\s*[A-Z0-9-]*\d[A-Z0-9-]{3,}",
                any,
            ),
            d(
                "biometric identifier",
                true,
                r"(?i-u)\b(?:fingerprints?|iris scans?|voice ?prints?|DNA (?:sample|profile)s?|facial (?:recognition|geometry)|palm ?prints?)\b",
                any,
            ),
            d(
                "financial information",
                false,
                r"(?i-u)\b(?:credit (?:score|report|history)|routing number|tax returns?|bank statements?|salary of|income of)\b",
                any,
            ),
            d(
                "medical information",
                false,
                r"(?i-u)\b(?:medical (?:record|condition|history|diagnosis)s?|diagnosed with|prescriptions? for|mental health (?:condition|history|record)s?|HIV)\b",
                any,
            ),
            d(
                "criminal information",
                false,
                r"(?i-u)\b(?:criminal (?:history|record)s?|arrest records?|rap sheet|prior convictions?|convicted of)\b",
                any,
            ),
            d(
                "employment information",
                false,
                r"(?i-u)\b(?:employment history|performance (?:review|appraisal)s?|disciplinary (?:action|record)s?|personnel file)\b",
                any,
            ),
            d(
                "education information",
                false,
                r"(?i-u)\b(?:school transcripts?|academic records?|grade point average|student ID(?: number)?)\b",
                any,
            ),
        ]
    })
}

/// Information of a protected class (CBP Directive 1450-027, 7.1.3) that a statute exempts from
/// disclosure, FOIA exemption 3: what it is, the pattern, and the statute (as `[[b3 …]]` names
/// it).
fn protected_classes() -> &'static [(&'static str, Regex, &'static str)] {
    static P: OnceLock<Vec<(&'static str, Regex, &'static str)>> = OnceLock::new();
    P.get_or_init(|| {
        let r = |re: &str| Regex::new(re).expect("built-in protected-class pattern");
        vec![
            (
                "a VAWA, T or U visa matter (battered spouses, children and parents; victims of trafficking or of crimes)",
                r(r"(?-u)\bVAWA\b|(?i:\bself-petition(?:s|er|ers)?\b|\bbattered (?:spouse|child|parent|immigrant)s?\b|\bvictims? of (?:a severe form of )?(?:human )?trafficking\b|\bViolence Against Women Act\b)|\b[TU][- ]visas?\b|\b[TU][- ]nonimmigrant status\b"),
                "8 USC 1367",
            ),
            (
                "asylum or refugee information",
                r(r"(?i-u)\basyl(?:um|ee|ees)\b|\brefugee (?:status|claim|application)s?\b|\b(?:granted|applied for|applying for|seeking|admitted as a) refugee\b|\bcredible fear\b"),
                "8 CFR 208.6",
            ),
            (
                "Temporary Protected Status information",
                r(r"(?-u)\bTPS\b|(?i:\btemporary protected status\b)"),
                "8 CFR 244.16",
            ),
        ]
    })
}

/// The kinds of PII in `text`: (kind, sensitive, what matched).
fn found_in(text: &str) -> Vec<(&'static str, bool, String)> {
    let mut out = Vec::new();
    for d in detectors() {
        for m in d.regex.find_iter(text) {
            if (d.valid)(m.as_str()) && (d.around)(text, m.range()) {
                out.push((d.kind, d.sensitive, m.as_str().to_string()));
            }
        }
    }
    out
}

/// The PII `check --release` finds in a string's released text by itself (without the names a
/// record's name fields give it): (kind, what matched). People named in free text are the kind
/// "person's name"; statute-protected information is "protected by <statute>".
pub fn passages(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = found_in(text)
        .into_iter()
        .map(|(k, _, m)| (k.to_string(), m))
        .collect();
    out.extend(
        names::find(text)
            .into_iter()
            .map(|r| ("person's name".to_string(), text[r].to_string())),
    );
    for (_, re, statute) in protected_classes() {
        out.extend(
            re.find_iter(text)
                .map(|m| (format!("protected by {statute}"), m.as_str().to_string())),
        );
    }
    out
}

/// Scan every string of a record for PII outside redaction markup and outside the fields that
/// `[release] redact` withholds whole. `also_names` are further people to look for (the
/// reviewers named in the record's determinations).
pub fn scan(
    root: &DeTable<'_>,
    form: &Form,
    file: &str,
    index: &LineIndex<'_>,
    also_names: &[String],
) -> Vec<Finding> {
    let withheld = withheld_fields(root);
    // The exemptions the form gives a person's name in a record of this category: (b)(7)(C)
    // only where the record is compiled for law enforcement purposes.
    let exemptions = form.person_exemptions_for(root);
    let quoted = exemptions
        .iter()
        .map(|e| format!("\"{e}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let mut names = HashSet::new();
    collect_names(root, form, "", &mut names);
    names.extend(also_names.iter().cloned());
    let names = usable(names);
    let is_name = |path: &str| {
        form.field(&schema_path(path))
            .is_some_and(|f| f.pii.as_deref() == Some("name"))
    };
    let mut out = Vec::new();
    walk(root, "", &mut |path, value, span| {
        if path == "form" || path == "form_version" || path.starts_with("release") {
            return;
        }
        if withheld.iter().any(|w| path_covers(w, path)) {
            return;
        }
        let hint = format!(
            "mark it for withholding, e.g. [[{}: …]], or withhold the whole field with [release] redact = {{ \"{}\" = [{}] }}",
            exemptions.join(" "),
            release_key(path),
            quoted
        );
        out.extend(scan_string(
            value,
            path,
            span,
            &names,
            is_name(path),
            file,
            index,
            &hint,
            None,
        ));
    });
    out
}

/// Scan a record's determinations (printed on the release's last page) the same way; the
/// reviewer's name is itself PII.
pub fn scan_determinations(
    root: &DeTable<'_>,
    file: &str,
    index: &LineIndex<'_>,
    names: &[String],
) -> Vec<Finding> {
    let names = usable(names.iter().cloned().collect());
    let mut out = Vec::new();
    walk(root, "", &mut |path, value, span| {
        if path.ends_with("record_sha256") || path.ends_with("outcome") {
            return;
        }
        let is_name = path.ends_with("reviewer") || path.ends_with("decided_by");
        // Recorded determinations are never edited: the record withholds the field instead.
        let hint = format!(
            "withhold it in release copies without touching the recorded determination: add \"{}\" = [\"b6\"] to the record's [release] redact",
            determination_field(path)
        );
        let key = determination_field(path);
        out.extend(scan_string(
            value,
            path,
            span,
            &names,
            is_name,
            file,
            index,
            &hint,
            Some(&key),
        ));
    });
    out
}

/// The `[release] redact` key that withholds a determinations-file value on the release's
/// determination page: `determination[0].pia.ids[1]` → `determination.ids`,
/// `appeal[1].reviewer` → `determination.reviewer`.
pub fn determination_field(path: &str) -> String {
    if path.contains(".ids") {
        return "determination.ids".into();
    }
    let key = path.rsplit('.').next().unwrap_or(path);
    let key = key.split('[').next().unwrap_or(key);
    format!("determination.{key}")
}

/// Reviewers' names in a determinations file (markup removed).
pub fn reviewer_names(root: &DeTable<'_>) -> Vec<String> {
    let mut out = Vec::new();
    walk(root, "", &mut |path, value, _| {
        if path.ends_with("reviewer") {
            out.push(markup::plain(value).trim().to_string());
        }
    });
    out
}

fn usable(names: HashSet<String>) -> Vec<String> {
    let mut v: Vec<String> = names
        .into_iter()
        .filter(|n| n.chars().count() >= 4 && looks_like_a_person(n))
        .collect();
    v.sort();
    v
}

#[allow(clippy::too_many_arguments)]
fn scan_string(
    value: &str,
    path: &str,
    span: Range<usize>,
    names: &[String],
    is_name_field: bool,
    file: &str,
    index: &LineIndex<'_>,
    hint: &str,
    redact_key: Option<&str>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let Ok(segs) = markup::parse(value) else {
        return out;
    };
    for seg in segs {
        let Segment::Text { text } = seg else {
            continue;
        };
        let mut hits: Vec<(String, bool, String)> = found_in(&text)
            .into_iter()
            .map(|(k, s, m)| (k.to_string(), s, m))
            .collect();
        // Names are compared with white space folded (two spaces, NBSP, a line break, a
        // zero-width character between the words) and in "Last, First" order too.
        let folded = fold(&text);
        for n in names {
            let want = fold(n);
            let reversed = last_first(&want);
            if folded.contains(&want) || reversed.is_some_and(|r| folded.contains(&r)) {
                hits.push((
                    "name of a person named in this record".into(),
                    false,
                    n.clone(),
                ));
            }
        }
        if is_name_field
            && looks_like_a_person(&text)
            && !hits.iter().any(|(k, _, _)| k.starts_with("name"))
        {
            hits.push(("person's name".into(), false, text.trim().to_string()));
        } else {
            // People named in free text, whom no name field of the record names.
            for r in names::find(&text) {
                let found = &text[r];
                let f = fold(found);
                let known = hits.iter().any(|(k, _, n)| {
                    k.starts_with("name") && (fold(n).contains(&f) || f.contains(&fold(n)))
                });
                if !known {
                    hits.push(("person's name".into(), false, found.to_string()));
                }
            }
        }
        for (what, re, statute) in protected_classes() {
            for m in re.find_iter(&text) {
                let at = precise(index, &span, m.as_str());
                out.push(
                    Finding::new(
                        "SM052",
                        Severity::Warning,
                        format!(
                            "a release would show information a statute protects (Directive 7.1.3): {what}, \"{}\"",
                            m.as_str()
                        ),
                    )
                    .hint(match redact_key {
                        Some(key) => format!(
                            "withhold it in release copies without touching the recorded determination: add \"{key}\" = [\"b3 {statute}\"] to the record's [release] redact (printed {})",
                            markup::exemption_label(&format!("b3 {statute}"))
                        ),
                        None => format!(
                            "withhold the passage under exemption 3 and its statute: [[b3 {statute}: …]] (printed {}), or the whole field with [release] redact = {{ \"{}\" = [\"b3 {statute}\"] }}",
                            markup::exemption_label(&format!("b3 {statute}")),
                            release_key(path)
                        ),
                    })
                    .field(path.to_string())
                    .at(file, index, &at),
                );
            }
        }
        for (kind, sensitive, found) in hits {
            let at = precise(index, &span, &found);
            let (code, what) = match sensitive {
                true => ("SM051", "sensitive PII (SPII)"),
                false => ("SM050", "PII"),
            };
            out.push(
                Finding::new(
                    code,
                    Severity::Warning,
                    format!("unmarked {what} in a release: {kind} \"{found}\""),
                )
                .hint(hint.replace("…", &found))
                .field(path.to_string())
                .at(file, index, &at),
            );
        }
    }
    out
}

/// Whether the unmarked text of a name field may be a person's name: not an office or agency
/// ("DHS Privacy Office"), not a title alone (", Deputy Secretary" after a marked name), not
/// punctuation.
fn looks_like_a_person(text: &str) -> bool {
    const ORGANISATIONS: &[&str] = &[
        "office",
        "department",
        "agency",
        "division",
        "directorate",
        "bureau",
        "branch",
        "center",
        "centre",
        "unit",
        "program",
        "programme",
        "committee",
        "board",
        "service",
        "services",
        "administration",
        "council",
        "team",
        "dhs",
        "cbp",
        "ice",
        "tsa",
        "uscis",
        "fema",
        "uscg",
        "usss",
        "cisa",
        "oig",
        "component",
        "headquarters",
        "staff",
        "section",
    ];
    const TITLES: &[&str] = &[
        "acting",
        "assistant",
        "associate",
        "deputy",
        "chief",
        "senior",
        "principal",
        "special",
        "executive",
        "under",
        "secretary",
        "officer",
        "director",
        "commissioner",
        "counsel",
        "general",
        "analyst",
        "agent",
        "specialist",
        "manager",
        "supervisor",
        "privacy",
        "administrator",
        "for",
        "of",
        "the",
        "and",
        "homeland",
        "security",
        "mr",
        "ms",
        "mrs",
        "dr",
        "jr",
        "sr",
    ];
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
        .filter(|w| w.chars().any(char::is_alphabetic))
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() || words.iter().any(|w| ORGANISATIONS.contains(&w.as_str())) {
        return false;
    }
    !words.iter().all(|w| TITLES.contains(&w.as_str()))
}

/// Lower case, zero-width characters removed, every run of white space (NBSP and the other
/// Unicode spaces included) one ASCII space.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if matches!(
            c,
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
        ) {
            continue;
        }
        if c.is_whitespace() || c == '\u{00A0}' {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.extend(c.to_lowercase());
    }
    out
}

/// "jane q roe" → "roe, jane q" (None for a one-word name).
fn last_first(folded: &str) -> Option<String> {
    let (first, last) = folded.rsplit_once(' ')?;
    Some(format!("{last}, {first}"))
}

/// The span of `needle` inside the string's source, or the whole string's span.
fn precise(index: &LineIndex<'_>, span: &Range<usize>, needle: &str) -> Range<usize> {
    match index.text(span).find(needle) {
        Some(i) => span.start + i..span.start + i + needle.len(),
        None => span.clone(),
    }
}

/// `summary.contacts[0].email` → `summary.contacts` (the key `[release] redact` takes).
fn release_key(path: &str) -> String {
    match path.find('[') {
        Some(i) => path[..i].to_string(),
        None => path.to_string(),
    }
}

/// The field paths that `[release] redact` withholds whole.
pub fn withheld_fields(root: &DeTable<'_>) -> Vec<String> {
    root.get("release")
        .and_then(|r| r.get_ref().as_table())
        .and_then(|r| r.get("redact"))
        .and_then(|r| r.get_ref().as_table())
        .map(|m| m.iter().map(|(k, _)| k.get_ref().to_string()).collect())
        .unwrap_or_default()
}

/// The names of the people a record names in its name fields (markup removed).
pub fn collect_record_names(root: &DeTable<'_>, form: &Form, out: &mut HashSet<String>) {
    collect_names(root, form, "", out);
}

fn collect_names(table: &DeTable<'_>, form: &Form, schema: &str, out: &mut HashSet<String>) {
    for (k, v) in table.iter() {
        let path = format!("{}{}", child_prefix(schema), k.get_ref());
        let Some(field) = form.field(&path) else {
            continue;
        };
        match v.get_ref() {
            DeValue::String(s) if field.pii.as_deref() == Some("name") => {
                out.insert(markup::plain(s).trim().to_string());
            }
            DeValue::Table(t) => collect_names(t, form, &path, out),
            DeValue::Array(a) if field.kind == FieldType::List => {
                for item in a.iter() {
                    if let Some(t) = item.get_ref().as_table() {
                        collect_names(t, form, &format!("{path}[]"), out);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Visit every string in the record with its concrete path (`summary.contacts[0].email`).
fn walk(table: &DeTable<'_>, prefix: &str, f: &mut dyn FnMut(&str, &str, Range<usize>)) {
    for (k, v) in table.iter() {
        let path = format!("{}{}", child_prefix(prefix), k.get_ref());
        walk_value(v, &path, f);
    }
}

fn walk_value(
    v: &toml::Spanned<DeValue<'_>>,
    path: &str,
    f: &mut dyn FnMut(&str, &str, Range<usize>),
) {
    match v.get_ref() {
        DeValue::String(s) => f(path, s, v.span()),
        DeValue::Table(t) => walk(t, path, f),
        DeValue::Array(a) => {
            for (i, item) in a.iter().enumerate() {
                walk_value(item, &format!("{path}[{i}]"), f);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_kind_of_pii_from_the_directive() {
        let text = "mail jane.roe@cbp.dhs.gov or call (202) 555-0142, SSN 123-45-6789, A-Number A123456789, host 10.1.2.3";
        assert_eq!(kinds_in(text).len(), 5, "{:?}", kinds_in(text));
    }

    fn kinds_in(text: &str) -> Vec<&'static str> {
        found_in(text).into_iter().map(|(k, _, _)| k).collect()
    }

    /// Every kind of footnotes 4 and 6: one text it must find (and whether it is SPII), one it
    /// must not take for it.
    #[test]
    fn each_kind_of_the_directives_footnotes_has_a_true_and_a_false_positive_case() {
        let cases: &[(&str, bool, &str, &str)] = &[
            (
                "date of birth",
                false,
                "DOB: 03/14/1987",
                "the program was born of need in 2019",
            ),
            (
                "place of birth",
                false,
                "place of birth: Laredo",
                "born in the spring of 2019",
            ),
            (
                "mother's maiden name",
                false,
                "asked for her mother's maiden name",
                "her mother's name",
            ),
            (
                "passport number",
                true,
                "passport no. X12345678",
                "a passport is required",
            ),
            (
                "driver's license number",
                true,
                "driver's license D1234-5678-9012",
                "a driver's license is needed",
            ),
            (
                "account number",
                true,
                "bank account number 0012-3456-78",
                "the account was opened",
            ),
            (
                "payment card number",
                true,
                "card 4111 1111 1111 1111",
                "case 4111 1111 1111 1112",
            ),
            (
                "license plate number",
                false,
                "license plate 7ABC123",
                "a license plate reader",
            ),
            (
                "vehicle identification number (VIN)",
                false,
                "VIN 1M8GDM9AXKP042788",
                "part 1M8GDM9AYKP042788",
            ),
            (
                "device identifier (MAC address)",
                false,
                "MAC 00:1A:2B:3C:4D:5E",
                "at 10:30:45 today",
            ),
            (
                "device serial number",
                false,
                "serial number SN-48213-XK",
                "serial killers",
            ),
            (
                "biometric identifier",
                true,
                "took her fingerprints",
                "biometrics policy of the agency",
            ),
            (
                "financial information",
                false,
                "his credit score was low",
                "the agency's budget",
            ),
            (
                "medical information",
                false,
                "she was diagnosed with asthma",
                "medical supplies were seized",
            ),
            (
                "criminal information",
                false,
                "his criminal history shows",
                "criminal investigations of the program",
            ),
            (
                "employment information",
                false,
                "from her personnel file",
                "the employment of social media",
            ),
            (
                "education information",
                false,
                "his school transcripts",
                "education and outreach",
            ),
        ];
        for (kind, sensitive, yes, no) in cases {
            let found = found_in(yes);
            assert!(
                found.iter().any(|(k, s, _)| k == kind && s == sensitive),
                "{kind}: not found in {yes:?} ({found:?})"
            );
            assert!(
                !kinds_in(no).contains(kind),
                "{kind}: false positive in {no:?}"
            );
        }
        // Footnote 6: SSN and A-Number are sensitive, an e-mail address is not.
        assert!(found_in("SSN 123-45-6789").iter().all(|(_, s, _)| *s));
        assert!(found_in("A123456789").iter().any(|(_, s, _)| *s));
        assert!(found_in("jane@example.gov").iter().all(|(_, s, _)| !*s));
    }

    #[test]
    fn finds_bare_ssns_and_ipv6_but_not_dates_or_times() {
        assert_eq!(kinds_in("SSN 123456789"), ["Social Security number"]);
        assert_eq!(kinds_in("SSN 123 45 6789"), ["Social Security number"]);
        assert_eq!(
            kinds_in("from 2001:db8::8a2e:370:7334 today"),
            ["internet protocol (IPv6) address"]
        );
        assert_eq!(kinds_in("fe80::1"), ["internet protocol (IPv6) address"]);
        assert!(kinds_in("met at 10:30 on 2024-03-15, 75 FR 404").is_empty());
        assert!(kinds_in("A123456789")
            .iter()
            .all(|k| !k.starts_with("Social")));
    }

    fn names_found(text: &str, names: &[&str]) -> usize {
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        let index = LineIndex::new(text);
        scan_string(
            text,
            "x",
            0..text.len(),
            &names,
            false,
            "f",
            &index,
            "h",
            None,
        )
        .iter()
        .filter(|f| f.message.contains("name of a person"))
        .count()
    }

    #[test]
    fn names_are_found_however_the_space_between_them_is_written() {
        for text in [
            "met Jane  Roe",
            "met Jane\u{00A0}Roe",
            "met Jane\u{200B} Roe",
            "met Jane\nRoe",
            "per Roe, Jane",
            "per ROE,  JANE",
        ] {
            assert_eq!(names_found(text, &["Jane Roe"]), 1, "{text:?}");
        }
        assert_eq!(names_found("met Jane Doe and Roe Smith", &["Jane Roe"]), 0);
    }

    #[test]
    fn an_office_or_a_title_alone_is_not_a_persons_name() {
        for text in [
            "DHS Privacy Office",
            ", Deputy Secretary",
            ", Deputy Secretary for Homeland Security",
            "U.S. Customs and Border Protection Privacy Office",
            " — ",
            "",
        ] {
            assert!(!looks_like_a_person(text), "{text:?}");
        }
        for text in [
            "Jane Roe",
            "Roe, Jane",
            "J. O'Neil-Smith",
            "Deputy Secretary Jane Roe",
        ] {
            assert!(looks_like_a_person(text), "{text:?}");
        }
    }

    #[test]
    fn schema_paths_drop_indices() {
        assert_eq!(
            schema_path("summary.contacts[12].email"),
            "summary.contacts[].email"
        );
        assert!(path_covers("summary.contacts", "summary.contacts[0].email"));
        assert!(!path_covers("summary.counsel", "summary.contacts[0].email"));
    }
}
