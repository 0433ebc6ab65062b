//! The speed benchmark: `cargo bench`, or `cargo bench --bench build --
//! --quick` for 1,000 and 10,000 incidents only. Writes BENCHMARKS.md at the
//! crate root, and exits 1 when a speed target is missed.
//!
//! It generates the synthetic corpora (build/corpus.rs) on the RAM disk
//! (/dev/shm) and times frictionlog against the floor (build/floor.rs: read,
//! split, YAML, Markdown, write; no templates, no tallies) on the same
//! corpus in the same run: wall time, CPU time and peak memory, median of
//! several runs, measured by GNU time. Then it measures serve's
//! edit-to-page latency: a file is saved and the time until the new page is
//! served is taken, 20 times.
//!
//! The floor runs as this same program, started again with `floor`, so that
//! it is measured as a process of its own. Both helpers can be run by hand:
//!
//! ```sh
//! cargo bench --bench build -- corpus 10000 /dev/shm/corpus [--seed 42]
//! cargo bench --bench build -- floor /dev/shm/corpus/plain /dev/shm/floor-out
//! ```

// In a folder of their own: cargo would take a file beside this one for
// another benchmark.
#[path = "build/corpus.rs"]
mod corpus;
#[path = "build/floor.rs"]
mod floor;

use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// The seed of every corpus the benchmark measures.
const SEED: u32 = 42;

const RUNS: usize = 5;

fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn scratch() -> PathBuf {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        shm.join("frictionlog-bench")
    } else {
        std::env::temp_dir().join("frictionlog-bench")
    }
}

fn generate(incidents: usize) -> PathBuf {
    let dir = scratch().join(format!("corpus-{incidents}"));
    if !dir.join("frictionlog/content/site.yaml").is_file() {
        corpus::generate(incidents, &dir, SEED).expect("the corpus is written");
    }
    dir
}

/// The floor is this program, started again with `floor` (see `main`).
fn floor_program() -> PathBuf {
    std::env::current_exe().expect("the bench program knows its own path")
}

#[derive(Clone, Copy, Debug, Default)]
struct Measure {
    wall: f64,
    cpu: f64,
    peak_mib: f64,
}

/// Runs `program args` under GNU time: CPU time and peak memory from it,
/// wall time from a clock here (GNU time gives it to 10 ms only, a fifth of
/// the floor's time at 1,000 incidents).
fn measure(program: &Path, args: &[&std::ffi::OsStr]) -> Measure {
    let report = scratch().join("time.txt");
    let started = Instant::now();
    let status = Command::new("/usr/bin/time")
        .arg("-o")
        .arg(&report)
        .args(["-f", "%e %U %S %M"])
        .arg(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("GNU time (/usr/bin/time, Debian package `time`) runs");
    let wall = started.elapsed().as_secs_f64();
    assert!(status.success(), "{} failed", program.display());
    let text = fs::read_to_string(&report).unwrap_or_default();
    let numbers: Vec<f64> = text
        .lines()
        .last()
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    match numbers.as_slice() {
        [_, user, system, kib] => Measure {
            wall,
            cpu: user + system,
            peak_mib: kib / 1024.0,
        },
        _ => panic!("unexpected GNU time output: {text}"),
    }
}

fn median(mut runs: Vec<Measure>) -> Measure {
    let pick = |values: &mut Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    let mut wall: Vec<f64> = runs.iter().map(|m| m.wall).collect();
    let mut cpu: Vec<f64> = runs.iter().map(|m| m.cpu).collect();
    let mut peak: Vec<f64> = runs.iter().map(|m| m.peak_mib).collect();
    runs.clear();
    Measure {
        wall: pick(&mut wall),
        cpu: pick(&mut cpu),
        peak_mib: pick(&mut peak),
    }
}

struct Row {
    incidents: usize,
    /// Where the output went.
    place: &'static str,
    floor: Measure,
    /// Into an output folder that does not exist yet (the floor's case).
    ours: Measure,
    /// Over the previous build's output, which is swapped out and deleted.
    again: Measure,
}

fn our_build(corpus: &Path, out: &Path) -> Measure {
    measure(
        Path::new(env!("CARGO_BIN_EXE_frictionlog")),
        &[
            "-q".as_ref(),
            "build".as_ref(),
            "--root".as_ref(),
            corpus.join("frictionlog").as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
        ],
    )
}

fn bench_build(incidents: usize, floor: &Path, out_dir: &Path, place: &'static str) -> Row {
    let corpus = generate(incidents);
    let floor_out = out_dir.join("floor-out");
    let our_out = out_dir.join("frictionlog-out");
    let runs = if incidents >= 100_000 { 3 } else { RUNS };
    // The floor and frictionlog take turns, so that both meet the same
    // machine: on the disk, every deletion of a site makes the next build
    // slower (ext4 looks past the recently freed inodes), and running all
    // of one before the other favoured whichever went first.
    let mut floor_runs = Vec::with_capacity(runs);
    let mut our_runs = Vec::with_capacity(runs);
    for _ in 0..runs {
        let _ = fs::remove_dir_all(&floor_out);
        floor_runs.push(measure(
            floor,
            &[
                "floor".as_ref(),
                corpus.join("plain").as_os_str(),
                floor_out.as_os_str(),
            ],
        ));
        let _ = fs::remove_dir_all(&our_out);
        our_runs.push(our_build(&corpus, &our_out));
    }
    let _ = fs::remove_dir_all(&floor_out);
    let again_runs = (0..runs).map(|_| our_build(&corpus, &our_out)).collect();
    let _ = fs::remove_dir_all(&our_out);
    let row = Row {
        incidents,
        place,
        floor: median(floor_runs),
        ours: median(our_runs),
        again: median(again_runs),
    };
    eprintln!(
        "{incidents:>7} incidents on {place}: frictionlog {:.3} s / {:.0} MiB ({:.3} s over the previous output), floor {:.3} s ({:.2}x)",
        row.ours.wall,
        row.ours.peak_mib,
        row.again.wall,
        row.floor.wall,
        row.ours.wall / row.floor.wall
    );
    row
}

fn bench_builds(sizes: &[usize], floor: &Path) -> Vec<Row> {
    let mut rows: Vec<Row> = sizes
        .iter()
        .map(|&incidents| bench_build(incidents, floor, &scratch(), "RAM disk"))
        .collect();
    // The same 10,000 incidents written to the real disk.
    let disk = crate_root().join("target/bench-disk");
    let _ = fs::create_dir_all(&disk);
    rows.push(bench_build(10_000, floor, &disk, "disk"));
    let _ = fs::remove_dir_all(&disk);
    rows
}

/// GET `path`, returning the body.
fn get(addr: &str, path: &str) -> String {
    let Ok(mut stream) = TcpStream::connect(addr) else {
        return String::new();
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    );
    let mut body = Vec::new();
    let _ = stream.read_to_end(&mut body);
    String::from_utf8_lossy(&body).into_owned()
}

/// Edit-to-page latency of `serve` on the 10,000-incident corpus: the time
/// from a file saved to the new text being served, debounce included.
fn bench_serve(edits: usize) -> Vec<f64> {
    let corpus = generate(10_000);
    let site = scratch().join("serve-site");
    let _ = fs::remove_dir_all(&site);
    let status = Command::new("cp")
        .arg("-r")
        .arg(corpus.join("frictionlog"))
        .arg(&site)
        .status()
        .expect("cp runs");
    assert!(status.success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_frictionlog"))
        .args(["-q", "serve", "--port", "0", "--root"])
        .arg(&site)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout is piped");
    BufReader::new(stdout).read_line(&mut line).unwrap_or(0);
    let addr = line
        .trim()
        .trim_start_matches("Serving http://")
        .trim_end_matches('/')
        .to_owned();
    let incidents_dir = site.join("content/incidents");
    let mut names: Vec<PathBuf> = fs::read_dir(&incidents_dir)
        .expect("incidents folder")
        .map(|e| e.expect("entry").path())
        .collect();
    names.sort();
    let mut latencies = Vec::new();
    for edit in 0..edits {
        let path = &names[edit * 97 % names.len()];
        let slug = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let text = fs::read_to_string(path).unwrap_or_default();
        let marker = format!("edit-marker-{edit}-{}", std::process::id());
        let edited = text.replacen("title: \"", &format!("title: \"{marker} "), 1);
        // Let the previous rebuild settle so edits do not overlap.
        std::thread::sleep(Duration::from_millis(300));
        let started = Instant::now();
        fs::write(path, edited).expect("save");
        let url = format!("/incidents/{slug}/");
        loop {
            if get(&addr, &url).contains(&marker) {
                break;
            }
            if started.elapsed() > Duration::from_secs(20) {
                eprintln!("edit {edit} not served within 20 s");
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let _ = child.kill();
    let _ = child.wait();
    latencies
}

fn percentile(values: &[f64], p: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted.get(rank).copied().unwrap_or(f64::NAN)
}

fn machine() -> String {
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .unwrap_or("unknown")
        .trim()
        .to_owned();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let date = Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%d %H:%M UTC")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    format!(
        "{cpu}, {cores} cores; RAM disk {}, disk {}; {date}",
        scratch().display(),
        crate_root().join("target/bench-disk").display()
    )
}

fn main() -> ExitCode {
    // cargo adds `--bench` to the arguments of a bench without a harness.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.first().map(String::as_str) {
        Some("floor") => run_floor(&args[1..]),
        Some("corpus") => run_corpus(&args[1..]),
        _ => run_benchmark(args.iter().any(|a| a == "--quick")),
    }
}

/// `floor PLAIN_DIR OUT_DIR`
fn run_floor(args: &[String]) -> ExitCode {
    let [source, out] = args else {
        eprintln!("usage: build floor PLAIN_DIR OUT_DIR");
        return ExitCode::from(2);
    };
    match floor::run(Path::new(source), Path::new(out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `corpus N DIR [--seed S]`
fn run_corpus(args: &[String]) -> ExitCode {
    let (incidents, dir, seed) = match args {
        [n, dir] => (n, dir, Some(SEED)),
        [n, dir, flag, seed] if flag == "--seed" => (n, dir, seed.parse().ok()),
        _ => (&String::new(), &String::new(), None),
    };
    let (Ok(incidents), Some(seed)) = (incidents.parse::<usize>(), seed) else {
        eprintln!("usage: build corpus N DIR [--seed S]");
        return ExitCode::from(2);
    };
    match corpus::generate(incidents, Path::new(dir), seed) {
        Ok(mean) => {
            println!("wrote {incidents} incidents to {dir} (mean body {mean:.0} bytes)");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {dir}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_benchmark(quick: bool) -> ExitCode {
    let sizes: &[usize] = if quick {
        &[1_000, 10_000]
    } else {
        &[1_000, 10_000, 100_000]
    };
    fs::create_dir_all(scratch()).expect("scratch folder");
    let floor = floor_program();
    let rows = bench_builds(sizes, &floor);
    let latencies = bench_serve(20);

    let mut report = String::new();
    let _ = writeln!(report, "# Benchmarks\n");
    let _ = writeln!(
        report,
        "Written by `cargo bench` (benches/build.rs). Machine: {}.\n",
        machine()
    );
    let _ = writeln!(
        report,
        "Full builds of the synthetic corpus of benches/build/corpus.rs (about 2 KB of Markdown per \
         incident, 1-4 anecdotes, 8 categories, 40 teams), median of {RUNS} runs (3 at 100,000): wall \
         time by the bench's own clock, CPU time and peak memory by GNU time. The floor is \
         benches/build/floor.rs (read, split, YAML, Markdown, write, on every core; no templates, no \
         tallies) on the same incidents in the same run, the two taking turns.\n"
    );
    let _ = writeln!(
        report,
        "| incidents | output on | frictionlog wall | CPU | peak memory | floor wall | ratio to floor | over the previous output |"
    );
    let _ = writeln!(report, "|---:|---|---:|---:|---:|---:|---:|---:|");
    for row in &rows {
        let _ = writeln!(
            report,
            "| {} | {} | {:.3} s | {:.3} s | {:.0} MiB | {:.3} s | {:.2}x | {:.3} s |",
            row.incidents,
            row.place,
            row.ours.wall,
            row.ours.cpu,
            row.ours.peak_mib,
            row.floor.wall,
            row.ours.wall / row.floor.wall,
            row.again.wall
        );
    }
    let _ = writeln!(
        report,
        "\n\"frictionlog wall\" builds into a folder that does not exist yet, as the floor does. \
         \"Over the previous output\" builds again into the same folder: the new site is staged \
         beside it, swapped in, and the old one deleted."
    );
    if let (Some(small), Some(large)) = (
        rows.iter()
            .find(|r| r.incidents == 10_000 && r.place == "RAM disk"),
        rows.iter().find(|r| r.incidents == 100_000),
    ) {
        let _ = writeln!(
            report,
            "\n100,000 incidents take {:.1}x the 10,000-incident time (target: at most 13x).",
            large.ours.wall / small.ours.wall
        );
    }
    let _ = writeln!(
        report,
        "\n## serve: edit to page\n\nOn the 10,000-incident corpus: an incident file is saved and the \
         time until its page serves the new title is taken, debounce included, over {} edits.\n",
        latencies.len()
    );
    let _ = writeln!(
        report,
        "| p50 | p95 | max |\n|---:|---:|---:|\n| {:.0} ms | {:.0} ms | {:.0} ms |",
        percentile(&latencies, 50.0),
        percentile(&latencies, 95.0),
        percentile(&latencies, 100.0)
    );
    let missed = targets(&mut report, &rows, &latencies);
    eprintln!("{report}");
    fs::write(crate_root().join("BENCHMARKS.md"), report).expect("write BENCHMARKS.md");
    if missed > 0 {
        eprintln!("{missed} target(s) missed: see BENCHMARKS.md");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Appends the speed targets (issue 15's table, which replaced those of
/// issues 5 and 6) and whether this run met each one; returns how many it
/// missed.
fn targets(report: &mut String, rows: &[Row], latencies: &[f64]) -> usize {
    let row = |n: usize, place: &str| rows.iter().find(|r| r.incidents == n && r.place == place);
    let mut checks: Vec<(String, String, bool)> = Vec::new();
    // (incidents, output on, label, most times the floor, most MiB)
    let builds = [
        (10_000, "RAM disk", "10,000 incidents", 2.5, Some(120.0)),
        (100_000, "RAM disk", "100,000 incidents", 2.5, Some(800.0)),
        (10_000, "disk", "10,000 incidents on the disk", 1.3, None),
    ];
    for (incidents, place, label, max_ratio, max_mib) in builds {
        let Some(row) = row(incidents, place) else {
            continue;
        };
        let ratio = row.ours.wall / row.floor.wall;
        checks.push((
            format!("{label}: at most {max_ratio}x the floor"),
            format!("{ratio:.2}x"),
            ratio <= max_ratio,
        ));
        if let Some(max_mib) = max_mib {
            checks.push((
                format!("{label}: at most {max_mib:.0} MiB"),
                format!("{:.0} MiB", row.ours.peak_mib),
                row.ours.peak_mib <= max_mib,
            ));
        }
    }
    if let (Some(large), Some(small)) = (row(100_000, "RAM disk"), row(10_000, "RAM disk")) {
        let growth = large.ours.wall / small.ours.wall;
        checks.push((
            "100,000 incidents: at most 13x the 10,000-incident time".into(),
            format!("{growth:.1}x"),
            growth <= 13.0,
        ));
    }
    let p50 = percentile(latencies, 50.0);
    let p95 = percentile(latencies, 95.0);
    checks.push((
        "serve, edit to page: p50 at most 100 ms".into(),
        format!("{p50:.0} ms"),
        p50 <= 100.0,
    ));
    checks.push((
        "serve, edit to page: p95 at most 200 ms".into(),
        format!("{p95:.0} ms"),
        p95 <= 200.0,
    ));
    let _ = writeln!(
        report,
        "\n## Targets\n\n| target | this run | met |\n|---|---:|---|"
    );
    for (target, value, met) in &checks {
        let _ = writeln!(
            report,
            "| {target} | {value} | {} |",
            if *met { "yes" } else { "**no**" }
        );
    }
    checks.iter().filter(|(_, _, met)| !met).count()
}
