//! People named in free text, found with the 1990 U.S. Census name frequency lists (public
//! domain; `assets/names/README.md` says how the files were made): a given name followed by a
//! surname ("Lucía Fernández", "Ana B. Lopes", "LUCÍA FERNÁNDEZ"), the surname first
//! ("Fernández, Lucía"), or an honorific and a name ("Ms. Fernández", "Dr. Price").
//!
//! A word alone never fires, however common a surname it is ("Long", "Price", "Will"); nor does
//! a capitalised phrase that goes on past the name ("Will Border Patrol", "Charlotte Douglas
//! Airport"), an agency or place word ("Virginia Beach", "Mark Office"), or a state.
//! Diacritics are folded (Fernández → FERNANDEZ) and apostrophes dropped (O'Neil → ONEIL), as
//! the Census spells names.

use std::ops::Range;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

static GIVEN: &str = include_str!("../../assets/names/given.txt");
static SURNAMES: &str = include_str!("../../assets/names/surnames.txt");

/// A sorted list of upper-case names, split once.
fn list(cell: &'static OnceLock<Vec<&'static str>>, text: &'static str) -> &'static [&'static str] {
    cell.get_or_init(|| {
        let mut v: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
        v.sort_unstable();
        v
    })
}

fn given_names() -> &'static [&'static str] {
    static L: OnceLock<Vec<&'static str>> = OnceLock::new();
    list(&L, GIVEN)
}

fn surnames() -> &'static [&'static str] {
    static L: OnceLock<Vec<&'static str>> = OnceLock::new();
    list(&L, SURNAMES)
}

/// Honorifics that make the next name a person's even alone ("Ms. Long").
const HONORIFICS: &[&str] = &[
    "MR", "MRS", "MS", "MISS", "MX", "DR", "PROF", "SRA", "SRTA", "SENOR", "SENORA", "DON", "DONA",
];

/// What may follow a name in its phrase: "John Smith Jr.", "Ana Lopes III".
const SUFFIXES: &[&str] = &["JR", "SR", "II", "III", "IV", "ESQ", "PHD", "MD"];

/// Words that are in the name lists but, in a capitalised phrase, name a place, an office or a
/// rank rather than a person: a candidate holding one is not a name.
const NOT_NAMES: &[&str] = &[
    // Places.
    "AIRPORT",
    "AVENUE",
    "BAY",
    "BEACH",
    "BOULEVARD",
    "BRIDGE",
    "CITY",
    "COUNTY",
    "CREEK",
    "FALLS",
    "FORT",
    "HARBOR",
    "HARBOUR",
    "HEIGHTS",
    "HILLS",
    "ISLAND",
    "ISLANDS",
    "LAKE",
    "MOUNT",
    "PARISH",
    "POINT",
    "PORT",
    "RIVER",
    "ROAD",
    "SPRINGS",
    "STATE",
    "STATION",
    "STREET",
    "VALLEY",
    "BORDER",
    "FIELD",
    "SAINT",
    "SAN",
    "SANTA",
    "COAST",
    "GUARD",
    // Offices, documents and ranks.
    "AGENT",
    "AGENCY",
    "BUREAU",
    "CAPTAIN",
    "CENTER",
    "CHIEF",
    "COLONEL",
    "COUNCIL",
    "COURT",
    "DEPUTY",
    "DIRECTOR",
    "GENERAL",
    "JUDGE",
    "MAJOR",
    "MEDIA",
    "OFFICER",
    "PUBLIC",
    "SERGEANT",
    "SERVICE",
    "JUSTICE",
    "LAW",
    "RECORD",
    "RECORDS",
    "SOCIAL",
    "FORM",
    "NOTICE",
    "ACT",
    "AMENDMENT",
    "ORDER",
    "SECTION",
    "RULE",
    "PART",
    "TITLE",
    "APPENDIX",
    "CHAPTER",
    // States (a "Last, First" pair such as "Washington, Virginia" is two places).
    "ALABAMA",
    "ALASKA",
    "ARIZONA",
    "ARKANSAS",
    "CALIFORNIA",
    "COLORADO",
    "CONNECTICUT",
    "DELAWARE",
    "FLORIDA",
    "GEORGIA",
    "HAWAII",
    "IDAHO",
    "ILLINOIS",
    "INDIANA",
    "IOWA",
    "KANSAS",
    "KENTUCKY",
    "LOUISIANA",
    "MAINE",
    "MARYLAND",
    "MASSACHUSETTS",
    "MICHIGAN",
    "MINNESOTA",
    "MISSISSIPPI",
    "MISSOURI",
    "MONTANA",
    "NEBRASKA",
    "NEVADA",
    "HAMPSHIRE",
    "JERSEY",
    "MEXICO",
    "YORK",
    "CAROLINA",
    "DAKOTA",
    "OHIO",
    "OKLAHOMA",
    "OREGON",
    "PENNSYLVANIA",
    "RHODE",
    "TENNESSEE",
    "TEXAS",
    "UTAH",
    "VERMONT",
    "VIRGINIA",
    "WASHINGTON",
    "WISCONSIN",
    "WYOMING",
    "COLUMBIA",
    "PUERTO",
    "RICO",
    "GUAM",
    // Days and months.
    "MONDAY",
    "TUESDAY",
    "WEDNESDAY",
    "THURSDAY",
    "FRIDAY",
    "SATURDAY",
    "SUNDAY",
    "JANUARY",
    "FEBRUARY",
    "MARCH",
    "APRIL",
    "MAY",
    "JUNE",
    "JULY",
    "AUGUST",
    "SEPTEMBER",
    "OCTOBER",
    "NOVEMBER",
    "DECEMBER",
];

/// How a word is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    /// `Lucía`, `McDonald`, `O'Neil`.
    Title,
    /// `LUCÍA`.
    Upper,
    /// `B.`
    Initial,
    /// Anything else: lower case, digits.
    Other,
}

/// What stands between a word and the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gap {
    /// White space only (after an optional `.`).
    Space,
    /// A comma and white space.
    Comma,
    /// Anything else, or the end of the text.
    Break,
}

#[derive(Debug)]
struct Word {
    /// Where the word is (without a following `.`).
    at: Range<usize>,
    /// Upper-case ASCII, diacritics and apostrophes removed; hyphenated parts kept with `-`.
    key: String,
    case: Case,
    /// Followed directly by a `.`.
    dot: bool,
    gap: Gap,
}

fn is_space(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
        )
}

fn words(text: &str) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if !c.is_alphabetic() {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < chars.len() {
            let c = chars[j].1;
            let joins = matches!(c, '\'' | '’' | '-')
                && chars.get(j + 1).is_some_and(|n| n.1.is_alphabetic());
            if c.is_alphabetic() || c.is_numeric() || joins || is_combining(c) {
                j += 1;
            } else {
                break;
            }
        }
        let end = chars.get(j).map_or(text.len(), |x| x.0);
        let raw = &text[start..end];
        let dot = chars.get(j).is_some_and(|x| x.1 == '.');
        let mut k = j + usize::from(dot);
        let mut comma = false;
        let mut other = false;
        while k < chars.len() && !chars[k].1.is_alphanumeric() {
            match chars[k].1 {
                ',' if !comma => comma = true,
                c if is_space(c) => {}
                _ => other = true,
            }
            k += 1;
        }
        let gap = match (other, comma, k < chars.len()) {
            (false, false, true) => Gap::Space,
            (false, true, true) => Gap::Comma,
            _ => Gap::Break,
        };
        let letters: Vec<char> = raw.chars().filter(|c| c.is_alphabetic()).collect();
        let case = if raw.chars().any(char::is_numeric) {
            Case::Other
        } else if letters.len() == 1 && letters[0].is_uppercase() && dot {
            Case::Initial
        } else if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
            Case::Upper
        } else if letters[0].is_uppercase() && letters.iter().any(|c| c.is_lowercase()) {
            Case::Title
        } else {
            Case::Other
        };
        out.push(Word {
            at: start..end,
            key: fold(raw),
            case,
            dot,
            gap,
        });
        i = k;
    }
    out
}

fn is_combining(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

/// `Fernández` → `FERNANDEZ`, `O'Neil` → `ONEIL`, `García-López` → `GARCIA-LOPEZ`.
pub fn fold(word: &str) -> String {
    if word.is_ascii() {
        return word
            .bytes()
            .filter(|b| *b != b'\'')
            .map(|b| b.to_ascii_uppercase() as char)
            .collect();
    }
    word.nfd()
        .filter(|c| !is_combining(*c) && !matches!(c, '\'' | '’'))
        .flat_map(char::to_uppercase)
        .map(|c| match c {
            'ß' => 'S',
            'Ø' => 'O',
            'Ł' => 'L',
            'Đ' => 'D',
            'Æ' => 'A',
            'Œ' => 'O',
            c => c,
        })
        .collect()
}

/// Whether a word (any case) is a given name of the Census list: `dana` in `dana.drafter@`.
pub fn is_given_name(word: &str) -> bool {
    in_list(given_names(), &fold(word))
}

fn in_list(list: &[&str], key: &str) -> bool {
    list.binary_search(&key).is_ok()
}

/// Every part of a (hyphenated) word is in `list`.
fn all_parts(list: &[&str], key: &str) -> bool {
    in_list(list, key) || (key.contains('-') && key.split('-').all(|p| in_list(list, p)))
}

fn given(w: &Word) -> bool {
    matches!(w.case, Case::Title | Case::Upper) && all_parts(given_names(), &w.key) && !blocked(w)
}

fn surname(w: &Word) -> bool {
    matches!(w.case, Case::Title | Case::Upper)
        && w.key.chars().count() >= 2
        && all_parts(surnames(), &w.key)
        && !blocked(w)
}

fn blocked(w: &Word) -> bool {
    NOT_NAMES.contains(&w.key.as_str())
}

fn honorific(w: &Word) -> bool {
    matches!(w.case, Case::Title | Case::Upper) && HONORIFICS.contains(&w.key.as_str())
}

/// A word of a name: a given name, a surname or an initial.
fn part(w: &Word) -> bool {
    w.case == Case::Initial || given(w) || surname(w)
}

/// Whether `a` and the next word belong to one capitalised phrase: white space between them,
/// and no full stop unless `a` is an initial or an honorific (`B.`, `Dr.`).
fn joined(a: &Word) -> bool {
    a.gap == Gap::Space && (!a.dot || a.case == Case::Initial || honorific(a))
}

fn capitalised(w: &Word) -> bool {
    w.case != Case::Other
}

/// The people `text` names, as byte ranges of `text`.
pub fn find(text: &str) -> Vec<Range<usize>> {
    // Only text with a capital letter can name anyone: many strings stop here.
    if !text.bytes().any(|b| b.is_ascii_uppercase() || b >= 0x80) {
        return Vec::new();
    }
    let ws = words(text);
    let span = |r: &Range<usize>| ws[r.start].at.start..ws[r.end - 1].at.end;
    // Runs: maximal capitalised phrases.
    let mut runs: Vec<Range<usize>> = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        if !capitalised(&ws[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i + 1 < ws.len() && joined(&ws[i]) && capitalised(&ws[i + 1]) {
            i += 1;
        }
        runs.push(start..i + 1);
        i += 1;
    }
    let mut out: Vec<Range<usize>> = Vec::new();
    for (n, run) in runs.iter().enumerate() {
        let run_words = &ws[run.clone()];
        let upper = run_words.iter().all(|w| w.case != Case::Title);
        // "Fernández, Lucía": one or two surnames, a comma, a given name (and initials) that
        // make up the next phrase.
        if let Some(next) = runs.get(n + 1) {
            let last = &ws[run.end - 1];
            let after = &ws[next.clone()];
            let surnames_only = run.len() <= 2 && run_words.iter().all(surname);
            if last.gap == Gap::Comma
                && next.start == run.end
                && surnames_only
                && after.len() <= 3
                && given(&after[0])
                && after.iter().all(|w| given(w) || w.case == Case::Initial)
            {
                out.push(span(&(run.start..next.end)));
                continue;
            }
        }
        // An honorific and a name: "Ms. Long", "Dr. Ana Lopes".
        if let Some(h) = run_words.iter().position(honorific) {
            let rest = &run_words[h + 1..];
            let len = rest.iter().take_while(|w| part(w)).count();
            if (1..=4).contains(&len) && (h + 1 + len == run_words.len() || upper) {
                out.push(span(&(run.start + h..run.start + h + 1 + len)));
                continue;
            }
        }
        // A given name, further names and initials, and a surname last, ending the phrase (in
        // a phrase of capitals, any stretch of names).
        let mut k = 0;
        while k < run_words.len() {
            if !given(&run_words[k]) {
                k += 1;
                continue;
            }
            let len = run_words[k..].iter().take_while(|w| part(w)).count();
            let end = k + len;
            let suffixes = run_words[end..]
                .iter()
                .take_while(|w| SUFFIXES.contains(&w.key.as_str()))
                .count();
            let ends_phrase = end + suffixes == run_words.len() || upper;
            if (2..=5).contains(&len) && ends_phrase && surname(&run_words[end - 1]) {
                out.push(span(&(run.start + k..run.start + end)));
                break;
            }
            k = end.max(k + 1);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<&str> {
        find(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn finds_names_in_the_forms_people_write_them() {
        assert_eq!(names("We met Lucía Fernández today."), ["Lucía Fernández"]);
        assert_eq!(names("per Fernández, Lucía"), ["Fernández, Lucía"]);
        assert_eq!(
            names("AGENTS MET LUCÍA FERNÁNDEZ AT THE PORT"),
            ["LUCÍA FERNÁNDEZ"]
        );
        assert_eq!(names("Passenger Ana B. Lopes arrived"), ["Ana B. Lopes"]);
        assert_eq!(names("asked Ms. Long"), ["Ms. Long"]);
        assert_eq!(names("said Dr. Price."), ["Dr. Price"]);
        assert_eq!(names("José García-López was held"), ["José García-López"]);
        assert_eq!(names("Brian O'Neil"), ["Brian O'Neil"]);
        assert_eq!(names("John Smith Jr. said"), ["John Smith"]);
    }

    #[test]
    fn common_words_places_and_agencies_are_not_names() {
        for text in [
            "The Long and Price reports; Will the office respond?",
            "Homeland Security Investigations and the Forced Labor Division",
            "U.S. Customs and Border Protection at San Diego",
            "Will Border Patrol agents respond?",
            "Virginia Beach, Washington, Virginia",
            "Charlotte Douglas International Airport",
            "Office of Public Affairs, Miami Field Office",
            "Lucía",
            "8.1.2.1 and 7.2.2.3",
        ] {
            assert!(names(text).is_empty(), "{text:?}: {:?}", names(text));
        }
    }
}
