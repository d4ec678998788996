//! Pagination: units onto pages, and the outline's page numbers.

use super::{metrics::*, tag::*, units::*};

pub(super) struct PageOut {
    pub(super) draws: Vec<Draw>,
    pub(super) running: String,
}

/// The footnotes whose markers a unit prints (not yet placed), and the room they take.
fn markers_in(u: &Unit, notes: &[(String, Vec<Unit>)], placed: &[String]) -> Vec<String> {
    if u.footnote.is_some() {
        return Vec::new();
    }
    notes
        .iter()
        .map(|(m, _)| m)
        .filter(|m| !placed.contains(m))
        .filter(|m| {
            u.draws
                .iter()
                .any(|d| matches!(d, Draw::Text { text, .. } if marks(text, m)))
        })
        .cloned()
        .collect()
}

/// Whether `text` prints the marker `m` as a whole: `¹` in "extension.¹" but not in "¹⁰".
fn marks(text: &str, m: &str) -> bool {
    text.match_indices(m).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + m.len()..].chars().next();
        !before.is_some_and(|c| SUPERSCRIPTS.contains(c))
            && !after.is_some_and(|c| SUPERSCRIPTS.contains(c))
    })
}

/// The gap and rule between the body and the footnotes of a page.
const FOOT_RULE: f32 = 8.0;

pub(super) fn paginate(units: Vec<Unit>, sheet: Sheet) -> (Vec<PageOut>, Vec<(String, usize)>) {
    let top = sheet.top();
    // Footnotes by marker: printed at the foot of the page where their marker first appears.
    let mut notes: Vec<(String, Vec<Unit>)> = Vec::new();
    for u in &units {
        if let Some(m) = &u.footnote {
            match notes.iter_mut().find(|(k, _)| k == m) {
                Some((_, list)) => list.push(u.clone()),
                None => notes.push((m.clone(), vec![u.clone()])),
            }
        }
    }
    let height_of = |m: &str| -> f32 {
        notes
            .iter()
            .find(|(k, _)| k == m)
            .map(|(_, l)| l.iter().map(|u| u.height).sum())
            .unwrap_or(0.0)
    };
    let mut placed: Vec<String> = Vec::new();
    // The current page's footnotes and the room they take at its foot.
    let mut foot_notes: Vec<String> = Vec::new();
    let mut foot: f32 = 0.0;
    let mut pages = vec![PageOut {
        draws: Vec::new(),
        running: String::new(),
    }];
    let mut outline = Vec::new();
    let mut y = top;
    let mut running = String::new();
    let mut i = 0;
    // Close the current page: draw its footnotes at its foot.
    let close = |page: &mut PageOut, foot_notes: &mut Vec<String>, foot: &mut f32| {
        if foot_notes.is_empty() {
            return;
        }
        let mut at = BOTTOM + *foot;
        page.draws.push(Draw::Rule {
            x1: MARGIN_X,
            y1: at - 3.0,
            x2: MARGIN_X + 120.0,
            y2: at - 3.0,
        });
        at -= FOOT_RULE;
        for m in foot_notes.drain(..) {
            for u in notes.iter().filter(|(k, _)| *k == m).flat_map(|(_, l)| l) {
                place(page, u, at);
                at -= u.height;
            }
        }
        *foot = 0.0;
    };
    let new_page = |pages: &mut Vec<PageOut>, running: &str| {
        pages.push(PageOut {
            draws: Vec::new(),
            running: running.to_string(),
        });
        top
    };
    while i < units.len() {
        let u = &units[i];
        if let Some(r) = &u.running {
            running = r.clone();
            if let Some(p) = pages.last_mut() {
                if p.draws.is_empty() {
                    p.running = running.clone();
                }
            }
        }
        // A footnote already printed at the foot of its marker's page is not printed again.
        if u.footnote.as_ref().is_some_and(|m| placed.contains(m)) {
            i += 1;
            continue;
        }
        if u.page_before {
            if pages.last().is_some_and(|p| !p.draws.is_empty()) {
                close(
                    pages.last_mut().expect("a page"),
                    &mut foot_notes,
                    &mut foot,
                );
                y = new_page(&mut pages, &running);
            }
            i += 1;
            continue;
        }
        let markers = markers_in(u, &notes, &placed);
        // Keep a chain of keep-with-next units together with the unit after it.
        // The chain also brings the footnotes its later units mark: a heading that marks one on
        // its third line is not cut after that line by the room its footnote takes.
        let mut need = u.height;
        let mut chain_markers = markers.clone();
        let mut j = i;
        while units[j].keep_with_next && j + 1 < units.len() {
            j += 1;
            need += units[j].height;
            for m in markers_in(&units[j], &notes, &placed) {
                if !chain_markers.contains(&m) {
                    chain_markers.push(m);
                }
            }
        }
        let page_has_content = pages.last().is_some_and(|p| !p.draws.is_empty());
        // The body ends above the footnotes already at the foot, and those this unit brings
        // (with the rule above them when they are the page's first).
        let brought: f32 = markers.iter().map(|m| height_of(m)).sum();
        let rule = if foot_notes.is_empty() && !markers.is_empty() {
            FOOT_RULE
        } else {
            0.0
        };
        let bottom = BOTTOM + foot + brought + rule;
        let chain_brought: f32 = chain_markers.iter().map(|m| height_of(m)).sum();
        let chain_rule = if foot_notes.is_empty() && !chain_markers.is_empty() {
            FOOT_RULE
        } else {
            0.0
        };
        let chain_bottom = BOTTOM + foot + chain_brought + chain_rule;
        let chain_breaks = y - need < chain_bottom && need < top - chain_bottom;
        if (chain_breaks || y - u.height < bottom) && page_has_content {
            close(
                pages.last_mut().expect("a page"),
                &mut foot_notes,
                &mut foot,
            );
            y = new_page(&mut pages, &running);
            if let Some(h) = &u.repeat {
                // The header repeated on a new page is page furniture: read once, at the top.
                place(pages.last_mut().expect("a page"), &as_artifact(h), y);
                y -= h.height;
            }
        }
        // Gaps at the top of a page are dropped.
        let top_gap = u.draws.is_empty() && y == top;
        if !top_gap {
            if let Some(t) = &u.outline {
                outline.push((t.clone(), pages.len()));
            }
            place(pages.last_mut().expect("a page"), u, y);
            y -= u.height;
            for m in markers {
                foot += height_of(&m)
                    + if foot_notes.is_empty() {
                        FOOT_RULE
                    } else {
                        0.0
                    };
                foot_notes.push(m.clone());
                placed.push(m);
            }
            if let Some(m) = &u.footnote {
                // No marker printed before it: it stays where the form put it.
                if units
                    .get(i + 1)
                    .is_none_or(|n| n.footnote.as_ref() != Some(m))
                {
                    placed.push(m.clone());
                }
            }
        }
        i += 1;
    }
    close(
        pages.last_mut().expect("a page"),
        &mut foot_notes,
        &mut foot,
    );
    if pages.len() > 1 && pages.last().is_some_and(|p| p.draws.is_empty()) {
        pages.pop();
    }
    (pages, outline)
}

/// The same unit with its text an artifact.
fn as_artifact(u: &Unit) -> Unit {
    let mut u = u.clone();
    for d in &mut u.draws {
        if let Draw::Text { mark, .. } = d {
            *mark = Mark::Pagination;
        }
    }
    u
}

/// Put a unit on a page with its top at `top` (unit y grows downwards, page y upwards).
pub(super) fn place(page: &mut PageOut, u: &Unit, top: f32) {
    for d in &u.draws {
        page.draws.push(d.clone().map(|x, y, h| (x, top - y - h)));
    }
}

#[cfg(test)]
mod tests {
    use super::marks;

    /// A footnote's marker is found whole: `¹` is not in `¹⁰`, nor `⁰` in it.
    #[test]
    fn a_marker_is_found_whole() {
        assert!(marks("policies.¹ More", "¹"));
        assert!(marks("Counsel.¹⁰", "¹⁰"));
        assert!(!marks("Counsel.¹⁰", "¹"));
        assert!(!marks("Counsel.¹⁰", "⁰"));
        assert!(!marks("extension⁹", "¹"));
    }
}
