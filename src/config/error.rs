//! Configuration errors: which file, which key, which line, and what is wrong with it.

/// What kind of mistake a [`ConfigError`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConfigErrorKind {
    /// The text is not valid TOML or YAML.
    Syntax,
    /// A key the schema does not have.
    UnknownKey,
    /// A key is missing that its table requires (`paths` in a `per-path` entry).
    MissingKey,
    /// A value of the wrong type, such as a string where a list is expected.
    WrongType,
    /// A value of the right type that is not allowed (an unknown severity, a bad glob).
    InvalidValue,
    /// A rule selector that names no known rule (from [`super::Config::unknown_selectors`]).
    UnknownRule,
    /// A setting that is read but has no effect in dflint (hadolint's `no-color`, `format`);
    /// only found in [`super::Config::warnings`].
    Unused,
}

/// A mistake in a configuration file, located by file, key path and line.
///
/// Displays as `.dflint.toml:4:1: unknown key `selekt` (did you mean `select`?)`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {message}", location(*.line, *.column))]
pub struct ConfigError {
    /// The file name as given to the parser.
    pub file: String,
    /// The key path, such as `severity.DL3006` or `per-path[1].paths` (empty for syntax
    /// errors and for the document as a whole).
    pub key: String,
    /// The 1-based line. It is 0 only for problems of a [`super::Config`] built in code
    /// rather than parsed.
    pub line: u32,
    /// The 1-based column, in characters, when known.
    pub column: Option<u32>,
    pub kind: ConfigErrorKind,
    /// What is wrong, lowercase, without a trailing period.
    pub message: String,
}

fn location(line: u32, column: Option<u32>) -> String {
    match (line, column) {
        (0, _) => String::new(),
        (line, Some(column)) => format!(":{line}:{column}"),
        (line, None) => format!(":{line}"),
    }
}

/// The candidate closest to `input`, when it is close enough to be a likely typo or an
/// abbreviation (`warn` for `warning`). Case, `_` versus `-` and camelCase versus
/// kebab-case count as no difference.
pub(crate) fn did_you_mean<'c>(
    input: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let normalized = normalize(input);
    let length = normalized.chars().count();
    let limit = (length / 3).max(1);
    candidates
        .into_iter()
        .filter_map(|c| {
            let candidate = normalize(c);
            let distance = edit_distance(&normalized, &candidate);
            let abbreviation = length >= 3 && candidate.starts_with(&normalized);
            (distance <= limit || abbreviation).then_some((distance, c))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Levenshtein distance with adjacent transpositions counting as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut rows = vec![0usize; (a.len() + 1) * width];
    for (j, cell) in rows.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        rows[i * width] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[(i - 1) * width + j] + 1)
                .min(rows[i * width + j - 1] + 1)
                .min(rows[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[(i - 2) * width + j - 2] + 1);
            }
            rows[i * width + j] = best;
        }
    }
    rows[a.len() * width + b.len()]
}

/// `a`, `a or b`, `a, b or c`, each in backticks.
pub(crate) fn one_of(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_catch_typos_and_spelling_styles() {
        let keys = ["select", "ignore", "trusted-registries", "fail-level"];
        assert_eq!(did_you_mean("selekt", keys), Some("select"));
        assert_eq!(
            did_you_mean("trustedRegistries", keys),
            Some("trusted-registries")
        );
        assert_eq!(did_you_mean("fail_level", keys), Some("fail-level"));
        assert_eq!(did_you_mean("ignored", keys), Some("ignore"));
        assert_eq!(did_you_mean("colour", keys), None);
        assert_eq!(did_you_mean("DFL3060", ["DFL3006"]), Some("DFL3006"));
        assert_eq!(did_you_mean("warn", ["error", "warning"]), Some("warning"));
    }

    #[test]
    fn display_has_file_line_and_column() {
        let mut e = ConfigError {
            file: ".dflint.toml".into(),
            key: "selekt".into(),
            line: 4,
            column: Some(1),
            kind: ConfigErrorKind::UnknownKey,
            message: "unknown key `selekt` (did you mean `select`?)".into(),
        };
        assert_eq!(
            e.to_string(),
            ".dflint.toml:4:1: unknown key `selekt` (did you mean `select`?)"
        );
        e.column = None;
        assert!(e.to_string().starts_with(".dflint.toml:4: "));
        assert_eq!(one_of(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
