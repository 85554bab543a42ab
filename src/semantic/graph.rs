//! The stage graph: the target stage, which stages it needs, and dependency cycles.

use crate::semantic::model::{Build, EdgeTarget, Problem, ProblemKind};
use crate::syntax::TextRange;

/// Sets [`Build::target`] from `--target` (or the last stage), marks the stages the target
/// needs, and reports cycles between stages.
pub(crate) fn resolve_target(build: &mut Build, target: Option<&str>) {
    build.target = match target {
        None => build.stages.len().checked_sub(1),
        Some(name) => {
            let lower = name.to_ascii_lowercase();
            let found = build
                .stages
                .iter()
                .find(|s| s.name.as_deref() == Some(lower.as_str()))
                .map(|s| s.index);
            if found.is_none() {
                build.problems.push(Problem {
                    kind: ProblemKind::UnknownTarget,
                    message: format!("target stage {name:?} could not be found"),
                    range: TextRange::empty(0),
                    related: Vec::new(),
                });
            }
            found
        }
    };
    if let Some(t) = build.target {
        let mut stack = vec![t];
        while let Some(s) = stack.pop() {
            if std::mem::replace(&mut build.stages[s].needed, true) {
                continue;
            }
            stack.extend(dependencies(build, s));
        }
    }
    report_cycles(build);
}

/// The stages that stage `s` depends on directly.
pub fn dependencies(build: &Build, s: usize) -> impl Iterator<Item = usize> + '_ {
    build
        .edges
        .iter()
        .filter(move |e| e.stage == s)
        .filter_map(|e| match e.target {
            EdgeTarget::Stage(t) => Some(t),
            EdgeTarget::Image(_) => None,
        })
}

/// Reports each cycle of stage dependencies once, at the edge that closes it.
fn report_cycles(build: &mut Build) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    let n = build.stages.len();
    let mut marks = vec![Mark::New; n];
    let mut found = Vec::new();
    for start in 0..n {
        if marks[start] != Mark::New {
            continue;
        }
        // Iterative depth-first search keeping the path, to find back edges.
        let mut stack: Vec<(usize, Vec<usize>)> =
            vec![(start, dependencies(build, start).collect())];
        marks[start] = Mark::Active;
        while let Some((node, pending)) = stack.last_mut() {
            let node = *node;
            match pending.pop() {
                Some(next) if next < n => match marks[next] {
                    Mark::New => {
                        marks[next] = Mark::Active;
                        let deps = dependencies(build, next).collect();
                        stack.push((next, deps));
                    }
                    Mark::Active if next != node => found.push((node, next)),
                    _ => {}
                },
                Some(_) => {}
                None => {
                    marks[node] = Mark::Done;
                    stack.pop();
                }
            }
        }
    }
    for (from, to) in found {
        let range = build
            .edges
            .iter()
            .find(|e| e.stage == from && e.target == EdgeTarget::Stage(to))
            .map_or(TextRange::empty(0), |e| e.range);
        build.problems.push(Problem {
            kind: ProblemKind::CircularDependency,
            message: format!(
                "circular dependency detected on stage: {}",
                build.stages[to].label()
            ),
            range,
            related: Vec::new(),
        });
    }
}
