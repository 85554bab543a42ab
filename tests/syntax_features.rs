//! Focused tests of the parser's features, one group per BuildKit syntax fact: file level,
//! parser directives, line continuations, instructions, flags, exec form, ENV and LABEL
//! pairs, heredocs, FROM/ONBUILD/HEALTHCHECK, and variable references. They read the tree
//! through the typed AST views and check error codes and the exact text of error ranges.

use dflint::ast::{Dockerfile, Instruction, VarRef};
use dflint::syntax::{INSTRUCTIONS, Parse, SyntaxErrorCode, SyntaxKind, parse};

/// Parses `src` and checks the invariants every parse must keep.
fn parsed(src: &str) -> Parse {
    let p = parse(src);
    assert_eq!(p.tree().print(), src, "lossless");
    p.tree().validate().expect("well-formed tree");
    p
}

fn instructions(p: &Parse) -> Vec<Instruction<'_>> {
    Dockerfile::cast(p.tree().root())
        .expect("the root is a SOURCE_FILE")
        .instructions()
        .collect()
}

/// The first top-level instruction of a kind.
fn first(p: &Parse, kind: SyntaxKind) -> Instruction<'_> {
    instructions(p)
        .into_iter()
        .find(|i| i.kind() == kind)
        .unwrap_or_else(|| panic!("no {kind:?} in the file"))
}

/// Each error as its code and the source text its range covers.
fn errors<'s>(src: &'s str, p: &Parse) -> Vec<(SyntaxErrorCode, &'s str)> {
    p.errors()
        .iter()
        .map(|e| (e.code, &src[e.range.as_usize()]))
        .collect()
}

/// The kinds of the root's direct children, tokens included.
fn top_kinds(p: &Parse) -> Vec<SyntaxKind> {
    p.tree()
        .root()
        .children_with_tokens()
        .map(|e| e.kind())
        .collect()
}

/// The variable references of all words in an ENV instruction, with the key they belong to.
fn env_vars<'t>(instr: Instruction<'t>) -> Vec<(String, VarRef<'t>)> {
    instr
        .key_values()
        .flat_map(|kv| {
            let key = kv.key().map(|k| k.text()).unwrap_or_default();
            kv.value()
                .into_iter()
                .flat_map(|v| v.variables().collect::<Vec<_>>())
                .map(move |v| (key.clone(), v))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// File level: BOM, line endings, tabs, final newline, shebang.
// ---------------------------------------------------------------------------------------

#[test]
fn bom_is_kept_as_a_token_and_does_not_hide_the_directive() {
    let src = "\u{feff}# syntax=docker/dockerfile:1\nFROM alpine\n";
    let p = parsed(src);
    assert_eq!(top_kinds(&p)[0], SyntaxKind::BOM);
    let directive = Dockerfile::cast(p.tree().root())
        .unwrap()
        .directives()
        .next()
        .expect("the directive after the BOM is recognised");
    assert_eq!(directive.key(), Some("syntax"));
    assert_eq!(directive.value(), Some("docker/dockerfile:1"));
    assert!(p.errors().is_empty());
}

#[test]
fn bom_before_an_instruction() {
    let src = "\u{feff}FROM alpine\n";
    let p = parsed(src);
    let from = first(&p, SyntaxKind::FROM_INSTR);
    assert_eq!(from.keyword(), "FROM");
    assert_eq!(&src[from.keyword_range().unwrap().as_usize()], "FROM");
    assert!(p.errors().is_empty());
}

#[test]
fn crlf_and_lf_line_endings() {
    let src = "FROM alpine\r\nRUN echo a \\\r\n  b\nCMD [\"x\"]\r\n";
    let p = parsed(src);
    let newlines: Vec<&str> = p
        .tree()
        .root()
        .children_with_tokens()
        .filter(|e| e.kind() == SyntaxKind::NEWLINE)
        .map(|e| e.text())
        .collect();
    assert_eq!(newlines, ["\r\n", "\n", "\r\n"]);
    let run = first(&p, SyntaxKind::RUN_INSTR);
    // The continuation's newline is `\r\n` and is not part of the logical line.
    assert_eq!(run.shell_form().unwrap().text(), "echo a   b");
    assert_eq!(
        first(&p, SyntaxKind::CMD_INSTR)
            .exec_form()
            .unwrap()
            .strings(),
        ["x"]
    );
    assert!(p.errors().is_empty());
}

#[test]
fn tabs_separate_keywords_and_words() {
    let src = "FROM\talpine\tAS\tbase\n\tRUN\techo\n";
    let p = parsed(src);
    let from = first(&p, SyntaxKind::FROM_INSTR);
    assert_eq!(from.from_image().unwrap().text(), "alpine");
    assert_eq!(from.from_stage_name().unwrap().text(), "base");
    let run = first(&p, SyntaxKind::RUN_INSTR);
    assert_eq!(run.keyword(), "RUN");
    assert_eq!(run.shell_form().unwrap().text(), "echo");
    assert!(p.errors().is_empty());
}

#[test]
fn missing_final_newline() {
    let src = "FROM alpine\nRUN echo done";
    let p = parsed(src);
    let run = first(&p, SyntaxKind::RUN_INSTR);
    assert_eq!(run.range().end as usize, src.len());
    assert_eq!(top_kinds(&p).last(), Some(&SyntaxKind::RUN_INSTR));
    assert!(p.errors().is_empty());
}

#[test]
fn empty_and_comment_only_files_have_no_instructions() {
    for src in ["", "\n\n", "# only a comment\n"] {
        let p = parsed(src);
        assert_eq!(
            p.errors().iter().map(|e| e.code).collect::<Vec<_>>(),
            [SyntaxErrorCode::NoInstructions],
            "{src:?}"
        );
    }
}

#[test]
fn shebang_only_on_the_first_line() {
    let src = "#!/usr/bin/env docker-build\n# syntax=docker/dockerfile:1\nFROM alpine\n#!/bin/sh\n";
    let p = parsed(src);
    let kinds = top_kinds(&p);
    assert_eq!(kinds[0], SyntaxKind::SHEBANG);
    assert_eq!(
        kinds.iter().filter(|&&k| k == SyntaxKind::SHEBANG).count(),
        1
    );
    // Directive detection skips the shebang, so the syntax directive still counts.
    let directives: Vec<_> = Dockerfile::cast(p.tree().root())
        .unwrap()
        .directives()
        .collect();
    assert_eq!(directives.len(), 1);
    assert_eq!(directives[0].value(), Some("docker/dockerfile:1"));
    // A later `#!` line is a plain comment.
    let last_comment = p
        .tree()
        .root()
        .children_with_tokens()
        .filter(|e| e.kind() == SyntaxKind::COMMENT)
        .last()
        .unwrap();
    assert_eq!(last_comment.text(), "#!/bin/sh");
}

#[test]
fn escape_directive_after_a_shebang_has_no_effect() {
    // BuildKit's instruction parser ends its directive block at the shebang line.
    let src = "#!/bin/dockerfile\n# escape=`\nFROM alpine\nRUN echo a \\\n  b\n";
    let p = parsed(src);
    assert_eq!(p.escape(), '\\');
    let run = first(&p, SyntaxKind::RUN_INSTR);
    assert_eq!(run.shell_form().unwrap().text(), "echo a   b");
    assert!(p.errors().is_empty());
}

// ---------------------------------------------------------------------------------------
// Parser directives.
// ---------------------------------------------------------------------------------------

#[test]
fn directives_are_recognised_in_any_case_with_spaces() {
    let src = "# SYNTAX = docker/dockerfile:1.7\n#escape=`\n  #  Check=skip=all;error=true  \nFROM alpine\n";
    let p = parsed(src);
    let directives: Vec<_> = Dockerfile::cast(p.tree().root())
        .unwrap()
        .directives()
        .map(|d| (d.key().unwrap(), d.value().unwrap()))
        .collect();
    assert_eq!(
        directives,
        [
            ("SYNTAX", "docker/dockerfile:1.7"),
            ("escape", "`"),
            ("Check", "skip=all;error=true"),
        ]
    );
    assert_eq!(p.escape(), '`');
    assert!(p.errors().is_empty());
}

#[test]
fn what_ends_the_directive_block() {
    // Each line between the first directive and `# escape=` ends the block, so the escape
    // directive is a plain comment and the escape character stays a backslash.
    for ender in ["", "# a plain comment", "# foo=bar", "FROM alpine"] {
        let src = format!("# syntax=docker/dockerfile:1\n{ender}\n# escape=`\nFROM alpine\n");
        let p = parsed(&src);
        let directives: Vec<_> = Dockerfile::cast(p.tree().root())
            .unwrap()
            .directives()
            .map(|d| d.key().unwrap())
            .collect();
        assert_eq!(directives, ["syntax"], "ended by {ender:?}");
        assert_eq!(p.escape(), '\\', "ended by {ender:?}");
        let escape_comment = p
            .tree()
            .root()
            .children_with_tokens()
            .find(|e| e.text() == "# escape=`");
        assert_eq!(
            escape_comment.map(|e| e.kind()),
            Some(SyntaxKind::COMMENT),
            "ended by {ender:?}"
        );
        assert!(p.errors().is_empty(), "ended by {ender:?}");
    }
}

#[test]
fn a_directive_after_an_instruction_is_a_comment() {
    let src = "FROM alpine\n# escape=`\nRUN echo \\\n  hi\n";
    let p = parsed(src);
    assert_eq!(p.escape(), '\\');
    assert_eq!(
        first(&p, SyntaxKind::RUN_INSTR)
            .shell_form()
            .unwrap()
            .text(),
        "echo   hi"
    );
}

#[test]
fn duplicate_directives_are_errors_on_the_key() {
    let src = "# syntax=a\n# Syntax=b\n# check=skip=all\n# CHECK=error=true\nFROM alpine\n";
    let p = parsed(src);
    assert_eq!(
        errors(src, &p),
        [
            (SyntaxErrorCode::DuplicateDirective, "Syntax"),
            (SyntaxErrorCode::DuplicateDirective, "CHECK"),
        ]
    );
    assert_eq!(
        p.errors()[0].message,
        "only one syntax parser directive can be used"
    );
}

#[test]
fn invalid_escape_value_is_an_error_on_the_value() {
    let src = "# escape=/\nFROM alpine\n";
    let p = parsed(src);
    assert_eq!(
        errors(src, &p),
        [(SyntaxErrorCode::InvalidEscapeDirective, "/")]
    );
    assert_eq!(p.escape(), '\\');
}

#[test]
fn backtick_escape_applies_to_the_rest_of_the_file() {
    let src =
        "# escape=`\nFROM alpine\nWORKDIR C:\\\nRUN dir `\n  c:\\\nENV A=`$HOME B=\"x`\"y\"\n";
    let p = parsed(src);
    assert_eq!(p.escape(), '`');
    // A trailing backslash is literal text, not a continuation.
    let workdir = first(&p, SyntaxKind::WORKDIR_INSTR);
    assert_eq!(workdir.words().next().unwrap().text(), "C:\\");
    // The backtick continues the line.
    let run = first(&p, SyntaxKind::RUN_INSTR);
    assert_eq!(run.shell_form().unwrap().text(), "dir   c:\\");
    // The backtick escapes `$` and `"`.
    let env = first(&p, SyntaxKind::ENV_INSTR);
    let values: Vec<String> = env
        .key_values()
        .map(|kv| kv.value().unwrap().unquoted('`'))
        .collect();
    assert_eq!(values, ["$HOME", "x\"y"]);
    assert!(env_vars(env).is_empty(), "`$ is an escape, not a variable");
    let escapes: Vec<&str> = env
        .syntax()
        .tokens()
        .filter(|t| t.kind() == SyntaxKind::ESCAPE)
        .map(|t| t.text())
        .collect();
    assert_eq!(escapes, ["`$", "`\""]);
    assert!(p.errors().is_empty());
}

// ---------------------------------------------------------------------------------------
// Line continuations.
// ---------------------------------------------------------------------------------------

#[test]
fn continuation_joins_lines_without_adding_spaces() {
    let src = "FROM alpine\nRUN apk add \\\n      curl \\  \ngit\n";
    let p = parsed(src);
    let run = first(&p, SyntaxKind::RUN_INSTR);
    assert_eq!(run.shell_form().unwrap().text(), "apk add       curl git");
    let continuations: Vec<&str> = run
        .syntax()
        .descendants_with_tokens()
        .filter(|e| e.kind() == SyntaxKind::LINE_CONTINUATION)
        .map(|e| e.text())
        .collect();
    // Blanks after the escape character belong to the continuation.
    assert_eq!(continuations, ["\\\n", "\\  \n"]);
}

#[test]
fn comment_and_empty_lines_inside_a_continued_instruction_are_skipped() {
    let src = "FROM alpine\nRUN echo hello \\\n# a comment \\\n\n  \t\n  # indented\n    world\nUSER me\n";
    let p = parsed(src);
    let run = first(&p, SyntaxKind::RUN_INSTR);
    assert_eq!(run.shell_form().unwrap().text(), "echo hello     world");
    let skipped: Vec<&str> = run
        .syntax()
        .descendants_with_tokens()
        .filter(|e| e.kind() == SyntaxKind::SKIPPED_LINE)
        .map(|e| e.text())
        .collect();
    assert_eq!(
        skipped,
        ["# a comment \\\n", "\n", "  \t\n", "  # indented\n"]
    );
    // The comment ending in a backslash does not continue: USER is its own instruction.
    assert_eq!(first(&p, SyntaxKind::USER_INSTR).keyword(), "USER");
    assert!(p.errors().is_empty());
}

#[test]
fn keyword_split_across_a_continuation() {
    let src = "FR\\\nOM alpine\nRU\\\n# between\nN echo split\n";
    let p = parsed(src);
    let is = instructions(&p);
    assert_eq!(is.len(), 2);
    assert_eq!(is[0].kind(), SyntaxKind::FROM_INSTR);
    assert_eq!(is[0].keyword(), "FROM");
    assert_eq!(&src[is[0].keyword_range().unwrap().as_usize()], "FR\\\nOM");
    assert_eq!(is[0].from_image().unwrap().text(), "alpine");
    assert_eq!(is[1].kind(), SyntaxKind::RUN_INSTR);
    assert_eq!(is[1].keyword(), "RUN");
    assert_eq!(is[1].shell_form().unwrap().text(), "echo split");
    assert!(p.errors().is_empty());
}

#[test]
fn continuation_at_end_of_file() {
    for src in [
        "FROM alpine\nRUN echo something \\",
        "FROM alpine\nRUN echo something \\\n",
    ] {
        let p = parsed(src);
        let run = first(&p, SyntaxKind::RUN_INSTR);
        assert_eq!(
            run.shell_form().unwrap().text(),
            "echo something",
            "{src:?}"
        );
        assert_eq!(run.range().end as usize, src.len(), "{src:?}");
        assert!(p.errors().is_empty(), "{src:?}");
    }
}

#[test]
fn a_line_ending_in_two_escape_characters_is_not_continued() {
    let src = "FROM alpine\nRUN echo C:\\\\\nRUN echo next \\\\  \nUSER root\n";
    let p = parsed(src);
    let kinds: Vec<SyntaxKind> = instructions(&p).iter().map(|i| i.kind()).collect();
    assert_eq!(
        kinds,
        [
            SyntaxKind::FROM_INSTR,
            SyntaxKind::RUN_INSTR,
            SyntaxKind::RUN_INSTR,
            SyntaxKind::USER_INSTR,
        ]
    );
    assert_eq!(
        instructions(&p)[1].shell_form().unwrap().text(),
        "echo C:\\\\"
    );
    assert!(p.errors().is_empty());
}

#[test]
fn a_line_of_only_the_escape_character_keeps_the_continuation() {
    let src = "\\\nFROM alpine\nRUN echo a \\\n\\\n  b\n";
    let p = parsed(src);
    let is = instructions(&p);
    assert_eq!(is.len(), 2);
    assert_eq!(is[0].keyword(), "FROM");
    assert_eq!(is[1].shell_form().unwrap().text(), "echo a   b");
    assert!(p.errors().is_empty());
}

// ---------------------------------------------------------------------------------------
// Instructions.
// ---------------------------------------------------------------------------------------

/// A minimal valid line for each instruction.
fn sample_arguments(keyword: &str) -> &'static str {
    match keyword {
        "FROM" => "alpine",
        "RUN" | "CMD" | "ENTRYPOINT" => "echo hi",
        "LABEL" | "ENV" | "ARG" => "a=b",
        "MAINTAINER" => "me",
        "EXPOSE" => "80",
        "ADD" | "COPY" => "a b",
        "VOLUME" | "WORKDIR" => "/data",
        "USER" => "root",
        "ONBUILD" => "RUN echo later",
        "STOPSIGNAL" => "SIGTERM",
        "HEALTHCHECK" => "NONE",
        "SHELL" => "[\"/bin/sh\", \"-c\"]",
        other => panic!("no sample for {other}"),
    }
}

#[test]
fn every_instruction_in_any_case() {
    assert_eq!(INSTRUCTIONS.len(), 18);
    for &(keyword, kind) in INSTRUCTIONS {
        let mixed: String = keyword
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i % 2 == 0 {
                    c.to_ascii_lowercase()
                } else {
                    c
                }
            })
            .collect();
        for spelling in [keyword.to_string(), keyword.to_ascii_lowercase(), mixed] {
            let src = format!("FROM base\n{spelling} {}\n", sample_arguments(keyword));
            let p = parsed(&src);
            let is = instructions(&p);
            assert_eq!(is.len(), 2, "{src:?}");
            assert_eq!(is[1].kind(), kind, "{src:?}");
            assert_eq!(is[1].keyword(), spelling, "the keyword keeps its case");
            assert_eq!(kind.keyword(), Some(keyword));
            assert!(p.errors().is_empty(), "{src:?}: {:?}", p.errors());
        }
    }
}

#[test]
fn unknown_instruction_is_an_error_node_with_a_suggestion() {
    let src = "FROM alpine\nRUNN echo typo\nimport x\n";
    let p = parsed(src);
    let is = instructions(&p);
    assert_eq!(is[1].kind(), SyntaxKind::ERROR);
    assert_eq!(is[1].keyword(), "RUNN");
    assert_eq!(is[2].kind(), SyntaxKind::ERROR);
    assert_eq!(
        errors(src, &p),
        [
            (SyntaxErrorCode::UnknownInstruction, "RUNN"),
            (SyntaxErrorCode::UnknownInstruction, "import"),
        ]
    );
    assert_eq!(
        p.errors()[0].message,
        "unknown instruction: RUNN (did you mean RUN?)"
    );
    assert_eq!(p.errors()[0].help.as_deref(), Some("did you mean `RUN`?"));
    assert_eq!(p.errors()[1].message, "unknown instruction: import");
    assert_eq!(p.errors()[1].help, None);
}

#[test]
fn only_arg_may_come_before_from() {
    let src = "ARG V=1\nCOPY a b\nRUN x\nFROM alpine:$V\n";
    let p = parsed(src);
    // Reported once, on the keyword of the first offending instruction.
    assert_eq!(
        errors(src, &p),
        [(SyntaxErrorCode::InstructionBeforeFrom, "COPY")]
    );
}

#[test]
fn instruction_before_from_covers_a_split_keyword() {
    let src = "R\\\nUN x\nFROM alpine";
    let p = parsed(src);
    assert_eq!(
        errors(src, &p),
        [(SyntaxErrorCode::InstructionBeforeFrom, "R\\\nUN")]
    );
}

#[test]
fn missing_arguments_are_reported_on_the_keyword() {
    let src = "FROM alpine\nUSER\nCOPY one\nEXPOSE\n";
    let p = parsed(src);
    assert_eq!(
        errors(src, &p),
        [
            (SyntaxErrorCode::MissingArguments, "USER"),
            (SyntaxErrorCode::MissingArguments, "COPY"),
            (SyntaxErrorCode::MissingArguments, "EXPOSE"),
        ]
    );
}

// ---------------------------------------------------------------------------------------
// Flags.
// ---------------------------------------------------------------------------------------

#[test]
fn run_mount_options_are_key_value_pairs() {
    let src = "FROM alpine\nRUN --mount=type=cache,target=/root/.cache,sharing=locked,ro --network=none --security=insecure pip install x\n";
    let p = parsed(src);
    let run = first(&p, SyntaxKind::RUN_INSTR);
    let flags: Vec<String> = run.flags().map(|f| f.name()).collect();
    assert_eq!(flags, ["mount", "network", "security"]);
    let mount = run.flag("mount").unwrap();
    let options: Vec<(String, Option<String>)> = mount
        .mount_options()
        .map(|kv| (kv.key().unwrap().text(), kv.value().map(|v| v.text())))
        .collect();
    assert_eq!(
        options,
        [
            ("type".to_string(), Some("cache".to_string())),
            ("target".to_string(), Some("/root/.cache".to_string())),
            ("sharing".to_string(), Some("locked".to_string())),
            ("ro".to_string(), None),
        ]
    );
    assert_eq!(run.flag("network").unwrap().value().unwrap().text(), "none");
    assert_eq!(
        run.flag("security").unwrap().value_text().as_deref(),
        Some("insecure")
    );
    assert_eq!(run.shell_form().unwrap().text(), "pip install x");
    assert!(p.errors().is_empty());
}

#[test]
fn run_flag_value_errors_cover_the_value() {
    let src =
        "FROM alpine\nRUN --network=bogus --security=maybe --mount=type=volume,tagret=/x,z true\n";
    let p = parsed(src);
    assert_eq!(
        errors(src, &p),
        [
            (SyntaxErrorCode::InvalidFlagValue, "bogus"),
            (SyntaxErrorCode::InvalidFlagValue, "maybe"),
            (SyntaxErrorCode::InvalidFlagValue, "volume"),
            (SyntaxErrorCode::InvalidFlagValue, "tagret"),
            (SyntaxErrorCode::InvalidFlagValue, "z"),
        ]
    );
    let tagret = &p.errors()[3];
    assert_eq!(tagret.help.as_deref(), Some("did you mean `target`?"));
}

#[test]
fn run_network_with_a_variable_is_not_checked() {
    let src = "FROM alpine\nRUN --network=$NET echo\n";
    let p = parsed(src);
    assert!(p.errors().is_empty());
}

#[test]
fn copy_and_add_accept_their_flags() {
    let src = "FROM alpine AS build\nFROM alpine\n\
COPY --from=build --chown=app:app --chmod=0755 --link --parents=true --exclude=*.md --exclude=*.txt src/ /dst/\n\
ADD --checksum=sha256:abc --chown=1:1 --chmod=644 --link=false --keep-git-dir=true --unpack=TRUE --exclude=*.tmp https://example.com/a.tar /a\n";
    let p = parsed(src);
    let copy = first(&p, SyntaxKind::COPY_INSTR);
    let names: Vec<String> = copy.flags().map(|f| f.name()).collect();
    assert_eq!(
        names,
        [
            "from", "chown", "chmod", "link", "parents", "exclude", "exclude"
        ]
    );
    assert!(!copy.flag("link").unwrap().has_value());
    assert_eq!(copy.flag("from").unwrap().value().unwrap().text(), "build");
    let words: Vec<String> = copy.words().map(|w| w.text()).collect();
    assert_eq!(words, ["src/", "/dst/"]);
    let add = first(&p, SyntaxKind::ADD_INSTR);
    let names: Vec<String> = add.flags().map(|f| f.name()).collect();
    assert_eq!(
        names,
        [
            "checksum",
            "chown",
            "chmod",
            "link",
            "keep-git-dir",
            "unpack",
            "exclude"
        ]
    );
    assert!(p.errors().is_empty(), "{:?}", p.errors());
}

#[test]
fn copy_and_add_flags_are_not_interchangeable() {
    let src = "FROM alpine\nCOPY --checksum=sha256:abc a b\nADD --from=build --parents a b\n";
    let p = parsed(src);
    assert_eq!(
        errors(src, &p),
        [
            (SyntaxErrorCode::UnknownFlag, "--checksum"),
            (SyntaxErrorCode::UnknownFlag, "--from"),
            (SyntaxErrorCode::UnknownFlag, "--parents"),
        ]
    );
}

#[test]
fn quoted_flag_value() {
    let src = "FROM alpine\nCOPY --chown=\"app user\" a b\n";
    let p = parsed(src);
    let chown = first(&p, SyntaxKind::COPY_INSTR).flag("chown").unwrap();
    assert_eq!(chown.value().unwrap().text(), "\"app user\"");
    assert_eq!(chown.value().unwrap().unquoted('\\'), "app user");
    assert!(p.errors().is_empty());
}

#[test]
fn from_platform_flag() {
    let src =
        "FROM --platform=$BUILDPLATFORM golang AS build\nFROM --plattform=linux/arm64 alpine\n";
    let p = parsed(src);
    let from = first(&p, SyntaxKind::FROM_INSTR);
    let platform = from.flag("platform").unwrap();
    let var = platform.value().unwrap().variables().next().unwrap();
    assert_eq!(var.name(), Some("BUILDPLATFORM"));
    assert_eq!(from.from_image().unwrap().text(), "golang");
    assert_eq!(
        errors(src, &p),
        [(SyntaxErrorCode::UnknownFlag, "--plattform")]
    );
    assert_eq!(
        p.errors()[0].help.as_deref(),
        Some("did you mean `--platform`?")
    );
}

#[test]
fn healthcheck_durations() {
    let good = "FROM alpine\nHEALTHCHECK --interval=30s --timeout=1m30s --start-period=1.5h --start-interval=500ms --retries=3 CMD true\n\
HEALTHCHECK --interval=0 --timeout= --retries= CMD true\n";
    let p = parsed(good);
    assert!(p.errors().is_empty(), "{:?}", p.errors());

    let bad = "FROM alpine\nHEALTHCHECK --interval=30 --timeout=3x --start-period=abc --start-interval=10us --retries=-1 CMD true\n";
    let p = parsed(bad);
    assert_eq!(
        errors(bad, &p),
        [
            (SyntaxErrorCode::InvalidFlagValue, "30"),
            (SyntaxErrorCode::InvalidFlagValue, "3x"),
            (SyntaxErrorCode::InvalidFlagValue, "abc"),
            (SyntaxErrorCode::InvalidFlagValue, "10us"),
            (SyntaxErrorCode::InvalidFlagValue, "-1"),
        ]
    );
    let messages: Vec<&str> = p.errors().iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "time: missing unit in duration \"30\"",
            "time: unknown unit \"x\" in duration \"3x\"",
            "time: invalid duration \"abc\"",
            "Interval \"start-interval\" cannot be less than 1ms",
            "--retries cannot be negative (-1)",
        ]
    );
}

#[test]
fn unknown_flag_is_kept_as_a_flag_node_with_a_precise_error() {
    let src = "FROM alpine\nCOPY --chwon=app a b\n";
    let p = parsed(src);
    let copy = first(&p, SyntaxKind::COPY_INSTR);
    let flag = copy
        .flags()
        .next()
        .expect("the unknown flag is a FLAG node");
    assert_eq!(flag.name(), "chwon");
    assert_eq!(flag.value().unwrap().text(), "app");
    let error = &p.errors()[0];
    assert_eq!(error.code, SyntaxErrorCode::UnknownFlag);
    assert_eq!(&src[error.range.as_usize()], "--chwon");
    assert_eq!(Some(error.range), flag.name_range());
    assert_eq!(error.message, "unknown flag: chwon (did you mean chown?)");
    assert_eq!(error.help.as_deref(), Some("did you mean `--chown`?"));
    // The words after the flag are still the sources and destination.
    assert_eq!(copy.words().count(), 2);
}

#[test]
fn flag_names_are_case_sensitive() {
    let src = "FROM alpine\nCOPY --Chown=app a b\n";
    let p = parsed(src);
    assert_eq!(errors(src, &p), [(SyntaxErrorCode::UnknownFlag, "--Chown")]);
}

#[test]
fn duplicate_missing_and_bad_bool_flags() {
    let src = "FROM alpine\nCOPY --from=a --from=b a b\nCOPY --exclude=a --exclude=b a b\nCOPY --from a b\nCOPY --link= a b\nCOPY --link=yes a b\n";
    let p = parsed(src);
    assert_eq!(
        errors(src, &p),
        [
            (SyntaxErrorCode::DuplicateFlag, "--from"),
            (SyntaxErrorCode::FlagMissingValue, "--from"),
            (SyntaxErrorCode::FlagMissingValue, "--link="),
            (SyntaxErrorCode::InvalidFlagValue, "yes"),
        ]
    );
    assert_eq!(
        p.errors()[3].message,
        "expecting boolean value for flag link, not: yes"
    );
}

#[test]
fn arg_and_stopsignal_ignore_flags_other_instructions_reject_them() {
    let src = "ARG --foo=bar VERSION\nFROM alpine\nSTOPSIGNAL --foo SIGKILL\nUSER --foo root\n";
    let p = parsed(src);
    let arg = first(&p, SyntaxKind::ARG_INSTR);
    assert_eq!(arg.flags().next().unwrap().name(), "foo");
    assert_eq!(
        arg.key_values().next().unwrap().key().unwrap().text(),
        "VERSION"
    );
    assert_eq!(
        first(&p, SyntaxKind::STOPSIGNAL_INSTR)
            .words()
            .next()
            .unwrap()
            .text(),
        "SIGKILL"
    );
    assert_eq!(errors(src, &p), [(SyntaxErrorCode::UnknownFlag, "--foo")]);
    assert!(p.errors()[0].range.start as usize > src.find("USER").unwrap());
}

#[test]
fn flags_after_every_keyword_are_flag_nodes() {
    for &(keyword, kind) in INSTRUCTIONS {
        let src = format!(
            "FROM base\n{keyword} --foo=1 {}\n",
            sample_arguments(keyword)
        );
        let p = parsed(&src);
        let instr = instructions(&p).pop().unwrap();
        assert_eq!(instr.kind(), kind, "{src:?}");
        let flag = instr.flags().next().expect("a FLAG node");
        assert_eq!(flag.name(), "foo");
        assert_eq!(flag.value_text().as_deref(), Some("1"));
        let expected: &[(SyntaxErrorCode, &str)] =
            if matches!(kind, SyntaxKind::ARG_INSTR | SyntaxKind::STOPSIGNAL_INSTR) {
                // BuildKit extracts and drops flags on these two without checking them.
                &[]
            } else {
                &[(SyntaxErrorCode::UnknownFlag, "--foo")]
            };
        assert_eq!(errors(&src, &p), expected, "{src:?}");
    }
}

#[test]
fn a_bare_double_dash_ends_the_flags() {
    let src = "FROM alpine\nRUN -- --mount=x echo\n";
    let p = parsed(src);
    let run = first(&p, SyntaxKind::RUN_INSTR);
    assert_eq!(run.flags().count(), 0);
    assert_eq!(run.shell_form().unwrap().text(), "--mount=x echo");
    assert!(p.errors().is_empty());
}

#[test]
fn flag_split_by_a_continuation() {
    let src = "FROM alpine\nRUN --mo\\\nunt=type=cache,tar\\\nget=/x true\n";
    let p = parsed(src);
    let run = first(&p, SyntaxKind::RUN_INSTR);
    let mount = run.flag("mount").expect("joined flag name");
    assert_eq!(&src[mount.name_range().unwrap().as_usize()], "--mo\\\nunt");
    let keys: Vec<String> = mount
        .mount_options()
        .map(|kv| kv.key().unwrap().text())
        .collect();
    assert_eq!(keys, ["type", "target"]);
    assert!(p.errors().is_empty());
}

// ---------------------------------------------------------------------------------------
// Exec (JSON) form and shell form.
// ---------------------------------------------------------------------------------------

#[test]
fn exec_form_strings_are_decoded() {
    let src = "FROM alpine\nCMD [ \"a\" , \"b\\\"c\" , \"\\u00e9\", \"x\\\\y\" ]\nENTRYPOINT [\"/bin/sh\", \\\n  \"-c\"]\n";
    let p = parsed(src);
    let cmd = first(&p, SyntaxKind::CMD_INSTR);
    assert!(cmd.shell_form().is_none());
    assert_eq!(
        cmd.exec_form().unwrap().strings(),
        ["a", "b\"c", "é", "x\\y"]
    );
    assert_eq!(
        first(&p, SyntaxKind::ENTRYPOINT_INSTR)
            .exec_form()
            .unwrap()
            .strings(),
        ["/bin/sh", "-c"]
    );
    assert!(p.errors().is_empty());
}

#[test]
fn exec_form_for_every_instruction_that_has_it() {
    let src = "FROM alpine\nRUN [\"a\"]\nCMD [\"b\"]\nENTRYPOINT [\"c\"]\nSHELL [\"d\"]\nCOPY [\"e f\", \"/g h/\"]\nADD [\"i\", \"/j\"]\nVOLUME [\"/k\"]\nHEALTHCHECK CMD [\"l\"]\n";
    let p = parsed(src);
    let arrays: Vec<Vec<String>> = instructions(&p)
        .iter()
        .skip(1)
        .map(|i| i.exec_form().expect("exec form").strings())
        .collect();
    assert_eq!(
        arrays,
        [
            vec!["a"],
            vec!["b"],
            vec!["c"],
            vec!["d"],
            vec!["e f", "/g h/"],
            vec!["i", "/j"],
            vec!["/k"],
            vec!["l"],
        ]
    );
    assert!(p.errors().is_empty());
}

#[test]
fn invalid_json_falls_back_to_shell_form() {
    let src = "FROM alpine\nRUN ['echo', 'single quotes']\nCMD [\"a\", \"b\",]\nENTRYPOINT [\"unterminated\nVOLUME [/a, /b]\n";
    let p = parsed(src);
    for kind in [
        SyntaxKind::RUN_INSTR,
        SyntaxKind::CMD_INSTR,
        SyntaxKind::ENTRYPOINT_INSTR,
    ] {
        let instr = first(&p, kind);
        assert!(instr.exec_form().is_none(), "{kind:?}");
        assert!(instr.shell_form().is_some(), "{kind:?}");
    }
    assert_eq!(
        first(&p, SyntaxKind::RUN_INSTR)
            .shell_form()
            .unwrap()
            .text(),
        "['echo', 'single quotes']"
    );
    // VOLUME falls back to whitespace-separated words.
    let volume: Vec<String> = first(&p, SyntaxKind::VOLUME_INSTR)
        .words()
        .map(|w| w.text())
        .collect();
    assert_eq!(volume, ["[/a,", "/b]"]);
    assert!(p.errors().is_empty());
}

#[test]
fn non_string_elements_are_errors_on_each_element() {
    let src = "FROM alpine\nCMD [\"sleep\", 10]\nENTRYPOINT [\"a\", true, null, {\"k\": 1}]\n";
    let p = parsed(src);
    assert_eq!(
        errors(src, &p),
        [
            (SyntaxErrorCode::NonStringJsonArray, "10"),
            (SyntaxErrorCode::NonStringJsonArray, "true"),
            (SyntaxErrorCode::NonStringJsonArray, "null"),
            (SyntaxErrorCode::NonStringJsonArray, "{\"k\": 1}"),
        ]
    );
    // It is still exec form, with only the strings decoded.
    assert_eq!(
        first(&p, SyntaxKind::CMD_INSTR)
            .exec_form()
            .unwrap()
            .strings(),
        ["sleep"]
    );
}

#[test]
fn shell_requires_json() {
    let src = "FROM alpine\nSHELL /bin/bash -c\nSHELL ['/bin/bash', '-c']\nSHELL []\nSHELL [\"/bin/bash\", \"-c\"]\n";
    let p = parsed(src);
    assert_eq!(
        errors(src, &p),
        [
            (SyntaxErrorCode::ShellNotJson, "/bin/bash -c"),
            (SyntaxErrorCode::ShellNotJson, "['/bin/bash', '-c']"),
            (SyntaxErrorCode::MissingArguments, "SHELL"),
        ]
    );
    let last = instructions(&p).pop().unwrap();
    assert_eq!(last.exec_form().unwrap().strings(), ["/bin/bash", "-c"]);
}

#[test]
fn shell_form_keeps_the_command_raw() {
    let src = "FROM alpine\nRUN echo '$HOME' \"${X:-y}\" # not a comment\n";
    let p = parsed(src);
    let run = first(&p, SyntaxKind::RUN_INSTR);
    assert_eq!(
        run.shell_form().unwrap().text(),
        "echo '$HOME' \"${X:-y}\" # not a comment"
    );
    // RUN is not expanded by the builder, so no VAR nodes are made.
    assert!(
        !run.syntax()
            .descendants_with_tokens()
            .any(|e| e.kind() == SyntaxKind::VAR)
    );
}

// ---------------------------------------------------------------------------------------
// ENV and LABEL pairs.
// ---------------------------------------------------------------------------------------

#[test]
fn env_and_label_pairs_with_quotes_and_escapes() {
    let src = "FROM alpine\nENV A=1 B=\"two words\" C='single $quoted' D=esc\\ aped E=\"q\\\"uote\" F=\nLABEL \"com.example.vendor\"=\"ACME Inc\" description=\"multi \\\n  line\"\n";
    let p = parsed(src);
    let env = first(&p, SyntaxKind::ENV_INSTR);
    let pairs: Vec<(String, String)> = env
        .key_values()
        .map(|kv| {
            assert!(kv.has_equals());
            (
                kv.key().unwrap().unquoted('\\'),
                kv.value().map(|v| v.unquoted('\\')).unwrap_or_default(),
            )
        })
        .collect();
    let expected = [
        ("A", "1"),
        ("B", "two words"),
        ("C", "single $quoted"),
        ("D", "esc aped"),
        ("E", "q\"uote"),
        ("F", ""),
    ];
    assert_eq!(pairs, expected.map(|(k, v)| (k.to_string(), v.to_string())));
    let label = first(&p, SyntaxKind::LABEL_INSTR);
    let pairs: Vec<(String, String)> = label
        .key_values()
        .map(|kv| {
            (
                kv.key().unwrap().unquoted('\\'),
                kv.value().unwrap().unquoted('\\'),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("com.example.vendor".to_string(), "ACME Inc".to_string()),
            ("description".to_string(), "multi   line".to_string()),
        ]
    );
    assert!(p.errors().is_empty());
}

#[test]
fn legacy_env_form_takes_the_rest_of_the_line() {
    let src = "FROM alpine\nENV JAVA_HOME /usr/lib/jvm/default  java\nLABEL maintainer Jane Doe\n";
    let p = parsed(src);
    for (kind, key, value) in [
        (
            SyntaxKind::ENV_INSTR,
            "JAVA_HOME",
            "/usr/lib/jvm/default  java",
        ),
        (SyntaxKind::LABEL_INSTR, "maintainer", "Jane Doe"),
    ] {
        let kv = first(&p, kind).key_values().next().unwrap();
        assert!(!kv.has_equals());
        assert_eq!(kv.key().unwrap().text(), key);
        assert_eq!(kv.value().unwrap().text(), value);
    }
    assert!(p.errors().is_empty());
}

#[test]
fn legacy_env_without_a_value() {
    let src = "FROM alpine\nENV ONLYKEY\n";
    let p = parsed(src);
    assert_eq!(
        errors(src, &p),
        [(SyntaxErrorCode::MissingArguments, "ONLYKEY")]
    );
    assert_eq!(p.errors()[0].message, "ENV must have two arguments");
}

#[test]
fn a_pair_without_equals_is_an_error() {
    let src = "FROM alpine\nENV A=1 B C=3\nLABEL a=b orphan\n";
    let p = parsed(src);
    assert_eq!(
        errors(src, &p),
        [
            (SyntaxErrorCode::MissingEquals, "B"),
            (SyntaxErrorCode::MissingEquals, "orphan"),
        ]
    );
    assert_eq!(
        p.errors()[0].message,
        "Syntax error - can't find = in \"B\". Must be of the form: name=value"
    );
    // The good pairs around the bad word are still pairs.
    let keys: Vec<String> = first(&p, SyntaxKind::ENV_INSTR)
        .key_values()
        .map(|kv| kv.key().unwrap().text())
        .collect();
    assert_eq!(keys, ["A", "C"]);
}

#[test]
fn blank_names_are_errors() {
    let src = "FROM alpine\nENV =value\nARG =x\n";
    let p = parsed(src);
    assert_eq!(
        errors(src, &p),
        [
            (SyntaxErrorCode::BlankName, "=value"),
            (SyntaxErrorCode::BlankName, "=x"),
        ]
    );
}

// ---------------------------------------------------------------------------------------
// Heredocs.
// ---------------------------------------------------------------------------------------

#[test]
fn heredoc_basic_body_and_terminator() {
    let src = "FROM alpine\nRUN <<EOF\napk add curl\necho $HOME\nEOF\nCOPY <<EOF /etc/motd\nwelcome\nEOF\nUSER me\n";
    let p = parsed(src);
    let run = first(&p, SyntaxKind::RUN_INSTR);
    let marker = run.heredoc_markers().next().unwrap();
    assert_eq!(marker.name('\\').as_deref(), Some("EOF"));
    assert!(marker.expands('\\'));
    assert!(!marker.chomp());
    assert_eq!(marker.fd(), None);
    let body = run.heredocs().next().unwrap();
    assert_eq!(body.content(false), "apk add curl\necho $HOME\n");
    assert_eq!(body.terminator(), Some("EOF"));
    let copy = first(&p, SyntaxKind::COPY_INSTR);
    assert_eq!(copy.heredocs().next().unwrap().content(false), "welcome\n");
    assert_eq!(
        copy.words().map(|w| w.text()).collect::<Vec<_>>(),
        ["/etc/motd"]
    );
    assert_eq!(
        instructions(&p).len(),
        4,
        "the body lines are not instructions"
    );
    assert!(p.errors().is_empty());
}

#[test]
fn heredoc_chomp_strips_leading_tabs() {
    let src =
        "FROM alpine\nRUN <<-EOF\n\techo tabbed\n\t\techo twice\n\tEOF\nRUN <<EOF\n\tEOF\nEOF\n";
    let p = parsed(src);
    let runs: Vec<_> = instructions(&p)
        .into_iter()
        .filter(|i| i.kind() == SyntaxKind::RUN_INSTR)
        .collect();
    let marker = runs[0].heredoc_markers().next().unwrap();
    assert!(marker.chomp());
    let body = runs[0].heredocs().next().unwrap();
    assert_eq!(body.terminator(), Some("\tEOF"));
    assert_eq!(body.content(true), "echo tabbed\necho twice\n");
    assert_eq!(body.raw_body(), "\techo tabbed\n\t\techo twice\n");
    // Without `-`, a tab-indented delimiter is body content.
    let body = runs[1].heredocs().next().unwrap();
    assert_eq!(body.content(false), "\tEOF\n");
    assert!(p.errors().is_empty());
}

#[test]
fn quoted_delimiters_disable_expansion() {
    let src = "FROM alpine\nCOPY <<'EOF' /a\n$X\nEOF\nCOPY <<\"EOF\" /b\n$X\nEOF\nCOPY <<eo'f' /c\n$X\neof\nCOPY <<PLAIN /d\n$X\nPLAIN\n";
    let p = parsed(src);
    let markers: Vec<(String, bool)> = instructions(&p)
        .iter()
        .filter_map(|i| i.heredoc_markers().next())
        .map(|m| (m.name('\\').unwrap(), m.expands('\\')))
        .collect();
    assert_eq!(
        markers,
        [
            ("EOF".to_string(), false),
            ("EOF".to_string(), false),
            ("eof".to_string(), false),
            ("PLAIN".to_string(), true),
        ]
    );
    assert!(p.errors().is_empty());
}

#[test]
fn quoted_delimiter_with_a_space() {
    let src = "FROM alpine\nRUN <<'one two'\nx\none two\n";
    let p = parsed(src);
    let run = first(&p, SyntaxKind::RUN_INSTR);
    assert_eq!(
        run.heredoc_markers().next().unwrap().name('\\').as_deref(),
        Some("one two")
    );
    assert_eq!(run.heredocs().next().unwrap().terminator(), Some("one two"));
    assert!(p.errors().is_empty());
}

#[test]
fn several_heredocs_are_read_in_order() {
    let src = "FROM alpine\nRUN <<FILE1 cat > file1 && <<FILE2 cat > file2\nfirst\nFILE1\nsecond\nFILE2\nCOPY <<X <<Y /dest/\nY\nX\nX\nY\n";
    let p = parsed(src);
    let run = first(&p, SyntaxKind::RUN_INSTR);
    let names: Vec<String> = run
        .heredoc_markers()
        .map(|m| m.name('\\').unwrap())
        .collect();
    assert_eq!(names, ["FILE1", "FILE2"]);
    let bodies: Vec<String> = run.heredocs().map(|h| h.content(false)).collect();
    assert_eq!(bodies, ["first\n", "second\n"]);
    // Each body ends only at its own delimiter: X's body holds a `Y` line and Y's an `X`.
    let copy = first(&p, SyntaxKind::COPY_INSTR);
    let bodies: Vec<String> = copy.heredocs().map(|h| h.content(false)).collect();
    assert_eq!(bodies, ["Y\n", "X\n"]);
    assert!(p.errors().is_empty());
}

#[test]
fn heredoc_file_descriptor_prefix() {
    let src = "FROM alpine\nRUN 3<<EOF cat /dev/fd/3 && 10<<-END cat /dev/fd/10\nthree\nEOF\n\tten\n\tEND\n";
    let p = parsed(src);
    let run = first(&p, SyntaxKind::RUN_INSTR);
    let markers: Vec<(Option<u32>, bool, String)> = run
        .heredoc_markers()
        .map(|m| (m.fd(), m.chomp(), m.name('\\').unwrap()))
        .collect();
    assert_eq!(
        markers,
        [
            (Some(3), false, "EOF".to_string()),
            (Some(10), true, "END".to_string()),
        ]
    );
    let bodies: Vec<String> = run.heredocs().map(|h| h.content(true)).collect();
    assert_eq!(bodies, ["three\n", "ten\n"]);
    assert!(p.errors().is_empty());
}

#[test]
fn unterminated_heredoc_runs_to_the_end_of_the_file() {
    let src = "FROM alpine\nRUN <<EOF cat\nline one\nEOF \nline two\n";
    let p = parsed(src);
    assert_eq!(
        errors(src, &p),
        [(SyntaxErrorCode::UnterminatedHeredoc, "<<EOF")]
    );
    let body = first(&p, SyntaxKind::RUN_INSTR).heredocs().next().unwrap();
    assert_eq!(body.terminator(), None);
    // `EOF ` with a trailing blank is not the delimiter.
    assert_eq!(body.raw_body(), "line one\nEOF \nline two\n");
}

#[test]
fn hash_lines_in_a_heredoc_body_are_content() {
    let src = "FROM alpine\nRUN <<EOF\n#!/bin/sh\n# not a comment\necho a \\\n\nRUNN not an instruction\nEOF\n";
    let p = parsed(src);
    let body = first(&p, SyntaxKind::RUN_INSTR).heredocs().next().unwrap();
    assert_eq!(
        body.content(false),
        "#!/bin/sh\n# not a comment\necho a \\\n\nRUNN not an instruction\n"
    );
    assert!(!body.syntax().descendants_with_tokens().any(|e| matches!(
        e.kind(),
        SyntaxKind::COMMENT | SyntaxKind::LINE_CONTINUATION
    )));
    assert!(p.errors().is_empty());
}

#[test]
fn heredocs_only_on_run_copy_add_in_shell_form() {
    let src = "FROM alpine\nUSER <<X\nX\nRUN [\"cat\", \"<<EOF\"]\nRUN echo \"<<NOT\" '<<ALSO_NOT'\nRUN cat <<<here\n";
    let p = parsed(src);
    assert!(
        !p.tree()
            .root()
            .descendants_with_tokens()
            .any(|e| matches!(e.kind(), SyntaxKind::HEREDOC_MARKER | SyntaxKind::HEREDOC))
    );
    // The line after `USER <<X` is read as an instruction.
    assert_eq!(
        errors(src, &p),
        [(SyntaxErrorCode::UnknownInstruction, "X")]
    );
    assert_eq!(
        first(&p, SyntaxKind::USER_INSTR)
            .words()
            .next()
            .unwrap()
            .text(),
        "<<X"
    );
}

#[test]
fn a_quoted_heredoc_operator_is_not_a_marker() {
    // BuildKit finds markers in the words of its shell lexer, where quotes keep `<<EOF` in
    // the word `"a <<EOF"`. COPY still splits its arguments at white space.
    let src = "FROM alpine\nCOPY \"a <<EOF\" /b\nUSER me\n";
    let p = parsed(src);
    let copy = first(&p, SyntaxKind::COPY_INSTR);
    assert_eq!(copy.heredoc_markers().count(), 0);
    assert_eq!(
        copy.words().map(|w| w.text()).collect::<Vec<_>>(),
        ["\"a", "<<EOF\"", "/b"]
    );
    assert_eq!(
        errors(src, &p),
        [
            (SyntaxErrorCode::UnterminatedQuote, "\"a"),
            (SyntaxErrorCode::UnterminatedQuote, "\""),
        ]
    );
    assert_eq!(first(&p, SyntaxKind::USER_INSTR).keyword(), "USER");
}

#[test]
fn blanks_after_the_heredoc_operator() {
    // BuildKit's lexer keeps the blanks after `<<` in the same word.
    let src =
        "FROM alpine\nRUN cat <<  EOF\nbody\nEOF\nCOPY <<\tEOF /a\nbody\nEOF\nRUN cat << <<X\n";
    let p = parsed(src);
    let run = first(&p, SyntaxKind::RUN_INSTR);
    let marker = run.heredoc_markers().next().unwrap();
    assert_eq!(&src[marker.range().as_usize()], "<<  EOF");
    assert_eq!(marker.delimiter(), Some("EOF"));
    assert_eq!(run.heredocs().next().unwrap().content(false), "body\n");
    let copy = first(&p, SyntaxKind::COPY_INSTR);
    assert_eq!(copy.heredocs().next().unwrap().terminator(), Some("EOF"));
    assert_eq!(copy.words().map(|w| w.text()).collect::<Vec<_>>(), ["/a"]);
    // `<< <<X` is one word that is no marker.
    let last = instructions(&p).pop().unwrap();
    assert_eq!(last.heredoc_markers().count(), 0);
    assert!(p.errors().is_empty());
}

#[test]
fn heredoc_after_a_continued_line_and_under_onbuild() {
    let src =
        "FROM alpine\nRUN cat <<EOF \\\n  > /out\nbody\nEOF\nONBUILD RUN <<EOF\necho later\nEOF\n";
    let p = parsed(src);
    let run = first(&p, SyntaxKind::RUN_INSTR);
    assert_eq!(run.shell_form().unwrap().text(), "cat <<EOF   > /out");
    assert_eq!(run.heredocs().next().unwrap().content(false), "body\n");
    let onbuild = first(&p, SyntaxKind::ONBUILD_INSTR);
    let trigger = onbuild.onbuild_trigger().unwrap();
    assert_eq!(trigger.kind(), SyntaxKind::RUN_INSTR);
    assert_eq!(trigger.heredoc_markers().count(), 1);
    assert_eq!(
        onbuild.heredocs().next().unwrap().content(false),
        "echo later\n"
    );
    assert!(p.errors().is_empty());
}

#[test]
fn heredoc_as_copy_destination_is_an_error() {
    let src = "FROM alpine\nCOPY a <<EOF\nx\nEOF\n";
    let p = parsed(src);
    assert_eq!(
        errors(src, &p),
        [(SyntaxErrorCode::HeredocDestination, "<<EOF")]
    );
}

#[test]
fn heredoc_with_crlf() {
    let src = "FROM alpine\r\nRUN <<EOF\r\necho hi\r\nEOF\r\nUSER me\r\n";
    let p = parsed(src);
    let body = first(&p, SyntaxKind::RUN_INSTR).heredocs().next().unwrap();
    assert_eq!(body.terminator(), Some("EOF"));
    assert_eq!(body.raw_body(), "echo hi\r\n");
    assert_eq!(instructions(&p).len(), 3);
    assert!(p.errors().is_empty());
}

// ---------------------------------------------------------------------------------------
// FROM, ONBUILD, HEALTHCHECK.
// ---------------------------------------------------------------------------------------

#[test]
fn from_image_and_stage_name() {
    let src = "FROM alpine:3.20 AS base\nFROM base as Build-1.x\n";
    let p = parsed(src);
    let froms: Vec<(String, Option<String>)> = instructions(&p)
        .iter()
        .map(|i| {
            (
                i.from_image().unwrap().text(),
                i.from_stage_name().map(|w| w.text()),
            )
        })
        .collect();
    assert_eq!(
        froms,
        [
            ("alpine:3.20".to_string(), Some("base".to_string())),
            ("base".to_string(), Some("Build-1.x".to_string())),
        ]
    );
    assert!(p.errors().is_empty());
}

#[test]
fn from_argument_errors() {
    let src = "FROM alpine AS 1stage\nFROM alpine base\nFROM alpine AS\nFROM\n";
    let p = parsed(src);
    assert_eq!(
        errors(src, &p),
        [
            (SyntaxErrorCode::InvalidStageName, "1stage"),
            (SyntaxErrorCode::InvalidFromArguments, "base"),
            (SyntaxErrorCode::InvalidFromArguments, "AS"),
            (SyntaxErrorCode::MissingArguments, "FROM"),
        ]
    );
}

#[test]
fn onbuild_wraps_an_instruction_node() {
    let src = "FROM alpine\nONBUILD COPY --chown=app . /app\nonbuild healthcheck NONE\n";
    let p = parsed(src);
    let onbuilds: Vec<_> = instructions(&p)
        .into_iter()
        .filter(|i| i.kind() == SyntaxKind::ONBUILD_INSTR)
        .collect();
    let copy = onbuilds[0].onbuild_trigger().unwrap();
    assert_eq!(copy.kind(), SyntaxKind::COPY_INSTR);
    assert_eq!(copy.keyword(), "COPY");
    assert_eq!(copy.flag("chown").unwrap().value().unwrap().text(), "app");
    assert_eq!(
        copy.words().map(|w| w.text()).collect::<Vec<_>>(),
        [".", "/app"]
    );
    let healthcheck = onbuilds[1].onbuild_trigger().unwrap();
    assert_eq!(healthcheck.kind(), SyntaxKind::HEALTHCHECK_INSTR);
    assert_eq!(healthcheck.healthcheck_type(), Some("NONE"));
    assert!(p.errors().is_empty());
}

#[test]
fn onbuild_onbuild_and_onbuild_from_are_errors() {
    let src = "FROM alpine\nONBUILD ONBUILD RUN x\nONBUILD FROM alpine\nONBUILD maintainer me\nONBUILD RUNN x\n";
    let p = parsed(src);
    assert_eq!(
        errors(src, &p),
        [
            (SyntaxErrorCode::InvalidOnbuildTrigger, "ONBUILD"),
            (SyntaxErrorCode::InvalidOnbuildTrigger, "FROM"),
            (SyntaxErrorCode::InvalidOnbuildTrigger, "maintainer"),
            (SyntaxErrorCode::UnknownInstruction, "RUNN"),
        ]
    );
    // The error on the inner ONBUILD is on the second keyword, not the outer one.
    assert_eq!(
        p.errors()[0].range.start as usize,
        src.find("ONBUILD RUN").unwrap()
    );
    let unknown = instructions(&p).pop().unwrap().onbuild_trigger().unwrap();
    assert_eq!(unknown.kind(), SyntaxKind::ERROR);
}

#[test]
fn healthcheck_none_and_cmd() {
    let src = "FROM alpine\nHEALTHCHECK NONE\nHEALTHCHECK --interval=5m --timeout=3s CMD curl -f http://localhost/ || exit 1\nhealthcheck cmd [\"true\"]\n";
    let p = parsed(src);
    let hcs: Vec<_> = instructions(&p).into_iter().skip(1).collect();
    assert_eq!(hcs[0].healthcheck_type(), Some("NONE"));
    assert!(hcs[0].shell_form().is_none() && hcs[0].exec_form().is_none());
    assert_eq!(hcs[1].healthcheck_type(), Some("CMD"));
    let flags: Vec<(String, String)> = hcs[1]
        .flags()
        .map(|f| (f.name(), f.value().unwrap().text()))
        .collect();
    assert_eq!(
        flags,
        [
            ("interval".to_string(), "5m".to_string()),
            ("timeout".to_string(), "3s".to_string()),
        ]
    );
    assert_eq!(
        hcs[1].shell_form().unwrap().text(),
        "curl -f http://localhost/ || exit 1"
    );
    assert_eq!(hcs[2].healthcheck_type(), Some("cmd"));
    assert_eq!(hcs[2].exec_form().unwrap().strings(), ["true"]);
    assert!(p.errors().is_empty());
}

#[test]
fn healthcheck_errors() {
    let src =
        "FROM alpine\nHEALTHCHECK NONE extra\nHEALTHCHECK CMD\nHEALTHCHECK RUN echo\nHEALTHCHECK\n";
    let p = parsed(src);
    assert_eq!(
        errors(src, &p),
        [
            (SyntaxErrorCode::TooManyArguments, "extra"),
            (SyntaxErrorCode::InvalidHealthcheck, "CMD"),
            (SyntaxErrorCode::InvalidHealthcheck, "RUN"),
            (SyntaxErrorCode::MissingArguments, "HEALTHCHECK"),
        ]
    );
}

// ---------------------------------------------------------------------------------------
// Variable references.
// ---------------------------------------------------------------------------------------

#[test]
fn every_substitution_form() {
    let src = "FROM alpine\nENV A=$a B=${a} C=${a:-b} D=${a:+b} E=${a-b} F=${a+b} G=${a#p} H=${a##p} I=${a%p} J=${a%%p} K=${a/p/r} L=${a//p/r} M=${a:?m} N=${a?m}\n";
    let p = parsed(src);
    // Each variable as `key: braced name operator [arguments]`.
    let vars: Vec<String> = env_vars(first(&p, SyntaxKind::ENV_INSTR))
        .into_iter()
        .map(|(key, v)| {
            let args: Vec<&str> = v.arguments().map(|a| a.text()).collect();
            format!(
                "{key}: {} {} {} {args:?}",
                v.is_braced(),
                v.name().unwrap_or("?"),
                v.operator().unwrap_or("none")
            )
        })
        .collect();
    let expected = [
        "A: false a none []",
        "B: true a none []",
        "C: true a :- [\"b\"]",
        "D: true a :+ [\"b\"]",
        "E: true a - [\"b\"]",
        "F: true a + [\"b\"]",
        "G: true a # [\"p\"]",
        "H: true a ## [\"p\"]",
        "I: true a % [\"p\"]",
        "J: true a %% [\"p\"]",
        "K: true a / [\"p\", \"r\"]",
        "L: true a // [\"p\", \"r\"]",
        "M: true a :? [\"m\"]",
        "N: true a ? [\"m\"]",
    ];
    assert_eq!(vars, expected);
    assert!(p.errors().is_empty());
}

#[test]
fn var_nodes_have_name_operator_and_argument_parts() {
    let src = "FROM alpine\nWORKDIR ${dir//\\//_}\n";
    let p = parsed(src);
    let word = first(&p, SyntaxKind::WORKDIR_INSTR).words().next().unwrap();
    let var = word.variables().next().unwrap();
    let children: Vec<SyntaxKind> = var
        .syntax()
        .children_with_tokens()
        .map(|e| e.kind())
        .collect();
    assert_eq!(
        children,
        [
            SyntaxKind::DOLLAR,
            SyntaxKind::L_BRACE,
            SyntaxKind::VAR_NAME,
            SyntaxKind::VAR_OPERATOR,
            SyntaxKind::VAR_ARGUMENT,
            SyntaxKind::VAR_OPERATOR,
            SyntaxKind::VAR_ARGUMENT,
            SyntaxKind::R_BRACE,
        ]
    );
    assert_eq!(&src[var.name_range().unwrap().as_usize()], "dir");
    let args: Vec<&str> = var.arguments().map(|a| a.text()).collect();
    assert_eq!(args, ["\\/", "_"]);
    assert!(p.errors().is_empty());
}

#[test]
fn escaped_dollar_is_an_escape_not_a_variable() {
    let src = "FROM alpine\nENV A=\\$a B=\\${b} C=\"\\$c\" D='$d' E=$ F=a$\n";
    let p = parsed(src);
    let env = first(&p, SyntaxKind::ENV_INSTR);
    assert!(env_vars(env).is_empty());
    let escapes: Vec<&str> = env
        .syntax()
        .tokens()
        .filter(|t| t.kind() == SyntaxKind::ESCAPE)
        .map(|t| t.text())
        .collect();
    assert_eq!(escapes, ["\\$", "\\$", "\\$"]);
    let values: Vec<String> = env
        .key_values()
        .map(|kv| kv.value().unwrap().unquoted('\\'))
        .collect();
    assert_eq!(values, ["$a", "${b}", "$c", "$d", "$", "a$"]);
    assert!(p.errors().is_empty());
}

#[test]
fn nested_substitution() {
    let src = "FROM alpine\nENV A=${a:-${b:-c}} B=\"$x ${y}\"\n";
    let p = parsed(src);
    let env = first(&p, SyntaxKind::ENV_INSTR);
    let a = env.key_values().next().unwrap().value().unwrap();
    let names: Vec<Option<&str>> = a.variables().map(|v| v.name()).collect();
    assert_eq!(names, [Some("a"), Some("b")]);
    let outer = a.variables().next().unwrap();
    let inner_arg = outer.arguments().next().unwrap();
    assert_eq!(inner_arg.text(), "${b:-c}");
    let inner = inner_arg.children().find_map(VarRef::cast).unwrap();
    assert_eq!((inner.name(), inner.operator()), (Some("b"), Some(":-")));
    let b = env.key_values().nth(1).unwrap().value().unwrap();
    assert_eq!(
        b.variables().map(|v| v.name()).collect::<Vec<_>>(),
        [Some("x"), Some("y")]
    );
    assert!(p.errors().is_empty());
}

#[test]
fn substitution_errors() {
    let src = "FROM alpine\nENV A=${}\nENV B=${a:x}\nENV C=${:x}\nENV D=${a/p}\nENV E=${a:#p}\nWORKDIR ${a\n";
    let p = parsed(src);
    assert_eq!(
        errors(src, &p),
        [
            (SyntaxErrorCode::BadSubstitution, "${}"),
            (SyntaxErrorCode::BadSubstitution, "${a:x}"),
            (SyntaxErrorCode::BadSubstitution, "${:x}"),
            (SyntaxErrorCode::BadSubstitution, "${a/p}"),
            (SyntaxErrorCode::BadSubstitution, "${a:#p}"),
            (SyntaxErrorCode::BadSubstitution, "${a"),
        ]
    );
    let messages: Vec<&str> = p.errors().iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "syntax error: bad substitution",
            "unsupported modifier (:x) in substitution",
            "syntax error: bad substitution",
            "syntax error: missing '/' in ${}",
            "unsupported modifier (:#) in substitution",
            "syntax error: missing '}'",
        ]
    );
}

#[test]
fn substitution_errors_are_not_reported_where_the_builder_does_not_expand() {
    // MAINTAINER and `--mount` `from` are not expanded by the builder.
    let src = "FROM alpine\nMAINTAINER ${}\nRUN --mount=from=${x,target=/x echo ${}\n";
    let p = parsed(src);
    assert!(p.errors().is_empty(), "{:?}", p.errors());
}

#[test]
fn heredoc_content_keeps_crlf_line_endings_as_buildkit_does() {
    let source = "FROM a\r\nRUN <<EOF\r\necho hi\r\nEOF\r\n";
    let parse = dflint::syntax::parse(source);
    let run = dflint::ast::Dockerfile::cast(parse.tree().root())
        .unwrap()
        .instructions()
        .nth(1)
        .unwrap();
    assert_eq!(run.heredocs().next().unwrap().content(false), "echo hi\r\n");
}

#[test]
fn an_escaped_quote_in_a_delimiter_still_expands() {
    let source = "FROM a\nRUN <<eo\\'f cat\nx\neo'f\nRUN <<'eof' cat\ny\neof\n";
    let parse = dflint::syntax::parse(source);
    assert!(parse.errors().is_empty(), "{:?}", parse.errors());
    let file = dflint::ast::Dockerfile::cast(parse.tree().root()).unwrap();
    let expands: Vec<bool> = file
        .instructions()
        .flat_map(|i| {
            i.heredoc_markers()
                .map(|m| m.expands('\\'))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(expands, [true, false]);
}

#[test]
fn heredocs_of_an_onbuild_trigger_are_found_from_the_trigger() {
    let source = "FROM a\nONBUILD RUN <<EOF\necho later\nEOF\n";
    let parse = dflint::syntax::parse(source);
    let onbuild = dflint::ast::Dockerfile::cast(parse.tree().root())
        .unwrap()
        .instructions()
        .nth(1)
        .unwrap();
    let trigger = onbuild.onbuild_trigger().unwrap();
    assert_eq!(trigger.kind(), dflint::syntax::SyntaxKind::RUN_INSTR);
    let bodies: Vec<String> = trigger.heredocs().map(|h| h.content(false)).collect();
    assert_eq!(bodies, ["echo later\n"]);
}

#[test]
fn an_empty_volume_path_is_an_error() {
    let source = "FROM a\nVOLUME [\"/data\", \" \"]\nVOLUME /ok\n";
    let p = parsed(source);
    assert_eq!(
        errors(source, &p),
        [(SyntaxErrorCode::EmptyVolume, "\" \"")]
    );
}

#[test]
fn a_line_holding_only_the_escape_character_continues_into_the_instruction() {
    // BuildKit trims the joined line, so the keyword after the blanks is read.
    let source = "FROM a\n\t\\\n\tRUN echo hi\n\\\n";
    let p = parsed(source);
    let kinds: Vec<SyntaxKind> = instructions(&p).iter().map(|i| i.kind()).collect();
    assert_eq!(
        kinds,
        [
            SyntaxKind::FROM_INSTR,
            SyntaxKind::RUN_INSTR,
            SyntaxKind::ERROR
        ]
    );
    assert_eq!(instructions(&p)[1].keyword(), "RUN");
    // A continuation with nothing after it is reported where it starts, not at the file start.
    let error = &p.errors()[0];
    assert_eq!(error.code, SyntaxErrorCode::UnknownInstruction);
    assert_eq!(error.range.start as usize, source.rfind('\\').unwrap());
}
