//! The end-to-end benchmark: `mdbook-tdd` against the floor (the fastest
//! no-op preprocessor on `mdbook-preprocessor`'s types), the floor with the
//! 1 MiB pipes mdbook-tdd asks for, and a no-op written like mdBook's own
//! example, side by side, on the same synthetic books.
//!
//! ```sh
//! cargo build --release --bins --examples && target/release/examples/bench
//! target/release/examples/bench --sizes 1000,10000 --runs 9
//! target/release/examples/bench --baseline /path/to/older/mdbook-tdd
//! target/release/examples/bench --baseline /path/to/older/mdbook-tdd --baseline-gen-args --no-summary
//! target/release/examples/bench --shapes all --sizes 1000,10000 --runs 5
//! PATH=~/.cargo/bin:$PATH target/release/examples/bench --mdbook --runs 5
//! ```
//!
//! Without `--shapes` or `--mdbook` it measures every command below on the
//! mix (`gen_book`'s default shape), one row per command and size.
//!
//! `--shapes all` (or a list, `--shapes mix,huge`) measures, for every
//! shape of `gen_book --shape` and every size, the floor, the parse floor
//! (the floor with `NOP_PARSE=1`: it also parses every chapter once, on all
//! cores), the output floor (the parse floor given mdbook-tdd's answer as
//! its book: the JSON of the answer in and out, and all of its Markdown
//! parsed once), mdbook-tdd and mdbook-tdd with `RAYON_NUM_THREADS=1`,
//! interleaved, and prints one table: input and output sizes, medians, the
//! ratios to the three floors, the speed-up from one thread
//! to the default of the whole run and of the parallel stage (`analysis and
//! model`, from the stage times `RUST_LOG=debug` makes mdbook-tdd log on
//! stderr; both mdbook-tdd commands run with it), the peak RSS and its ratio
//! to the input, the growth of the time from the first size, and a 64-bit
//! FNV-1a of mdbook-tdd's output (the same in every run, or the table says
//! so), to check that an optimization leaves the output byte for byte the
//! same. Inputs are generated into a temporary directory, untimed. A run
//! that fails or takes more than 60 s stops the benchmark with the
//! command's stderr.
//!
//! `--mdbook` times whole builds of the mix written as a book on disk
//! (`gen_book N --dir`, N = `--mdbook-size`, default 1,000): `mdbook build`
//! with the markdown renderer only, without a preprocessor, with the floor as
//! a no-op preprocessor and with mdbook-tdd, interleaved; then `mdbook
//! serve` on each (HTML, which serve renders), saving one TDD chapter
//! unchanged and timing the rebuild from mdBook's `Files changed` log line
//! to its `HTML book written`. It needs mdBook 0.5 as `mdbook` on PATH (or
//! `$MDBOOK`) and says so when it is missing.
//!
//! `--baseline-gen-args ARGS` gives the baseline its own input, generated
//! with these extra arguments to `gen_book` (`--no-summary` for a build that
//! does not know `{{#tdd-summary}}`); every other command reads the same
//! input.
//!
//! Every run pipes the same input file into the command's stdin and reads
//! its stdout to the end, as mdBook does. Runs are interleaved (floor, floor
//! with wide pipes, reader, mdbook-tdd, floor, ...) so that the machine's
//! state affects all of them alike; the table shows medians. Peak memory is
//! the largest maximum resident set size `/usr/bin/time` reports over the
//! runs.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A command to measure; the first is the floor the others are compared
/// to, the last is mdbook-tdd.
struct Program {
    name: &'static str,
    path: PathBuf,
    env: &'static [(&'static str, &'static str)],
    /// Extra arguments to `gen_book` for this command's own input.
    gen_args: Vec<String>,
}

struct Measure {
    times: Vec<Duration>,
    peak_kb: Vec<u64>,
}

impl Measure {
    fn median(&self) -> Duration {
        let mut t = self.times.clone();
        t.sort();
        t[t.len() / 2]
    }

    fn peak_mb(&self) -> Option<f64> {
        self.peak_kb.iter().max().map(|kb| *kb as f64 / 1024.0)
    }
}

fn release_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    // target/release/examples/bench -> target/release
    exe.parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("target/release"))
}

/// Runs `program` with `input` on stdin; returns the wall time and, when
/// `/usr/bin/time` is there, the peak RSS in KiB. The program's stderr (its
/// diagnostics) is discarded, so that a full pipe can never stall it.
fn run_once(program: &Program, input: &Path, time_file: Option<&Path>) -> (Duration, Option<u64>) {
    let Program {
        path: program, env, ..
    } = program;
    let stdin = std::fs::File::open(input).expect("open the input");
    let mut cmd = command(program, env, time_file);
    let start = Instant::now();
    let mut child = cmd
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the command");
    let mut out = Vec::new();
    if let Some(mut o) = child.stdout.take() {
        let _ = o.read_to_end(&mut out);
    }
    let status = child.wait().expect("wait for the command");
    let elapsed = start.elapsed();
    assert!(status.success(), "{} failed", program.display());
    assert!(!out.is_empty(), "{} wrote nothing", program.display());
    let peak = time_file.and_then(|f| {
        std::fs::read_to_string(f)
            .ok()?
            .lines()
            .last()?
            .trim()
            .parse()
            .ok()
    });
    (elapsed, peak)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--mdbook") {
        mdbook_mode(&args);
    } else if args.iter().any(|a| a == "--shapes") {
        shapes_mode(&args);
    } else {
        single_mode(&args);
    }
}

/// The value after `name` on the command line.
fn opt(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

/// `--runs` (default 7, at least 1).
fn runs_of(args: &[String]) -> usize {
    opt(args, "--runs")
        .and_then(|s| s.parse().ok())
        .unwrap_or(7)
        .max(1)
}

/// `--sizes` (default 1,000 and 10,000).
fn sizes_of(args: &[String]) -> Vec<usize> {
    opt(args, "--sizes")
        .unwrap_or_else(|| "1000,10000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

/// The benchmark without `--shapes`: every command on the mix.
fn single_mode(args: &[String]) {
    let opt = |name: &str| opt(args, name);
    let sizes = sizes_of(args);
    let runs = runs_of(args);
    let dir = release_dir();
    let mut programs = vec![
        Program {
            name: "floor (no-op, read whole)",
            path: dir.join("examples/nop_floor"),
            env: &[],
            gen_args: Vec::new(),
        },
        Program {
            name: "floor, 1 MiB pipes",
            path: dir.join("examples/nop_floor"),
            env: &[("NOP_WIDE_PIPES", "1")],
            gen_args: Vec::new(),
        },
        Program {
            name: "mdBook-style no-op (from_reader)",
            path: dir.join("examples/nop_reader"),
            env: &[],
            gen_args: Vec::new(),
        },
    ];
    // `--baseline PATH`: another build of mdbook-tdd, measured in the same
    // runs (to compare a change against what came before it).
    if let Some(path) = opt("--baseline") {
        programs.push(Program {
            name: "mdbook-tdd (baseline)",
            path: PathBuf::from(path),
            env: &[],
            gen_args: opt("--baseline-gen-args")
                .map(|a| a.split_whitespace().map(str::to_string).collect())
                .unwrap_or_default(),
        });
    }
    programs.push(Program {
        name: "mdbook-tdd",
        path: dir.join("mdbook-tdd"),
        env: &[],
        gen_args: Vec::new(),
    });
    for p in &programs {
        assert!(
            p.path.exists(),
            "{} is missing: run `cargo build --release --bins --examples` first",
            p.path.display()
        );
    }
    let work = std::env::temp_dir().join(format!("mdbook-tdd-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work).expect("create a work directory");
    let time_file = work.join("time.txt");
    let time_file = Path::new("/usr/bin/time")
        .exists()
        .then_some(time_file.as_path());

    println!(
        "machine: {} cores; {runs} runs per command and size, medians\n",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("| TDDs | input | command | median time | × floor | peak RSS | × input |");
    println!("|---:|---:|---|---:|---:|---:|---:|");
    let mut tdd_times = Vec::new();
    for &n in &sizes {
        // One input per distinct set of `gen_book` arguments.
        let mut inputs: Vec<(Vec<String>, PathBuf, f64)> = Vec::new();
        for p in &programs {
            if inputs.iter().any(|(a, _, _)| *a == p.gen_args) {
                continue;
            }
            let input = work.join(format!("book-{n}-{}.json", inputs.len()));
            let json = Command::new(dir.join("examples/gen_book"))
                .arg(n.to_string())
                .args(&p.gen_args)
                .output()
                .expect("run gen_book");
            assert!(json.status.success(), "gen_book failed");
            std::fs::write(&input, &json.stdout).expect("write the input");
            let mb = json.stdout.len() as f64 / (1024.0 * 1024.0);
            inputs.push((p.gen_args.clone(), input, mb));
        }
        let input_of = |p: &Program| {
            inputs
                .iter()
                .find(|(a, _, _)| *a == p.gen_args)
                .map(|(_, path, mb)| (path.clone(), *mb))
                .expect("an input for every command")
        };
        // One warm-up run each, then interleaved measured runs.
        for p in &programs {
            run_once(p, &input_of(p).0, None);
        }
        let mut measures: Vec<Measure> = programs
            .iter()
            .map(|_| Measure {
                times: Vec::new(),
                peak_kb: Vec::new(),
            })
            .collect();
        for _ in 0..runs {
            for (i, p) in programs.iter().enumerate() {
                let (t, peak) = run_once(p, &input_of(p).0, time_file);
                measures[i].times.push(t);
                measures[i].peak_kb.extend(peak);
            }
        }
        let floor = measures[0].median().as_secs_f64();
        for (p, m) in programs.iter().zip(&measures) {
            let name = if p.gen_args.is_empty() {
                p.name.to_string()
            } else {
                format!("{} (input: {})", p.name, p.gen_args.join(" "))
            };
            let input_mb = input_of(p).1;
            let t = m.median().as_secs_f64();
            let peak = m.peak_mb();
            println!(
                "| {n} | {input_mb:.1} MiB | {name} | {:.3} s | {:.2} | {} | {} |",
                t,
                t / floor,
                peak.map_or("n/a".into(), |p| format!("{p:.0} MiB")),
                peak.map_or("n/a".into(), |p| format!("{:.2}", p / input_mb)),
            );
        }
        if let Some(m) = measures.last() {
            tdd_times.push((n, m.median().as_secs_f64()));
        }
    }
    if let [(n1, t1), .., (n2, t2)] = tdd_times.as_slice() {
        println!(
            "\nmdbook-tdd from {n1} to {n2} TDDs: time × {:.1} for size × {:.1}",
            t2 / t1,
            *n2 as f64 / *n1 as f64
        );
    }
    let _ = std::fs::remove_dir_all(&work);
}

/// The shapes `gen_book --shape` knows, in the order of the table.
const SHAPES: &[&str] = &["mix", "tables", "prose", "small", "huge", "skeleton"];

/// No run may take longer than this: a shape that makes mdbook-tdd slower
/// is a bug to report, not a figure.
const RUN_LIMIT: Duration = Duration::from_secs(60);

/// 64-bit FNV-1a of a run's output, to check that a change leaves the
/// output byte for byte the same.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// One measured run of a command in `--shapes` mode.
struct Run {
    time: Duration,
    peak_kb: Option<u64>,
    hash: u64,
    /// Bytes written to stdout.
    out_len: usize,
    /// `analysis and model` from the `RUST_LOG=debug` stage log.
    stage: Option<Duration>,
}

/// Parses a `Duration`'s `Debug` form (`1.5s`, `90.05ms`, `524.4µs`, `15ns`).
fn parse_debug_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (num, unit) = s.split_at(split);
    let num: f64 = num.parse().ok()?;
    let secs = match unit {
        "s" => num,
        "ms" => num / 1e3,
        "µs" | "us" => num / 1e6,
        "ns" => num / 1e9,
        _ => return None,
    };
    Some(Duration::from_secs_f64(secs))
}

/// The `analysis and model` stage time that `RUST_LOG=debug` makes
/// mdbook-tdd log on stderr (`src/run.rs`).
fn stage_time(stderr: &str) -> Option<Duration> {
    stderr.lines().find_map(|l| {
        let (_, rest) = l.split_once("analysis and model: ")?;
        parse_debug_duration(rest)
    })
}

/// Runs `program` with `input` on stdin, its stderr to `err_file`, under
/// `/usr/bin/time` when there is one; stops the benchmark with the
/// command's stderr when it fails or takes longer than [`RUN_LIMIT`].
fn run_checked(
    label: &str,
    program: &Path,
    env: &[(&str, &str)],
    input: &Path,
    time_file: Option<&Path>,
    err_file: &Path,
) -> Run {
    let stdin = std::fs::File::open(input).expect("open the input");
    let stderr = std::fs::File::create(err_file).expect("create the stderr file");
    let mut cmd = command(program, env, time_file);
    let start = Instant::now();
    let mut child = cmd
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("start the command");
    let mut stdout = child.stdout.take().expect("a stdout pipe");
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.read_to_end(&mut out);
        out
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the command") {
            break Some(status);
        }
        if start.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    let out = reader.join().unwrap_or_default();
    let elapsed = start.elapsed();
    let err = std::fs::read_to_string(err_file).unwrap_or_default();
    let tail: Vec<&str> = err.lines().rev().take(20).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    match status {
        None => {
            eprintln!(
                "{label}: {} took more than {} s and was stopped; its stderr ended with:\n{}",
                program.display(),
                RUN_LIMIT.as_secs(),
                tail.join("\n")
            );
            std::process::exit(1);
        }
        Some(s) if !s.success() || out.is_empty() => {
            eprintln!(
                "{label}: {} failed ({s}, {} bytes of output); its stderr ended with:\n{}",
                program.display(),
                out.len(),
                tail.join("\n")
            );
            std::process::exit(1);
        }
        Some(_) => {}
    }
    let peak_kb = time_file.and_then(|f| {
        std::fs::read_to_string(f)
            .ok()?
            .lines()
            .last()?
            .trim()
            .parse()
            .ok()
    });
    Run {
        time: elapsed,
        peak_kb,
        hash: fnv1a(&out),
        out_len: out.len(),
        stage: stage_time(&err),
    }
}

/// The release directory, the floor and mdbook-tdd in it (checked to be
/// built, with `gen_book`), and a work directory for this run.
fn built_programs() -> (PathBuf, PathBuf, PathBuf, PathBuf) {
    let dir = release_dir();
    let floor = dir.join("examples/nop_floor");
    let tdd = dir.join("mdbook-tdd");
    for p in [&floor, &tdd, &dir.join("examples/gen_book")] {
        assert!(
            p.exists(),
            "{} is missing: run `cargo build --release --bins --examples` first",
            p.display()
        );
    }
    let work = std::env::temp_dir().join(format!("mdbook-tdd-bench-{}", std::process::id()));
    (dir, floor, tdd, work)
}

/// The command that runs `program` with `env`, under `/usr/bin/time`
/// (its peak memory written to `time_file`) when there is one.
fn command(program: &Path, env: &[(&str, &str)], time_file: Option<&Path>) -> Command {
    let mut cmd = match time_file {
        Some(f) => {
            let mut c = Command::new("/usr/bin/time");
            c.arg("-f").arg("%M").arg("-o").arg(f).arg(program);
            c
        }
        None => Command::new(program),
    };
    cmd.envs(env.iter().copied());
    cmd
}

fn median(mut v: Vec<Duration>) -> Option<Duration> {
    v.sort();
    v.get(v.len() / 2).copied()
}

fn min_max(v: &[Duration]) -> (f64, f64) {
    let ms = |d: &Duration| d.as_secs_f64() * 1e3;
    let lo = v.iter().map(ms).fold(f64::INFINITY, f64::min);
    let hi = v.iter().map(ms).fold(0.0, f64::max);
    (lo, hi)
}

/// A command of the shapes table: the program, its environment, its input.
type Cmd<'a> = (&'a Path, &'a [(&'a str, &'a str)], &'a Path);

/// mdbook-tdd's answer to `input` (whose bytes are `json`) as the input of
/// a preprocessor: `[context, answer]`, the context as `input` has it.
fn answer_as_input(tdd: &Path, input: &Path, json: &[u8]) -> Vec<u8> {
    let out = Command::new(tdd)
        .stdin(std::fs::File::open(input).expect("open the input"))
        .stderr(Stdio::null())
        .output()
        .expect("run mdbook-tdd");
    assert!(
        out.status.success(),
        "mdbook-tdd failed on {}",
        input.display()
    );
    let body = json.get(1..).unwrap_or_default();
    let mut values = serde_json::Deserializer::from_slice(body).into_iter::<serde_json::Value>();
    assert!(
        matches!(values.next(), Some(Ok(_))),
        "the input starts with its context"
    );
    let context = &body[..values.byte_offset()];
    let mut book = Vec::with_capacity(context.len() + out.stdout.len() + 3);
    book.push(b'[');
    book.extend_from_slice(context);
    book.push(b',');
    book.extend_from_slice(&out.stdout);
    book.push(b']');
    book
}

/// `--shapes all` (or a list): the floor, mdbook-tdd and mdbook-tdd on one
/// thread on every shape and size, one table.
fn shapes_mode(args: &[String]) {
    let shapes: Vec<String> = match opt(args, "--shapes").as_deref() {
        None | Some("all") => SHAPES.iter().map(|s| s.to_string()).collect(),
        Some(list) => list.split(',').map(|s| s.trim().to_string()).collect(),
    };
    for s in &shapes {
        assert!(
            SHAPES.contains(&s.as_str()),
            "unknown shape `{s}` (known: {})",
            SHAPES.join(", ")
        );
    }
    let sizes = sizes_of(args);
    let runs = runs_of(args);
    let (dir, floor, tdd, work) = built_programs();
    std::fs::create_dir_all(&work).expect("create a work directory");
    let time_file = work.join("time.txt");
    let time_file = Path::new("/usr/bin/time")
        .exists()
        .then_some(time_file.as_path());
    let err_file = work.join("stderr.txt");
    let threads = std::thread::available_parallelism().map_or(0, |n| n.get());
    let debug = [("RUST_LOG", "debug")];
    let one = [("RUST_LOG", "debug"), ("RAYON_NUM_THREADS", "1")];
    let parse = [("NOP_PARSE", "1")];

    println!(
        "machine: {threads} cores; {runs} interleaved runs per command, shape and size, medians; \
         mdbook-tdd with RUST_LOG=debug (for its stage times)\n"
    );
    println!(
        "| shape | TDDs | input | output | floor | parse floor | output floor | mdbook-tdd | × floor | × parse floor | × output floor | 1 thread | 1→{threads} threads | stage 1→{threads} | peak RSS | × input | growth | output FNV-1a |"
    );
    println!(
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    );
    let mut spreads = Vec::new();
    for shape in &shapes {
        let mut first: Option<(usize, f64, f64)> = None;
        for &n in &sizes {
            let label = format!("{shape} {n}");
            let input = work.join(format!("book-{shape}-{n}.json"));
            let json = Command::new(dir.join("examples/gen_book"))
                .arg(n.to_string())
                .arg("--shape")
                .arg(shape)
                .output()
                .expect("run gen_book");
            assert!(json.status.success(), "gen_book failed for {label}");
            std::fs::write(&input, &json.stdout).expect("write the input");
            let tdds = if shape == "huge" { (n / 100).max(2) } else { n };
            let mb = json.stdout.len() as f64 / (1024.0 * 1024.0);
            // The output floor's input: mdbook-tdd's answer as a book to
            // preprocess, with the same context (untimed).
            let answered = work.join(format!("answer-{shape}-{n}.json"));
            std::fs::write(&answered, answer_as_input(&tdd, &input, &json.stdout))
                .expect("write the output floor's input");
            drop(json);
            // One warm-up run each, then interleaved measured runs.
            let cmds: [Cmd<'_>; 5] = [
                (&floor, &[], &input),
                (&tdd, &debug, &input),
                (&tdd, &one, &input),
                (&floor, &parse, &input),
                (&floor, &parse, &answered),
            ];
            for (p, env, book) in cmds {
                run_checked(&label, p, env, book, None, &err_file);
            }
            let mut measured: Vec<Vec<Run>> = cmds.iter().map(|_| Vec::new()).collect();
            for _ in 0..runs {
                for (k, (p, env, book)) in cmds.iter().enumerate() {
                    measured[k].push(run_checked(&label, p, env, book, time_file, &err_file));
                }
            }
            let _ = std::fs::remove_file(&input);
            let _ = std::fs::remove_file(&answered);
            let times = |k: usize| measured[k].iter().map(|r| r.time).collect::<Vec<_>>();
            let med = |k: usize| median(times(k)).map_or(0.0, |d| d.as_secs_f64());
            let stage = |k: usize| {
                median(measured[k].iter().filter_map(|r| r.stage).collect())
                    .map(|d| d.as_secs_f64())
            };
            let (t_floor, t_tdd, t_one, t_parse, t_out) = (med(0), med(1), med(2), med(3), med(4));
            let out_mb = measured[1]
                .first()
                .map_or(0.0, |r| r.out_len as f64 / (1024.0 * 1024.0));
            let peak = measured[1]
                .iter()
                .chain(&measured[2])
                .filter_map(|r| r.peak_kb)
                .max()
                .map(|kb| kb as f64 / 1024.0);
            let hashes: Vec<u64> = measured[1]
                .iter()
                .chain(&measured[2])
                .map(|r| r.hash)
                .collect();
            let hash = if hashes.iter().all(|h| *h == hashes[0]) {
                format!("`{:016x}`", hashes[0])
            } else {
                "**differs between runs**".to_string()
            };
            let stage_scaling = match (stage(2), stage(1)) {
                (Some(a), Some(b)) if b > 0.0 => {
                    format!("{:.2} ({:.0}→{:.0} ms)", a / b, a * 1e3, b * 1e3)
                }
                _ => "n/a".into(),
            };
            let growth = match first {
                None => {
                    first = Some((n, t_tdd, mb));
                    "—".to_string()
                }
                Some((_, t0, mb0)) => format!("× {:.1} (input × {:.1})", t_tdd / t0, mb / mb0),
            };
            println!(
                "| {shape} | {tdds} | {mb:.1} MiB | {out_mb:.1} MiB | {:.0} ms | {:.0} ms | {:.0} ms | {:.0} ms | {:.2} | {:.2} | {:.2} | {:.0} ms | {:.2} | {stage_scaling} | {} | {} | {growth} | {hash} |",
                t_floor * 1e3,
                t_parse * 1e3,
                t_out * 1e3,
                t_tdd * 1e3,
                t_tdd / t_floor,
                t_tdd / t_parse,
                t_tdd / t_out,
                t_one * 1e3,
                t_one / t_tdd,
                peak.map_or("n/a".into(), |p| format!("{p:.0} MiB")),
                peak.map_or("n/a".into(), |p| format!("{:.2}", p / mb)),
            );
            for (k, name) in [
                "floor",
                "mdbook-tdd",
                "1 thread",
                "parse floor",
                "output floor",
            ]
            .iter()
            .enumerate()
            {
                let (lo, hi) = min_max(&times(k));
                spreads.push(format!("{shape} {n} {name}: {lo:.0}–{hi:.0} ms"));
            }
        }
    }
    println!("\nrange of the runs (min–max):");
    for s in spreads {
        println!("- {s}");
    }
    let _ = std::fs::remove_dir_all(&work);
}

/// The `mdbook` on PATH (or `$MDBOOK`), if it is mdBook 0.5.
fn find_mdbook() -> Option<(PathBuf, String)> {
    let path = std::env::var_os("MDBOOK")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("mdbook"));
    let out = Command::new(&path).arg("--version").output().ok()?;
    let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && version.starts_with("mdbook v0.5")).then_some((path, version))
}

/// The `book.toml` of a real build: mdbook-tdd, the floor as a no-op
/// preprocessor, or none, and the markdown renderer or HTML (for `serve`).
fn book_toml(preprocessor: Option<(&str, &Path)>, markdown: bool) -> String {
    let mut s = String::from("[book]\ntitle = \"Synthetic\"\n\n");
    if let Some((name, command)) = preprocessor {
        s.push_str(&format!(
            "[preprocessor.{name}]\ncommand = {:?}\nafter = [\"links\"]\n\n",
            command.display().to_string()
        ));
    }
    if markdown {
        s.push_str("[output.markdown]\n");
    }
    s
}

/// Copies the generated book's `src` into `to` with its own `book.toml`.
fn book_copy(from: &Path, to: &Path, toml: &str) {
    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("create a book directory");
        for entry in std::fs::read_dir(from).expect("read the book") {
            let entry = entry.expect("read the book");
            let target = to.join(entry.file_name());
            if entry.file_type().expect("read the book").is_dir() {
                copy_dir(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).expect("copy the book");
            }
        }
    }
    copy_dir(&from.join("src"), &to.join("src"));
    std::fs::write(to.join("book.toml"), toml).expect("write book.toml");
}

/// A port on the loopback interface that nothing listens on now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("find a free port")
}

/// What `mdbook serve` logged, a line at a time, with when it was read.
struct ServeLog {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<(Instant, String)>,
}

impl ServeLog {
    fn start(mdbook: &Path, book: &Path) -> ServeLog {
        let mut child = Command::new(mdbook)
            .arg("serve")
            .arg(book)
            .arg("-n")
            .arg("127.0.0.1")
            .arg("-p")
            .arg(free_port().to_string())
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start mdbook serve");
        let stderr = child.stderr.take().expect("a stderr pipe");
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if tx.send((Instant::now(), line)).is_err() {
                    break;
                }
            }
        });
        ServeLog { child, lines }
    }

    /// Waits for a line holding `what`; stops the benchmark on a failed
    /// build, on mdbook's exit, or after two minutes.
    fn wait_for(&self, what: &str) -> Instant {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok((at, line)) => {
                    if line.contains("failed to build") || line.contains("ERROR") {
                        eprintln!("mdbook serve: {line}");
                        std::process::exit(1);
                    }
                    if line.contains(what) {
                        return at;
                    }
                }
                Err(_) => {
                    eprintln!("mdbook serve: no `{what}` in its log within two minutes");
                    std::process::exit(1);
                }
            }
        }
    }
}

impl Drop for ServeLog {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `--mdbook`: whole `mdbook build`s of the generated book (the mix, N =
/// `--mdbook-size`, 1,000 by default) with the markdown renderer, with
/// mdbook-tdd, with the floor as a no-op preprocessor and with none; then
/// `mdbook serve`'s rebuild after a chapter is saved, with mdbook-tdd and
/// with the no-op.
fn mdbook_mode(args: &[String]) {
    let Some((mdbook, version)) = find_mdbook() else {
        eprintln!(
            "--mdbook needs mdBook 0.5 as `mdbook` on PATH (or its path in $MDBOOK): \
             `cargo install mdbook --version 0.5.4`, then put ~/.cargo/bin on PATH"
        );
        std::process::exit(2);
    };
    let runs = runs_of(args);
    let n: usize = opt(args, "--mdbook-size")
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let (dir, floor, tdd, work) = built_programs();
    let generated = work.join("generated");
    std::fs::create_dir_all(&work).expect("create a work directory");
    let gen_status = Command::new(dir.join("examples/gen_book"))
        .arg(n.to_string())
        .arg("--dir")
        .arg(&generated)
        .stdout(Stdio::null())
        .status()
        .expect("run gen_book");
    assert!(gen_status.success(), "gen_book failed");
    let variants: [(&str, Option<(&str, &Path)>); 3] = [
        ("no preprocessor", None),
        ("no-op preprocessor (floor)", Some(("nop", &floor))),
        ("mdbook-tdd", Some(("tdd", &tdd))),
    ];
    let books: Vec<PathBuf> = (0..variants.len())
        .map(|k| work.join(format!("build-{k}")))
        .collect();
    for ((_, pre), book) in variants.iter().zip(&books) {
        book_copy(&generated, book, &book_toml(*pre, true));
    }
    let build = |book: &Path| {
        let start = Instant::now();
        let out = Command::new(&mdbook)
            .arg("build")
            .arg(book)
            .stdin(Stdio::null())
            .output()
            .expect("run mdbook build");
        let t = start.elapsed();
        if !out.status.success() {
            eprintln!(
                "mdbook build {} failed:\n{}",
                book.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            std::process::exit(1);
        }
        t
    };
    for book in &books {
        build(book);
    }
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); variants.len()];
    for _ in 0..runs {
        for (k, book) in books.iter().enumerate() {
            times[k].push(build(book));
        }
    }
    let input_mb = std::fs::read_dir(generated.join("src/tdd"))
        .map(|d| {
            d.filter_map(|e| e.ok()?.metadata().ok())
                .map(|m| m.len())
                .sum::<u64>()
        })
        .unwrap_or(0) as f64
        / (1024.0 * 1024.0);
    println!(
        "{version}; the mix with {n} TDDs ({input_mb:.1} MiB of TDD sources); {runs} interleaved runs, medians\n"
    );
    println!("`mdbook build` with `[output.markdown]` only:\n");
    println!("| preprocessor | median | range | − no preprocessor |");
    println!("|---|---:|---:|---:|");
    let meds: Vec<f64> = times
        .iter()
        .map(|t| median(t.clone()).map_or(0.0, |d| d.as_secs_f64() * 1e3))
        .collect();
    for (k, (name, _)) in variants.iter().enumerate() {
        let (lo, hi) = min_max(&times[k]);
        println!(
            "| {name} | {:.0} ms | {lo:.0}–{hi:.0} ms | {:+.0} ms |",
            meds[k],
            meds[k] - meds[0]
        );
    }
    println!(
        "\nsplit: mdBook without a preprocessor {:.0} ms; a preprocessor's pipe and JSON round trip (no-op − none) {:.0} ms; mdbook-tdd's own work (mdbook-tdd − no-op) {:.0} ms\n",
        meds[0],
        meds[1] - meds[0],
        meds[2] - meds[1]
    );

    // `mdbook serve` renders HTML (it serves the HTML renderer's output).
    println!(
        "`mdbook serve` (HTML renderer), a TDD chapter saved unchanged; `saved → done` includes the wait for mdBook's default watcher (`--watcher poll`, which looks once a second), `rebuild` runs from mdBook's `Files changed` to `HTML book written`:\n"
    );
    println!(
        "| preprocessor | first build | rebuild (median) | rebuild range | saved → done (median) |"
    );
    println!("|---|---:|---:|---:|---:|");
    for (k, (name, pre)) in variants.iter().enumerate() {
        let book = work.join(format!("serve-{k}"));
        book_copy(&generated, &book, &book_toml(*pre, false));
        let start = Instant::now();
        let serve = ServeLog::start(&mdbook, &book);
        let first = serve.wait_for("HTML book written").duration_since(start);
        // "Watching for changes..." (the default `--watcher poll`) or
        // "Listening for changes..." (`--watcher native`).
        serve.wait_for("for changes");
        let chapter = book.join(format!("src/tdd/service-{}.md", n / 2));
        let text = std::fs::read(&chapter).expect("read a chapter");
        let mut rebuilds = Vec::new();
        let mut saved_to_done = Vec::new();
        for _ in 0..runs {
            std::thread::sleep(Duration::from_millis(1500));
            let saved = Instant::now();
            std::fs::write(&chapter, &text).expect("save a chapter");
            let changed = serve.wait_for("Files changed");
            let done = serve.wait_for("HTML book written");
            rebuilds.push(done.duration_since(changed));
            saved_to_done.push(done.duration_since(saved));
        }
        drop(serve);
        let (lo, hi) = min_max(&rebuilds);
        println!(
            "| {name} | {:.0} ms | {:.0} ms | {lo:.0}–{hi:.0} ms | {:.0} ms |",
            first.as_secs_f64() * 1e3,
            median(rebuilds).map_or(0.0, |d| d.as_secs_f64() * 1e3),
            median(saved_to_done).map_or(0.0, |d| d.as_secs_f64() * 1e3),
        );
    }
    let _ = std::fs::remove_dir_all(&work);
}
