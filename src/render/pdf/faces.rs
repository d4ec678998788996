//! The fonts a PDF embeds, and the code each character is written with.
//!
//! Every face is a Type 0 font under Identity-H: a character is written as the two-byte id of
//! its glyph in the embedded program. When the Latin cut has every character of the PDF (nearly
//! always), the cut is embedded whole, as it was deflated when it was made, and a character's
//! code is its glyph in the cut; otherwise the whole faces are cut (by printpdf's subsetter) to
//! the glyphs the PDF uses. Either way the font carries `/W` widths and a `/ToUnicode` map for
//! exactly the characters used, and a subset tag drawn from the program's SHA-256.

use super::strings::literal_byte;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use lopdf::{dictionary, Object, ObjectId, Stream};

use super::metrics::*;
use sha2::{Digest, Sha256};

/// The PostScript names of the three faces.
const NAMES: [&str; 3] = ["DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"];

/// The resource name of a face in the content streams (`/F1` …).
pub(super) fn resource(face: Face) -> &'static str {
    ["F1", "F2", "F3"][face as usize]
}

/// One face as this PDF embeds it.
struct Embedded {
    face: Face,
    /// Code of each character below [`LATIN`] used in this face ([`MISSING`]: unused).
    low: Vec<u16>,
    /// Code of each character from [`LATIN`] up.
    high: HashMap<char, u16>,
    /// The characters used, by code (for `/W` and `/ToUnicode`).
    used: BTreeMap<u16, char>,
    /// The font program: deflated already (a Latin cut) or to be deflated (a subset).
    program: Program,
}

enum Program {
    /// Face n's Latin cut, embedded whole.
    Latin(usize),
    /// A cut of the whole face made for this PDF.
    Subset(Vec<u8>),
}

/// The faces a PDF uses and the codes of their characters.
pub(super) struct Faces {
    faces: Vec<Embedded>,
}

/// Six capitals from the SHA-256 of a font program (ISO 32000-1, 9.6.4: a font program cut to
/// some glyphs, as every one smout embeds is, is named with such a tag): the same cut has the
/// same tag in every PDF, another cut another tag.
fn subset_tag(program: &[u8]) -> String {
    Sha256::digest(program)[..6]
        .iter()
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}

/// The Latin cuts' tags, computed once.
fn latin_tag(i: usize) -> &'static str {
    static TAGS: OnceLock<[String; 3]> = OnceLock::new();
    &TAGS.get_or_init(|| LATIN_TTF.map(subset_tag))[i]
}

impl Faces {
    /// The faces of `texts` (each face and its text), and the code of every character in them.
    pub(super) fn new<'a>(texts: impl Iterator<Item = (Face, &'a str)>) -> Faces {
        // The characters of each face, once each.
        let mut low: [Vec<bool>; 3] = std::array::from_fn(|_| vec![false; LATIN as usize]);
        let mut high: [BTreeSet<char>; 3] = Default::default();
        let mut present = [false; 3];
        for (face, text) in texts {
            let i = face as usize;
            present[i] |= !text.is_empty();
            for c in text.chars() {
                match low[i].get_mut(c as usize) {
                    Some(seen) => *seen = true,
                    None => {
                        high[i].insert(c);
                    }
                }
            }
        }
        let chars: [Vec<char>; 3] = std::array::from_fn(|i| {
            let low = low[i]
                .iter()
                .enumerate()
                .filter(|(_, seen)| **seen)
                .filter_map(|(c, _)| char::from_u32(c as u32));
            low.chain(high[i].iter().copied()).collect()
        });
        let faces = [Face::Regular, Face::Bold, Face::Italic];
        let latin = faces
            .iter()
            .all(|&face| chars[face as usize].iter().all(|&c| in_latin(face, c)));
        let faces = faces
            .into_iter()
            .filter(|&face| present[face as usize])
            .map(|face| match latin {
                true => Embedded::latin(face, &chars[face as usize]),
                false => Embedded::subset(face, &chars[face as usize]),
            })
            .collect();
        Faces { faces }
    }

    fn get(&self, face: Face) -> Option<&Embedded> {
        self.faces.iter().find(|e| e.face == face)
    }

    /// Append `text` in `face` to a content stream: a literal string of its two-byte codes
    /// (half the bytes of hex, for the file and for deflate), the delimiters, the escape and
    /// line ends escaped.
    pub(super) fn show(&self, out: &mut Vec<u8>, face: Face, text: &str) {
        out.push(b'(');
        if let Some(e) = self.get(face) {
            for c in text.chars() {
                for b in e.code(c).to_be_bytes() {
                    literal_byte(out, b);
                }
            }
        }
        out.push(b')');
    }

    /// Write every face's font into `doc`: the `/Font` resource dictionary naming them.
    pub(super) fn write(&self, doc: &mut lopdf::Document) -> lopdf::Dictionary {
        let mut fonts = lopdf::Dictionary::new();
        for e in &self.faces {
            let id = e.write(doc);
            fonts.set(resource(e.face), Object::Reference(id));
        }
        fonts
    }
}

impl Embedded {
    /// The Latin cut of `face`, whole: a character's code is its glyph there.
    fn latin(face: Face, chars: &[char]) -> Embedded {
        let f = fonts();
        let i = face as usize;
        let cut = &f.latin[i];
        let mut e = Embedded {
            face,
            low: f.gids[i].clone(),
            high: HashMap::new(),
            used: BTreeMap::new(),
            program: Program::Latin(i),
        };
        for &c in chars {
            let code = match (c as u32) < LATIN {
                true => e.low[c as usize],
                false => {
                    let g = cut.lookup_glyph_index(c as u32).unwrap_or(0);
                    e.high.insert(c, g);
                    g
                }
            };
            if code != MISSING {
                e.used.entry(code).or_insert(c);
            }
        }
        e
    }

    /// The whole face cut to `chars`' glyphs: a character's code is its glyph in the cut.
    fn subset(face: Face, chars: &[char]) -> Embedded {
        let full = &full_fonts()[face as usize];
        let glyphs: BTreeMap<u16, String> = chars
            .iter()
            .filter_map(|&c| Some((full.lookup_glyph_index(c as u32)?, c.to_string())))
            .collect();
        let (bytes, mapping) = match printpdf::subset_font(full, &glyphs) {
            Ok(s) => (s.bytes, s.glyph_mapping),
            // Never expected of DejaVu; the whole face still prints every character.
            Err(_) => (
                FULL_TTF[face as usize].to_vec(),
                glyphs.iter().map(|(g, s)| (*g, (*g, s.clone()))).collect(),
            ),
        };
        let mut e = Embedded {
            face,
            low: vec![MISSING; LATIN as usize],
            high: HashMap::new(),
            used: BTreeMap::new(),
            program: Program::Subset(bytes),
        };
        for &c in chars {
            let code = full
                .lookup_glyph_index(c as u32)
                .and_then(|g| mapping.get(&g))
                .map_or(0, |(new, _)| *new);
            match e.low.get_mut(c as usize) {
                Some(slot) => *slot = code,
                None => {
                    e.high.insert(c, code);
                }
            }
            if code != 0 {
                e.used.entry(code).or_insert(c);
            }
        }
        e
    }

    fn code(&self, c: char) -> u16 {
        let code = match self.low.get(c as usize) {
            Some(&code) => code,
            None => self.high.get(&c).copied().unwrap_or(0),
        };
        match code {
            MISSING => 0,
            code => code,
        }
    }

    /// The program's bytes as the font file stream holds them, whether they are deflated, and
    /// the program's own length.
    fn program(&self) -> (Vec<u8>, bool, usize, String) {
        match &self.program {
            Program::Latin(i) => (
                LATIN_ZLIB[*i].to_vec(),
                true,
                LATIN_TTF[*i].len(),
                latin_tag(*i).to_string(),
            ),
            Program::Subset(bytes) => (bytes.clone(), false, bytes.len(), subset_tag(bytes)),
        }
    }

    /// The parsed font whose metrics the descriptor gives: the program embedded.
    fn metrics(&self) -> &'static printpdf::ParsedFont {
        match self.program {
            Program::Latin(i) => &fonts().latin[i],
            Program::Subset(_) => &full_fonts()[self.face as usize],
        }
    }

    /// Write the font (Type 0, its CIDFontType2, descriptor, program and `/ToUnicode`).
    fn write(&self, doc: &mut lopdf::Document) -> ObjectId {
        let (bytes, deflated, length1, tag) = self.program();
        let name = format!("{tag}+{}", NAMES[self.face as usize]);
        let mut file = Stream::new(dictionary! { "Length1" => length1 as i64 }, bytes);
        if deflated {
            file.dict
                .set("Filter", Object::Name(b"FlateDecode".to_vec()));
            file.allows_compression = false;
        }
        let file = doc.add_object(file);
        let m = self.metrics();
        let upem = f32::from(m.pdf_font_metrics.units_per_em.max(1));
        let scale = |v: f32| (v * 1000.0 / upem).round() as i64;
        let p = &m.pdf_font_metrics;
        let ascent = scale(m.font_metrics.ascent);
        let italic_angle = match p.caret_slope_rise {
            0 => 0,
            rise => (-f32::from(p.caret_slope_run).atan2(f32::from(rise)))
                .to_degrees()
                .round() as i64,
        };
        let stem_v = match p.us_weight_class {
            0 => 80,
            w => 50 + (f32::from(w) / 65.0).powi(2).round() as i64,
        };
        let descriptor = doc.add_object(dictionary! {
            "Type" => "FontDescriptor",
            "FontName" => Object::Name(name.clone().into_bytes()),
            "Ascent" => ascent,
            "Descent" => scale(m.font_metrics.descent),
            "CapHeight" => m.font_metrics.cap_height.map_or(ascent, scale),
            "ItalicAngle" => italic_angle,
            // Non-symbolic, and italic when the face slants.
            "Flags" => 32 + if italic_angle != 0 { 64 } else { 0 },
            "StemV" => stem_v,
            "FontBBox" => vec![
                Object::Integer(scale(f32::from(p.x_min))),
                Object::Integer(scale(f32::from(p.y_min))),
                Object::Integer(scale(f32::from(p.x_max))),
                Object::Integer(scale(f32::from(p.y_max))),
            ],
            "FontFile2" => file,
        });
        let to_unicode = doc.add_object(Stream::new(dictionary! {}, self.cmap()));
        let cid_font = dictionary! {
            "Type" => "Font",
            "Subtype" => "CIDFontType2",
            "BaseFont" => Object::Name(name.clone().into_bytes()),
            "CIDSystemInfo" => dictionary! {
                "Registry" => Object::string_literal("Adobe"),
                "Ordering" => Object::string_literal("Identity"),
                "Supplement" => 0,
            },
            "FontDescriptor" => descriptor,
            "CIDToGIDMap" => "Identity",
            "DW" => 1000,
            "W" => self.widths(upem),
        };
        doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type0",
            "BaseFont" => Object::Name(name.into_bytes()),
            "Encoding" => "Identity-H",
            "DescendantFonts" => vec![Object::Dictionary(cid_font)],
            "ToUnicode" => to_unicode,
        })
    }

    /// `/W`: the width of each code used, in runs of consecutive codes.
    fn widths(&self, upem: f32) -> Vec<Object> {
        let mut out = Vec::new();
        let mut run: Vec<Object> = Vec::new();
        let mut start = 0u16;
        let mut next = None;
        for (&code, &c) in &self.used {
            let width = (f32::from(advance(fonts(), self.face, c)) * 1000.0 / upem) as i64;
            if next != Some(code) && !run.is_empty() {
                out.push(Object::Integer(i64::from(start)));
                out.push(Object::Array(std::mem::take(&mut run)));
            }
            if run.is_empty() {
                start = code;
            }
            run.push(Object::Integer(width));
            next = code.checked_add(1);
        }
        if !run.is_empty() {
            out.push(Object::Integer(i64::from(start)));
            out.push(Object::Array(run));
        }
        out
    }

    /// The `/ToUnicode` CMap: each code used and the character it stands for.
    fn cmap(&self) -> Vec<u8> {
        use std::fmt::Write;
        let name = resource(self.face);
        let mut s = format!(
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
/CMapName /Adobe-Identity-UCS-{name} def\n/CMapType 2 def\n\
1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        );
        let used: Vec<(&u16, &char)> = self.used.iter().collect();
        for chunk in used.chunks(100) {
            let _ = writeln!(s, "{} beginbfchar", chunk.len());
            for (code, c) in chunk {
                let _ = write!(s, "<{code:04X}> <");
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(s, "{u:04X}");
                }
                s.push_str(">\n");
            }
            s.push_str("endbfchar\n");
        }
        s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        s.into_bytes()
    }
}
