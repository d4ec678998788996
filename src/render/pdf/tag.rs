//! Tagged PDF (PDF/UA-1): the layout builds a structure tree as it lays out blocks, every text
//! it draws is marked content of one element (or an artifact), and once the pages are written
//! this pass writes the tree, the parent tree and the catalog entries that make the
//! file a tagged PDF: `/MarkInfo`, `/Lang`, `/ViewerPreferences`, the PDF/UA identification.

use super::strings::text_string;
use lopdf::{dictionary, Object, ObjectId, Stream};

use crate::render::marks::escape_html as xml_escape;

/// What a drawn text is to a reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Mark {
    /// Decoration that is not content (`/Artifact`): rules, boxes, a repeated table header.
    #[default]
    Artifact,
    /// Page furniture (`/Artifact << /Type /Pagination >>`): banners, running headings, the
    /// version line, page numbers.
    Pagination,
    /// Content of structure element n.
    Elem(u32),
}

/// A child of a structure element: another element, or marked content on a page.
#[derive(Debug, Clone, Copy)]
pub(super) enum Kid {
    Elem(u32),
    Content { page: usize, mcid: u32 },
}

/// One structure element.
#[derive(Debug, Clone)]
pub(super) struct Elem {
    pub(super) role: &'static str,
    pub(super) parent: Option<u32>,
    pub(super) kids: Vec<Kid>,
    /// A table header cell's scope (`/A << /O /Table /Scope /Column >>`).
    pub(super) column_header: bool,
}

/// The structure tree; element 0 is `Document`.
#[derive(Debug, Clone)]
pub(super) struct Tree {
    pub(super) elems: Vec<Elem>,
}

impl Default for Tree {
    fn default() -> Self {
        Tree {
            elems: vec![Elem {
                role: "Document",
                parent: None,
                kids: Vec::new(),
                column_header: false,
            }],
        }
    }
}

impl Tree {
    /// A new element of `role` as the last child of `parent`.
    pub(super) fn open(&mut self, role: &'static str, parent: u32) -> u32 {
        let n = self.elems.len() as u32;
        self.elems.push(Elem {
            role,
            parent: Some(parent),
            kids: Vec::new(),
            column_header: false,
        });
        self.elems[parent as usize].kids.push(Kid::Elem(n));
        n
    }

    /// The role of element n (`Span` for a number out of range).
    pub(super) fn role(&self, n: u32) -> &'static str {
        self.elems.get(n as usize).map(|e| e.role).unwrap_or("Span")
    }
}

/// What the catalog says about the document.
pub(super) struct Catalog<'a> {
    pub(super) title: &'a str,
    pub(super) lang: &'a str,
    pub(super) producer: &'a str,
    /// ISO 8601, for the XMP dates.
    pub(super) date: &'a str,
}

/// Write the structure tree of `tree` (its content kids already recorded page by page, `marks`
/// holding each page's MCIDs in order) and the catalog entries of a tagged PDF/UA-1 file.
pub(super) fn write_structure(
    doc: &mut lopdf::Document,
    tree: &Tree,
    marks: &[Vec<u32>],
    cat: &Catalog<'_>,
) {
    let pages: Vec<ObjectId> = doc.get_pages().values().copied().collect();
    let root_id = doc.new_object_id();
    let ids: Vec<ObjectId> = tree.elems.iter().map(|_| doc.new_object_id()).collect();
    for (n, e) in tree.elems.iter().enumerate() {
        // Content all on one page: the page named once (`/Pg`), the kids as bare MCIDs.
        let one_page = match e.kids.first() {
            Some(Kid::Content { page, .. }) => e
                .kids
                .iter()
                .all(|k| matches!(k, Kid::Content { page: p, .. } if p == page))
                .then_some(*page),
            _ => None,
        };
        let mut kids: Vec<Object> = e
            .kids
            .iter()
            .filter_map(|k| match *k {
                Kid::Elem(c) => ids.get(c as usize).map(|id| Object::Reference(*id)),
                Kid::Content { mcid, .. } if one_page.is_some() => {
                    Some(Object::Integer(i64::from(mcid)))
                }
                Kid::Content { page, mcid } => pages.get(page).map(|p| {
                    Object::Dictionary(dictionary! {
                        "Type" => "MCR",
                        "Pg" => Object::Reference(*p),
                        "MCID" => mcid as i64,
                    })
                }),
            })
            .collect();
        let parent = e.parent.map(|p| ids[p as usize]).unwrap_or(root_id);
        // One kid stands alone, as most writers (and checkers) expect.
        let k = match kids.len() {
            1 => kids.remove(0),
            _ => Object::Array(kids),
        };
        let mut dict = dictionary! {
            "Type" => "StructElem",
            "S" => e.role,
            "P" => Object::Reference(parent),
            "K" => k,
        };
        if let Some(p) = one_page.and_then(|p| pages.get(p)) {
            dict.set("Pg", Object::Reference(*p));
        }
        if e.column_header {
            dict.set("A", dictionary! { "O" => "Table", "Scope" => "Column" });
        }
        if e.role == "Note" {
            dict.set("ID", Object::string_literal(format!("note-{n}")));
        }
        doc.objects.insert(ids[n], Object::Dictionary(dict));
    }
    // The parent tree: for each page (its StructParents key), the element of each MCID.
    let mut nums = Vec::new();
    for (i, page_marks) in marks.iter().enumerate() {
        nums.push(Object::Integer(i as i64));
        nums.push(Object::Array(
            page_marks
                .iter()
                .map(|e| Object::Reference(ids[*e as usize]))
                .collect(),
        ));
    }
    let parent_tree = doc.add_object(dictionary! { "Nums" => nums });
    doc.objects.insert(
        root_id,
        Object::Dictionary(dictionary! {
            "Type" => "StructTreeRoot",
            "K" => Object::Reference(ids[0]),
            "ParentTree" => Object::Reference(parent_tree),
            "ParentTreeNextKey" => marks.len() as i64,
        }),
    );
    for (i, p) in pages.iter().enumerate() {
        if let Ok(page) = doc.get_object_mut(*p).and_then(Object::as_dict_mut) {
            page.set("StructParents", i as i64);
            page.set("Tabs", "S");
        }
    }
    let xmp = format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
<rdf:Description rdf:about=\"\" xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n\
<pdfuaid:part>1</pdfuaid:part>\n\
<dc:format>application/pdf</dc:format>\n\
<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>\n\
<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>\n\
<pdf:Producer>{producer}</pdf:Producer>\n\
<xmp:CreatorTool>{producer}</xmp:CreatorTool>\n\
<xmp:CreateDate>{date}</xmp:CreateDate>\n\
<xmp:ModifyDate>{date}</xmp:ModifyDate>\n\
<xmp:MetadataDate>{date}</xmp:MetadataDate>\n\
</rdf:Description>\n\
</rdf:RDF>\n\
</x:xmpmeta>\n\
<?xpacket end=\"w\"?>",
        title = xml_escape(cat.title),
        lang = xml_escape(cat.lang),
        producer = xml_escape(cat.producer),
        date = cat.date,
    );
    let mut meta = Stream::new(
        dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
        xmp.into_bytes(),
    );
    // Left uncompressed, as readers of XMP expect.
    meta.allows_compression = false;
    let meta = doc.add_object(meta);
    let Ok(catalog) = doc.catalog_mut() else {
        return;
    };
    catalog.set("StructTreeRoot", Object::Reference(root_id));
    catalog.set("MarkInfo", dictionary! { "Marked" => true });
    catalog.set("Lang", text_string(cat.lang));
    catalog.set(
        "ViewerPreferences",
        dictionary! { "DisplayDocTitle" => true },
    );
    catalog.set("Metadata", Object::Reference(meta));
}
