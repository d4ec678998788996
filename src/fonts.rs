//! The faces smout prints with — DejaVu Sans, its Latin cut embedded whole, else the full faces
//! cut to a PDF's glyphs — their measures, and what they cannot print (which `check` warns of).

use std::sync::OnceLock;

use printpdf::ParsedFont;

/// DejaVu Sans, whole: embedded (as a subset) only in a PDF whose text needs a character the
/// Latin cut lacks.
pub(crate) const FULL_TTF: [&[u8]; 3] = [
    include_bytes!("../assets/fonts/DejaVuSans.ttf"),
    include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf"),
    include_bytes!("../assets/fonts/DejaVuSans-Oblique.ttf"),
];
/// DejaVu Sans cut to the characters of records and forms (`assets/fonts/make-latin.sh`),
/// deflated there: embedded whole and as they are in most PDFs, so no PDF pays for subsetting a
/// 700 KB font or deflating its cut.
pub(crate) const LATIN_ZLIB: [&[u8]; 3] = [
    include_bytes!("../assets/fonts/latin/DejaVuSans.ttf.zlib"),
    include_bytes!("../assets/fonts/latin/DejaVuSans-Bold.ttf.zlib"),
    include_bytes!("../assets/fonts/latin/DejaVuSans-Oblique.ttf.zlib"),
];

/// The Latin cuts' font programs, as the deflated bytes above inflate to (a test holds them
/// to it).
pub(crate) const LATIN_TTF: [&[u8]; 3] = [
    include_bytes!("../assets/fonts/latin/DejaVuSans.ttf"),
    include_bytes!("../assets/fonts/latin/DejaVuSans-Bold.ttf"),
    include_bytes!("../assets/fonts/latin/DejaVuSans-Oblique.ttf"),
];

/// The typeface of a run of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Face {
    #[default]
    Regular,
    Bold,
    /// The template's italics (a directive's title, a rule's name): DejaVu Sans Oblique.
    Italic,
}

pub(crate) struct Fonts {
    /// The Latin cut of each face.
    pub(crate) latin: [ParsedFont; 3],
    pub(crate) upem: [f32; 3],
    /// Advances of the first 0x250 code points, per face ([`MISSING`] where the Latin cut
    /// lacks the character): measuring is most of laying out, and a cmap lookup per character
    /// per measurement was a twentieth of a render.
    pub(crate) table: [Vec<u16>; 3],
    /// The glyph of each of the first 0x250 code points in the Latin cut of each face
    /// ([`MISSING`] where it lacks the character): its code in a PDF that embeds the cut.
    pub(crate) gids: [Vec<u16>; 3],
}

/// Code points below this have their advance in `Fonts::table`.
pub(crate) const LATIN: u32 = 0x250;
/// In `Fonts::table`: not in the Latin cut.
pub(crate) const MISSING: u16 = u16::MAX;

pub(crate) fn parse_font(bytes: &[u8]) -> ParsedFont {
    ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).expect("embedded DejaVu Sans parses")
}

pub(crate) fn fonts() -> &'static Fonts {
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
pub(crate) fn full_fonts() -> &'static [ParsedFont; 3] {
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
pub(crate) fn latin_advance(f: &Fonts, face: Face, c: char) -> Option<u16> {
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
pub(crate) fn in_latin(face: Face, c: char) -> bool {
    latin_advance(fonts(), face, c).is_some()
}

/// The advance of `c` in `face`, in font units: DejaVu's own, from whichever cut has it.
pub(crate) fn advance(f: &Fonts, face: Face, c: char) -> u16 {
    latin_advance(f, face, c).unwrap_or_else(|| {
        let full = &full_fonts()[face as usize];
        full.get_horizontal_advance(full.lookup_glyph_index(c as u32).unwrap_or(0))
    })
}

/// Width of `s` in points.
pub(crate) fn text_width(s: &str, face: Face, size: f32) -> f32 {
    let f = fonts();
    let units: u32 = s.chars().map(|c| u32::from(advance(f, face, c))).sum();
    units as f32 / f.upem[face as usize] * size
}
