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
//! ```
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
    let mut cmd = match time_file {
        Some(f) => {
            let mut c = Command::new("/usr/bin/time");
            c.arg("-f").arg("%M").arg("-o").arg(f).arg(program);
            c
        }
        None => Command::new(program),
    };
    cmd.envs(env.iter().copied());
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
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let sizes: Vec<usize> = opt("--sizes")
        .unwrap_or_else(|| "1000,10000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let runs: usize = opt("--runs")
        .and_then(|s| s.parse().ok())
        .unwrap_or(7)
        .max(1);
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
