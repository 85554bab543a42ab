//! Every rule's documentation is a test: the `## Example` Dockerfile must trigger the rule
//! and the `## Use instead` Dockerfile must not.

use dflint::rules::registry::RULES;
use dflint::rules::{Rule, RuleContext, RuleOptions};
use dflint::semantic::{BuildOptions, evaluate};
use dflint::syntax::parse;

/// The first ```dockerfile block after `heading`.
fn example<'d>(docs: &'d str, heading: &str) -> Option<&'d str> {
    let section = docs.split(heading).nth(1)?;
    let section = section.split("\n## ").next()?;
    let block = section.split("```dockerfile\n").nth(1)?;
    block.split("```").next()
}

fn diagnostics(rule: &dyn Rule, source: &str) -> Vec<String> {
    let parse = parse(source);
    let build = evaluate(&parse, &BuildOptions::default());
    let options = RuleOptions::default();
    let ctx = RuleContext {
        source,
        parse: &parse,
        build: &build,
        options: &options,
    };
    let mut out = Vec::new();
    rule.check(&ctx, &mut out);
    out.into_iter().map(|d| d.message).collect()
}

#[test]
fn examples_trigger_and_fixed_examples_do_not() {
    assert!(!RULES.is_empty());
    for rule in RULES {
        let m = rule.meta();
        let bad =
            example(m.docs, "## Example").unwrap_or_else(|| panic!("{}: no Example block", m.code));
        let good = example(m.docs, "## Use instead")
            .unwrap_or_else(|| panic!("{}: no Use instead block", m.code));
        assert!(
            parse(bad).errors().is_empty(),
            "{}: the Example has syntax errors",
            m.code
        );
        assert!(
            parse(good).errors().is_empty(),
            "{}: the Use instead has syntax errors",
            m.code
        );
        assert!(
            !diagnostics(*rule, bad).is_empty(),
            "{}: the Example does not trigger the rule",
            m.code
        );
        let found = diagnostics(*rule, good);
        assert!(
            found.is_empty(),
            "{}: the Use instead triggers the rule: {found:?}",
            m.code
        );
    }
}
