//! The faces and their measures: which DejaVu Sans cut a PDF embeds, the width of text in it,
//! what it cannot print; and the page's sheet and measures.

use std::sync::OnceLock;

use printpdf::ParsedFont;

/// DejaVu Sans, whole: embedded (as a subset) only in a PDF whose text needs a character the
/// Latin cut lacks.
pub(super) const FULL_TTF: [&[u8]; 3] = [
    include_bytes!("../../../assets/fonts/DejaVuSans.ttf"),
    include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf"),
    include_bytes!("../../../assets/fonts/DejaVuSans-Oblique.ttf"),
];
/// DejaVu Sans cut to the characters of records and forms (`assets/fonts/make-latin.sh`),
/// deflated there: embedded whole and as they are in most PDFs, so no PDF pays for subsetting a
/// 700 KB font or deflating its cut.
pub(super) const LATIN_ZLIB: [&[u8]; 3] = [
    include_bytes!("../../../assets/fonts/latin/DejaVuSans.ttf.zlib"),
    include_bytes!("../../../assets/fonts/latin/DejaVuSans-Bold.ttf.zlib"),
    include_bytes!("../../../assets/fonts/latin/DejaVuSans-Oblique.ttf.zlib"),
];

/// The Latin cuts' font programs, as the deflated bytes above inflate to (a test holds them
/// to it).
pub(super) const LATIN_TTF: [&[u8]; 3] = [
    include_bytes!("../../../assets/fonts/latin/DejaVuSans.ttf"),
    include_bytes!("../../../assets/fonts/latin/DejaVuSans-Bold.ttf"),
    include_bytes!("../../../assets/fonts/latin/DejaVuSans-Oblique.ttf"),
];

/// The typeface of a run of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Face {
    #[default]
    Regular,
    Bold,
    /// The template's italics (a directive's title, a rule's name): DejaVu Sans Oblique.
    Italic,
}

pub(super) const MARGIN_X: f32 = 60.0;
pub(super) const BOTTOM: f32 = 70.0;

/// The paper: US Letter, upright (forms) or on its side (`@sheet landscape`: wide tables).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Sheet {
    pub(super) w: f32,
    pub(super) h: f32,
}

impl Default for Sheet {
    fn default() -> Sheet {
        Sheet::LETTER
    }
}

impl Sheet {
    pub(super) const LETTER: Sheet = Sheet { w: 612.0, h: 792.0 };

    pub(super) fn landscape(self) -> Sheet {
        Sheet {
            w: self.h.max(self.w),
            h: self.h.min(self.w),
        }
    }

    /// Where the body starts, below the banner and the running heading.
    pub(super) fn top(self) -> f32 {
        self.h - 78.0
    }

    /// The body's right edge.
    pub(super) fn right(self) -> f32 {
        self.w - MARGIN_X
    }
}
pub(super) const BODY: f32 = 10.0;
pub(super) const LEADING: f32 = 1.32;
pub(super) const INDENT: f32 = 18.0;
pub(super) const BOX_TICKED: &str = "☒";
/// The markers footnotes start with.
pub(super) const SUPERSCRIPTS: &str = "¹²³⁴⁵⁶⁷⁸⁹⁰";
pub(super) const BOX_EMPTY: &str = "☐";

pub(super) struct Fonts {
    /// The Latin cut of each face.
    pub(super) latin: [ParsedFont; 3],
    pub(super) upem: [f32; 3],
    /// Advances of the first 0x250 code points, per face ([`MISSING`] where the Latin cut
    /// lacks the character): measuring is most of laying out, and a cmap lookup per character
    /// per measurement was a twentieth of a render.
    pub(super) table: [Vec<u16>; 3],
    /// The glyph of each of the first 0x250 code points in the Latin cut of each face
    /// ([`MISSING`] where it lacks the character): its code in a PDF that embeds the cut.
    pub(super) gids: [Vec<u16>; 3],
}

/// Code points below this have their advance in `Fonts::table`.
pub(super) const LATIN: u32 = 0x250;
/// In `Fonts::table`: not in the Latin cut.
pub(super) const MISSING: u16 = u16::MAX;

pub(super) fn parse_font(bytes: &[u8]) -> ParsedFont {
    ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).expect("embedded DejaVu Sans parses")
}

pub(super) fn fonts() -> &'static Fonts {
    static F: OnceLock<Fonts> = OnceLock::new();
    F.get_or_init(|| {
        let latin = LATIN_TTF.map(parse_font);
        let upem = [0, 1, 2].map(|i| f32::from(latin[i].pdf_font_metrics.units_per_em.max(1)));
        let gids = [0, 1, 2].map(|i| {
            (0..LATIN)
                .map(|c| latin[i].lookup_glyph_index(c).unwrap_or(MISSING))
                .collect::<Vec<u16>>()
        });
        let table = [0, 1, 2].map(|i| {
            gids[i]
                .iter()
                .map(|&g| match g {
                    MISSING => MISSING,
                    g => latin[i].get_horizontal_advance(g),
                })
                .collect()
        });
        Fonts {
            latin,
            upem,
            table,
            gids,
        }
    })
}

/// The whole faces, parsed on first need (a character outside the Latin cut).
pub(super) fn full_fonts() -> &'static [ParsedFont; 3] {
    static F: OnceLock<[ParsedFont; 3]> = OnceLock::new();
    F.get_or_init(|| FULL_TTF.map(parse_font))
}

/// The characters of `s` the PDF cannot print, each once, in order: DejaVu Sans has no glyph
/// for them (CJK, most Indic scripts …), so they show as empty boxes and are lost to copying
/// and to screen readers. `check` warns of them (SM024).
pub fn unprintable(s: &str) -> Vec<char> {
    let mut out = Vec::new();
    for c in s.chars() {
        if c.is_ascii() || c.is_control() || out.contains(&c) || in_latin(Face::Regular, c) {
            continue;
        }
        if full_fonts()[Face::Regular as usize]
            .lookup_glyph_index(c as u32)
            .is_none()
        {
            out.push(c);
        }
    }
    out
}

/// The advance of `c` in the Latin cut of `face`, in font units (`None`: the cut lacks it).
pub(super) fn latin_advance(f: &Fonts, face: Face, c: char) -> Option<u16> {
    match f.table[face as usize].get(c as usize) {
        Some(&a) => (a != MISSING).then_some(a),
        None => {
            let latin = &f.latin[face as usize];
            latin
                .lookup_glyph_index(c as u32)
                .map(|g| latin.get_horizontal_advance(g))
        }
    }
}

/// Whether the Latin cut of `face` has `c`.
pub(super) fn in_latin(face: Face, c: char) -> bool {
    latin_advance(fonts(), face, c).is_some()
}

/// The advance of `c` in `face`, in font units: DejaVu's own, from whichever cut has it.
pub(super) fn advance(f: &Fonts, face: Face, c: char) -> u16 {
    latin_advance(f, face, c).unwrap_or_else(|| {
        let full = &full_fonts()[face as usize];
        full.get_horizontal_advance(full.lookup_glyph_index(c as u32).unwrap_or(0))
    })
}

/// Width of `s` in points.
pub(super) fn text_width(s: &str, face: Face, size: f32) -> f32 {
    let f = fonts();
    let units: u32 = s.chars().map(|c| u32::from(advance(f, face, c))).sum();
    units as f32 / f.upem[face as usize] * size
}
