//! The apply loop: applies the fixes a mode allows until the text stops changing, and
//! proves every pass — the text must re-parse without new syntax errors, and the build it
//! describes may differ from the previous one only in what the fixing rules declare.
//! A fix that fails is dropped and reported, never written.

use crate::Diagnostic;
use crate::fix::{Applicability, Fix, apply_edits};
use crate::semantic::compare::{Area, Difference, compare};
use crate::semantic::{Build, BuildOptions, evaluate};
use crate::syntax::parse;

/// Which fixes to apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixMode {
    /// Only safe fixes (`--fix`).
    Safe,
    /// Safe and unsafe fixes (`--fix --unsafe-fixes`).
    Unsafe,
}

impl FixMode {
    fn allows(self, applicability: Applicability) -> bool {
        match self {
            FixMode::Safe => applicability == Applicability::Safe,
            FixMode::Unsafe => applicability >= Applicability::Unsafe,
        }
    }
}

/// A fix that was applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedFix {
    /// The code of the rule that offered it.
    pub code: &'static str,
    /// What it did.
    pub title: String,
}

/// A fix that was dropped because the proof failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RejectedFix {
    /// The code of the rule that offered it.
    pub code: &'static str,
    /// What it would have done.
    pub title: String,
    /// Why it was dropped: the new syntax errors or the undeclared build differences.
    pub reason: String,
}

/// The result of fixing a file.
#[derive(Clone, Debug)]
pub struct FixOutcome {
    /// The fixed text (the input when nothing applied).
    pub output: String,
    /// Every fix applied, in order.
    pub applied: Vec<AppliedFix>,
    /// Every fix dropped by the proof.
    pub rejected: Vec<RejectedFix>,
    /// The diagnostics of the fixed text.
    pub remaining: Vec<Diagnostic>,
    /// How many passes ran.
    pub iterations: usize,
    /// Set when the loop stopped before the text stopped changing (too many passes or
    /// runaway growth), with the codes involved.
    pub not_converged: Option<String>,
}

/// How many passes the loop makes at most.
pub const MAX_ITERATIONS: usize = 25;

/// Fixes `source`. `check` returns the diagnostics of a text (with their fixes);
/// `declared` tells what a rule's fixes may change in the build.
#[must_use]
pub fn fix(
    source: &str,
    check: &dyn Fn(&str) -> Vec<Diagnostic>,
    declared: &dyn Fn(&str) -> &'static [Area],
    mode: FixMode,
) -> FixOutcome {
    let mut text = source.to_string();
    let mut applied = Vec::new();
    let mut rejected: Vec<RejectedFix> = Vec::new();
    let mut iterations = 0;
    let mut not_converged = None;
    let growth_limit = source.len() * 2 + 16 * 1024;
    loop {
        let diagnostics = check(&text);
        let mut candidates: Vec<(&'static str, &Fix)> = diagnostics
            .iter()
            .filter_map(|d| d.fix.as_ref().map(|f| (d.code, f)))
            .filter(|(_, f)| mode.allows(f.applicability) && !f.edits.is_empty())
            .filter(|(code, f)| {
                !rejected
                    .iter()
                    .any(|r| r.code == *code && r.title == f.title)
            })
            .collect();
        if candidates.is_empty() {
            return FixOutcome {
                output: text,
                applied,
                rejected,
                remaining: diagnostics,
                iterations,
                not_converged,
            };
        }
        if iterations == MAX_ITERATIONS || text.len() > growth_limit {
            let mut codes: Vec<&str> = candidates.iter().map(|(c, _)| *c).collect();
            codes.sort_unstable();
            codes.dedup();
            not_converged = Some(codes.join(", "));
            return FixOutcome {
                output: text,
                applied,
                rejected,
                remaining: diagnostics,
                iterations,
                not_converged,
            };
        }
        iterations += 1;
        candidates.sort_by_key(|(code, f)| (f.edits[0].range.start, *code));
        let base = Proof::of(&text);
        // Greedily take fixes that neither overlap nor touch an already taken one, and
        // prove each against the text of this pass before keeping it.
        let mut taken: Vec<(&'static str, &Fix)> = Vec::new();
        for (code, fix) in candidates {
            let range = fix.range().expect("a fix has edits");
            let touches = taken.iter().any(|(_, t)| {
                let r = t.range().expect("a fix has edits");
                range.start <= r.end && r.start <= range.end
            });
            if touches {
                continue;
            }
            match base.check(&fix.apply_to(&text), declared(code)) {
                Ok(()) => taken.push((code, fix)),
                Err(reason) => rejected.push(RejectedFix {
                    code,
                    title: fix.title.clone(),
                    reason,
                }),
            }
        }
        if taken.is_empty() {
            continue;
        }
        let mut edits: Vec<_> = taken
            .iter()
            .flat_map(|(_, f)| f.edits.iter().cloned())
            .collect();
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        let next = apply_edits(&text, &edits);
        // The fixes were proven one by one; prove them together too.
        let allowed: Vec<Area> = taken
            .iter()
            .flat_map(|(c, _)| declared(c).iter().copied())
            .collect();
        match base.check(&next, &allowed) {
            Ok(()) => {
                applied.extend(taken.iter().map(|(code, f)| AppliedFix {
                    code,
                    title: f.title.clone(),
                }));
                text = next;
            }
            Err(reason) => {
                // Together they fail: keep only the first, which passed alone.
                let (code, first) = taken[0];
                for (c, f) in &taken[1..] {
                    rejected.push(RejectedFix {
                        code: c,
                        title: f.title.clone(),
                        reason: format!("conflicts with another fix in the same pass: {reason}"),
                    });
                }
                applied.push(AppliedFix {
                    code,
                    title: first.title.clone(),
                });
                text = first.apply_to(&text);
            }
        }
    }
}

/// What a pass must preserve: the syntax errors and the evaluated build of its input.
struct Proof {
    errors: usize,
    build: Build,
}

impl Proof {
    fn of(text: &str) -> Proof {
        let parsed = parse(text);
        Proof {
            errors: parsed.errors().len(),
            build: evaluate(&parsed, &BuildOptions::default()),
        }
    }

    /// Checks a candidate text: no new syntax errors, and build differences only in `allowed`.
    fn check(&self, candidate: &str, allowed: &[Area]) -> Result<(), String> {
        let parsed = parse(candidate);
        if parsed.errors().len() > self.errors {
            let first = &parsed.errors()[0];
            return Err(format!(
                "the fixed text has a new syntax error: {}",
                first.message
            ));
        }
        let build = evaluate(&parsed, &BuildOptions::default());
        let undeclared: Vec<Difference> = compare(&self.build, &build)
            .into_iter()
            .filter(|d| !allowed.contains(&d.area))
            .collect();
        match undeclared.first() {
            None => Ok(()),
            Some(d) => Err(format!(
                "the build would change in {} ({}): {:?} became {:?}",
                d.area.as_str(),
                d.subject,
                d.before,
                d.after
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::Edit;
    use crate::syntax::TextRange;

    /// A fake checker: flags `FROM alpine` (fixable to `alpine:3.20`, changes the graph)
    /// and `RUNN` (fixable to `RUN`).
    fn check(text: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let mut push = |code: &'static str, needle: &str, replacement: &str, applicability| {
            if let Some(at) = text.find(needle) {
                let at = u32::try_from(at).unwrap();
                let range = TextRange::new(at, at + u32::try_from(needle.len()).unwrap());
                let mut d = crate::rules::security::root_user::META.diagnostic(range, "demo");
                d.code = code;
                d.fix = Some(Fix::new(
                    format!("replace {needle}"),
                    applicability,
                    vec![Edit::replace(range, replacement)],
                ));
                out.push(d);
            }
        };
        push(
            "T1",
            "FROM alpine\n",
            "FROM alpine:3.20\n",
            Applicability::Safe,
        );
        push("T2", "RUNN", "RUN", Applicability::Unsafe);
        push("T3", "echo a", "echo b", Applicability::Safe);
        out
    }

    fn declared(code: &str) -> &'static [Area] {
        match code {
            "T1" => &[Area::Stages, Area::Graph],
            _ => &[],
        }
    }

    #[test]
    fn applies_declared_fixes_and_rejects_the_others() {
        let source = "FROM alpine\nRUN echo a\nRUNN x\n";
        let outcome = fix(source, &check, &declared, FixMode::Safe);
        // T1 is declared to change the base; T3 would change the command run: rejected.
        assert_eq!(outcome.output, "FROM alpine:3.20\nRUN echo a\nRUNN x\n");
        assert_eq!(outcome.applied.len(), 1);
        assert_eq!(outcome.rejected.len(), 1);
        assert_eq!(outcome.rejected[0].code, "T3");
        assert!(
            outcome.rejected[0].reason.contains("commands"),
            "{}",
            outcome.rejected[0].reason
        );
        let unsafe_outcome = fix(source, &check, &declared, FixMode::Unsafe);
        assert!(unsafe_outcome.output.starts_with("FROM alpine:3.20\n"));
        // Turning `RUNN` into `RUN` adds a command: the build changes, so it is rejected too.
        assert!(unsafe_outcome.rejected.iter().any(|r| r.code == "T2"));
        // A second run changes nothing.
        let again = fix(&outcome.output, &check, &declared, FixMode::Safe);
        assert_eq!(again.output, outcome.output);
        assert!(again.applied.is_empty());
    }
}
