//! Parser throughput over the shared corpus of real-world Dockerfiles.
//!
//! Run with `cargo bench --bench parse`. Reads every file under `../shared/corpus/files`
//! into memory, warms up, then times full single-threaded passes of
//! `dflint::syntax::parse` over all of them and prints the best and median pass.
//! Extra arguments: `--passes N` (default 15). Cargo's own `--bench` argument is ignored.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/files");
const DEFAULT_PASSES: usize = 15;
const WARMUP_PASSES: usize = 2;

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect_files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn passes_from_args() -> usize {
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--passes"
            && let Some(n) = args.next().and_then(|n| n.parse().ok())
        {
            return n;
        }
    }
    DEFAULT_PASSES
}

/// Parses every text once; returns a value that depends on the results so the work is kept.
fn pass(texts: &[String]) -> usize {
    let mut sink = 0usize;
    for text in texts {
        let parse = dflint::syntax::parse(black_box(text));
        sink = sink
            .wrapping_add(parse.errors().len())
            .wrapping_add(parse.tree().root().range().len() as usize);
        black_box(&parse);
    }
    sink
}

fn mb_per_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

fn main() {
    let dir = Path::new(CORPUS);
    if !dir.is_dir() {
        println!(
            "parse bench: corpus not found at {}; skipping",
            dir.display()
        );
        return;
    }
    let mut paths = Vec::new();
    if let Err(e) = collect_files(dir, &mut paths) {
        println!(
            "parse bench: cannot read corpus at {}: {e}; skipping",
            dir.display()
        );
        return;
    }
    paths.sort();
    let mut texts = Vec::with_capacity(paths.len());
    let mut skipped = 0usize;
    for path in &paths {
        match std::fs::read(path).map(String::from_utf8) {
            Ok(Ok(text)) => texts.push(text),
            _ => skipped += 1,
        }
    }
    if texts.is_empty() {
        println!(
            "parse bench: no UTF-8 files under {}; skipping",
            dir.display()
        );
        return;
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let passes = passes_from_args().max(1);

    for _ in 0..WARMUP_PASSES {
        black_box(pass(&texts));
    }
    let mut times = Vec::with_capacity(passes);
    for _ in 0..passes {
        let start = Instant::now();
        black_box(pass(&texts));
        times.push(start.elapsed());
    }
    times.sort();
    let best = times[0];
    let median = times[times.len() / 2];

    println!(
        "parse bench: {} files, {bytes} bytes ({skipped} non-UTF-8 skipped), {passes} passes",
        texts.len()
    );
    println!(
        "  best   pass {:>10.3} ms  {:>8.1} MB/s",
        best.as_secs_f64() * 1e3,
        mb_per_s(bytes, best)
    );
    println!(
        "  median pass {:>10.3} ms  {:>8.1} MB/s",
        median.as_secs_f64() * 1e3,
        mb_per_s(bytes, median)
    );
}
