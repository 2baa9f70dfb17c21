//! Generates a synthetic design-doc book as preprocessor input JSON (the
//! `[context, book]` array mdBook 0.5 writes to a preprocessor's stdin).
//!
//! N realistic TDDs (filled-in templates of about 6–10 KB with tables in
//! sections 10.3 and 12, JSON and mermaid code blocks, citations of their
//! PRD's requirements in 1.2 and two rows resolving its open questions in
//! 1.4), N/4 PRDs (each with 10 requirements and 4 open questions), 10% of the
//! TDDs as skeleton directives with some sections written, and a status page
//! that starts with `{{#tdd-summary}}`, a `{{#tdd-graph}}` of one PRD's
//! family, the uncited requirements and the unanswered questions, and uses
//! every table directive. Every PRD has a Version, 10 requirements and 4
//! open questions; every TDD pins its PRD's Version (one in seven an older
//! one), cites three of its requirements and resolves two questions. Every
//! tenth TDD starts a chain of three designs: the next two each supersede
//! the one before, the superseded ones have the status Superseded (no other
//! design has it) and the first names its successor in Superseded-By. The
//! book configures mdbook-mermaid (run after mdbook-tdd), as a book whose
//! template holds diagrams does. The output is the same for the same N and
//! seed.
//!
//! `--shape NAME` picks what the book is made of (one TDD writer reads a
//! [`Profile`] of counts per shape; header, pins, chains, citations,
//! resolutions, PRDs and the status page are the same in every shape):
//!
//! - `mix` (the default): the book above; its output is what it was before
//!   shapes existed, byte for byte.
//! - `tables`: every sub-section of the template, 6–10 rows in 1.4, 2.3,
//!   10.3 and 12, two to four entity tables of 6–10 rows in 3.1, a table in
//!   each sub-section the template gives one, two endpoints, nested lists
//!   (about 25 KB a design).
//! - `prose`: every sub-section, two long paragraphs under each heading
//!   with links to a runbook and to another design and inline code, nested
//!   lists, block quotes, diagrams, and only the mix's tables (1.4, 10.3,
//!   12) (about 40 KB a design).
//! - `small`: N short designs of 1–2 KB (summary, goals, non-goals, one or
//!   two rows in 1.4, 10.3 and 12).
//! - `huge`: max(N / 100, 2) designs of about 0.95 MB each (hundreds of
//!   entities, endpoints, dependencies and risks), and a quarter as many
//!   PRDs as designs (at least one).
//! - `skeleton`: the mix's designs, but every other TDD (the odd ones) is
//!   a `{{#tdd-skeleton}}` with the summary, goals and citations, 1.4, 3.5,
//!   10.3 and 12 written, one in five of them with nothing written; the
//!   skeletons have pins (one in seven an older one) and the middle
//!   design of each chain is one (`status=Superseded supersedes=...`).
//!
//! Every shape but `mix` also has a second status page, `review.md`, with
//! the directives' filters, sorts and other columns on parts of the book
//! (`{{#prd-status}}` with the requirements and questions columns, live and
//! dead designs, one PRD's requirements, questions and graph, ...), writes
//! one PRD in eight as a `{{#prd-skeleton}}` and ends one in eight with an
//! explicit `{{#tdd-backlinks}}`.
//!
//! ```sh
//! cargo run --release --example gen_book -- 10000 > book-10000.json
//! cargo run --release --example gen_book -- 1000 --seed 7 --dir out/  # also as a book on disk
//! cargo run --release --example gen_book -- 10000 --no-summary        # no summary, no graph
//! cargo run --release --example gen_book -- 10000 --shape tables        # another shape
//! ```

use serde_json::json;
use std::fmt::Write;
use std::io::Write as _;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "invoice",
    "payment",
    "ledger",
    "service",
    "queue",
    "latency",
    "tenant",
    "schema",
    "endpoint",
    "retry",
    "idempotent",
    "customer",
    "account",
    "webhook",
    "reconcile",
    "settlement",
    "currency",
    "worker",
    "cache",
    "index",
    "partition",
    "replica",
    "event",
    "stream",
    "audit",
    "token",
    "session",
    "throughput",
    "budget",
    "rollout",
    "feature",
    "migration",
    "backfill",
    "consumer",
    "producer",
    "contract",
    "quota",
    "region",
    "failover",
    "snapshot",
    "the",
    "a",
    "each",
    "every",
    "with",
    "without",
    "before",
    "after",
    "during",
    "so",
    "that",
    "must",
    "should",
    "can",
    "will",
    "is",
    "are",
];
const NAMES: &[&str] = &[
    "Dana Whitfield",
    "Kenji Morales",
    "Priya Raman",
    "Tomás Ortega",
    "Elena Petrova",
    "Sam Okafor",
    "Rachel Kim",
    "Marcus Lindqvist",
    "Zoë Ångström",
    "Ana Souza",
];
const STATUSES: &[&str] = &[
    "Draft",
    "In Review",
    "Approved",
    "Implemented",
    "Superseded",
];
const DEP_STATUS: &[&str] = &["Ready", "In Progress", "Blocked"];
const RISK_STATUS: &[&str] = &["Open", "Mitigated", "Closed", "Open"];

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        let w = rng.pick(WORDS);
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                s.extend(f.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push(' ');
            s.push_str(w);
        }
    }
    s.push('.');
    s
}

fn paragraph(rng: &mut Rng) -> String {
    let n = 2 + rng.below(3);
    (0..n)
        .map(|_| {
            let w = 8 + rng.below(10);
            sentence(rng, w)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a shape's documents are made of: one TDD writer reads these counts,
/// so that every shape has the same header, sections and cross-references
/// and differs only in how much of what it writes. `(min, extra)` counts
/// are `min + below(extra)` (no draw when `extra` is 0).
struct Profile {
    /// The sections written, with their sub-sections (1.4 is written after
    /// 1.3, 10.3 after the other sub-sections of 10, 12 last).
    sections: &'static [(&'static str, &'static [&'static str])],
    /// Paragraphs under each heading, and sentences in each.
    paras: usize,
    sentences: (usize, usize),
    /// Rows of 1.4, 10.3 and 12.
    resolved_rows: (usize, usize),
    dep_rows: (usize, usize),
    risk_rows: (usize, usize),
    /// Rows of 2.3 (none: no table).
    components: (usize, usize),
    /// Entity tables in 3.1, and their rows.
    entities: (usize, usize),
    entity_rows: (usize, usize),
    /// Endpoints in 4.1 (the first as in the mix).
    endpoints: usize,
    /// A table in each sub-section the template gives one (3.4, 4.2, 4.3,
    /// 6.1, 6.3, 6.4, 7.2, 8, 9.2, 11.1, 11.2), and its rows.
    section_tables: (usize, usize),
    /// Bulleted lists (nested one level) in the sub-sections that list
    /// things, and items in each.
    lists: usize,
    list_items: (usize, usize),
    /// Block quotes (notes, decisions) in 2.1, 3.3, 7.1 and 11.3.
    quotes: bool,
    /// Links to runbooks and other designs, inline code in paragraphs.
    links: bool,
    /// Mermaid diagrams in 3.2, 5.1 and 5.2 (2.2 always has one).
    diagrams: bool,
    /// Components in 10.1, alternatives in 9.1.
    work_components: usize,
    alternatives: usize,
}

/// The sections of the mix's designs.
const MIX_SECTIONS: &[(&str, &[&str])] = &[
    (
        "1. Overview",
        &["1.1 Summary", "1.2 Goals", "1.3 Non-Goals"],
    ),
    (
        "2. System Context",
        &["2.1 Current Architecture", "2.2 Proposed Architecture"],
    ),
    ("3. Data Model", &["3.1 Entities", "3.3 Data Migration"]),
    ("4. API Design", &["4.1 New Endpoints / Interfaces"]),
    ("5. Key Sequences", &["5.1 Checkout"]),
    ("6. Infrastructure & Operations", &["6.2 Scaling Strategy"]),
    (
        "7. Security & Privacy",
        &["7.1 Authentication & Authorization"],
    ),
    ("8. Testing Strategy", &[]),
    ("9. Alternatives Considered", &["9.1 Polling"]),
    (
        "10. Implementation Guidance",
        &["10.2 Suggested Implementation Order"],
    ),
    ("11. Rollout Plan", &["11.3 Rollback Plan"]),
];

/// Every sub-section of the template.
const ALL_SECTIONS: &[(&str, &[&str])] = &[
    (
        "1. Overview",
        &["1.1 Summary", "1.2 Goals", "1.3 Non-Goals"],
    ),
    (
        "2. System Context",
        &[
            "2.1 Current Architecture",
            "2.2 Proposed Architecture",
            "2.3 Key Components",
        ],
    ),
    (
        "3. Data Model",
        &[
            "3.1 Entities",
            "3.2 Entity Relationships",
            "3.3 Data Migration",
            "3.4 Data Access Patterns",
        ],
    ),
    (
        "4. API Design",
        &[
            "4.1 New Endpoints / Interfaces",
            "4.2 Modified Endpoints",
            "4.3 Event / Message Contracts",
        ],
    ),
    ("5. Key Sequences", &["5.1 Checkout", "5.2 Payment Failure"]),
    (
        "6. Infrastructure & Operations",
        &[
            "6.1 Infrastructure Requirements",
            "6.2 Scaling Strategy",
            "6.3 Failure Modes & Resilience",
            "6.4 Observability",
        ],
    ),
    (
        "7. Security & Privacy",
        &[
            "7.1 Authentication & Authorization",
            "7.2 Data Protection",
            "7.3 Compliance",
        ],
    ),
    ("8. Testing Strategy", &[]),
    (
        "9. Alternatives Considered",
        &["9.1 Polling", "9.2 Key Trade-offs in Chosen Design"],
    ),
    (
        "10. Implementation Guidance",
        &[
            "10.1 Component Work Breakdown",
            "10.2 Suggested Implementation Order",
        ],
    ),
    (
        "11. Rollout Plan",
        &[
            "11.1 Rollout Phases",
            "11.2 Feature Flags",
            "11.3 Rollback Plan",
        ],
    ),
];

/// A short design: summary, goals, resolutions, blockers and risks.
const SMALL_SECTIONS: &[(&str, &[&str])] = &[
    (
        "1. Overview",
        &["1.1 Summary", "1.2 Goals", "1.3 Non-Goals"],
    ),
    (
        "10. Implementation Guidance",
        &["10.2 Suggested Implementation Order"],
    ),
];

const MIX: Profile = Profile {
    sections: MIX_SECTIONS,
    paras: 1,
    sentences: (2, 3),
    resolved_rows: (2, 0),
    dep_rows: (2, 3),
    risk_rows: (2, 4),
    components: (0, 0),
    entities: (0, 0),
    entity_rows: (0, 0),
    endpoints: 1,
    section_tables: (0, 0),
    lists: 0,
    list_items: (0, 0),
    quotes: false,
    links: false,
    diagrams: false,
    work_components: 0,
    alternatives: 1,
};

const TABLES: Profile = Profile {
    sections: ALL_SECTIONS,
    resolved_rows: (6, 5),
    dep_rows: (6, 5),
    risk_rows: (6, 5),
    components: (6, 5),
    entities: (2, 3),
    entity_rows: (6, 5),
    endpoints: 2,
    section_tables: (3, 4),
    lists: 1,
    list_items: (3, 3),
    diagrams: true,
    work_components: 2,
    ..MIX
};

const PROSE: Profile = Profile {
    sections: ALL_SECTIONS,
    paras: 2,
    sentences: (3, 2),
    lists: 1,
    list_items: (3, 4),
    quotes: true,
    links: true,
    diagrams: true,
    alternatives: 2,
    ..MIX
};

const SMALL: Profile = Profile {
    sections: SMALL_SECTIONS,
    sentences: (1, 1),
    resolved_rows: (1, 2),
    dep_rows: (1, 2),
    risk_rows: (1, 2),
    endpoints: 0,
    alternatives: 0,
    ..MIX
};

/// About 1 MB a design: a large system's whole design, every section long.
const HUGE: Profile = Profile {
    sections: ALL_SECTIONS,
    paras: 2,
    sentences: (3, 4),
    resolved_rows: (20, 10),
    dep_rows: (450, 75),
    risk_rows: (450, 75),
    components: (90, 30),
    entities: (300, 30),
    entity_rows: (6, 5),
    endpoints: 220,
    section_tables: (30, 15),
    lists: 6,
    list_items: (4, 4),
    quotes: true,
    links: true,
    diagrams: true,
    work_components: 120,
    alternatives: 45,
};

/// The book's shape (`--shape NAME`).
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Mix,
    Tables,
    Prose,
    Small,
    Huge,
    Skeleton,
}

impl Shape {
    fn parse(name: &str) -> Option<Shape> {
        Some(match name {
            "mix" => Shape::Mix,
            "tables" => Shape::Tables,
            "prose" => Shape::Prose,
            "small" => Shape::Small,
            "huge" => Shape::Huge,
            "skeleton" => Shape::Skeleton,
            _ => return None,
        })
    }

    fn profile(self) -> &'static Profile {
        match self {
            Shape::Mix | Shape::Skeleton => &MIX,
            Shape::Tables => &TABLES,
            Shape::Prose => &PROSE,
            Shape::Small => &SMALL,
            Shape::Huge => &HUGE,
        }
    }

    /// The number of TDDs for N: N, except `huge`'s N/100 (at least 2).
    fn tdds(self, n: usize) -> usize {
        match self {
            Shape::Huge => (n / 100).max(2),
            _ => n,
        }
    }

    /// Whether TDD `i` is a skeleton: one in ten (the tenth), or every
    /// other one for `skeleton`.
    fn is_skeleton(self, i: usize) -> bool {
        match self {
            Shape::Skeleton => i % 2 == 1,
            _ => i % 10 == 9,
        }
    }
}

const ENTITIES: &[&str] = &[
    "Invoice",
    "Payment",
    "LedgerEntry",
    "Customer",
    "Account",
    "WebhookSubscription",
    "Settlement",
    "Refund",
    "Tenant",
    "QuotaUsage",
];
const FIELDS: &[&str] = &[
    "id",
    "tenant_id",
    "amount",
    "currency",
    "status",
    "created_at",
    "updated_at",
    "external_ref",
    "version",
    "idempotency_key",
    "customer_id",
    "due_date",
];
const TYPES: &[&str] = &[
    "UUID",
    "BIGINT",
    "TEXT",
    "NUMERIC(18,2)",
    "TIMESTAMPTZ",
    "JSONB",
    "BOOLEAN",
    "VARCHAR(64)",
];
const CONSTRAINTS: &[&str] = &["PK", "FK", "NOT NULL", "UNIQUE", "NOT NULL, INDEX", "—"];
const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];

fn count(rng: &mut Rng, (min, extra): (usize, usize)) -> usize {
    if extra == 0 {
        min
    } else {
        min + rng.below(extra)
    }
}

fn paragraph_of(rng: &mut Rng, p: &Profile, i: usize) -> String {
    let n = count(rng, p.sentences);
    let mut out = (0..n)
        .map(|_| {
            let w = 8 + rng.below(10);
            sentence(rng, w)
        })
        .collect::<Vec<_>>()
        .join(" ");
    if p.links {
        let j = rng.below(i.max(1));
        let _ = write!(
            out,
            " See the [runbook](https://runbooks.example.com/service-{i}#{}) and [Service {j}](service-{j}.md), which runs `svc-{j}-worker`.",
            rng.pick(WORDS)
        );
    }
    out
}

/// A bulleted list, each item with a nested list of one or two items.
fn list(rng: &mut Rng, s: &mut String, p: &Profile) {
    for _ in 0..count(rng, p.list_items) {
        let w = 6 + rng.below(8);
        let _ = writeln!(s, "- {}", sentence(rng, w));
        for _ in 0..(1 + rng.below(2)) {
            let w = 5 + rng.below(6);
            let _ = writeln!(s, "  - {}", sentence(rng, w));
        }
    }
    s.push('\n');
}

fn table(s: &mut String, header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) {
    let _ = writeln!(s, "| {} |", header.join(" | "));
    let rule: Vec<String> = header.iter().map(|h| "-".repeat(h.len() + 2)).collect();
    let _ = writeln!(s, "|{}|", rule.join("|"));
    for row in rows {
        let _ = writeln!(s, "| {} |", row.join(" | "));
    }
    s.push('\n');
}

/// What a sub-section holds besides its paragraphs, by its number.
fn extras(rng: &mut Rng, s: &mut String, p: &Profile, h3: &str, i: usize, prd: usize) {
    let num = h3.split(' ').next().unwrap_or("");
    if p.lists > 0 && matches!(num, "1.2" | "1.3" | "6.2" | "9.1" | "11.3") {
        for _ in 0..p.lists {
            list(rng, s, p);
        }
    }
    if p.lists > 0 && num == "10.2" {
        for k in 1..=count(rng, p.list_items) {
            let _ = writeln!(s, "{k}. **Phase {k}:** {}", sentence(rng, 9));
            let _ = writeln!(s, "   - {}", sentence(rng, 6));
        }
        s.push('\n');
    }
    if p.quotes && matches!(num, "2.1" | "3.3" | "7.1" | "11.3") {
        let _ = writeln!(
            s,
            "> **{}:** {}\n>\n> - {}\n> - {}\n",
            rng.pick(&["Note", "Decision", "Warning"]),
            sentence(rng, 12),
            sentence(rng, 7),
            sentence(rng, 7)
        );
    }
    if num == "1.2" {
        let q = req_prefix(prd);
        let _ = writeln!(
            s,
            "- Covers {q}-{} and {q}-{}; see also ({q}-{}).\n",
            1 + rng.below(REQUIREMENTS),
            1 + rng.below(REQUIREMENTS),
            1 + rng.below(REQUIREMENTS)
        );
    }
    if num == "1.3" {
        s.push_str("### 1.4 PRD Open Items Resolved\n| PRD Item | Resolution |\n|----------|------------|\n");
        for _ in 0..count(rng, p.resolved_rows) {
            let _ = writeln!(
                s,
                "| Q{}: {} | {} |",
                1 + rng.below(QUESTIONS),
                sentence(rng, 5),
                sentence(rng, 8)
            );
        }
        s.push('\n');
    }
    if num == "2.2" {
        let _ = writeln!(
            s,
            "```mermaid\ngraph TD\n    api[API] --> svc{i}[Service {i}]\n    svc{i} --> db[(Postgres)]\n```\n"
        );
    }
    if num == "2.3" && p.components.0 > 0 {
        let rows = count(rng, p.components);
        let rows: Vec<Vec<String>> = (0..rows)
            .map(|k| {
                vec![
                    format!("`{}-{k}`", rng.pick(WORDS)),
                    sentence(rng, 7),
                    rng.pick(&["New", "Modified", "Existing"]).to_string(),
                ]
            })
            .collect();
        table(s, &["Component", "Responsibility", "New / Modified"], rows);
    }
    if num == "3.1" {
        for e in 0..count(rng, p.entities) {
            let name = rng.pick(ENTITIES);
            let _ = writeln!(s, "#### {name}{e}\n{}\n", sentence(rng, 10));
            let rows = count(rng, p.entity_rows);
            let rows: Vec<Vec<String>> = (0..rows)
                .map(|_| {
                    vec![
                        format!("`{}`", rng.pick(FIELDS)),
                        rng.pick(TYPES).to_string(),
                        rng.pick(CONSTRAINTS).to_string(),
                        sentence(rng, 6),
                    ]
                })
                .collect();
            table(s, &["Field", "Type", "Constraints", "Notes"], rows);
        }
    }
    if p.diagrams && num == "3.2" {
        let _ = writeln!(
            s,
            "```mermaid\nerDiagram\n    CUSTOMER ||--o{{ INVOICE : owes\n    INVOICE ||--|{{ PAYMENT : \"settled by\"\n    PAYMENT }}o--|| LEDGER_ENTRY : posts\n```\n"
        );
    }
    if p.diagrams && matches!(num, "5.1" | "5.2") {
        let _ = writeln!(
            s,
            "```mermaid\nsequenceDiagram\n    participant C as Client\n    participant S as Service {i}\n    C->>S: POST /v1/service-{i}/items\n    S-->>C: 202 Accepted\n```\n"
        );
    }
    if num == "4.1" {
        for e in 0..p.endpoints {
            if e == 0 {
                let _ = writeln!(
                    s,
                    "#### `POST /v1/service-{i}/items`\n- **Auth:** bearer token\n- **Request:**\n```json\n{{\n  \"amount\": {},\n  \"currency\": \"EUR\"\n}}\n```\n",
                    rng.below(10_000)
                );
                continue;
            }
            let _ = writeln!(
                s,
                "#### `{} /v1/service-{i}/{}s/{{id}}`\n- **Description:** {}\n- **Auth:** bearer token, scope `{}:write`\n- **Response (success):**\n```json\n{{\n  \"id\": \"{}\",\n  \"status\": \"{}\"\n}}\n```\n- **Error responses:**\n",
                rng.pick(METHODS),
                rng.pick(WORDS),
                sentence(rng, 9),
                rng.pick(WORDS),
                rng.next() % 1_000_000,
                rng.pick(WORDS)
            );
            let rows: Vec<Vec<String>> = [("404", "not_found"), ("409", "conflict")]
                .iter()
                .map(|(st, code)| vec![st.to_string(), format!("`{code}`"), sentence(rng, 6)])
                .collect();
            table(s, &["Status", "Code", "Description"], rows);
        }
    }
    if num == "9.1" {
        for a in 1..p.alternatives {
            let _ = writeln!(
                s,
                "#### Alternative {a}: {}\n- **Pros:** {}\n- **Cons:** {}\n- **Why rejected:** {}\n",
                rng.pick(ENTITIES),
                sentence(rng, 6),
                sentence(rng, 6),
                sentence(rng, 9)
            );
        }
    }
    if num == "10.1" {
        for c in 0..p.work_components {
            let _ = writeln!(s, "#### {} layer {c}", rng.pick(ENTITIES));
            let rows: Vec<Vec<String>> = (0..count(rng, p.section_tables.max((3, 2))))
                .map(|k| {
                    vec![
                        format!("Item {c}.{k}"),
                        sentence(rng, 7),
                        rng.pick(&["—", "API gateway", "schema migration"])
                            .to_string(),
                        rng.pick(&["S", "M", "L"]).to_string(),
                    ]
                })
                .collect();
            table(
                s,
                &["Work Item", "Description", "Dependencies", "Complexity"],
                rows,
            );
        }
    }
    if p.section_tables.0 > 0 {
        let header: &[&str] = match num {
            "3.4" => &[
                "Operation",
                "Pattern",
                "Expected Volume",
                "Index / Optimization",
            ],
            "4.2" => &["Endpoint", "Change", "Backward Compatible"],
            "4.3" => &["Event", "Producer", "Consumer(s)", "Payload Shape"],
            "6.1" => &["Resource", "Purpose", "Specification"],
            "6.3" => &["Failure", "Impact", "Mitigation"],
            "6.4" => &["Signal", "Tool", "Details"],
            "7.2" => &["Data", "Classification", "Protection"],
            "8." => &["Level", "Scope", "Approach"],
            "9.2" => &["Decision", "Trade-off", "Rationale"],
            "11.1" => &["Phase", "Audience", "Criteria to Advance"],
            "11.2" => &["Flag", "Purpose", "Default"],
            _ => &[],
        };
        if !header.is_empty() {
            let rows: Vec<Vec<String>> = (0..count(rng, p.section_tables))
                .map(|_| {
                    header
                        .iter()
                        .enumerate()
                        .map(|(c, _)| match c {
                            0 => format!("`{}.{}`", rng.pick(WORDS), rng.pick(WORDS)),
                            1 => rng.pick(WORDS).to_string(),
                            _ => sentence(rng, 5),
                        })
                        .collect()
                })
                .collect();
            table(s, header, rows);
        }
    }
}

fn tdd(rng: &mut Rng, i: usize, n: usize, prds: usize, p: &Profile) -> String {
    let mut s = String::new();
    let prd = rng.below(prds.max(1));
    // The first chain derives from Product 0, whose family the status page
    // draws.
    let prd = if i < 3 { 0 } else { prd };
    let _ = writeln!(s, "# Service {i} — Technical Design Document\n");
    let _ = writeln!(s, "**Author:** {}", rng.pick(NAMES));
    let _ = writeln!(
        s,
        "**Date:** 2026-{:02}-{:02}",
        1 + rng.below(12),
        1 + rng.below(28)
    );
    let status = rng.pick(STATUSES);
    // Chains of three: designs 10k, 10k + 1 and 10k + 2 (the third of a
    // ten is a skeleton only at 10k + 9).
    let chain = i / 10 * 10 + 2 < n;
    let superseded = chain && i % 10 < 2;
    // Outside a chain nothing supersedes a design: none is Superseded.
    let status = match status {
        _ if superseded => "Superseded",
        "Superseded" => "Deprecated",
        s => s,
    };
    let _ = writeln!(s, "**Status:** {status}");
    let _ = writeln!(s, "**Version:** 1.{}", rng.below(10));
    // Pinned to the PRD's Version (see `prd_version`); one design in seven
    // was written against an older one.
    let pin = if i % 7 == 3 {
        "2.0".to_string()
    } else {
        prd_version(prd)
    };
    let _ = writeln!(
        s,
        "**Source PRD:** [prd-{prd}.md](../prd/prd-{prd}.md) @ {pin}"
    );
    if chain && matches!(i % 10, 1 | 2) {
        let _ = writeln!(
            s,
            "**Supersedes:** [Service {}](service-{}.md)",
            i - 1,
            i - 1
        );
    }
    if chain && i.is_multiple_of(10) {
        let _ = writeln!(s, "**Superseded-By:** service-{}.md", i + 1);
    }
    let _ = writeln!(s, "\n---\n");
    for (h2, subs) in p.sections {
        let _ = writeln!(s, "## {h2}\n\n{}\n", paragraph_of(rng, p, i));
        for _ in 1..p.paras {
            let _ = writeln!(s, "{}\n", paragraph_of(rng, p, i));
        }
        if h2.starts_with("8.") {
            extras(rng, &mut s, p, "8.", i, prd);
        }
        for h3 in *subs {
            let _ = writeln!(s, "### {h3}\n{}\n", paragraph_of(rng, p, i));
            for _ in 1..p.paras {
                let _ = writeln!(s, "{}\n", paragraph_of(rng, p, i));
            }
            extras(rng, &mut s, p, h3, i, prd);
        }
        if h2.starts_with("10.") {
            let _ = writeln!(
                s,
                "### 10.3 Dependencies & Blockers\n| Dependency | Owner | Status | Impact if Delayed |\n|------------|-------|--------|-------------------|"
            );
            for d in 0..count(rng, p.dep_rows) {
                let _ = writeln!(
                    s,
                    "| Dependency {i}.{d} | {} | {} | {} |",
                    rng.pick(NAMES),
                    rng.pick(DEP_STATUS),
                    sentence(rng, 6)
                );
            }
            s.push('\n');
        }
    }
    let _ = writeln!(
        s,
        "## 12. Open Questions & Risks\n| Item | Type | Impact | Owner | Status |\n|------|------|--------|-------|--------|"
    );
    for _ in 0..count(rng, p.risk_rows) {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            sentence(rng, 7),
            rng.pick(&["Risk", "Question"]),
            rng.pick(&["H", "M", "L"]),
            rng.pick(NAMES),
            rng.pick(RISK_STATUS)
        );
    }
    s
}

/// A `{{#tdd-skeleton}}` with some sections written. In the mix, the
/// summary, a section the template lacks (3.5) and a risk; with `more`
/// (the `skeleton` shape) also citations, resolutions, blockers, older pins
/// and places in supersede chains, and one in five skeletons has nothing
/// written at all.
fn skeleton(rng: &mut Rng, i: usize, n: usize, prds: usize, more: bool) -> String {
    let prd = rng.below(prds.max(1));
    let prd = if more && i < 3 { 0 } else { prd };
    let pin = if more && i % 7 == 3 {
        "2.0".to_string()
    } else {
        prd_version(prd)
    };
    // In the `skeleton` shape 10k + 1 is a skeleton in the middle of its
    // chain: superseded by 10k + 2, superseding 10k.
    let chain = more && i / 10 * 10 + 2 < n && i % 10 == 1;
    let lifecycle = if chain {
        format!(" status=Superseded supersedes=service-{}.md", i - 1)
    } else {
        String::new()
    };
    let mut s = format!(
        "{{{{#tdd-skeleton title=\"Service {i}\" author=\"{}\" date=2026-10-{:02} prd=../prd/prd-{prd}.md prd-version={pin}{lifecycle}}}}}\n\n",
        rng.pick(NAMES),
        1 + rng.below(28),
    );
    if more && i % 10 == 7 {
        return s;
    }
    let _ = writeln!(s, "{}\n", paragraph(rng));
    let _ = writeln!(s, "## 1. Overview\n\n### 1.1 Summary\n{}\n", paragraph(rng));
    if more {
        let _ = writeln!(s, "### 1.2 Goals\n{}\n", sentence(rng, 9));
        extras(rng, &mut s, &MIX, "1.2", i, prd);
        extras(rng, &mut s, &MIX, "1.3", i, prd);
    }
    let _ = writeln!(
        s,
        "## 3. Data Model\n\n### 3.5 Caching\n{}\n",
        paragraph(rng)
    );
    if more {
        let _ = writeln!(
            s,
            "## 10. Implementation Guidance\n\n### 10.3 Dependencies & Blockers\n| Dependency | Owner | Status | Impact if Delayed |\n|------------|-------|--------|-------------------|"
        );
        for d in 0..(1 + rng.below(3)) {
            let _ = writeln!(
                s,
                "| Dependency {i}.{d} | {} | {} | {} |",
                rng.pick(NAMES),
                rng.pick(DEP_STATUS),
                sentence(rng, 6)
            );
        }
        s.push('\n');
    }
    let _ = writeln!(
        s,
        "## 12. Open Questions & Risks\n| Item | Type | Impact | Owner | Status |\n|------|------|--------|-------|--------|\n| {} | Risk | M | {} | Open |",
        sentence(rng, 6),
        rng.pick(NAMES)
    );
    s
}

/// The Version of PRD `j`: 2.1 to 2.5.
fn prd_version(j: usize) -> String {
    format!("2.{}", j % 5 + 1)
}

/// The requirement IDs of a PRD start with letters of its own (`AB-3`).
fn req_prefix(j: usize) -> String {
    let mut j = j + 1;
    let mut out = Vec::new();
    while j > 0 {
        j -= 1;
        out.push(b'A' + (j % 26) as u8);
        j /= 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Requirements and open questions per PRD.
const REQUIREMENTS: usize = 10;
const QUESTIONS: usize = 4;

fn prd(rng: &mut Rng, j: usize) -> String {
    let mut s = format!(
        "# Product {j} — Product Requirements\n\n**Author:** {}\n**Status:** {}\n**Version:** {}\n\n---\n\n## Problem\n\n{}\n\n## Goals\n\n- {}\n- {}\n",
        rng.pick(NAMES),
        rng.pick(&["Draft", "In Review", "Approved"]),
        prd_version(j),
        paragraph(rng),
        sentence(rng, 8),
        sentence(rng, 8)
    );
    let prefix = req_prefix(j);
    s.push_str(
        "\n## Requirements\n\n| ID | Requirement | Priority |\n|----|-------------|----------|\n",
    );
    for k in 1..=REQUIREMENTS {
        let _ = writeln!(
            s,
            "| {prefix}-{k} | {} | {} |",
            sentence(rng, 10),
            rng.pick(&["Must", "Should", "Could"])
        );
    }
    s.push_str("\n## Open Questions\n\n");
    for k in 1..=QUESTIONS {
        let _ = writeln!(s, "{k}. Q{k}: {}", sentence(rng, 9).replace('.', "?"));
    }
    s
}

/// The summary at the top of the status page, a graph of one PRD's family and
/// the traceability tables (left out with `--no-summary`, for builds of
/// mdbook-tdd that know none of them).
const SUMMARY: &str = "## At a glance\n\n{{#tdd-summary}}\n\n## Document map\n\n{{#tdd-graph prd=\"Product 0\"}}\n\n## Uncited requirements\n\n{{#prd-requirements uncovered=true sort=priority}}\n\n## Unanswered questions\n\n{{#prd-open-questions open=true}}\n\n";

const STATUS_PAGE: &str = "# Design status\n\n## Designs\n\n{{#tdd-status columns=document,status,version,author,date,prd,open-items,blockers,completeness}}\n\n## Requirements\n\n{{#prd-status}}\n\n## Open items\n\n{{#tdd-open-items}}\n\n## Blockers\n\n{{#tdd-blockers}}\n\n## Blocked dependencies\n\n{{#tdd-rollup section=\"10.3\" where=\"Status=Blocked\" columns=Dependency,Owner}}\n\n## Completeness\n\n{{#tdd-completeness}}\n";

/// The second status page of every shape but the mix: the directives'
/// filters, sorts and other columns, each on a part of the book.
const REVIEW_PAGE: &str = "# Design review\n\n## Live designs, newest first\n\n{{#tdd-status live=true sort=-date columns=document,status,pin,supersedes,placeholders,completeness}}\n\n## Designs no longer in force\n\n{{#tdd-status live=false columns=document,status,superseded-by,prd}}\n\n## PRDs\n\n{{#prd-status columns=prd,status,version,designs,coverage,requirements,questions,superseded-by sort=designs}}\n\n## PRDs in force without a live design\n\n{{#prd-status uncovered=true live=true}}\n\n## Requirements of Product 0\n\n{{#prd-requirements prd=\"Product 0\" sort=-priority}}\n\n## Questions of Product 0\n\n{{#prd-open-questions prd=prd/prd-0.md}}\n\n## Dependencies in progress\n\n{{#tdd-rollup section=\"Dependencies & Blockers\" where=\"Status=In Progress\" columns=Dependency,Owner,Status sort=Owner}}\n\n## High-impact items\n\n{{#tdd-open-items where=\"Status=Open;Impact=H\" columns=Item,Owner sort=Document}}\n\n## Blockers by owner\n\n{{#tdd-blockers sort=-Owner}}\n\n## Approved designs\n\n{{#tdd-completeness status=Approved sort=title}}\n\n## Live designs of Product 0\n\n{{#tdd-graph prd=prd/prd-0.md live=true}}\n\n## Risks first\n\n{{#tdd-summary show=risks,blocked,uncovered limit=25}}\n";

/// A PRD written as `{{#prd-skeleton}}` with its Problem, Requirements and
/// Open Questions written (the other sections stay template guidance).
fn prd_skeleton(rng: &mut Rng, j: usize) -> String {
    let mut s = format!(
        "{{{{#prd-skeleton title=\"Product {j}\" author=\"{}\" status={} version={}}}}}\n\n## Problem\n\n{}\n",
        rng.pick(NAMES),
        rng.pick(&["Draft", "Approved"]),
        prd_version(j),
        paragraph(rng)
    );
    let prefix = req_prefix(j);
    s.push_str(
        "\n## Requirements\n\n| ID | Requirement | Priority |\n|----|-------------|----------|\n",
    );
    for k in 1..=REQUIREMENTS {
        let _ = writeln!(
            s,
            "| {prefix}-{k} | {} | {} |",
            sentence(rng, 10),
            rng.pick(&["Must", "Should", "Could"])
        );
    }
    s.push_str("\n## Open Questions\n\n");
    for k in 1..=QUESTIONS {
        let _ = writeln!(s, "{k}. Q{k}: {}", sentence(rng, 9).replace('.', "?"));
    }
    s
}

fn chapter(name: &str, path: &str, content: String, number: usize) -> serde_json::Value {
    json!({"Chapter": {
        "name": name,
        "content": content,
        "number": [number],
        "sub_items": [],
        "path": path,
        "source_path": path,
        "parent_names": [],
    }})
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.first().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let seed: u64 = args
        .iter()
        .position(|a| a == "--seed")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(42);
    let dir = args
        .iter()
        .position(|a| a == "--dir")
        .and_then(|i| args.get(i + 1));
    let summary = !args.iter().any(|a| a == "--no-summary");
    let shape_name = args
        .iter()
        .position(|a| a == "--shape")
        .and_then(|i| args.get(i + 1))
        .map_or("mix", String::as_str);
    let Some(shape) = Shape::parse(shape_name) else {
        eprintln!(
            "gen_book: unknown shape `{shape_name}` (mix, tables, prose, small, huge, skeleton)"
        );
        std::process::exit(2);
    };
    let profile = shape.profile();
    let tdds = shape.tdds(n);
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let prds = (tdds / 4).max(1);
    let mut files: Vec<(String, String, String)> = Vec::new();
    // The pin column too is known only to builds that know the summary.
    let status_page = if summary {
        STATUS_PAGE
            .replacen("## Designs", &format!("{SUMMARY}## Designs"), 1)
            .replacen(",prd,open-items,", ",prd,pin,open-items,", 1)
    } else {
        STATUS_PAGE.to_string()
    };
    files.push(("Design status".into(), "status.md".into(), status_page));
    // Every shape but the mix (which stays as it was) also has a review page
    // with the directives' other arguments, some PRDs as `{{#prd-skeleton}}`
    // and some with an explicit `{{#tdd-backlinks}}`.
    let more = shape != Shape::Mix;
    if more && summary {
        files.push((
            "Design review".into(),
            "review.md".into(),
            REVIEW_PAGE.into(),
        ));
    }
    for j in 0..prds {
        let text = match j % 8 {
            5 if more => prd_skeleton(&mut rng, j),
            2 if more => prd(&mut rng, j) + "\n## Technical Designs\n\n{{#tdd-backlinks}}\n",
            _ => prd(&mut rng, j),
        };
        files.push((format!("Product {j}"), format!("prd/prd-{j}.md"), text));
    }
    for i in 0..tdds {
        let text = if shape.is_skeleton(i) {
            skeleton(&mut rng, i, tdds, prds, shape == Shape::Skeleton)
        } else {
            tdd(&mut rng, i, tdds, prds, profile)
        };
        files.push((format!("Service {i}"), format!("tdd/service-{i}.md"), text));
    }
    if let Some(dir) = dir {
        let root = std::path::Path::new(dir);
        let src = root.join("src");
        std::fs::create_dir_all(src.join("prd")).expect("create the book directory");
        std::fs::create_dir_all(src.join("tdd")).expect("create the book directory");
        std::fs::write(
            root.join("book.toml"),
            "[book]\ntitle = \"Synthetic\"\n\n[preprocessor.tdd]\nafter = [\"links\"]\nbefore = [\"mermaid\"]\n\n[preprocessor.mermaid]\ncommand = \"mdbook-mermaid\"\noptional = true\n",
        )
        .expect("write book.toml");
        let mut summary = String::from("# Summary\n\n");
        for (name, path, text) in &files {
            let _ = writeln!(summary, "- [{name}]({path})");
            std::fs::write(src.join(path), text).expect("write a chapter");
        }
        std::fs::write(src.join("SUMMARY.md"), summary).expect("write SUMMARY.md");
    }
    let items: Vec<serde_json::Value> = files
        .into_iter()
        .enumerate()
        .map(|(k, (name, path, text))| chapter(&name, &path, text, k + 1))
        .collect();
    let input = json!([
        {
            "root": "/synthetic-book",
            "config": {"book": {"title": "Synthetic", "src": "src"}, "preprocessor": {
                "tdd": {"after": ["links"], "before": ["mermaid"]},
                "mermaid": {"command": "mdbook-mermaid", "optional": true}
            }},
            "renderer": "html",
            "mdbook_version": "0.5.4"
        },
        {"items": items}
    ]);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer(&mut out, &input).expect("write the JSON");
    out.flush().expect("write the JSON");
}
