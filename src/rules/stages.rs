//! Helpers shared by the rules about stages, FROM and `--from`: finding the FROM instruction
//! of a stage and suggesting a close name for a misspelt one.

use crate::ast::Instruction;
use crate::rules::RuleContext;
use crate::semantic::Stage;
use crate::syntax::SyntaxKind;

/// The FROM instruction that starts `stage`.
pub(crate) fn from_instruction<'a>(
    ctx: &RuleContext<'a>,
    stage: &Stage,
) -> Option<Instruction<'a>> {
    ctx.instructions()
        .find(|i| i.kind() == SyntaxKind::FROM_INSTR && i.range() == stage.from_range)
}

/// The number of single-character insertions, deletions and substitutions that turn `a`
/// into `b` (Levenshtein distance), comparing characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// The candidate closest to `name` when it is close enough to be a likely misspelling:
/// at most a third of the name's length away (at least one edit), ignoring ASCII case.
/// Ties go to the earlier candidate; an exact match is not a suggestion.
pub(crate) fn suggest<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let lower = name.to_ascii_lowercase();
    let limit = (name.chars().count() / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let distance = edit_distance(&lower, &candidate.to_ascii_lowercase());
        if distance == 0 || distance > limit {
            continue;
        }
        if best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::{edit_distance, suggest};

    /// The build problems and syntax errors that stand for other tools' stage checks
    /// answer to their ids, so that their pragmas suppress them.
    #[test]
    fn engine_problems_answer_to_other_tools_ids() {
        let codes =
            |source: &str| -> Vec<&str> { crate::check(source).iter().map(|d| d.code).collect() };
        let source = "FROM alpine:3 AS a\nUSER app\nFROM alpine:3 AS a\nUSER app\n";
        assert_eq!(codes(source), ["DFL0103"]);
        let d = &crate::check(source)[0];
        for alias in ["DL3024", "DuplicateStageName", "DS012", "CKV_DOCKER_11"] {
            assert!(d.answers_to(alias), "{alias}");
        }
        let source = "FROM alpine:3 AS a\nUSER app\n# hadolint ignore=DL3024\nFROM alpine:3 AS a\nUSER app\n";
        assert!(codes(source).is_empty());
        let source =
            "FROM alpine:3 AS a\nUSER app\n# hadolint ignore=DL3023\nCOPY --from=a /x /y\n";
        assert!(codes(source).is_empty());
        let d = crate::check("RUN x\nFROM alpine:3\nUSER app\n");
        assert!(d[0].answers_to("DL3061"));
        let d = crate::check("FROM alpine:3\nUSER app\nONBUILD FROM x\n");
        assert!(d[0].answers_to("DL3043"));
    }

    #[test]
    fn distances_and_suggestions() {
        assert_eq!(edit_distance("builder", "builder"), 0);
        assert_eq!(edit_distance("bulder", "builder"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(
            suggest("bulder", ["base", "builder"].iter().copied()),
            Some("builder")
        );
        assert_eq!(
            suggest("TARGETARC", ["TARGETARCH", "TARGETOS"].iter().copied()),
            Some("TARGETARCH")
        );
        assert_eq!(suggest("x", ["y"].iter().copied()), Some("y"));
        assert_eq!(suggest("nginx", ["builder"].iter().copied()), None);
        assert_eq!(suggest("base", ["BASE"].iter().copied()), None);
    }
}
