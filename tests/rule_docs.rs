//! Every rule's documentation is a test: the `## Example` Dockerfile must trigger the rule
//! and the `## Use instead` Dockerfile must not. A rule that needs configuration shows it
//! in an `## Options` section (a ```toml block of `.dflint.toml`); one that looks at the
//! build context's `.dockerignore` shows it in a ```dockerignore block (without one, the
//! context has no ignore file).

use dflint::rules::registry::RULES;
use dflint::rules::{Rule, RuleContext, RuleOptions};
use dflint::semantic::context::{DockerIgnore, IgnoreFile};
use dflint::semantic::{BuildOptions, evaluate};
use dflint::syntax::parse;

/// The first ```dockerfile block after `heading`.
fn example<'d>(docs: &'d str, heading: &str) -> Option<&'d str> {
    let section = docs.split(heading).nth(1)?;
    let section = section.split("\n## ").next()?;
    let block = section.split("```dockerfile\n").nth(1)?;
    block.split("```").next()
}

/// A fenced block of `lang` in `docs`.
fn block<'d>(docs: &'d str, lang: &str) -> Option<&'d str> {
    let block = docs.split(&format!("```{lang}\n")).nth(1)?;
    block.split("```").next()
}

/// The rule options of the `.dflint.toml` block in the docs' `## Options` section, if any.
fn options(rule: &dyn Rule) -> RuleOptions {
    let m = rule.meta();
    let Some(section) = m.docs.split("## Options").nth(1) else {
        return RuleOptions::default();
    };
    let section = section.split("\n## ").next().unwrap_or_default();
    let Some(toml) = block(section, "toml") else {
        return RuleOptions::default();
    };
    let config = dflint::config::parse_toml(toml, ".dflint.toml")
        .unwrap_or_else(|e| panic!("{}: the Options block: {e}", m.code));
    RuleOptions::from_config(&config)
}

/// The build context's ignore file: the docs' ```dockerignore block, or none.
fn ignore_file(rule: &dyn Rule) -> IgnoreFile {
    match block(rule.meta().docs, "dockerignore") {
        Some(text) => IgnoreFile::Present(DockerIgnore::parse(text)),
        None => IgnoreFile::Absent,
    }
}

fn diagnostics(rule: &dyn Rule, source: &str) -> Vec<String> {
    let parse = parse(source);
    let build = evaluate(&parse, &BuildOptions::default());
    let options = options(rule);
    let ignore_file = ignore_file(rule);
    let ctx = RuleContext {
        source,
        parse: &parse,
        build: &build,
        options: &options,
        ignore_file: &ignore_file,
        build_args: &[],
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
