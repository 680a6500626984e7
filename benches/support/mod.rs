//! What the benches share: their command line (`--rounds N`, `--max N`), the fixture corpus, timing and
//! medians, and the growth from one size to the next.
//!
//! Included by each bench as `pub mod support;` (`pub`, since a bench uses only some of it). It lives in a
//! folder so that Cargo does not take it for a bench of its own.
#![allow(
    clippy::missing_panics_doc,
    reason = "a bench stops by panicking on a missing fixture"
)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The bench's `--rounds N` and `--max N`, each `default` where absent or not a number; other arguments are
/// the bench's own.
#[must_use]
pub fn rounds_and_max(rounds: usize) -> (usize, usize) {
    let mut rounds = rounds;
    let mut max = usize::MAX;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rounds" => rounds = args.next().and_then(|n| n.parse().ok()).unwrap_or(rounds),
            "--max" => max = args.next().and_then(|n| n.parse().ok()).unwrap_or(max),
            _ => {}
        }
    }
    (rounds, max)
}

/// The JSON files of the fixture corpus (`tests/fixtures/corpus`, at any depth), sorted.
#[must_use]
pub fn corpus_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(dir).expect("the fixture corpus") {
            let path: PathBuf = entry.expect("a directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The mean time of one call of `f`, over `iterations` calls.
pub fn time(f: impl Fn() -> usize, iterations: u32) -> Duration {
    let start = Instant::now();
    for _ in 0..iterations {
        black_box(f());
    }
    start.elapsed() / iterations
}

/// The CPU time this process has used so far (`CLOCK_PROCESS_CPUTIME_ID`): what parliament's figures are in
/// (`time.process_time()`), and unlike wall time not inflated by other processes on a shared machine.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
#[must_use]
pub fn cpu_time() -> Duration {
    #[repr(C)]
    struct Timespec {
        seconds: i64,
        nanoseconds: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, time: *mut Timespec) -> i32;
    }
    const CLOCK_PROCESS_CPUTIME_ID: i32 = 2;
    let mut now = Timespec {
        seconds: 0,
        nanoseconds: 0,
    };
    // SAFETY: `now` is a valid `struct timespec` (two 64-bit fields on 64-bit Linux) that the call fills in.
    let status = unsafe { clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &raw mut now) };
    assert_eq!(status, 0, "the process CPU clock");
    Duration::new(
        u64::try_from(now.seconds).unwrap_or(0),
        u32::try_from(now.nanoseconds).unwrap_or(0),
    )
}

/// Wall time since the first call, where the process CPU clock is not read this way.
#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
#[must_use]
pub fn cpu_time() -> Duration {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed()
}

/// `struct timeval` on 64-bit Linux.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
#[repr(C)]
#[derive(Default)]
struct Timeval {
    seconds: i64,
    microseconds: i64,
}

#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
impl Timeval {
    fn duration(&self) -> Duration {
        Duration::from_secs(u64::try_from(self.seconds).unwrap_or(0))
            + Duration::from_micros(u64::try_from(self.microseconds).unwrap_or(0))
    }
}

/// `struct rusage` on 64-bit Linux: two timevals, then fourteen longs (`ru_maxrss` first, in KiB).
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
#[repr(C)]
#[derive(Default)]
struct Rusage {
    user: Timeval,
    system: Timeval,
    rest: [i64; 14],
}

#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
impl Rusage {
    fn cpu(&self) -> Duration {
        self.user.duration() + self.system.duration()
    }
}

/// The CPU time of this process's children that have ended (`RUSAGE_CHILDREN`, their own children included):
/// a command's, which may work on several cores at once.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
#[must_use]
pub fn children_cpu() -> Duration {
    unsafe extern "C" {
        fn getrusage(who: i32, usage: *mut Rusage) -> i32;
    }
    const RUSAGE_CHILDREN: i32 = -1;
    let mut usage = Rusage::default();
    // SAFETY: `usage` is a valid `struct rusage` (two timevals and fourteen longs on 64-bit Linux) that the
    // call fills in.
    let status = unsafe { getrusage(RUSAGE_CHILDREN, &raw mut usage) };
    assert_eq!(status, 0, "the children's CPU time");
    usage.cpu()
}

/// Zero where the children's CPU time is not read this way: the report then shows wall time only.
#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
#[must_use]
pub fn children_cpu() -> Duration {
    Duration::ZERO
}

/// The mean CPU time of one call of `f`, over `iterations` calls.
pub fn cpu(f: impl Fn() -> usize, iterations: u32) -> Duration {
    let start = cpu_time();
    for _ in 0..iterations {
        black_box(f());
    }
    cpu_time().saturating_sub(start) / iterations.max(1)
}

/// The median of `samples`, which must not be empty.
#[must_use]
pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

/// How many times `now` is `before` (`"2.0x"`), or `"-"` for the first size.
#[must_use]
pub fn growth(now: Duration, before: Option<Duration>) -> String {
    before.map_or_else(
        || "-".to_owned(),
        |before| format!("{:.1}x", now.as_secs_f64() / before.as_secs_f64()),
    )
}

/// What one run of a command cost: its wall time, its CPU time (user and system, its children included) and
/// the peak of its resident memory.
#[derive(Debug, Clone, Copy)]
pub struct Measured {
    /// From spawn to exit.
    pub wall: Duration,
    /// User and system CPU time.
    pub cpu: Duration,
    /// The largest resident set, in KiB (`ru_maxrss`); 0 where it is not read.
    pub max_rss_kib: u64,
    /// Whether the command exited with status 0.
    pub success: bool,
}

/// Runs `command` to its end and measures it with `wait4`, which reports the resources of that one child (not
/// of every child so far, as `RUSAGE_CHILDREN` does), its peak memory among them.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
#[must_use]
pub fn run_measured(command: &mut std::process::Command) -> Measured {
    unsafe extern "C" {
        fn wait4(pid: i32, status: *mut i32, options: i32, usage: *mut Rusage) -> i32;
    }
    let start = Instant::now();
    let child = command.spawn().expect("the command starts");
    let pid = i32::try_from(child.id()).expect("a pid fits an i32");
    let mut usage = Rusage::default();
    let mut status = 0;
    // SAFETY: `status` and `usage` are valid for writes (`usage` is a `struct rusage` on 64-bit Linux), and
    // `pid` is our own child, which nothing else waits for (`child` is not waited on after this).
    let waited = unsafe { wait4(pid, &raw mut status, 0, &raw mut usage) };
    let wall = start.elapsed();
    assert_eq!(waited, pid, "wait4 on the command");
    drop(child);
    Measured {
        wall,
        cpu: usage.cpu(),
        max_rss_kib: u64::try_from(usage.rest[0]).unwrap_or(0),
        // Exited normally (the low 7 bits are 0) with status 0.
        success: status == 0,
    }
}

/// Wall time alone where `wait4` is not called this way.
#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
#[must_use]
pub fn run_measured(command: &mut std::process::Command) -> Measured {
    let start = Instant::now();
    let status = command.status().expect("the command runs");
    Measured {
        wall: start.elapsed(),
        cpu: Duration::ZERO,
        max_rss_kib: 0,
        success: status.success(),
    }
}
