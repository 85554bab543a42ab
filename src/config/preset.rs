//! Presets: named starting sets of rules (`preset = "minimal"`, `--preset strict`). Every
//! preset is defined here and only here; the docs list their members from this table.

use super::RuleId;
use crate::diagnostic::RuleCategory;

/// A named set of rules that selection starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Preset {
    /// The rules that are close to certain: errors in the build and the clearest security
    /// problems, with hardly any false positives. Exactly the codes of [`MINIMAL`].
    Minimal,
    /// Every stable rule (and every preview rule with `preview = true`): the default.
    Recommended,
    /// `recommended` plus every rule in the `security` category, preview rules included.
    Security,
    /// Every rule, preview rules included.
    Strict,
}

/// The rules of the `minimal` preset: build errors that are mistakes whenever they occur,
/// prompts that hang the build, and security problems that are never intended.
pub const MINIMAL: &[&str] = &[
    "DFL1001", // copy-from-unknown-stage
    "DFL1002", // reserved-stage-name
    "DFL1005", // undefined-arg-in-from
    "DFL1006", // invalid-default-arg-in-from
    "DFL1021", // invalid-expose-port
    "DFL1024", // env-self-reference
    "DFL1040", // copy-destination-without-slash
    "DFL1043", // copy-ignored-file
    "DFL1080", // yum-install-without-yes
    "DFL1081", // dnf-install-without-yes
    "DFL1082", // zypper-install-without-non-interactive
    "DFL2101", // untrusted-registry
    "DFL2120", // sudo-in-run
    "DFL2130", // tls-verification-disabled
    "DFL2131", // signature-verification-disabled
    "DFL2132", // password-set-in-run
    "DFL3004", // apt-install-without-yes
];

impl Preset {
    /// Every preset, from the smallest to the largest.
    pub const ALL: [Preset; 4] = [
        Preset::Minimal,
        Preset::Recommended,
        Preset::Security,
        Preset::Strict,
    ];

    /// The preset names as written, in the order of [`Preset::ALL`].
    pub const NAMES: &[&str] = &["minimal", "recommended", "security", "strict"];

    /// The preset's name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Minimal => "minimal",
            Preset::Recommended => "recommended",
            Preset::Security => "security",
            Preset::Strict => "strict",
        }
    }

    /// The preset of this name.
    #[must_use]
    pub fn parse(name: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// One line saying what the preset holds, for docs and `dflint init`.
    #[must_use]
    pub fn description(self) -> &'static str {
        match self {
            Preset::Minimal => {
                "build errors and the clearest security problems: hardly any false positives"
            }
            Preset::Recommended => "every stable rule; the default",
            Preset::Security => "`recommended` plus every security rule, preview ones included",
            Preset::Strict => "every rule, preview ones included",
        }
    }

    /// Whether the preset holds the rule; `preview` is the configuration's `preview`, which
    /// adds the preview rules to `recommended` (and so to `security`).
    #[must_use]
    pub fn includes(self, rule: &RuleId<'_>, preview: bool) -> bool {
        match self {
            Preset::Minimal => MINIMAL.iter().any(|c| c.eq_ignore_ascii_case(rule.code)),
            Preset::Recommended => !rule.preview || preview,
            Preset::Security => {
                Preset::Recommended.includes(rule, preview)
                    || rule.in_category(RuleCategory::Security)
            }
            Preset::Strict => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::registry::RULES;

    fn members(preset: Preset) -> Vec<&'static str> {
        RULES
            .iter()
            .map(|r| r.meta())
            .filter(|m| preset.includes(&m.id(), false))
            .map(|m| m.code)
            .collect()
    }

    #[test]
    fn names_round_trip() {
        for (preset, name) in Preset::ALL.into_iter().zip(Preset::NAMES) {
            assert_eq!(preset.as_str(), *name);
            assert_eq!(Preset::parse(name), Some(preset));
        }
        assert_eq!(Preset::parse("Strict"), None);
    }

    #[test]
    fn minimal_names_stable_rules_only() {
        for code in MINIMAL {
            let rule = RULES
                .iter()
                .map(|r| r.meta())
                .find(|m| m.code == *code)
                .unwrap_or_else(|| panic!("{code} is no rule"));
            assert_eq!(rule.status, crate::rules::RuleStatus::Stable, "{code}");
        }
        assert!(MINIMAL.windows(2).all(|w| w[0] < w[1]), "sorted");
    }

    #[test]
    fn each_preset_holds_the_one_before() {
        let sets: Vec<Vec<&str>> = Preset::ALL.into_iter().map(members).collect();
        for pair in sets.windows(2) {
            assert!(pair[0].iter().all(|c| pair[1].contains(c)));
            assert!(pair[0].len() < pair[1].len());
        }
        assert_eq!(sets[0].len(), MINIMAL.len());
        assert_eq!(sets[3].len(), RULES.len());
        // A preview security rule is in `security`, not in `recommended`.
        assert!(sets[2].contains(&"DFL2134") && !sets[1].contains(&"DFL2134"));
    }
}
