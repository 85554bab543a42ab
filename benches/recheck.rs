//! What re-checking a large Dockerfile after one keystroke costs, as the language server
//! does on every edit: the parse, the engine's evaluation, the rules, and the whole
//! [`dflint::check_with`], each timed on its own over a series of one-character edits
//! spread over the file (so that nothing is reused by accident), with percentiles.
//!
//! The document is the 2,000-line Dockerfile of `bench/lsp_session.py` (generated with
//! `python3`), or the file named by `DFLINT_RECHECK_FILE`.
//!
//! Run with `cargo bench --bench recheck`. It allocates with mimalloc, as the `dflint`
//! binary does.

use std::hint::black_box;
use std::time::{Duration, Instant};

use dflint::config::Config;
use dflint::rules::registry::RULES;
use dflint::rules::{RuleContext, RuleOptions};
use dflint::semantic::context::IgnoreFile;
use dflint::semantic::{BuildOptions, evaluate};
use dflint::syntax::parse;
use dflint::{Settings, check_with};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EDITS: usize = 300;

fn document() -> Option<String> {
    if let Ok(path) = std::env::var("DFLINT_RECHECK_FILE") {
        return std::fs::read_to_string(path).ok();
    }
    let bench = concat!(env!("CARGO_MANIFEST_DIR"), "/bench");
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, lsp_session; sys.stdout.write(lsp_session.generate_dockerfile(2000))",
        ])
        .current_dir(bench)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).ok())?
}

/// The text after typing `x` at the start of line `line`.
fn edited(text: &str, line: usize) -> String {
    let at: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut out = String::with_capacity(text.len() + 1);
    out.push_str(&text[..at]);
    out.push('x');
    out.push_str(&text[at..]);
    out
}

fn report(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let at = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize].as_secs_f64() * 1e3;
    println!(
        "{name:<12} p50 {:>6.2} ms  p90 {:>6.2} ms  p99 {:>6.2} ms  max {:>6.2} ms",
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0)
    );
}

fn main() {
    let Some(text) = document() else {
        println!("notice: no document (python3 missing?); nothing measured");
        return;
    };
    let lines = text.lines().count();
    let config = Config::default();
    let options = RuleOptions::from_config(&config);
    let settings = Settings::new(&config);
    let mut parse_t = Vec::new();
    let mut eval_t = Vec::new();
    let mut rules_t = Vec::new();
    let mut check_t = Vec::new();
    let mut per_rule = vec![Duration::ZERO; RULES.len()];
    for i in 0..EDITS {
        // Lines spread over the file, each edit a different text.
        let doc = edited(&text, (i * 7919) % lines);
        let start = Instant::now();
        let parsed = parse(&doc);
        parse_t.push(start.elapsed());
        let start = Instant::now();
        let build = evaluate(&parsed, &BuildOptions::default());
        eval_t.push(start.elapsed());
        let ctx = RuleContext::new(&doc, &parsed, &build, &options, &IgnoreFile::Unknown);
        let start = Instant::now();
        black_box(dflint::rules::run(&ctx, &|_| true));
        rules_t.push(start.elapsed());
        for (j, rule) in RULES.iter().enumerate() {
            let start = Instant::now();
            let mut out = Vec::new();
            rule.check(&ctx, &mut out);
            black_box(out);
            per_rule[j] += start.elapsed();
        }
        let doc = edited(&text, (i * 104_729 + 13) % lines);
        let start = Instant::now();
        black_box(check_with(&doc, &settings));
        check_t.push(start.elapsed());
    }
    println!("{lines} lines, {EDITS} one-character edits");
    report("parse", parse_t);
    report("evaluate", eval_t);
    report("rules", rules_t);
    report("check_with", check_t);
    let mut costs: Vec<_> = RULES.iter().zip(per_rule).collect();
    costs.sort_by_key(|c| std::cmp::Reverse(c.1));
    println!("the rules that cost most, mean per edit:");
    for (rule, time) in costs.iter().take(12) {
        let meta = rule.meta();
        println!(
            "{:>8.3} ms  {} {}",
            time.as_secs_f64() * 1e3 / EDITS as f64,
            meta.code,
            meta.name
        );
    }
}
