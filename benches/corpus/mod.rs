//! A deterministic generator of synthetic policy sites in policyweb's format,
//! for the build benchmark and for feeding the same corpus to other generators.
//!
//! `files(n, seed)` yields every file of a site with `n` policies: site.toml,
//! data/age-limits.toml, data/glossary.toml, two free pages and the policies.
//! Each policy has 1,500 to 3,000 words in 6 to 12 top-level sections (some
//! with a subsection), audience tags on headings, bulleted and numbered
//! lists, a table, footnotes, `policy:ID#anchor` cross-links, related ids,
//! summaries per audience, a version history and review dates in every form
//! the source format accepts; one policy in twelve uses `{{ age_limits() }}`.
//! A small seeded PRNG (SplitMix64) makes the output byte-identical for the
//! same `n` and `seed`, with no dependency.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// SplitMix64: tiny, fast and good enough to vary text.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator whose sequence depends only on `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    /// One item of `items`.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.range(0, items.len() - 1)]
    }
}

const AUDIENCES: [&str; 4] = ["staff", "parents", "pupils", "governors"];

/// Policy topics: (title words, id stem, category).
const TOPICS: &[(&str, &str, &str)] = &[
    ("Attendance", "attendance", "Pupils"),
    ("Behaviour", "behaviour", "Pupils"),
    ("Anti-Bullying", "anti-bullying", "Pupils"),
    ("Child Protection", "child-protection", "Safeguarding"),
    ("Online Safety", "online-safety", "Safeguarding"),
    ("Social Media", "social-media", "Safeguarding"),
    ("Mobile Phones", "mobile-phones", "Safeguarding"),
    ("Photographs and Video", "photographs", "Safeguarding"),
    ("Data Protection", "data-protection", "Governance"),
    ("Complaints", "complaints", "Governance"),
    ("Charging and Remissions", "charging", "Governance"),
    ("Whistleblowing", "whistleblowing", "Staff"),
    ("Staff Code of Conduct", "code-of-conduct", "Staff"),
    (
        "Supporting Pupils with Medical Conditions",
        "medical",
        "Pupils",
    ),
    ("Special Educational Needs", "send", "Teaching"),
    ("Relationships and Health Education", "rshe", "Teaching"),
    ("Homework", "homework", "Teaching"),
    ("Educational Visits", "visits", "Health and safety"),
    ("Health and Safety", "health-safety", "Health and safety"),
    ("First Aid", "first-aid", "Health and safety"),
    ("Acceptable Use", "acceptable-use", "Safeguarding"),
    ("Equality", "equality", "Governance"),
    ("Admissions", "admissions", "Governance"),
    ("Uniform", "uniform", "Pupils"),
];

/// Top-level sections: (title, anchor). Anchors differ from every title's slug.
const SECTIONS: &[(&str, &str)] = &[
    ("Why this policy matters", "aims"),
    ("Roles and responsibilities", "roles"),
    ("What we expect of pupils", "pupil-expectations"),
    ("What we expect of staff", "staff-expectations"),
    ("How parents and carers can help", "parent-help"),
    ("How we keep records", "records"),
    ("When something goes wrong", "incidents"),
    ("Reporting a concern", "reporting"),
    ("Training and induction", "training"),
    ("Monitoring and review", "monitoring"),
    (
        "Support for pupils with additional needs",
        "additional-needs",
    ),
    ("Working with other agencies", "agencies"),
    ("Confidentiality and information sharing", "confidentiality"),
    ("How the governing board oversees this policy", "oversight"),
    ("Rewards and recognition", "rewards"),
    ("Consequences and sanctions", "sanctions"),
    ("Visitors and volunteers", "visitors"),
    ("Equality and fairness", "fairness"),
    ("Contact details and further help", "contacts"),
    ("Definitions used in this policy", "definitions"),
];

/// Subsection titles (their anchors are their slugs).
const SUBSECTIONS: &[&str] = &[
    "Steps to follow",
    "Who to tell",
    "What happens next",
    "Keeping a written record",
    "Timescales we work to",
    "Examples from everyday school life",
];

const ROLES: &[&str] = &[
    "Headteacher",
    "Deputy Headteacher",
    "Designated Safeguarding Lead",
    "School Business Manager",
    "SENCO",
    "Data Protection Officer",
    "Trust Director of Education",
];

const BODIES: &[&str] = &[
    "Full Governing Board",
    "Resources Committee",
    "Curriculum and Standards Committee",
    "Trust Board",
    "Local Governing Body",
];

const SCHOOL_FIRST: &[&str] = &[
    "Oakfield",
    "Riverside",
    "Hollybrook",
    "Ashgrove",
    "Millbank",
    "Kingsmead",
    "Elmwood",
    "Harbour",
    "Fernhill",
    "Stonebridge",
    "Larchfield",
    "Beacon",
    "Westgate",
    "Orchard",
    "Highcliffe",
    "Meadowside",
    "Brookvale",
    "Thornbury",
    "Castleton",
    "Redhill",
];
const SCHOOL_PLACE: &[&str] = &[
    "",
    " Park",
    " Green",
    " Hill",
    " Vale",
    " Road",
    " Lane",
    " Fields",
    " Brook",
    " Cross",
    " Meadow",
    " Grange",
    " Heath",
    " Common",
    " Bridge",
    " Valley",
    " Rise",
    " View",
    " Gardens",
    " Church of England",
];
const SCHOOL_KIND: &[&str] = &[
    "Primary School",
    "Academy",
    "Junior School",
    "Infant School",
];

const NOUNS: &[&str] = &[
    "pupil",
    "teacher",
    "parent",
    "carer",
    "governor",
    "record",
    "meeting",
    "lesson",
    "classroom",
    "playground",
    "report",
    "concern",
    "decision",
    "plan",
    "review",
    "incident",
    "device",
    "message",
    "visit",
    "register",
    "office",
    "trust",
    "school",
    "policy",
    "procedure",
    "assembly",
    "timetable",
    "curriculum",
    "community",
    "family",
    "child",
    "volunteer",
    "leader",
    "board",
    "committee",
    "letter",
    "website",
    "account",
    "agency",
    "referral",
    "assessment",
    "target",
    "support",
    "routine",
    "expectation",
    "behaviour",
    "attendance",
    "safeguarding",
    "wellbeing",
    "consent",
];
const VERBS: &[&str] = &[
    "checks",
    "records",
    "reports",
    "shares",
    "explains",
    "agrees",
    "reviews",
    "supports",
    "protects",
    "follows",
    "tells",
    "listens to",
    "meets",
    "writes to",
    "keeps",
    "updates",
    "monitors",
    "welcomes",
    "asks",
    "answers",
    "teaches",
    "guides",
    "encourages",
    "notes",
    "discusses",
    "arranges",
    "confirms",
    "considers",
];
const ADJECTIVES: &[&str] = &[
    "clear",
    "careful",
    "kind",
    "safe",
    "fair",
    "prompt",
    "written",
    "regular",
    "named",
    "trained",
    "open",
    "honest",
    "calm",
    "consistent",
    "private",
    "secure",
    "suitable",
    "agreed",
    "short",
    "full",
    "early",
    "annual",
    "termly",
    "daily",
];
const CONNECTORS: &[&str] = &[
    "so that",
    "because",
    "when",
    "before",
    "after",
    "while",
    "unless",
    "and then",
    "whenever",
    "as soon as",
];

/// Glossary terms: (term, abbreviation).
const TERMS: &[(&str, &str)] = &[
    ("Designated Safeguarding Lead", "DSL"),
    ("Deputy Designated Safeguarding Lead", "DDSL"),
    ("Local Authority Designated Officer", "LADO"),
    ("UK General Data Protection Regulation", "UK GDPR"),
    ("Data Protection Officer", "DPO"),
    ("Special Educational Needs Co-ordinator", "SENCO"),
    ("Education, Health and Care Plan", "EHCP"),
    ("Keeping Children Safe in Education", "KCSIE"),
    ("Early Years Foundation Stage", "EYFS"),
    ("Relationships, Sex and Health Education", "RSHE"),
    ("Personal, Social, Health and Economic education", "PSHE"),
    ("Disclosure and Barring Service", "DBS"),
    ("Multi-Academy Trust", "MAT"),
    ("Children Missing Education", "CME"),
    ("Pupil Premium", ""),
    ("Looked-After Child", "LAC"),
    ("Virtual School Head", "VSH"),
    ("Single Central Record", "SCR"),
    ("Subject Access Request", "SAR"),
    ("Information Commissioner's Office", "ICO"),
    ("Alternative Provision", "AP"),
    ("Fixed-term suspension", ""),
    ("Permanent exclusion", ""),
    ("Early Help Assessment", "EHA"),
    ("Multi-Agency Safeguarding Hub", "MASH"),
    ("Child Sexual Exploitation", "CSE"),
    ("Child Criminal Exploitation", "CCE"),
    ("Female Genital Mutilation", "FGM"),
    ("Risk assessment", ""),
    ("Reasonable adjustment", ""),
];

const PLATFORMS: &[(&str, u8)] = &[
    ("WhatsApp", 13),
    ("Instagram", 13),
    ("TikTok", 13),
    ("Snapchat", 13),
    ("YouTube", 13),
    ("YouTube Kids", 0),
    ("Discord", 13),
    ("Roblox", 0),
    ("Facebook", 13),
    ("X", 13),
];

/// One policy's outline, fixed before any body is written so that others can link to it.
#[derive(Debug, Clone)]
struct Outline {
    id: String,
    title: String,
    topic: usize,
    audiences: Vec<&'static str>,
    /// Indices into `SECTIONS`, in order.
    sections: Vec<usize>,
}

/// The outlines of all `n` policies.
fn outlines(n: usize, seed: u64) -> Vec<Outline> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|i| {
            let topic = i % TOPICS.len();
            // Each school has one policy per topic: titles stay unique (and,
            // like real ones, free of numbers) up to 38,400 policies.
            let school = i / TOPICS.len();
            let school = format!(
                "{}{} {}",
                SCHOOL_FIRST[school % SCHOOL_FIRST.len()],
                SCHOOL_PLACE[(school / SCHOOL_FIRST.len()) % SCHOOL_PLACE.len()],
                SCHOOL_KIND[(school / SCHOOL_FIRST.len() / SCHOOL_PLACE.len()) % SCHOOL_KIND.len()]
            );
            let audiences: Vec<&str> = if rng.chance(60) {
                AUDIENCES.to_vec()
            } else {
                AUDIENCES
                    .iter()
                    .enumerate()
                    .filter(|&(k, _)| k == 0 || rng.chance(50))
                    .map(|(_, a)| *a)
                    .collect()
            };
            let count = rng.range(6, 12);
            let mut pool: Vec<usize> = (1..SECTIONS.len()).collect();
            let mut sections = vec![0];
            while sections.len() < count {
                let k = rng.range(0, pool.len() - 1);
                sections.push(pool.swap_remove(k));
            }
            Outline {
                id: format!("{}-{:05}", TOPICS[topic].1, i + 1),
                title: format!("{school} {} Policy", TOPICS[topic].0),
                topic,
                audiences,
                sections,
            }
        })
        .collect()
}

/// Every file of the site: (path relative to the site folder, contents).
pub fn files(n: usize, seed: u64) -> impl Iterator<Item = (String, String)> {
    let outlines = outlines(n, seed);
    let fixed = vec![
        ("site.toml".to_string(), site_toml()),
        ("data/age-limits.toml".to_string(), age_limits_toml()),
        ("data/glossary.toml".to_string(), glossary_toml(&outlines)),
        ("pages/about.md".to_string(), about_page(n)),
        ("pages/accessibility.md".to_string(), accessibility_page()),
    ];
    fixed.into_iter().chain((0..n).map(move |i| {
        let mut rng = Rng::new(seed.wrapping_mul(31).wrapping_add(i as u64 + 1));
        (
            format!("policies/{}.md", outlines[i].id),
            policy(&outlines, i, &mut rng),
        )
    }))
}

/// Writes the site with `n` policies under `dir` (created if need be).
pub fn write(n: usize, seed: u64, dir: &Path) -> io::Result<()> {
    for sub in ["policies", "pages", "data"] {
        std::fs::create_dir_all(dir.join(sub))?;
    }
    for (path, text) in files(n, seed) {
        std::fs::write(dir.join(path), text)?;
    }
    Ok(())
}

/// The titles of the `n` policies, in the order they are generated.
pub fn titles(n: usize, seed: u64) -> Vec<String> {
    outlines(n, seed).into_iter().map(|o| o.title).collect()
}

/// The path (relative to the site) of the policy the one-file-edit benchmark changes.
pub fn edited_policy(n: usize, seed: u64) -> String {
    let outlines = outlines(n, seed);
    format!("policies/{}.md", outlines[n / 2].id)
}

fn site_toml() -> String {
    "school = \"Benchmark Multi-Academy Trust\"\n\
     base_url = \"https://policies.example.org/\"\n\
     review_warning_days = 60\n\
     age_data_max_age_months = 12\n"
        .to_string()
}

fn age_limits_toml() -> String {
    let mut out = String::from("checked = \"2026-09-01\"\n");
    for (name, age) in PLATFORMS {
        let _ = write!(
            out,
            "\n[[platform]]\nname = \"{name}\"\nmin_age = {age}\n\
             note = \"Synthetic note about {name} for the benchmark corpus.\"\n\
             source = \"https://example.org/terms/{}\"\n",
            name.to_lowercase().replace(' ', "-")
        );
    }
    out
}

fn glossary_toml(outlines: &[Outline]) -> String {
    let mut out = String::from("autolink = true\n");
    for (k, (term, abbr)) in TERMS.iter().enumerate() {
        let _ = write!(
            out,
            "\n[[term]]\nterm = \"{term}\"\n{}definition = \"A synthetic definition of {term} for the benchmark.\"\n",
            if abbr.is_empty() {
                String::new()
            } else {
                format!("abbr = \"{abbr}\"\n")
            }
        );
        if k % 3 == 0 && !outlines.is_empty() {
            let o = &outlines[k % outlines.len()];
            let _ = writeln!(
                out,
                "link = \"policy:{}#{}\"",
                o.id, SECTIONS[o.sections[0]].1
            );
        }
    }
    out
}

fn about_page(n: usize) -> String {
    format!(
        "+++\ntitle = \"About these policies\"\nsummary = \"How the trust publishes its policies.\"\n+++\n\n\
         This synthetic site holds {n} policies for benchmarking.\n\n## Who to contact\n\n\
         Write to the trust office with any question about a policy.\n"
    )
}

fn accessibility_page() -> String {
    "+++\ntitle = \"Accessibility statement\"\n+++\n\nThese pages aim to meet WCAG 2.2 AA.\n"
        .to_string()
}

/// A date in one of the forms the source format accepts, around `year`.
fn date_form(rng: &mut Rng, year: i32) -> String {
    let month = rng.range(1, 12);
    let months = policyweb::dates::MONTHS;
    let terms = ["Autumn", "Spring", "Summer"];
    let short = ["Aut", "Spr", "Sum"];
    match rng.range(0, 8) {
        0 => format!("\"{year}-{month:02}-{:02}\"", rng.range(1, 28)),
        1 => format!("{year}-{month:02}-{:02}", rng.range(1, 28)),
        2 => format!("\"{year}-{month:02}\""),
        3 => format!("\"{} {year}\"", months[month - 1]),
        4 => format!("\"{} {year}\"", rng.pick(&terms)),
        5 => format!("\"{} term {year}\"", rng.pick(&terms)),
        6 => format!("\"{} {year}\"", rng.pick(&short)),
        7 => format!("\"{} {} {year}\"", rng.pick(&terms), rng.range(1, 2)),
        _ => format!("\"{} {} {year}\"", rng.pick(&short), rng.range(1, 2)),
    }
}

fn policy(outlines: &[Outline], i: usize, rng: &mut Rng) -> String {
    let o = &outlines[i];
    let mut text = String::with_capacity(20_000);
    front_matter(&mut text, outlines, i, rng);
    // Headings, the intro, the table and footnotes add about 100 words.
    let target_words = rng.range(1_450, 2_850);
    let table_at = rng.range(1, o.sections.len() - 1);
    let shortcode_at = (i % 12 == 5).then(|| rng.range(1, o.sections.len() - 1));
    let mut footnotes = Vec::new();
    let body_start = text.len();
    paragraph(&mut text, rng, outlines, i, 60);
    text.push('\n');
    for (k, &s) in o.sections.iter().enumerate() {
        let (title, anchor) = SECTIONS[s];
        let tag = section_tag(rng, &o.audiences, k);
        let explicit = if k == 0 || rng.chance(60) {
            format!("#{anchor}")
        } else {
            String::new()
        };
        let attrs = [explicit.as_str(), tag.as_deref().unwrap_or("")]
            .iter()
            .filter(|a| !a.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        if attrs.is_empty() {
            let _ = writeln!(text, "## {title}\n");
        } else {
            let _ = writeln!(text, "## {title} {{{attrs}}}\n");
        }
        // Each section ends once the body so far reaches its share of the
        // target, so that overshoots do not add up.
        let share = target_words * (k + 1) / o.sections.len();
        let words = |text: &String| text[body_start..].split_whitespace().count();
        while words(&text) < share {
            if rng.chance(20) || (k == 0 && !text[body_start..].contains("\n- ")) {
                list(&mut text, rng, outlines, i);
            } else {
                paragraph(&mut text, rng, outlines, i, 110);
            }
            text.push('\n');
            if rng.chance(4) && footnotes.len() < 4 {
                let n = footnotes.len() + 1;
                let _ = writeln!(
                    text,
                    "The {} agreed this in writing.[^note{n}]\n",
                    rng.pick(BODIES)
                );
                footnotes.push(n);
            }
            if rng.chance(6) {
                let sub = rng.pick(SUBSECTIONS);
                let narrowed = tag
                    .as_ref()
                    .filter(|_| rng.chance(30))
                    .map(|t| format!(" {{{}}}", narrow(t)));
                let _ = writeln!(text, "### {sub}{}\n", narrowed.unwrap_or_default());
                paragraph(&mut text, rng, outlines, i, 90);
                text.push('\n');
            }
        }
        if k == table_at {
            table(&mut text, rng);
        }
        if shortcode_at == Some(k) {
            text.push_str("These are the minimum ages that apply:\n\n{{ age_limits() }}\n\n");
        }
    }
    for n in footnotes {
        let _ = writeln!(
            text,
            "[^note{n}]: Minutes of the meeting are kept by the clerk for six years.\n"
        );
    }
    text
}

fn front_matter(text: &mut String, outlines: &[Outline], i: usize, rng: &mut Rng) {
    let o = &outlines[i];
    let (_, _, category) = TOPICS[o.topic];
    let audiences: Vec<String> = o.audiences.iter().map(|a| format!("\"{a}\"")).collect();
    let _ = writeln!(text, "+++\ntitle = \"{}\"\nid = \"{}\"", o.title, o.id);
    let _ = writeln!(
        text,
        "summary = \"What the {} {} means for everyone in the school.\"",
        rng.pick(ADJECTIVES),
        TOPICS[o.topic].0.to_lowercase()
    );
    if o.audiences.len() < AUDIENCES.len() || rng.chance(30) {
        let _ = writeln!(text, "audiences = [{}]", audiences.join(", "));
    }
    let _ = writeln!(
        text,
        "category = \"{category}\"\nowner = \"{}\"\napproved_by = \"{}\"",
        rng.pick(ROLES),
        rng.pick(BODIES)
    );
    let _ = writeln!(text, "approved = {}", date_form(rng, 2025));
    if rng.chance(25) {
        let every = rng.pick(&["1 year", "2 years", "18 months", "3 years"]);
        let _ = writeln!(text, "review_every = \"{every}\"");
    } else {
        let year = rng.pick(&[2026, 2026, 2027, 2027, 2028]);
        let _ = writeln!(text, "review = {}", date_form(rng, year));
    }
    let _ = writeln!(text, "statutory = {}", rng.chance(40));
    let mut related = Vec::new();
    for _ in 0..rng.range(1, 4) {
        let j = other(rng, outlines.len(), i);
        if j != i && !related.contains(&format!("\"{}\"", outlines[j].id)) {
            related.push(format!("\"{}\"", outlines[j].id));
        }
    }
    if rng.chance(30) {
        related.push(
            "{ title = \"Statutory guidance (synthetic)\", url = \"https://example.org/guidance\" }"
                .to_string(),
        );
    }
    let _ = writeln!(text, "related = [{}]", related.join(", "));
    text.push_str("\n[summaries]\n");
    for a in &o.audiences {
        if rng.chance(60) {
            let _ = writeln!(
                text,
                "{a} = \"In short for {a}: {} {} {} the {}.\"",
                rng.pick(ADJECTIVES),
                rng.pick(NOUNS),
                rng.pick(VERBS),
                rng.pick(NOUNS)
            );
        }
    }
    for h in 0..rng.range(1, 3) {
        let _ = writeln!(
            text,
            "\n[[history]]\ndate = \"{}-{:02}-{:02}\"\nsummary = \"Review {}: {} wording on {}.\"",
            2022 + h,
            rng.range(1, 12),
            rng.range(1, 28),
            h + 1,
            rng.pick(ADJECTIVES),
            rng.pick(NOUNS)
        );
    }
    text.push_str("+++\n\n");
}

/// Another policy's index, near `i` more often than not (as a school's links are).
fn other(rng: &mut Rng, n: usize, i: usize) -> usize {
    if n < 2 {
        return i;
    }
    let j = if rng.chance(70) {
        (i + rng.range(1, 30.min(n - 1))) % n
    } else {
        rng.range(0, n - 1)
    };
    if j == i { (i + 1) % n } else { j }
}

/// An audience tag for section `k`, or none (the section is for everyone).
fn section_tag(rng: &mut Rng, audiences: &[&str], k: usize) -> Option<String> {
    if k == 0 || rng.chance(40) {
        return None;
    }
    if rng.chance(10) {
        return Some("audience=all".to_string());
    }
    let chosen: Vec<&str> = audiences
        .iter()
        .filter(|_| rng.chance(50))
        .copied()
        .collect();
    let chosen = if chosen.is_empty() {
        vec![rng.pick(audiences)]
    } else {
        chosen
    };
    Some(format!("audience={}", chosen.join(",")))
}

/// A subsection tag narrowing `tag` to its first audience.
fn narrow(tag: &str) -> String {
    let ids = tag.trim_start_matches("audience=");
    let first = ids.split(',').next().unwrap_or("all");
    format!("audience={first}")
}

/// Writes a sentence; returns its word count.
fn sentence(text: &mut String, rng: &mut Rng) -> usize {
    let start = text.len();
    let _ = write!(
        text,
        "the {} {} {} the {} {} {} {} {} a {} {}",
        rng.pick(ADJECTIVES),
        rng.pick(NOUNS),
        rng.pick(VERBS),
        rng.pick(NOUNS),
        rng.pick(CONNECTORS),
        rng.pick(&["every", "each", "any"]),
        rng.pick(NOUNS),
        rng.pick(VERBS),
        rng.pick(ADJECTIVES),
        rng.pick(NOUNS)
    );
    let mut words = 13;
    if rng.chance(40) {
        let _ = write!(text, ", and the {} {} it", rng.pick(NOUNS), rng.pick(VERBS));
        words += 5;
    }
    if let Some(first) = text[start..].chars().next() {
        let upper = first.to_ascii_uppercase().to_string();
        text.replace_range(start..start + first.len_utf8(), &upper);
    }
    text.push('.');
    words
}

/// Writes a paragraph of roughly `words` words, perhaps with a cross-link,
/// emphasis or a glossary term; returns its word count.
fn paragraph(
    text: &mut String,
    rng: &mut Rng,
    outlines: &[Outline],
    i: usize,
    words: usize,
) -> usize {
    let mut count = 0;
    while count < words {
        if count > 0 {
            text.push(' ');
        }
        count += sentence(text, rng);
        match rng.range(0, 19) {
            0 | 1 => count += cross_link(text, rng, outlines, i),
            2 => {
                let (term, abbr) = rng.pick(TERMS);
                let name = if abbr.is_empty() { term } else { abbr };
                let _ = write!(text, " Ask the {name} if in doubt.");
                count += 6;
            }
            3 => {
                let _ = write!(
                    text,
                    " This is **{}** for every {}.",
                    rng.pick(ADJECTIVES),
                    rng.pick(NOUNS)
                );
                count += 5;
            }
            4 => {
                let _ = write!(text, " Keep it *{}*.", rng.pick(ADJECTIVES));
                count += 3;
            }
            _ => {}
        }
    }
    text.push('\n');
    count
}

/// Writes a sentence linking to another policy, or to one of its sections.
fn cross_link(text: &mut String, rng: &mut Rng, outlines: &[Outline], i: usize) -> usize {
    let j = other(rng, outlines.len(), i);
    let target = &outlines[j];
    if rng.chance(50) {
        // Only explicit anchors are certain: the first section always has one.
        let anchor = SECTIONS[target.sections[0]].1;
        let _ = write!(
            text,
            " See [the aims of the {}](policy:{}#{anchor}).",
            TOPICS[target.topic].0.to_lowercase(),
            target.id
        );
    } else {
        let _ = write!(
            text,
            " Read the [{}](policy:{}) too.",
            target.title, target.id
        );
    }
    6
}

/// Writes a bulleted or numbered list; returns its word count.
fn list(text: &mut String, rng: &mut Rng, outlines: &[Outline], i: usize) -> usize {
    let items = rng.range(3, 7);
    let numbered = rng.chance(40);
    let mut words = 0;
    for n in 1..=items {
        if numbered {
            let _ = write!(text, "{n}. ");
        } else {
            text.push_str("- ");
        }
        words += sentence(text, rng);
        if rng.chance(8) {
            words += cross_link(text, rng, outlines, i);
        }
        text.push('\n');
    }
    words
}

/// Writes a table of who does what and when.
fn table(text: &mut String, rng: &mut Rng) {
    text.push_str("| Who | What they do | By when |\n|---|---|---|\n");
    for _ in 0..rng.range(3, 6) {
        let _ = writeln!(
            text,
            "| {} | {} the {} {} | {} |",
            rng.pick(ROLES),
            capitalised(rng.pick(VERBS)),
            rng.pick(ADJECTIVES),
            rng.pick(NOUNS),
            rng.pick(&[
                "Within a day",
                "Within a week",
                "Each term",
                "Each year",
                "At once"
            ])
        );
    }
    text.push('\n');
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}
