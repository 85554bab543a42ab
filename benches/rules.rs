//! What each rule costs over the shared corpus, in one process: every file is parsed and
//! evaluated once, then every rule (preview rules included) runs on each file in turn, as
//! `dflint check` runs them, each timed on its own. Prints the total, the parse-and-evaluate time it adds to, and the rules that cost
//! most, so that a slow rule shows up before it slows `dflint check` down.
//!
//! Run with `cargo bench --bench rules`; prints a notice and exits when the corpus is absent.

use std::hint::black_box;
use std::time::{Duration, Instant};

use dflint::rules::registry::RULES;
use dflint::rules::{RuleContext, RuleOptions};
use dflint::semantic::context::IgnoreFile;
use dflint::semantic::{BuildOptions, evaluate};
use dflint::syntax::parse;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/files");
const PASSES: usize = 3;

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

fn main() {
    let texts = texts();
    if texts.is_empty() {
        println!("notice: {CORPUS} not found; nothing measured");
        return;
    }
    let start = Instant::now();
    let parsed: Vec<_> = texts.iter().map(|t| parse(t)).collect();
    let builds: Vec<_> = parsed
        .iter()
        .map(|p| evaluate(p, &BuildOptions::default()))
        .collect();
    let base = start.elapsed();
    let options = RuleOptions::default();
    // As `dflint check` does: every rule on one file, then the next file, so that the
    // shell scripts a file's rules share are parsed once. The first rule to read a script
    // pays for parsing it.
    let mut best: Vec<Duration> = vec![Duration::MAX; RULES.len()];
    for _ in 0..PASSES {
        let mut pass = vec![Duration::ZERO; RULES.len()];
        for ((text, parse), build) in texts.iter().zip(&parsed).zip(&builds) {
            let ctx = RuleContext {
                source: text,
                parse,
                build,
                options: &options,
                ignore_file: &IgnoreFile::Unknown,
                build_args: &[],
            };
            for (i, rule) in RULES.iter().enumerate() {
                let start = Instant::now();
                let mut out = Vec::new();
                rule.check(&ctx, &mut out);
                black_box(out);
                pass[i] += start.elapsed();
            }
        }
        for (b, p) in best.iter_mut().zip(pass) {
            *b = (*b).min(p);
        }
    }
    let mut costs: Vec<(Duration, &str, &str)> = RULES
        .iter()
        .zip(best)
        .map(|(r, t)| (t, r.meta().code, r.meta().name))
        .collect();
    let total: Duration = costs.iter().map(|c| c.0).sum();
    costs.sort_by_key(|c| std::cmp::Reverse(c.0));
    println!(
        "{} files; parse and evaluate: {:.0} ms; all {} rules: {:.0} ms (best of {PASSES} per rule)",
        texts.len(),
        base.as_secs_f64() * 1e3,
        costs.len(),
        total.as_secs_f64() * 1e3
    );
    for (time, code, name) in costs.iter().take(20) {
        println!("{:>8.1} ms  {code} {name}", time.as_secs_f64() * 1e3);
    }
}
