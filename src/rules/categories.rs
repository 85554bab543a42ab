//! The further categories of rules whose concern spans more than the category of their
//! directory: one table, so that no rule file has to repeat a default.

use super::RuleCategory::{self, Reproducibility, Security, Style};

/// Rule code and the categories it belongs to besides its primary one, sorted by code.
pub static EXTRA: &[(&str, &[RuleCategory])] = &[
    // Upgrading everything installs whatever the mirror has that day.
    ("DFL1062", &[Reproducibility]),
    // Running a downloaded script runs whatever the server sends that day.
    ("DFL2133", &[Reproducibility]),
    // `.git`, `.env` and credentials end up in the image.
    ("DFL3100", &[Security]),
    // Compilers in the final image widen its attack surface.
    ("DFL3120", &[Security]),
    ("DFL3121", &[Security]),
    // A moving tag can be replaced by another image: a supply-chain risk.
    ("DFL4001", &[Security]),
    // Spelling rather than meaning.
    ("DFL5022", &[Style]),
    ("DFL5060", &[Style]),
    // A comment that turns checks off hides problems from review.
    ("DFL5064", &[Security]),
];

/// The categories of the rule with `code` besides its primary one.
#[must_use]
pub fn extra(code: &str) -> &'static [RuleCategory] {
    EXTRA
        .binary_search_by(|(c, _)| (*c).cmp(code))
        .map_or(&[], |i| EXTRA[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::registry::RULES;

    #[test]
    fn table_is_sorted_and_names_known_rules_with_new_categories() {
        assert!(EXTRA.windows(2).all(|w| w[0].0 < w[1].0), "not sorted");
        for (code, categories) in EXTRA {
            let rule = RULES
                .iter()
                .find(|r| r.meta().code == *code)
                .unwrap_or_else(|| panic!("{code} is no rule"));
            let primary = rule.meta().category;
            assert!(!categories.is_empty(), "{code}");
            assert!(
                !categories.contains(&primary),
                "{code} repeats its primary category"
            );
        }
        assert_eq!(extra("DFL4001"), &[Security]);
        assert!(extra("DFL1001").is_empty());
    }
}
