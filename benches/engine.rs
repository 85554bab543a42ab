//! The build engine against the checker over the shared corpus, in one process: `dflint
//! check` (parse and diagnostics) versus `dflint plan --format json` (parse, evaluate the
//! build, simulate a change, render the plan as JSON). The plan must cost less than two
//! checks.
//!
//! Run with `cargo bench --bench engine`; prints a notice and exits when the corpus is absent.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/files");
const PASSES: usize = 7;

fn texts() -> Vec<String> {
    let mut out = Vec::new();
    let Ok(dirs) = std::fs::read_dir(CORPUS) else {
        return out;
    };
    for dir in dirs.flatten() {
        for file in std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            if let Ok(text) = std::fs::read_to_string(file.path()) {
                out.push(text);
            }
        }
    }
    out
}

fn check_pass(texts: &[String]) -> usize {
    texts
        .iter()
        .map(|t| black_box(dflint::check(black_box(t))).len())
        .sum()
}

fn plan_pass(texts: &[String]) -> usize {
    let changed = ["src/main.go".to_string()];
    let options = dflint::semantic::BuildOptions::default();
    texts
        .iter()
        .map(|text| {
            let parse = dflint::syntax::parse(black_box(text));
            let build = dflint::semantic::evaluate(&parse, &options);
            let rebuild = dflint::semantic::cache::simulate(&build, &changed, &|_| false);
            let report = dflint::render::PlanReport {
                path: "Dockerfile",
                source: text,
                build: &build,
                rebuild: Some(&rebuild),
            };
            black_box(dflint::render::render_plan_json(&report, false)).len()
        })
        .sum()
}

fn evaluate_pass(texts: &[String]) -> usize {
    let options = dflint::semantic::BuildOptions::default();
    texts
        .iter()
        .map(|text| {
            let parse = dflint::syntax::parse(black_box(text));
            black_box(dflint::semantic::evaluate(&parse, &options))
                .stages
                .len()
        })
        .sum()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn time(texts: &[String], f: fn(&[String]) -> usize) -> Duration {
    black_box(f(texts));
    median(
        (0..PASSES)
            .map(|_| {
                let start = Instant::now();
                black_box(f(texts));
                start.elapsed()
            })
            .collect(),
    )
}

fn main() {
    if !Path::new(CORPUS).is_dir() {
        println!("notice: {CORPUS} not found; nothing to measure");
        return;
    }
    let texts = texts();
    let check = time(&texts, check_pass);
    let plan = time(&texts, plan_pass);
    let evaluate = time(&texts, evaluate_pass);
    println!("files: {}", texts.len());
    println!(
        "check, median of {PASSES} passes: {:.1} ms",
        check.as_secs_f64() * 1e3
    );
    println!(
        "plan (json), median of {PASSES} passes: {:.1} ms",
        plan.as_secs_f64() * 1e3
    );
    println!(
        "parse + evaluate, median of {PASSES} passes: {:.1} ms",
        evaluate.as_secs_f64() * 1e3
    );
    println!("plan output: {:.1} MB", plan_pass(&texts) as f64 / 1e6);
    println!(
        "plan / check: {:.2} (must stay below 2.00)",
        plan.as_secs_f64() / check.as_secs_f64()
    );
}
