//! `policyweb import`: real Word files (written here with the zip crate,
//! with their own styles, numbering, relationships and footnotes), text in
//! the style schools publish, web pages and a PDF become drafts that a real
//! `build --drafts` turns into pages, keeping every word of the original.

mod support;

use std::io::{Cursor, Write};
use std::path::Path;
use std::process::Command;

use support::{Site, run_in};
use zip::write::SimpleFileOptions;

const SITE_TOML: &str = "school = \"Brookfield Primary School\"\n";

const AGES: &str = "checked = \"2026-09-01\"\n\n[[platform]]\nname = \"WhatsApp\"\nmin_age = 13\n\
                    source = \"https://www.whatsapp.com/legal/terms-of-service\"\n";

const BEHAVIOUR: &str = "+++\ntitle = \"Behaviour Policy\"\n+++\n\nWe expect kindness.\n";

/// A site with a behaviour policy and age data, to import into.
fn site() -> Site {
    Site::new(&[
        ("site.toml", SITE_TOML),
        ("policies/behaviour.md", BEHAVIOUR),
        ("data/age-limits.toml", AGES),
    ])
}

/// One paragraph of a Word document we write.
enum P<'a> {
    Styled(&'a str, &'a str),
    Plain(&'a str),
    /// Runs: (text, bold, italic).
    Runs(&'a [(&'a str, bool, bool)]),
    /// numId, level, text.
    Item(u8, u8, &'a str),
    /// Text before a link, the link's text (relationship rId9), then a footnote reference.
    LinkAndFootnote(&'a str, &'a str),
    Table(&'a [&'a [&'a str]]),
    Picture(&'a str),
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn run(text: &str, bold: bool, italic: bool) -> String {
    let mut props = String::new();
    if bold {
        props.push_str("<w:b/>");
    }
    if italic {
        props.push_str("<w:i/>");
    }
    format!(
        "<w:r><w:rPr>{props}</w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>",
        esc(text)
    )
}

fn paragraph_xml(p: &P) -> String {
    match p {
        P::Styled(style, text) => {
            format!(
                "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>{}</w:p>",
                run(text, false, false)
            )
        }
        P::Plain(text) => format!("<w:p>{}</w:p>", run(text, false, false)),
        P::Runs(runs) => format!(
            "<w:p>{}</w:p>",
            runs.iter()
                .map(|(t, b, i)| run(t, *b, *i))
                .collect::<String>()
        ),
        P::Item(num, level, text) => format!(
            "<w:p><w:pPr><w:pStyle w:val=\"ListParagraph\"/><w:numPr><w:ilvl w:val=\"{level}\"/>\
             <w:numId w:val=\"{num}\"/></w:numPr></w:pPr>{}</w:p>",
            run(text, false, false)
        ),
        P::LinkAndFootnote(before, link) => format!(
            "<w:p>{}<w:hyperlink r:id=\"rId9\">{}</w:hyperlink><w:r><w:t>.</w:t></w:r>\
             <w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/></w:rPr><w:footnoteReference w:id=\"1\"/></w:r></w:p>",
            run(before, false, false),
            run(link, false, false)
        ),
        P::Table(rows) => {
            let rows: String = rows
                .iter()
                .map(|cells| {
                    let cells: String = cells
                        .iter()
                        .map(|c| format!("<w:tc><w:p>{}</w:p></w:tc>", run(c, false, false)))
                        .collect();
                    format!("<w:tr>{cells}</w:tr>")
                })
                .collect();
            format!("<w:tbl><w:tblPr/>{rows}</w:tbl>")
        }
        P::Picture(descr) => format!(
            "<w:p><w:r><w:drawing><wp:inline><wp:docPr id=\"1\" name=\"Picture 1\" descr=\"{descr}\"/>\
             </wp:inline></w:drawing></w:r></w:p>"
        ),
    }
}

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="SchoolHeading"><w:name w:val="School Heading"/><w:basedOn w:val="Heading2"/></w:style>
<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/></w:style>
</w:styles>"#;

const NUMBERING: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="0">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1">
<w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="&#61623;"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>"#;

const FOOTNOTES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> The guidance was updated in September.</w:t></w:r></w:p></w:footnote>
</w:footnotes>"#;

/// A real .docx: the parts Word writes, deflated as Word does.
fn docx(paragraphs: &[P]) -> Vec<u8> {
    let body: String = paragraphs.iter().map(paragraph_xml).collect();
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
         xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" \
         xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\">\
         <w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    let parts: [(&str, &str); 8] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
        ),
        ("word/document.xml", &document),
        ("word/styles.xml", STYLES),
        ("word/numbering.xml", NUMBERING),
        ("word/footnotes.xml", FOOTNOTES),
        (
            "word/_rels/document.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://www.example.org/phones" TargetMode="External"/><Relationship Id="rId10" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="javascript:alert(1)" TargetMode="External"/></Relationships>"#,
        ),
        ("docProps/app.xml", "<Properties/>"),
    ];
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The fictional policy every format test imports.
const PHONES: &[P] = &[
    P::Styled("Title", "Mobile Phones Policy"),
    P::Plain("Approved by the Full Governing Body on 12/03/2026."),
    P::Plain("Review date: Spring 2027"),
    P::Styled("Heading1", "Purpose"),
    P::Plain(
        "This policy explains how phones are used at Brookfield Primary School. It applies to everyone in the school.",
    ),
    P::Styled("Heading1", "Rules for pupils"),
    P::Item(1, 0, "Phones are handed in at the office."),
    P::Item(1, 1, "before registration"),
    P::Item(1, 1, "after a club"),
    P::Item(1, 2, "in the morning"),
    P::Item(1, 0, "Phones are collected at home time."),
    P::Item(2, 0, "Smart watches count as phones."),
    P::Styled("SchoolHeading", "Lost phones"),
    P::Runs(&[
        ("Lost phones ", false, false),
        ("must", true, false),
        (" go to the office ", false, false),
        ("at once", false, true),
        (".", false, false),
    ]),
    P::Styled("Heading1", "Guidance for staff"),
    P::LinkAndFootnote("Staff follow the county guidance on ", "phones in school"),
    P::Table(&[&["Platform", "Minimum age"], &["WhatsApp", "16 years"]]),
    P::Plain("WhatsApp has a minimum age of 16 for its users."),
    P::Plain("Read this with the Behaviour Policy and the Anti-Bullying Policy."),
    P::Plain("Tell the Designated Safeguarding Lead (DSL) about any worry."),
    P::Styled("Heading1", "Contacting the school"),
    P::Runs(&[("Messages home", true, false)]),
    P::Plain("Parents should phone the office in an emergency."),
    P::Picture("School logo"),
];

/// The words of every paragraph in the fixture, in order, then the footnote.
fn fixture_words() -> Vec<String> {
    let mut text = String::new();
    for p in PHONES {
        match p {
            P::Styled(_, t) | P::Plain(t) | P::Item(_, _, t) => text.push_str(t),
            P::Runs(runs) => runs.iter().for_each(|(t, _, _)| text.push_str(t)),
            P::LinkAndFootnote(a, b) => {
                text.push_str(a);
                text.push_str(b);
            }
            P::Table(rows) => rows.iter().for_each(|r| {
                text.push_str(&r.join(" "));
                text.push(' ');
            }),
            P::Picture(_) => {}
        }
        text.push(' ');
    }
    text.push_str("The guidance was updated in September.");
    words(&text)
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The text of a page's <main>, tags removed.
fn main_text(html: &str) -> String {
    let start = html.find("<main").expect("a <main>");
    let end = html.rfind("</main>").expect("</main>");
    let mut out = String::new();
    let mut in_tag = false;
    for c in html[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
}

/// Whether `needle` appears in `haystack` in order (other words may come between).
fn in_order(needle: &[String], haystack: &[String]) -> Result<(), String> {
    let mut at = 0;
    for (i, word) in needle.iter().enumerate() {
        match haystack[at..].iter().position(|w| w == word) {
            Some(p) => at += p + 1,
            None => {
                return Err(format!(
                    "word {i} \"{word}\" is missing; context: {:?}",
                    &needle[i.saturating_sub(5)..(i + 5).min(needle.len())]
                ));
            }
        }
    }
    Ok(())
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn a_word_file_becomes_a_draft_that_builds_with_every_word() {
    let site = site();
    let incoming = tempfile::tempdir().unwrap();
    let file = write_file(incoming.path(), "Mobile phones.docx", &docx(PHONES));
    let import = site.run(&["import", &file]);
    assert_eq!(import.code, 0, "{}\n{}", import.stdout, import.stderr);
    let report = &import.stdout;
    for line in [
        ":1: title = \"Mobile Phones Policy\" (sure)",
        ":2: approved = \"2026-03-12\" (likely) from \"Approved by the Full Governing Body on 12/03/2026.\"",
        ":2: approved_by = \"Full Governing Body\" (likely)",
        ":3: review = \"Spring 2027\" (sure) from \"Review date: Spring 2027\"",
        ":5: summary = \"This policy explains how phones are used at Brookfield Primary School.\"",
        ":6: section \"Rules for pupils\" is for pupils (sure)",
        ":15: section \"Guidance for staff\" is for staff (sure)",
        ":26: paragraph \"Parents should phone the office in an emergency.…\" is for parents (a guess; check it)",
        ":21: warning: this says the minimum age for WhatsApp is 16",
        ":22: \"Behaviour Policy\" is linked to the site's policy behaviour",
        ":22: \"Anti-Bullying Policy\" is not on this site",
        ":23: defines \"Designated Safeguarding Lead\" (DSL)",
        ":27: a picture (School logo) was not imported",
        "id = \"anti-bullying-policy\"",
        "abbr = \"DSL\"",
    ] {
        assert!(report.contains(line), "missing {line:?} in\n{report}");
    }
    let draft = std::fs::read_to_string(site.root().join("policies/mobile-phones.md")).unwrap();
    assert!(draft.contains("status = \"draft\"\n"), "{draft}");
    assert!(draft.contains("related = [\"behaviour\"]"), "{draft}");
    assert!(
        draft.contains("## Rules for pupils {audience=pupils}\n"),
        "{draft}"
    );
    assert!(
        draft.contains("1. Phones are handed in at the office.\n\n   a) before registration\n"),
        "{draft}"
    );
    assert!(
        draft.contains(
            "<!-- check: is this paragraph only for parents? -->\n::: {audience=parents}\n"
        ),
        "{draft}"
    );
    assert!(!draft.contains("javascript"), "{draft}");

    let build = site.build(&["--drafts"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    let page = site.page("policies/mobile-phones/index.html");
    assert!(page.contains("data-audiences=\"pupils\""), "{page}");
    assert!(page.contains("data-audiences=\"staff\""), "{page}");
    assert!(
        page.contains("<h2") && page.contains("Lost phones</h3>") || page.contains("Lost phones"),
        "{page}"
    );
    assert!(page.contains("<ol>") && page.contains("<ul>"), "{page}");
    assert!(page.contains("<table"), "{page}");
    assert!(
        page.contains("<strong>must</strong>") && page.contains("<em>at once</em>"),
        "{page}"
    );
    assert!(
        page.contains("href=\"https://www.example.org/phones\""),
        "{page}"
    );
    assert!(
        page.contains("href=\"../../policies/behaviour/index.html\">Behaviour Policy</a>"),
        "{page}"
    );
    assert!(
        page.contains("The guidance was updated in September."),
        "{page}"
    );
    in_order(&fixture_words(), &words(&main_text(&page))).unwrap();

    // Never replaced without --force; the error names the file and says what to type.
    let again = site.run(&["import", &file]);
    assert_eq!(again.code, 1);
    assert!(
        again.stderr.contains("Mobile phones.docx: error: ") && again.stderr.contains("--force"),
        "{}",
        again.stderr
    );
    assert_eq!(site.run(&["import", &file, "--force"]).code, 0);
}

#[test]
fn bold_lines_become_headings_below_style_headings() {
    let site = site();
    let incoming = tempfile::tempdir().unwrap();
    let file = write_file(incoming.path(), "phones.docx", &docx(PHONES));
    let run = site.run(&["import", &file, "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("\n### Lost phones\n"), "{}", run.stdout);
    assert!(
        run.stdout.contains("\n#### Messages home\n"),
        "{}",
        run.stdout
    );
    // A dry run writes nothing.
    assert!(!site.root().join("policies/mobile-phones.md").exists());
}

#[test]
fn text_in_the_style_schools_publish() {
    let site = site();
    let text = "\n\nHILLTOP PRIMARY SCHOOL\n\nUniform Policy\n\nPolicy Approval Date: September 2025\n\n\
                Date of next review: 14/09/2026\n\nContents\n\n1. Purpose\t2\n2. Expectations for pupils\t2\n\n\
                1. Purpose\n\nThis policy sets out what pupils wear to school. It helps everyone feel part of\n\
                the school community.\n\n2. Expectations for pupils\n\nPupils must:\n\n- wear the school jumper\n\n\
                - wear sensible shoes\n\n2.1 Jewellery\n\na) Small studs only.\n\nb) Watches may be worn.\n\n\
                Information for parents\n\nParents can buy uniform from the office.\n\n\
                Approved by the Resources Committee\n";
    let incoming = tempfile::tempdir().unwrap();
    site.write(
        "data/glossary.toml",
        "[[term]]\nterm = \"Resources Committee\"\ndefinition = \"The governors who look after money and buildings.\"\n",
    );
    let file = write_file(incoming.path(), "uniform.txt", text.as_bytes());
    let run = site.run(&["import", &file, "--id", "uniform"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for line in [
        ":5: title = \"Uniform Policy\" (likely)",
        ":7: approved = \"September 2025\" (sure)",
        ":9: review = \"2026-09-14\" (sure) from \"Date of next review: 14/09/2026\"",
        ":39: approved_by = \"Resources Committee\" (likely)",
        ":21: section \"2. Expectations for pupils\" is for pupils (sure)",
        ":35: section \"Information for parents\" is for parents (sure)",
        "left out the table of contents (3 lines)",
        "uses the glossary's Resources Committee (line 39)",
    ] {
        assert!(
            run.stdout.contains(line),
            "missing {line:?} in\n{}",
            run.stdout
        );
    }
    let draft = std::fs::read_to_string(site.root().join("policies/uniform.md")).unwrap();
    assert!(draft.contains("## 1. Purpose\n"), "{draft}");
    assert!(draft.contains("### 2.1 Jewellery\n"), "{draft}");
    assert!(
        draft.contains("- wear the school jumper\n- wear sensible shoes\n"),
        "{draft}"
    );
    assert!(draft.contains("\na) Small studs only.\n"), "{draft}");
    assert!(
        draft.contains("feel part of the school community."),
        "{draft}"
    );
    let build = site.build(&["--drafts"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    let page = site.page("policies/uniform/index.html");
    assert!(page.contains("Uniform Policy</h1>"), "{page}");
    assert!(page.contains("data-audiences=\"parents\""), "{page}");
    // Every word but the contents table's is on the page, in order.
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| *l != "Contents" && *l != "Uniform Policy" && !l.ends_with("\t2"))
        .collect();
    in_order(&words(&kept.join("\n")), &words(&main_text(&page))).unwrap();
}

#[test]
fn a_saved_web_page() {
    let site = site();
    let html = "<!DOCTYPE html><html><head><title>Menu</title><script>var x = '<p>no</p>';</script></head><body>\
                <h1>Healthy Eating Policy</h1><p>Review date: Summer 2027</p><h2>For pupils</h2>\
                <ol type=\"i\"><li>Bring water.</li><li>Fruit at break &amp; lunch.</li></ol>\
                <p>See <a href=\"https://www.nhs.uk/healthier-families/\">Healthier Families</a>.</p></body></html>";
    let incoming = tempfile::tempdir().unwrap();
    let file = write_file(incoming.path(), "eating.html", html.as_bytes());
    let run = site.run(&["import", &file]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("review = \"Summer 2027\" (sure)"),
        "{}",
        run.stdout
    );
    let draft = std::fs::read_to_string(site.root().join("policies/healthy-eating.md")).unwrap();
    assert!(
        draft.contains("## For pupils {audience=pupils}\n"),
        "{draft}"
    );
    assert!(draft.contains("i) Bring water.\n"), "{draft}");
    assert!(draft.contains("Fruit at break \\& lunch."), "{draft}");
    assert!(!draft.contains("no"), "{draft}");
    assert_eq!(site.build(&["--drafts"]).code, 0);
    let page = site.page("policies/healthy-eating/index.html");
    assert!(
        page.contains("href=\"https://www.nhs.uk/healthier-families/\""),
        "{page}"
    );
}

/// A one-page PDF with a line of text per entry, written by hand.
fn pdf(lines: &[&str]) -> Vec<u8> {
    let mut content = String::from("BT /F1 12 Tf 14 TL 72 760 Td\n");
    for line in lines {
        let escaped = line
            .replace('\\', "\\\\")
            .replace('(', "\\(")
            .replace(')', "\\)");
        content.push_str(&format!("({escaped}) Tj T*\n"));
    }
    content.push_str("ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn installed(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok()
        || Command::new(program).arg("-v").output().is_ok()
}

#[test]
fn a_pdf_through_pdftotext() {
    if !installed("pdftotext") {
        eprintln!("skipped: pdftotext is not installed (apt-get install poppler-utils)");
        return;
    }
    let site = site();
    let incoming = tempfile::tempdir().unwrap();
    let bytes = pdf(&[
        "Visitors Policy",
        "",
        "Review date: Autumn 2026",
        "",
        "1. Signing in",
        "",
        "Visitors sign in at the office.",
    ]);
    let file = write_file(incoming.path(), "visitors.pdf", &bytes);
    let run = site.run(&["import", &file]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("title = \"Visitors Policy\""),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("read with pdftotext"), "{}", run.stdout);
    assert_eq!(site.build(&["--drafts"]).code, 0);
    let page = site.page("policies/visitors/index.html");
    assert!(page.contains("Visitors sign in at the office."), "{page}");
}

#[test]
fn an_odt_through_libreoffice() {
    if !installed("soffice") {
        eprintln!(
            "skipped: LibreOffice (soffice) is not installed (apt-get install libreoffice-writer)"
        );
        return;
    }
    let site = site();
    let incoming = tempfile::tempdir().unwrap();
    let html = "<html><body><h1>Lettings Policy</h1><p>Review date: Spring 2028</p><h2>For governors</h2>\
                <ul><li>Lettings are agreed by the governors.</li></ul></body></html>";
    let source = write_file(incoming.path(), "lettings.html", html.as_bytes());
    let made = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}/profile",
            incoming.path().display()
        ))
        .args(["--headless", "--convert-to", "odt:writer8", "--outdir"])
        .arg(incoming.path())
        .arg(&source)
        .output()
        .unwrap();
    let odt = incoming.path().join("lettings.odt");
    assert!(odt.exists(), "{}", String::from_utf8_lossy(&made.stderr));
    std::fs::remove_file(&source).unwrap();
    let run = site.run(&["import", &incoming.path().to_string_lossy()]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("converted to .docx with LibreOffice"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("review = \"Spring 2028\""),
        "{}",
        run.stdout
    );
    assert_eq!(site.build(&["--drafts"]).code, 0);
    let page = site.page("policies/lettings/index.html");
    assert!(page.contains("data-audiences=\"governors\""), "{page}");
    assert!(
        page.contains("Lettings are agreed by the governors."),
        "{page}"
    );
}

#[test]
fn bad_files_and_usage() {
    let site = site();
    let incoming = tempfile::tempdir().unwrap();
    let fake = write_file(incoming.path(), "notes.docx", b"not a zip");
    let odd = write_file(incoming.path(), "logo.png", b"\x89PNG");
    let good = write_file(
        incoming.path(),
        "a.txt",
        b"Attendance Policy\n\nEvery day counts.\n",
    );
    let run = site.run(&["import", &fake, &odd, &good]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("notes.docx: error: this is not a Word .docx file"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("logo.png: error: policyweb cannot import this kind of file"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("imported 1 of 3 files"),
        "{}",
        run.stderr
    );
    assert!(site.root().join("policies/attendance.md").exists());

    let two = site.run(&["import", &good, &good, "--id", "x"]);
    assert_eq!(two.code, 2, "{}", two.stderr);
    let bad_id = site.run(&["import", &good, "--id", "Bad Id"]);
    assert_eq!(bad_id.code, 2);
    assert!(bad_id.stderr.contains("--id bad-id"), "{}", bad_id.stderr);
    let no_site = run_in(incoming.path(), &["import", &good]);
    assert_eq!(no_site.code, 1);
    assert!(
        no_site.stderr.contains("no site.toml"),
        "{}",
        no_site.stderr
    );
}

#[test]
fn markup_in_the_source_stays_text() {
    let site = site();
    let incoming = tempfile::tempdir().unwrap();
    let text = "Safety Policy\n\n<script>alert(1)</script> [click](javascript:alert(1)) **not bold**\n\n\
                ::: {audience=staff}\n\n# not a heading\n";
    let file = write_file(incoming.path(), "s.txt", text.as_bytes());
    assert_eq!(site.run(&["import", &file]).code, 0);
    assert_eq!(site.build(&["--drafts"]).code, 0);
    let page = site.page("policies/safety/index.html");
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(!page.contains("href=\"javascript"), "{page}");
    assert!(page.contains("**not bold**"), "{page}");
    assert!(page.contains("# not a heading"), "{page}");
    assert!(page.contains("::: {audience=staff}"), "{page}");
}

mod properties {
    use std::collections::BTreeSet;
    use std::path::PathBuf;

    use policyweb::config::SiteConfig;
    use policyweb::import::{self, ImportOptions, SiteInfo};
    use proptest::prelude::*;

    /// Pieces of lines that look like markup, structure or the labels import reads.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            "\\PC{0,30}",
            Just("1. ".to_string()),
            Just("2.1 ".to_string()),
            Just("a) ".to_string()),
            Just("(iv) ".to_string()),
            Just("- ".to_string()),
            Just("# ".to_string()),
            Just("::: {audience=staff}".to_string()),
            Just(":::".to_string()),
            Just("{audience=parnets}".to_string()),
            Just("<script>x</script>".to_string()),
            Just("[a](javascript:x)".to_string()),
            Just("**".to_string()),
            Just("+++".to_string()),
            Just("Review date: ".to_string()),
            Just("Approved by the ".to_string()),
            Just("Spring 2027".to_string()),
            Just("12/03/2026".to_string()),
            Just("Designated Safeguarding Lead (DSL)".to_string()),
            Just("Behaviour Policy".to_string()),
            Just("Staff should ".to_string()),
            Just("PARENTS".to_string()),
            Just("Contents".to_string()),
            Just("\t2".to_string()),
            Just("[^1]".to_string()),
            Just("| a | b |".to_string()),
            Just("\\".to_string()),
            Just("`".to_string()),
            Just("<!--".to_string()),
            Just("&amp;".to_string()),
            Just("WhatsApp's minimum age is 16".to_string()),
        ]
    }

    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(
            (
                prop::collection::vec(piece(), 0..5),
                prop_oneof![Just("\n"), Just("\n\n"), Just(" ")],
            ),
            1..25,
        )
        .prop_map(|lines| {
            lines
                .into_iter()
                .map(|(pieces, end)| format!("{}{end}", pieces.concat()))
                .collect()
        })
    }

    fn import_one(dir: &std::path::Path, name: &str, bytes: &[u8]) -> Result<String, String> {
        let site = dir.join("site");
        let file = dir.join(name);
        std::fs::write(&file, bytes).unwrap();
        let config = SiteConfig::load(&site).unwrap();
        let info = SiteInfo::load(&site);
        let options = ImportOptions {
            files: vec![file.clone()],
            site: PathBuf::from(&site),
            id: Some("p".into()),
            force: true,
            dry_run: true,
        };
        import::import_file(&file, &options, &config, &info, &mut BTreeSet::new()).map(|i| i.draft)
    }

    fn folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("site/policies")).unwrap();
        std::fs::write(dir.path().join("site/site.toml"), super::SITE_TOML).unwrap();
        std::fs::write(
            dir.path().join("site/policies/behaviour.md"),
            super::BEHAVIOUR,
        )
        .unwrap();
        dir
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

        /// Whatever a text or web page holds, the draft reads as a policy
        /// (import checks that itself and fails if it does not) and the
        /// same input gives the same draft.
        #[test]
        fn any_text_or_page_gives_a_draft_that_reads(body in text()) {
            let dir = folder();
            for (name, bytes) in [
                ("t.txt", body.clone().into_bytes()),
                ("t.md", body.clone().into_bytes()),
                ("t.html", format!("<ul><li>{body}</li></ul><h2>{body}</h2><table><tr><td>{body}</td></tr></table>").into_bytes()),
            ] {
                match import_one(dir.path(), name, &bytes) {
                    Ok(draft) => prop_assert_eq!(Ok(draft), import_one(dir.path(), name, &bytes)),
                    Err(e) => prop_assert!(e.contains("no text to import"), "{name}: {e}"),
                }
            }
        }

        /// Damaged Word files are errors, never a panic.
        #[test]
        fn any_bytes_as_a_word_file_are_an_error_or_a_draft(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let dir = folder();
            let mut zipped = super::docx(super::PHONES);
            let cut = bytes.len().min(zipped.len());
            zipped.truncate(zipped.len() - cut);
            let _ = import_one(dir.path(), "a.docx", &bytes);
            let _ = import_one(dir.path(), "b.docx", &zipped);
        }
    }
}
