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
//! ```sh
//! cargo run --release --example gen_book -- 10000 > book-10000.json
//! cargo run --release --example gen_book -- 1000 --seed 7 --dir out/  # also as a book on disk
//! cargo run --release --example gen_book -- 10000 --no-summary        # no summary, no graph
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

fn tdd(rng: &mut Rng, i: usize, n: usize, prds: usize) -> String {
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
    let sections = [
        (
            "1. Overview",
            &["1.1 Summary", "1.2 Goals", "1.3 Non-Goals"][..],
        ),
        (
            "2. System Context",
            &["2.1 Current Architecture", "2.2 Proposed Architecture"][..],
        ),
        ("3. Data Model", &["3.1 Entities", "3.3 Data Migration"][..]),
        ("4. API Design", &["4.1 New Endpoints / Interfaces"][..]),
        ("5. Key Sequences", &["5.1 Checkout"][..]),
        (
            "6. Infrastructure & Operations",
            &["6.2 Scaling Strategy"][..],
        ),
        (
            "7. Security & Privacy",
            &["7.1 Authentication & Authorization"][..],
        ),
        ("8. Testing Strategy", &[][..]),
        ("9. Alternatives Considered", &["9.1 Polling"][..]),
        (
            "10. Implementation Guidance",
            &["10.2 Suggested Implementation Order"][..],
        ),
        ("11. Rollout Plan", &["11.3 Rollback Plan"][..]),
    ];
    for (h2, subs) in sections {
        let _ = writeln!(s, "## {h2}\n\n{}\n", paragraph(rng));
        for h3 in subs {
            let _ = writeln!(s, "### {h3}\n{}\n", paragraph(rng));
            if h3.starts_with("1.2") {
                let p = req_prefix(prd);
                let _ = writeln!(
                    s,
                    "- Covers {p}-{} and {p}-{}; see also ({p}-{}).\n",
                    1 + rng.below(REQUIREMENTS),
                    1 + rng.below(REQUIREMENTS),
                    1 + rng.below(REQUIREMENTS)
                );
            }
            if h3.starts_with("1.3") {
                let _ = writeln!(
                    s,
                    "### 1.4 PRD Open Items Resolved\n| PRD Item | Resolution |\n|----------|------------|\n| Q{}: {} | {} |\n| Q{}: {} | {} |\n",
                    1 + rng.below(QUESTIONS),
                    sentence(rng, 5),
                    sentence(rng, 8),
                    1 + rng.below(QUESTIONS),
                    sentence(rng, 5),
                    sentence(rng, 8)
                );
            }
            if h3.starts_with("2.2") {
                let _ = writeln!(
                    s,
                    "```mermaid\ngraph TD\n    api[API] --> svc{i}[Service {i}]\n    svc{i} --> db[(Postgres)]\n```\n"
                );
            }
            if h3.starts_with("4.1") {
                let _ = writeln!(
                    s,
                    "#### `POST /v1/service-{i}/items`\n- **Auth:** bearer token\n- **Request:**\n```json\n{{\n  \"amount\": {},\n  \"currency\": \"EUR\"\n}}\n```\n",
                    rng.below(10_000)
                );
            }
        }
        if h2.starts_with("10.") {
            let _ = writeln!(
                s,
                "### 10.3 Dependencies & Blockers\n| Dependency | Owner | Status | Impact if Delayed |\n|------------|-------|--------|-------------------|"
            );
            for d in 0..(2 + rng.below(3)) {
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
    for _ in 0..(2 + rng.below(4)) {
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

fn skeleton(rng: &mut Rng, i: usize, prds: usize) -> String {
    let prd = rng.below(prds.max(1));
    let mut s = format!(
        "{{{{#tdd-skeleton title=\"Service {i}\" author=\"{}\" date=2026-10-{:02} prd=../prd/prd-{prd}.md prd-version={}}}}}\n\n",
        rng.pick(NAMES),
        1 + rng.below(28),
        prd_version(prd)
    );
    let _ = writeln!(s, "{}\n", paragraph(rng));
    let _ = writeln!(s, "## 1. Overview\n\n### 1.1 Summary\n{}\n", paragraph(rng));
    let _ = writeln!(
        s,
        "## 3. Data Model\n\n### 3.5 Caching\n{}\n",
        paragraph(rng)
    );
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
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let prds = (n / 4).max(1);
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
    for j in 0..prds {
        files.push((
            format!("Product {j}"),
            format!("prd/prd-{j}.md"),
            prd(&mut rng, j),
        ));
    }
    for i in 0..n {
        let text = if i % 10 == 9 {
            skeleton(&mut rng, i, prds)
        } else {
            tdd(&mut rng, i, n, prds)
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
