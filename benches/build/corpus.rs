//! The benchmark's synthetic corpus: N incidents of about 2 KB of Markdown
//! each (a summary, a timeline, a root cause with a code block, an impact
//! table, follow-ups), 1-4 anecdotes from 40 teams, 8 categories and one
//! review. Deterministic: the same N and seed always give the same bytes.
//!
//! `generate(n, dir, seed)` writes two layouts of the same incidents:
//!
//! - `dir/frictionlog/`: a frictionlog site (content/site.yaml, categories/,
//!   incidents/, reviews/);
//! - `dir/plain/`: the bare incident files with a flat frontmatter, the
//!   floor program's input (see floor.rs).
//!
//! The random numbers come from a Mersenne Twister drawn the way Python's
//! `random` module draws them, so the corpus is byte for byte the one the
//! project's earlier Python generator wrote and the figures in
//! BENCHMARKS.md's history stay comparable.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

const CATEGORIES: [&str; 8] = [
    "outage",
    "data-loss",
    "security",
    "performance",
    "deploy",
    "config",
    "dependency",
    "capacity",
];

const TEAMS: [&str; 40] = [
    "platform",
    "payments",
    "search",
    "identity",
    "storage",
    "network",
    "mobile",
    "web",
    "billing",
    "growth",
    "infra",
    "data",
    "ml",
    "ads",
    "checkout",
    "catalog",
    "mail",
    "notify",
    "support",
    "sre",
    "security-eng",
    "compliance",
    "api",
    "gateway",
    "cdn",
    "dns",
    "observability",
    "ci",
    "release",
    "desktop",
    "maps",
    "media",
    "video",
    "chat",
    "docs",
    "pricing",
    "fraud",
    "ledger",
    "reporting",
    "edge",
];

const STATUSES: [&str; 3] = ["sad", "tick", "heart"];

const WORDS: &str = "latency cache queue replica shard leader quorum timeout retry \
    backoff deploy rollback canary flag config secret certificate \
    token session cookie header payload schema migration index vacuum \
    checkpoint snapshot backup restore failover region zone cluster \
    node pod container image registry build pipeline runner artifact \
    alert pager dashboard metric trace log sample budget quota limit \
    throttle burst spike saturation memory disk inode socket \
    connection pool handshake resolver upstream downstream proxy \
    balancer gateway webhook consumer producer offset partition \
    topic cron job batch worker scheduler lock lease heartbeat \
    clock skew drift";

const LANGS: [&str; 6] = ["sh", "yaml", "sql", "text", "json", "python"];

const SITE_YAML: &str = "title: \"Incidents\"\n\
    description: \"Synthetic benchmark corpus.\"\n\
    base_url: \"/\"\n";

/// MT19937 with the seeding and the integer and float draws of CPython's
/// `random.Random` (`randrange`, `choice`, `sample`, `random`).
struct Random {
    state: [u32; 624],
    index: usize,
}

impl Random {
    fn new(seed: u32) -> Random {
        // init_by_array with the seed as its only 32-bit key word.
        let mut state = [0u32; 624];
        state[0] = 19_650_218;
        for i in 1..624 {
            let previous = state[i - 1];
            state[i] = 1_812_433_253u32
                .wrapping_mul(previous ^ (previous >> 30))
                .wrapping_add(i as u32);
        }
        let mut i = 1;
        for _ in 0..624 {
            let previous = state[i - 1];
            state[i] = (state[i] ^ (previous ^ (previous >> 30)).wrapping_mul(1_664_525))
                .wrapping_add(seed);
            i += 1;
            if i >= 624 {
                state[0] = state[623];
                i = 1;
            }
        }
        for _ in 0..623 {
            let previous = state[i - 1];
            state[i] = (state[i] ^ (previous ^ (previous >> 30)).wrapping_mul(1_566_083_941))
                .wrapping_sub(i as u32);
            i += 1;
            if i >= 624 {
                state[0] = state[623];
                i = 1;
            }
        }
        state[0] = 0x8000_0000;
        Random { state, index: 624 }
    }

    fn next_u32(&mut self) -> u32 {
        if self.index >= 624 {
            for i in 0..624 {
                let y = (self.state[i] & 0x8000_0000) | (self.state[(i + 1) % 624] & 0x7fff_ffff);
                let mut next = self.state[(i + 397) % 624] ^ (y >> 1);
                if y & 1 != 0 {
                    next ^= 0x9908_b0df;
                }
                self.state[i] = next;
            }
            self.index = 0;
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// A float in [0, 1) from 53 random bits.
    fn random(&mut self) -> f64 {
        let a = f64::from(self.next_u32() >> 5);
        let b = f64::from(self.next_u32() >> 6);
        (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// An integer in [0, n): draws of n's bit length, the ones >= n thrown
    /// away.
    fn below(&mut self, n: usize) -> usize {
        let bits = usize::BITS - n.leading_zeros();
        assert!((1..=32).contains(&bits), "below({n})");
        loop {
            let r = (self.next_u32() >> (32 - bits)) as usize;
            if r < n {
                return r;
            }
        }
    }

    /// An integer in [lo, hi], both included.
    fn int(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// `k` distinct items, for a population larger than a small set (the
    /// only case the corpus needs: 40 teams, at most 3).
    fn sample<'a>(&mut self, items: &[&'a str], k: usize) -> Vec<&'a str> {
        assert!(items.len() > 21 && k <= 5, "sample's set method only");
        let mut chosen: Vec<usize> = Vec::with_capacity(k);
        for _ in 0..k {
            let mut j = self.below(items.len());
            while chosen.contains(&j) {
                j = self.below(items.len());
            }
            chosen.push(j);
        }
        chosen.into_iter().map(|j| items[j]).collect()
    }
}

/// Upper-case first letter, the rest lower-case (Python's `capitalize`).
fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect()
    })
}

/// A JSON string, which is also a YAML double-quoted scalar.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

struct Corpus<'w> {
    random: Random,
    words: Vec<&'w str>,
}

struct Anecdote {
    team: &'static str,
    date: String,
    text: String,
}

struct Incident {
    slug: String,
    title: String,
    date: String,
    category: &'static str,
    teams: Vec<&'static str>,
    status: &'static str,
    anecdotes: Vec<Anecdote>,
    body: String,
}

impl Corpus<'_> {
    fn word(&mut self) -> &str {
        let at = self.random.below(self.words.len());
        self.words[at]
    }

    fn sentence(&mut self, lo: usize, hi: usize) -> String {
        let n = self.random.int(lo, hi);
        let mut words: Vec<String> = (0..n).map(|_| self.word().to_owned()).collect();
        words[0] = capitalize(&words[0]);
        words.join(" ") + "."
    }

    /// A sentence with emphasis, strong text and, often, a link.
    fn rich_sentence(&mut self) -> String {
        let n = self.random.int(10, 20);
        let mut words: Vec<String> = (0..n).map(|_| self.word().to_owned()).collect();
        let i = self.random.int(1, n - 1);
        words[i] = format!("*{}*", words[i]);
        let j = self.random.int(1, n - 1);
        if j != i {
            words[j] = format!("**{}**", words[j]);
        }
        if self.random.random() < 0.6 {
            let k = self.random.int(1, n - 1);
            if k != i && k != j {
                let path = self.word().to_owned();
                let number = self.random.int(1, 999);
                words[k] = format!(
                    "[{}](https://runbooks.example.com/{path}/{number})",
                    words[k]
                );
            }
        }
        words[0] = capitalize(&words[0]);
        words.join(" ") + "."
    }

    fn paragraph(&mut self, lo: usize, hi: usize) -> String {
        let n = self.random.int(lo, hi);
        (0..n)
            .map(|_| {
                if self.random.random() < 0.5 {
                    self.rich_sentence()
                } else {
                    self.sentence(8, 18)
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn code_block(&mut self) -> String {
        let lang = self.random.pick(&LANGS);
        let n = self.random.int(3, 6);
        let mut lines = Vec::with_capacity(n);
        for _ in 0..n {
            let a = self.word().to_owned();
            let b = self.word().to_owned();
            lines.push(match lang {
                "sh" => format!(
                    "kubectl rollout restart deploy/{a}-{b} --timeout={}s",
                    self.random.int(10, 300)
                ),
                "yaml" => format!("{a}_{b}: {}", self.random.int(0, 9999)),
                "sql" => format!("SELECT {a}, count(*) FROM {b} GROUP BY 1;"),
                "json" => format!("{{\"{a}\": \"{b}\", \"n\": {}}}", self.random.int(0, 99)),
                "python" => format!("{a} = client.{b}(retries={})", self.random.int(1, 9)),
                _ => format!("{a} {b} {}", self.random.int(0, 99_999)),
            });
        }
        format!("```{lang}\n{}\n```", lines.join("\n"))
    }

    fn table(&mut self) -> String {
        let mut rows = vec![
            "| Metric | Before | After |".to_owned(),
            "|---|---:|---:|".to_owned(),
        ];
        for _ in 0..self.random.int(2, 4) {
            let a = self.word().to_owned();
            let b = self.word().to_owned();
            let before = self.random.int(1, 5000);
            let after = self.random.int(1, 5000);
            rows.push(format!("| {a} {b} | {before} | {after} |"));
        }
        rows.join("\n")
    }

    fn bullets(&mut self) -> String {
        let n = self.random.int(3, 5);
        (0..n)
            .map(|_| {
                let item = if self.random.random() < 0.4 {
                    self.rich_sentence()
                } else {
                    self.sentence(5, 12)
                };
                format!("- {item}")
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// About 1.5-2.5 KB of Markdown.
    fn body(&mut self) -> String {
        let target = self.random.int(1500, 2500);
        let mut parts = vec!["## Summary".to_owned()];
        parts.push(self.paragraph(2, 3));
        parts.push("## Timeline".to_owned());
        parts.push(self.bullets());
        parts.push("## Root cause".to_owned());
        parts.push(self.paragraph(2, 3));
        parts.push(self.code_block());
        parts.push("## Impact".to_owned());
        parts.push(self.table());
        parts.push("## Follow-ups".to_owned());
        parts.push(self.bullets());
        let mut text = parts.join("\n\n");
        while text.len() + 150 < target {
            let plain = self.sentence(8, 14);
            let rich = self.rich_sentence();
            let _ = write!(text, "\n\n{plain} {rich}");
        }
        text + "\n"
    }

    fn date(&mut self, first_year: usize, last_year: usize) -> String {
        let year = self.random.int(first_year, last_year);
        let month = self.random.int(1, 12);
        let day = self.random.int(1, 28);
        format!("{year:04}-{month:02}-{day:02}")
    }

    fn incident(&mut self, i: usize) -> Incident {
        let category = self.random.pick(&CATEGORIES);
        let team_count = self.random.int(1, 3);
        let teams = self.random.sample(&TEAMS, team_count);
        let date = self.date(2016, 2024);
        let year: usize = date[..4].parse().expect("a year the generator wrote");
        let mut anecdotes = Vec::new();
        for _ in 0..self.random.int(1, 4) {
            let team = if self.random.random() < 0.7 {
                self.random.pick(&teams)
            } else {
                self.random.pick(&TEAMS)
            };
            let date = self.date(year, 2024.min(year + 1));
            let text = self.sentence(6, 16);
            anecdotes.push(Anecdote { team, date, text });
        }
        let title = format!(
            "Incident {i}: {} {} {}",
            self.word().to_owned(),
            self.word().to_owned(),
            self.word().to_owned()
        );
        let status = self.random.pick(&STATUSES);
        let body = self.body();
        Incident {
            slug: format!("incident-{i:05}"),
            title,
            date,
            category,
            teams,
            status,
            anecdotes,
            body,
        }
    }
}

fn anecdotes_yaml(anecdotes: &[Anecdote]) -> String {
    anecdotes
        .iter()
        .map(|a| {
            format!(
                "  - team: {}\n    date: {}\n    text: {}",
                quoted(a.team),
                quoted(&a.date),
                quoted(&a.text)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The floor's input: a flat frontmatter with the incident's own date and
/// teams besides what frictionlog reads.
fn plain_file(incident: &Incident) -> String {
    let teams: Vec<String> = incident.teams.iter().map(|t| quoted(t)).collect();
    format!(
        "---\ntitle: {}\ndate: {}\ncategory: {}\nteams: [{}]\nstatus: {}\nanecdotes:\n{}\n---\n\n{}",
        quoted(&incident.title),
        incident.date,
        quoted(incident.category),
        teams.join(", "),
        quoted(incident.status),
        anecdotes_yaml(&incident.anecdotes),
        incident.body
    )
}

fn frictionlog_file(incident: &Incident) -> String {
    format!(
        "---\ntitle: {}\ncategory: {}\nstatus: {}\nanecdotes:\n{}\n---\n\n{}",
        quoted(&incident.title),
        quoted(incident.category),
        quoted(incident.status),
        anecdotes_yaml(&incident.anecdotes),
        incident.body
    )
}

fn category_file(slug: &str) -> String {
    let title: Vec<String> = slug.split('-').map(capitalize).collect();
    format!(
        "---\ntitle: {}\nsummary: {}\n---\n\nSynthetic category *{slug}*.\n",
        quoted(&title.join(" ")),
        quoted(&format!("All {slug} incidents"))
    )
}

fn review_file(random: &mut Random) -> String {
    let mut text = "---\ndate: 2023-06-01\ncategories:\n".to_owned();
    for category in CATEGORIES {
        let votes = random.int(0, 5);
        let status = random.pick(&["nope", "progress", "partial"]);
        let _ = writeln!(text, "  {category}: {{votes: {votes}, status: {status}}}");
    }
    text + "---\n\nSynthetic review.\n"
}

/// Writes the corpus of `incidents` incidents into `dir`, emptied first
/// (refused when it is neither empty nor a corpus).
/// Returns the mean body size in bytes.
pub fn generate(incidents: usize, dir: &Path, seed: u32) -> io::Result<f64> {
    // The first draws of CPython's `random.Random(42)`: a change to the
    // generator that would change the corpus fails here, not in the figures.
    let mut check = Random::new(42);
    assert_eq!(check.next_u32(), 2_746_317_213);
    assert_eq!(Random::new(42).random(), 0.639_426_798_457_883_7);
    // Emptied first, as a corpus of another size must not leave files
    // behind; but only a folder that is empty or holds a corpus.
    if let Ok(mut entries) = fs::read_dir(dir)
        && entries.next().is_some()
        && !dir.join("plain").is_dir()
        && !dir.join("frictionlog").is_dir()
    {
        return Err(io::Error::other(
            "not emptied: the folder is neither empty nor a corpus",
        ));
    }
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let plain = dir.join("plain");
    let content = dir.join("frictionlog/content");
    for folder in ["categories", "incidents", "reviews"] {
        fs::create_dir_all(content.join(folder))?;
    }
    fs::create_dir_all(&plain)?;
    fs::write(content.join("site.yaml"), SITE_YAML)?;
    for category in CATEGORIES {
        fs::write(
            content.join(format!("categories/{category}.md")),
            category_file(category),
        )?;
    }
    fs::write(
        content.join("reviews/2023-06-01.md"),
        review_file(&mut Random::new(seed.wrapping_add(1))),
    )?;
    let mut corpus = Corpus {
        random: Random::new(seed),
        words: WORDS.split_whitespace().collect(),
    };
    let mut body_bytes = 0;
    for i in 1..=incidents {
        let incident = corpus.incident(i);
        body_bytes += incident.body.len();
        let name = format!("{}.md", incident.slug);
        fs::write(plain.join(&name), plain_file(&incident))?;
        fs::write(
            content.join("incidents").join(&name),
            frictionlog_file(&incident),
        )?;
    }
    Ok(body_bytes as f64 / incidents.max(1) as f64)
}
