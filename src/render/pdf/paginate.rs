//! Pagination: units onto pages, and the outline's page numbers.

use super::*;

pub(super) struct PageOut {
    pub(super) draws: Vec<Draw>,
    pub(super) running: String,
}

pub(super) fn paginate(units: Vec<Unit>, sheet: Sheet) -> (Vec<PageOut>, Vec<(String, usize)>) {
    let top = sheet.top();
    let mut pages = vec![PageOut {
        draws: Vec::new(),
        running: String::new(),
    }];
    let mut outline = Vec::new();
    let mut y = top;
    let mut running = String::new();
    let mut i = 0;
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
        if u.page_before {
            if pages.last().is_some_and(|p| !p.draws.is_empty()) {
                y = new_page(&mut pages, &running);
            }
            i += 1;
            continue;
        }
        // Keep a chain of keep-with-next units together with the unit after it.
        let mut need = u.height;
        let mut j = i;
        while units[j].keep_with_next && j + 1 < units.len() {
            j += 1;
            need += units[j].height;
        }
        let page_has_content = pages.last().is_some_and(|p| !p.draws.is_empty());
        let chain_breaks = y - need < BOTTOM && need < top - BOTTOM;
        if (chain_breaks || y - u.height < BOTTOM) && page_has_content {
            y = new_page(&mut pages, &running);
            if let Some(h) = &u.repeat {
                place(pages.last_mut().expect("a page"), h, y);
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
        }
        i += 1;
    }
    if pages.len() > 1 && pages.last().is_some_and(|p| p.draws.is_empty()) {
        pages.pop();
    }
    (pages, outline)
}

/// Put a unit on a page with its top at `top` (unit y grows downwards, page y upwards).
pub(super) fn place(page: &mut PageOut, u: &Unit, top: f32) {
    for d in &u.draws {
        page.draws.push(d.clone().map(|x, y, h| (x, top - y - h)));
    }
}
