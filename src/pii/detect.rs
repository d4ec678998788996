//! The detectors: the kinds of PII of CBP Directive 1450-027 (footnotes 4 and 6) and the
//! statute-protected classes, found by their form in a string's text.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use super::names;

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
pub(super) fn protected_classes() -> &'static [(&'static str, Regex, &'static str)] {
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
pub(super) fn found_in(text: &str) -> Vec<(&'static str, bool, String)> {
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
}
