//! Fixing the real-world corpus main set (skipped with a notice when `../shared/corpus` is
//! absent): with safe and unsafe fixes applied, every file still parses with no new syntax
//! error, a second run changes nothing, and fixes the proof rejects are never kept.

use std::path::PathBuf;

use dflint::config::Config;
use dflint::fix::FixMode;
use dflint::syntax::parse;
use dflint::{Settings, fix_with};
use rayon::prelude::*;

#[test]
fn fixing_the_corpus_keeps_it_valid_and_converges() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let Ok(manifest) = std::fs::read_to_string(root.join("manifest.jsonl")) else {
        println!("notice: {} not found; skipped", root.display());
        return;
    };
    let config = Config::default();
    let settings = Settings::new(&config);
    let excluded = ["template", "no-from", "unknown-instruction"];
    let texts: Vec<(String, String)> = manifest
        .lines()
        .filter_map(|line| {
            let entry: serde_json::Value = serde_json::from_str(line).unwrap();
            let features: Vec<&str> = entry["features"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f.as_str().unwrap())
                .collect();
            if features.iter().any(|f| excluded.contains(f)) {
                return None;
            }
            let sha = entry["sha256"].as_str().unwrap().to_string();
            let path = root
                .join("files")
                .join(&sha[..2])
                .join(format!("{sha}.Dockerfile"));
            Some((sha, std::fs::read_to_string(path).unwrap()))
        })
        .collect();
    // (changed, applied, rejected, failures) per file, in parallel.
    let results: Vec<(bool, usize, usize, Vec<String>)> = texts
        .par_iter()
        .map(|(sha, text)| {
            let outcome = fix_with(text, &settings, FixMode::Unsafe);
            let mut failures = Vec::new();
            let changed = outcome.output != *text;
            if changed {
                let before = parse(text).errors().len();
                let after = parse(&outcome.output).errors().len();
                if after > before {
                    failures.push(format!("{sha}: {before} syntax errors became {after}"));
                }
                if let Some(codes) = &outcome.not_converged {
                    failures.push(format!("{sha}: did not converge ({codes})"));
                }
                let again = fix_with(&outcome.output, &settings, FixMode::Unsafe);
                if again.output != outcome.output {
                    failures.push(format!("{sha}: a second run changed the file again"));
                }
            }
            (
                changed,
                outcome.applied.len(),
                outcome.rejected.len(),
                failures,
            )
        })
        .collect();
    let files = results.len();
    let changed = results.iter().filter(|r| r.0).count();
    let applied: usize = results.iter().map(|r| r.1).sum();
    let rejected: usize = results.iter().map(|r| r.2).sum();
    let failures: Vec<String> = results.into_iter().flat_map(|r| r.3).collect();
    println!(
        "{files} files, {changed} changed, {applied} fixes applied, {rejected} rejected by the proof"
    );
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(applied > 1000, "fixes were applied: {applied}");
}
