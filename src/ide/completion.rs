//! Completion: instruction keywords (as snippets), the flags of each instruction and the keys
//! and values of `--mount`, variables after `$` and `${`, stage names after `FROM` and
//! `--from=`, the tags other stages use after `FROM image:`, parser directives with
//! `check=skip=` check names, pragma codes, COPY/ADD source paths from a list of
//! build-context files, and the working directory as a COPY/ADD destination.

use serde::{Deserialize, Serialize};

use crate::ast::Instruction;
use crate::ide::docs::{DIRECTIVE_DOCS, INSTRUCTION_DOCS, directive_doc, flag_doc, mount_key_doc};
use crate::ide::scope::{Origin, scope_at};
use crate::ide::{Analysis, clamp, instruction_at, to_u32};
use crate::syntax::{FlagType, MOUNT_KEYS, MOUNT_TYPES, SyntaxKind, TextRange, allowed_flags};

/// What a completion item stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Keyword,
    Flag,
    /// A key of a `--mount` value.
    MountKey,
    /// A value: a mount type, a network mode, `CMD`/`NONE`, a signal...
    Value,
    Variable,
    Stage,
    Directive,
    /// A check or rule name for `check=skip=` and pragmas.
    Rule,
    File,
    Folder,
}

/// The documentation of a completion item, named instead of written out: lists stay small,
/// and the text is made only for the item the user looks at ([`CompletionDoc::text`]).
/// It serialises to JSON, so that a client can hand it back (`completionItem/resolve`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "doc", rename_all = "snake_case")]
pub enum CompletionDoc {
    /// An instruction, by keyword.
    Instruction { keyword: String },
    /// A flag of an instruction.
    Flag { keyword: String, flag: String },
    /// A key of a `--mount` value.
    MountKey { key: String },
    /// A parser directive.
    Directive { key: String },
    /// A rule, a syntax error or a build problem, by code or name.
    Rule { code: String },
}

impl CompletionDoc {
    /// The documentation, in Markdown; `None` when the name is not known.
    #[must_use]
    pub fn text(&self) -> Option<String> {
        let instruction = |keyword: &str| {
            SyntaxKind::from_keyword(keyword).and_then(crate::ide::docs::instruction_doc)
        };
        match self {
            CompletionDoc::Instruction { keyword } => instruction(keyword).map(|d| {
                let syntax: Vec<String> = d.syntax.iter().map(|s| format!("    {s}")).collect();
                format!(
                    "{}

{}",
                    d.summary,
                    syntax.join("\n")
                )
            }),
            CompletionDoc::Flag { keyword, flag } => SyntaxKind::from_keyword(keyword)
                .and_then(|kind| flag_doc(kind, flag))
                .map(str::to_string),
            CompletionDoc::MountKey { key } => mount_key_doc(key).map(str::to_string),
            CompletionDoc::Directive { key } => directive_doc(key).map(str::to_string),
            CompletionDoc::Rule { code } => crate::ide::rule_hover(code),
        }
    }
}

/// One completion proposal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    pub documentation: Option<CompletionDoc>,
    /// The text that replaces [`Self::replace`].
    pub insert_text: String,
    /// Whether `insert_text` is a snippet with `${1:placeholder}` tab stops.
    pub snippet: bool,
    /// Whether Docker deprecates it (MAINTAINER).
    pub deprecated: bool,
    /// The range replaced: the part of the word typed before the cursor.
    pub replace: TextRange,
}

impl CompletionItem {
    fn plain(label: impl Into<String>, kind: CompletionKind, replace: TextRange) -> Self {
        let label = label.into();
        CompletionItem {
            insert_text: label.clone(),
            label,
            kind,
            detail: None,
            documentation: None,
            snippet: false,
            deprecated: false,
            replace,
        }
    }

    fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    fn documented(mut self, doc: CompletionDoc) -> Self {
        self.documentation = Some(doc);
        self
    }

    fn insert(mut self, text: impl Into<String>) -> Self {
        self.insert_text = text.into();
        self
    }
}

/// The completions at `offset`. `context_files` are the build context's files (paths relative
/// to the context root, `/`-separated) for COPY/ADD sources; pass an empty list when unknown.
#[must_use]
pub fn completions(source: &str, offset: u32, context_files: &[String]) -> Vec<CompletionItem> {
    let offset = clamp(source, offset);
    let analysis = Analysis::new(source);
    let Some(file) = analysis.file() else {
        return Vec::new();
    };
    let line_start = source[..offset as usize].rfind('\n').map_or(0, |i| i + 1);
    let line_prefix = &source[line_start..offset as usize];
    // An instruction ending at the cursor holds it: on its last line, or on the line after
    // a line continuation.
    let instruction = instruction_at(file, offset);
    let Some(instruction) = instruction else {
        let trimmed = line_prefix.trim_start();
        if trimmed.starts_with('#') {
            let before_instructions = file.instructions().all(|i| i.range().start >= offset);
            return comment_completions(trimmed, offset, before_instructions);
        }
        if trimmed.is_empty() {
            return keywords(TextRange::empty(offset), false);
        }
        return Vec::new();
    };
    if instruction
        .heredocs()
        .any(|h| h.range().start <= offset && offset <= h.range().end)
    {
        return Vec::new();
    }
    let prefix = logical_prefix(instruction, offset);
    let mut ctx = Context {
        analysis: &analysis,
        source,
        offset,
        instruction,
        kind: instruction.kind(),
        context_files,
    };
    let mut rest = prefix.as_str();
    if ctx.kind == SyntaxKind::ONBUILD_INSTR {
        // `ONBUILD RUN ...` completes as the wrapped instruction.
        let Some((_, trigger)) = rest.split_once(char::is_whitespace) else {
            return keywords(word_range(source, offset, rest), false);
        };
        rest = trigger.trim_start();
        let keyword = rest.split(char::is_whitespace).next().unwrap_or("");
        ctx.kind = SyntaxKind::from_keyword(keyword).unwrap_or(SyntaxKind::ERROR);
    }
    let Some((_, arguments)) = rest.split_once(char::is_whitespace) else {
        let in_onbuild =
            ctx.kind != instruction.kind() || instruction.kind() == SyntaxKind::ONBUILD_INSTR;
        return keywords(word_range(source, offset, rest), in_onbuild);
    };
    ctx.arguments(arguments)
}

/// The instruction's logical text (continuations removed) up to `offset`.
fn logical_prefix(instruction: Instruction<'_>, offset: u32) -> String {
    let mut out = String::new();
    for token in instruction.syntax().logical_tokens() {
        let range = token.range();
        if range.start >= offset {
            break;
        }
        let end = (range.end.min(offset) - range.start) as usize;
        out.push_str(token.text().get(..end).unwrap_or(""));
    }
    out
}

/// The range of `typed`, the end of the logical prefix, in the source: the typed part of the
/// current word. Empty at the cursor when the word is split by a line continuation.
fn word_range(source: &str, offset: u32, typed: &str) -> TextRange {
    let start = (offset as usize).saturating_sub(typed.len());
    if source.get(start..offset as usize) == Some(typed) {
        TextRange::new(to_u32(start), offset)
    } else {
        TextRange::empty(offset)
    }
}

fn keywords(replace: TextRange, in_onbuild: bool) -> Vec<CompletionItem> {
    INSTRUCTION_DOCS
        .iter()
        .filter(|(kind, _)| {
            !in_onbuild
                || !matches!(
                    kind,
                    SyntaxKind::ONBUILD_INSTR
                        | SyntaxKind::FROM_INSTR
                        | SyntaxKind::MAINTAINER_INSTR
                )
        })
        .map(|(kind, doc)| CompletionItem {
            label: doc.keyword.to_string(),
            kind: CompletionKind::Keyword,
            detail: Some(doc.syntax[0].to_string()),
            documentation: Some(CompletionDoc::Instruction {
                keyword: doc.keyword.to_string(),
            }),
            insert_text: doc.snippet.to_string(),
            snippet: true,
            deprecated: *kind == SyntaxKind::MAINTAINER_INSTR,
            replace,
        })
        .collect()
}

/// Directives at the top of the file, and codes in `check=skip=` and pragmas.
fn comment_completions(line: &str, offset: u32, directives_allowed: bool) -> Vec<CompletionItem> {
    let body = line.trim_start_matches('#').trim_start();
    let typed_word = |text: &str| {
        let start = text.rfind(['=', ',', ' ', ';']).map_or(0, |i| i + 1);
        let typed = &text[start..];
        TextRange::new(offset - to_u32(typed.len()), offset)
    };
    let lower = body.to_ascii_lowercase();
    let codes_after = [
        "check=skip=",
        "dflint ignore=",
        "dflint global ignore=",
        "dflint stage ignore=",
        "hadolint ignore=",
        "hadolint global ignore=",
    ];
    for marker in codes_after {
        if let Some(at) = lower.find(marker) {
            let list = &body[at + marker.len()..];
            if list.contains([' ', ';']) {
                continue;
            }
            let buildkit = marker.starts_with("check");
            return rule_names(typed_word(list), buildkit);
        }
    }
    if !directives_allowed {
        return Vec::new();
    }
    if let Some(value) = lower.strip_prefix("check=") {
        let segment = value.rsplit(';').next().unwrap_or("");
        if !segment.contains('=') {
            let replace = typed_word(body);
            return vec![
                CompletionItem::plain("skip=", CompletionKind::Directive, replace)
                    .detail("checks to turn off, comma-separated"),
                CompletionItem::plain("error=true", CompletionKind::Directive, replace)
                    .detail("fail the build when a check warns"),
            ];
        }
        return Vec::new();
    }
    if lower.starts_with("syntax=") {
        return vec![
            CompletionItem::plain(
                "docker/dockerfile:1",
                CompletionKind::Value,
                typed_word(body),
            )
            .detail("the latest stable Dockerfile frontend"),
        ];
    }
    if lower.starts_with("escape=") {
        let replace = typed_word(body);
        return vec![
            CompletionItem::plain("\\", CompletionKind::Value, replace).detail("the default"),
            CompletionItem::plain("`", CompletionKind::Value, replace).detail("for Windows paths"),
        ];
    }
    if body.contains('=') {
        return Vec::new();
    }
    let replace = typed_word(body);
    DIRECTIVE_DOCS
        .iter()
        .map(|(key, _)| {
            let mut item = CompletionItem::plain(*key, CompletionKind::Directive, replace)
                .insert(format!("{key}="));
            item.documentation = Some(CompletionDoc::Directive {
                key: (*key).to_string(),
            });
            item
        })
        .collect()
}

/// Whether an alias is a BuildKit check name (`JSONArgsRecommended`).
fn is_buildkit_name(alias: &str) -> bool {
    alias.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && alias.chars().all(|c| c.is_ascii_alphabetic())
        && alias.chars().any(|c| c.is_ascii_lowercase())
}

/// Check names for `check=skip=` (BuildKit's names first), or rule names for pragmas.
fn rule_names(replace: TextRange, buildkit: bool) -> Vec<CompletionItem> {
    let mut out = Vec::new();
    for id in crate::check::known_codes() {
        if buildkit {
            for alias in id.aliases.iter().filter(|a| is_buildkit_name(a)) {
                out.push(
                    CompletionItem::plain(*alias, CompletionKind::Rule, replace)
                        .detail(format!("{} {}", id.code, id.name))
                        .documented(CompletionDoc::Rule {
                            code: id.code.to_string(),
                        }),
                );
            }
        }
        out.push(
            CompletionItem::plain(id.name, CompletionKind::Rule, replace)
                .detail(id.code)
                .documented(CompletionDoc::Rule {
                    code: id.code.to_string(),
                }),
        );
    }
    if buildkit {
        out.sort_by_key(|i| !is_buildkit_name(&i.label));
    }
    out
}

struct Context<'a> {
    analysis: &'a Analysis,
    source: &'a str,
    offset: u32,
    instruction: Instruction<'a>,
    /// The instruction completed (the trigger's kind inside ONBUILD).
    kind: SyntaxKind,
    context_files: &'a [String],
}

impl Context<'_> {
    /// Completions in the arguments of an instruction (`arguments` is the text after the
    /// keyword, up to the cursor).
    fn arguments(&self, arguments: &str) -> Vec<CompletionItem> {
        let typed = arguments.rsplit(char::is_whitespace).next().unwrap_or("");
        let before: Vec<&str> = arguments[..arguments.len() - typed.len()]
            .split_whitespace()
            .collect();
        let in_flags = before.iter().all(|w| w.starts_with("--"));
        if let Some(items) = self.variables(typed) {
            return items;
        }
        if typed.starts_with('-') && in_flags {
            return self.flags(typed, &before);
        }
        let replace = word_range(self.source, self.offset, typed);
        let positional: Vec<&&str> = before.iter().filter(|w| !w.starts_with("--")).collect();
        let mut items = match self.kind {
            SyntaxKind::FROM_INSTR => match positional.len() {
                0 if typed.contains(':') => self.image_tags(typed),
                0 => self.stage_names(replace, true),
                1 => vec![
                    CompletionItem::plain("AS", CompletionKind::Keyword, replace)
                        .detail("name the stage")
                        .insert("AS "),
                ],
                _ => Vec::new(),
            },
            SyntaxKind::HEALTHCHECK_INSTR if positional.is_empty() => vec![
                CompletionItem::plain("CMD", CompletionKind::Keyword, replace)
                    .detail("the command that checks the container")
                    .insert("CMD "),
                CompletionItem::plain("NONE", CompletionKind::Keyword, replace)
                    .detail("disable the base image's health check"),
            ],
            SyntaxKind::STOPSIGNAL_INSTR if positional.is_empty() => [
                "SIGTERM", "SIGINT", "SIGQUIT", "SIGKILL", "SIGHUP", "SIGUSR1", "SIGUSR2",
            ]
            .iter()
            .map(|s| CompletionItem::plain(*s, CompletionKind::Value, replace))
            .collect(),
            SyntaxKind::COPY_INSTR | SyntaxKind::ADD_INSTR => {
                let mut items = if before.iter().any(|w| w.starts_with("--from")) {
                    Vec::new()
                } else {
                    self.paths(typed)
                };
                // After a source, the destination may be the working directory.
                if !positional.is_empty() {
                    items.extend(self.working_directory(replace));
                }
                items
            }
            _ => Vec::new(),
        };
        if typed.is_empty() && in_flags && allowed_flags(self.kind).is_some_and(|f| !f.is_empty()) {
            items.extend(self.flags("", &before));
        }
        items
    }

    /// The stage's working directory where the instruction is, as a destination folder:
    /// the last WORKDIR before it, as the builder resolves it. Nothing in an ONBUILD
    /// trigger, which runs in another build.
    fn working_directory(&self, replace: TextRange) -> Vec<CompletionItem> {
        if self.kind != self.instruction.kind() {
            return Vec::new();
        }
        let start = self.instruction.range().start;
        let Some(stage) = crate::ide::scope::stage_at(self.analysis, start) else {
            return Vec::new();
        };
        let Some(dir) = stage
            .layers
            .iter()
            .rfind(|l| l.kind == SyntaxKind::WORKDIR_INSTR && l.range.end <= start)
            .and_then(|l| l.destination.as_ref())
            .and_then(crate::semantic::expand::Value::known)
        else {
            return Vec::new();
        };
        let folder = if dir.ends_with('/') {
            dir
        } else {
            format!("{dir}/")
        };
        vec![
            CompletionItem::plain(folder, CompletionKind::Folder, replace)
                .detail("the working directory (WORKDIR)"),
        ]
    }

    /// Variables after `$` or `${` at the end of `typed`.
    fn variables(&self, typed: &str) -> Option<Vec<CompletionItem>> {
        let dollar = typed.rfind('$')?;
        let after = &typed[dollar + 1..];
        let name = after.strip_prefix('{').unwrap_or(after);
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return None;
        }
        let replace = word_range(self.source, self.offset, name);
        let scope = scope_at(self.analysis, self.instruction.range(), self.offset);
        let mut items: Vec<CompletionItem> = Vec::new();
        for v in scope.vars.iter().rev() {
            if items.iter().any(|i| i.label == v.name) {
                continue;
            }
            let detail = match (&v.value, &v.origin) {
                (_, Origin::Automatic) => "set by the builder".to_string(),
                (Some(value), _) => format!("= {}", value.display()),
                (None, _) => "declared without a value".to_string(),
            };
            items.push(
                CompletionItem::plain(&v.name, CompletionKind::Variable, replace).detail(detail),
            );
        }
        items.reverse();
        Some(items)
    }

    /// Flags of the instruction, or the values of the flag being typed.
    fn flags(&self, typed: &str, before: &[&str]) -> Vec<CompletionItem> {
        let Some(allowed) = allowed_flags(self.kind) else {
            return Vec::new();
        };
        if let Some((name, value)) = typed.strip_prefix("--").and_then(|t| t.split_once('=')) {
            return self.flag_values(name, value);
        }
        let replace = word_range(self.source, self.offset, typed);
        allowed
            .iter()
            .filter(|(name, kind)| {
                *kind == FlagType::Strings
                    || !before.iter().any(|w| {
                        w.strip_prefix("--")
                            .is_some_and(|f| f.split('=').next() == Some(*name))
                    })
            })
            .map(|&(name, kind)| {
                let mut item =
                    CompletionItem::plain(format!("--{name}"), CompletionKind::Flag, replace)
                        .insert(if kind == FlagType::Bool {
                            format!("--{name}")
                        } else {
                            format!("--{name}=")
                        });
                item.documentation = self
                    .kind
                    .keyword()
                    .filter(|_| flag_doc(self.kind, name).is_some())
                    .map(|keyword| CompletionDoc::Flag {
                        keyword: keyword.to_string(),
                        flag: name.to_string(),
                    });
                item
            })
            .collect()
    }

    fn flag_values(&self, name: &str, value: &str) -> Vec<CompletionItem> {
        let replace = |typed: &str| word_range(self.source, self.offset, typed);
        let values = |list: &[&str], typed: &str| -> Vec<CompletionItem> {
            list.iter()
                .map(|v| CompletionItem::plain(*v, CompletionKind::Value, replace(typed)))
                .collect()
        };
        match (self.kind, name) {
            (SyntaxKind::RUN_INSTR, "mount") => {
                let field = value.rsplit(',').next().unwrap_or("");
                match field.split_once('=') {
                    None => MOUNT_KEYS
                        .iter()
                        .map(|key| {
                            let bare =
                                matches!(*key, "ro" | "rw" | "readonly" | "readwrite" | "required");
                            let mut item = CompletionItem::plain(
                                *key,
                                CompletionKind::MountKey,
                                replace(field),
                            )
                            .insert(if bare {
                                (*key).to_string()
                            } else {
                                format!("{key}=")
                            });
                            item.documentation = Some(CompletionDoc::MountKey {
                                key: (*key).to_string(),
                            });
                            item
                        })
                        .collect(),
                    Some((key, typed)) => match key.to_ascii_lowercase().as_str() {
                        "type" => values(MOUNT_TYPES, typed),
                        "sharing" => values(&["shared", "private", "locked"], typed),
                        "from" => self.stage_names(replace(typed), false),
                        _ => Vec::new(),
                    },
                }
            }
            (SyntaxKind::RUN_INSTR, "network") => values(&["default", "none", "host"], value),
            (SyntaxKind::RUN_INSTR, "security") => values(&["sandbox", "insecure"], value),
            (SyntaxKind::COPY_INSTR, "from") => self.stage_names(replace(value), false),
            (SyntaxKind::FROM_INSTR, "platform") => values(
                &[
                    "$BUILDPLATFORM",
                    "$TARGETPLATFORM",
                    "linux/amd64",
                    "linux/arm64",
                    "linux/arm/v7",
                ],
                value,
            ),
            (_, "link" | "parents" | "keep-git-dir" | "unpack") => {
                values(&["true", "false"], value)
            }
            _ => Vec::new(),
        }
    }

    /// The names of the stages before the current instruction (and `scratch` after FROM).
    fn stage_names(&self, replace: TextRange, with_scratch: bool) -> Vec<CompletionItem> {
        let here = self.instruction.range().start;
        let mut items: Vec<CompletionItem> = self
            .analysis
            .build
            .stages
            .iter()
            .filter(|s| s.from_range.start < here && s.range.end < here)
            .filter_map(|s| {
                let name = s.name.as_ref()?;
                Some(
                    CompletionItem::plain(name, CompletionKind::Stage, replace)
                        .detail(format!("stage {}", s.index)),
                )
            })
            .collect();
        if with_scratch {
            items.push(
                CompletionItem::plain("scratch", CompletionKind::Value, replace)
                    .detail("an empty image"),
            );
        }
        items
    }

    /// After `FROM image:`, the tags the other stages of the file build that image from
    /// (as the builder expands them), so that stages stay on one version. No registry is
    /// asked: completion works offline.
    fn image_tags(&self, typed: &str) -> Vec<CompletionItem> {
        use crate::semantic::Base;
        use crate::semantic::image_ref::ImageRef;
        let Some((image, tag)) = typed.rsplit_once(':') else {
            return Vec::new();
        };
        let Ok(wanted) = ImageRef::parse(image) else {
            return Vec::new();
        };
        let replace = word_range(self.source, self.offset, tag);
        let here = self.instruction.range();
        let mut items: Vec<CompletionItem> = Vec::new();
        for stage in &self.analysis.build.stages {
            let Base::Image(used) = &stage.base else {
                continue;
            };
            let Some(used_tag) = used.tag() else { continue };
            if stage.from_range == here
                || used.name() != wanted.name()
                || items.iter().any(|i| i.label == used_tag)
            {
                continue;
            }
            items.push(
                CompletionItem::plain(used_tag, CompletionKind::Value, replace)
                    .detail(format!("the tag of stage {}", stage.label())),
            );
        }
        items
    }

    /// Entries of the build context under the directory typed so far.
    fn paths(&self, typed: &str) -> Vec<CompletionItem> {
        let dir_len = typed.rfind('/').map_or(0, |i| i + 1);
        let (dir, name) = typed.split_at(dir_len);
        let replace = word_range(self.source, self.offset, name);
        let dir = dir.trim_start_matches("./").trim_start_matches('/');
        let mut items: Vec<CompletionItem> = Vec::new();
        for file in self.context_files {
            let file = file.trim_start_matches("./");
            let Some(rest) = file.strip_prefix(dir) else {
                continue;
            };
            let (entry, kind) = match rest.split_once('/') {
                Some((folder, _)) => (format!("{folder}/"), CompletionKind::Folder),
                None => (rest.to_string(), CompletionKind::File),
            };
            if entry.is_empty() || items.iter().any(|i| i.label == entry) {
                continue;
            }
            items.push(CompletionItem::plain(entry, kind, replace));
        }
        items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Completes at the `|` of `marked`.
    fn complete(marked: &str, files: &[&str]) -> (String, Vec<CompletionItem>) {
        let offset = marked.find('|').expect("cursor");
        let source = marked.replacen('|', "", 1);
        let files: Vec<String> = files.iter().map(|f| (*f).to_string()).collect();
        let items = completions(&source, to_u32(offset), &files);
        (source, items)
    }

    fn labels_and(marked: &str, label: &str) -> CompletionItem {
        complete(marked, &[])
            .1
            .into_iter()
            .find(|i| i.label == label)
            .unwrap_or_else(|| panic!("{label} in {marked}"))
    }

    fn labels(marked: &str) -> Vec<String> {
        complete(marked, &[])
            .1
            .into_iter()
            .map(|i| i.label)
            .collect()
    }

    #[test]
    fn keywords_at_line_start_with_snippets() {
        let (source, items) = complete("FROM a\nRU|", &[]);
        let run = items.iter().find(|i| i.label == "RUN").unwrap();
        assert!(run.snippet);
        assert_eq!(run.insert_text, "RUN ${1:command}");
        assert_eq!(&source[run.replace.as_usize()], "RU");
        assert!(!run.deprecated);
        let maintainer = labels_and("FROM a\n|", "MAINTAINER");
        assert!(maintainer.deprecated);
        assert_eq!(items.len(), 18);
        assert_eq!(labels("FROM a\n|").len(), 18);
        assert_eq!(labels("|").len(), 18);
        // After a line continuation the cursor is still in the instruction.
        assert_eq!(
            labels("FROM a\nRUN \\\n--net|"),
            ["--mount", "--network", "--security", "--device"]
        );
        assert!(labels("FROM a\nRUN --network=none \\\n|").contains(&"--mount".to_string()));
        assert!(!labels("FROM a\nRUN --network=none \\\n|").contains(&"--network".to_string()));
        let onbuild = labels("FROM a\nONBUILD R|");
        assert!(onbuild.contains(&"RUN".to_string()) && !onbuild.contains(&"FROM".to_string()));
    }

    #[test]
    fn flags_per_instruction_and_mount_keys() {
        let (source, items) = complete("FROM a\nRUN --|", &[]);
        let flags: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(flags, ["--mount", "--network", "--security", "--device"]);
        assert_eq!(items[0].insert_text, "--mount=");
        assert_eq!(&source[items[0].replace.as_usize()], "--");
        let copy = labels("FROM a\nCOPY --link --|");
        assert!(copy.contains(&"--from".to_string()) && !copy.contains(&"--link".to_string()));
        let keys = labels("FROM a\nRUN --mount=type=cache,t|");
        assert!(keys.contains(&"target".to_string()) && keys.contains(&"sharing".to_string()));
        assert_eq!(
            labels("FROM a\nRUN --mount=ty|").len(),
            crate::syntax::MOUNT_KEYS.len()
        );
        assert_eq!(
            labels("FROM a\nRUN --mount=type=|"),
            ["bind", "cache", "tmpfs", "secret", "ssh"]
        );
        assert_eq!(
            labels("FROM a\nRUN --network=|"),
            ["default", "none", "host"]
        );
        // No flags once the command started.
        assert!(labels("FROM a\nRUN echo --|").is_empty());
        assert_eq!(
            labels("FROM a\nHEALTHCHECK |")[..2],
            ["CMD".to_string(), "NONE".to_string()]
        );
    }

    #[test]
    fn variables_with_their_values() {
        let (source, items) = complete("ARG V=1\nFROM a:${|\nENV X=2\nRUN echo $|\n", &[]);
        let _ = source;
        let names: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
        assert!(
            names.contains(&"V") && names.contains(&"TARGETARCH"),
            "{names:?}"
        );
        assert!(!names.contains(&"X"));
        let v = items.iter().find(|i| i.label == "V").unwrap();
        assert_eq!(v.detail.as_deref(), Some("= 1"));
        let (source, items) = complete("ARG V=1\nFROM a\nARG V\nENV XY=2\nRUN echo $X|\n", &[]);
        let xy = items.iter().find(|i| i.label == "XY").unwrap();
        assert_eq!(&source[xy.replace.as_usize()], "X");
        assert!(
            items
                .iter()
                .any(|i| i.label == "V" && i.detail.as_deref() == Some("= 1"))
        );
        assert!(
            !items.iter().any(|i| i.label == "PATH"),
            "an image's PATH is not known"
        );
        assert!(labels("FROM scratch\nRUN echo ${|").contains(&"PATH".to_string()));
    }

    #[test]
    fn stage_names_after_from_and_copy_from() {
        let source = "FROM a AS build\nFROM b AS test\nCOPY --from=|\nFROM |\nRUN --mount=from=|\n";
        let first = source.find('|').unwrap();
        let clean = source.replace('|', "");
        let copy = completions(&clean, to_u32(first), &[]);
        assert_eq!(
            copy.iter().map(|i| i.label.as_str()).collect::<Vec<_>>(),
            ["build"]
        );
        let second = source.match_indices('|').nth(1).unwrap().0 - 1;
        let from = completions(&clean, to_u32(second), &[]);
        assert_eq!(
            from.iter().map(|i| i.label.as_str()).collect::<Vec<_>>(),
            ["build", "test", "scratch", "--platform"]
        );
        let third = source.match_indices('|').nth(2).unwrap().0 - 2;
        let mount = completions(&clean, to_u32(third), &[]);
        assert_eq!(
            mount.iter().map(|i| i.label.as_str()).collect::<Vec<_>>(),
            ["build", "test"]
        );
        assert_eq!(labels("FROM a |"), ["AS"]);
    }

    #[test]
    fn directives_and_check_names() {
        let keys = labels("# |\nFROM a\n");
        assert_eq!(keys, ["syntax", "escape", "check"]);
        assert_eq!(labels("# check=|\nFROM a\n"), ["skip=", "error=true"]);
        let (source, items) = complete("# check=skip=JSONArgsRecommended,St|\nFROM a\n", &[]);
        assert!(
            items.iter().any(|i| i.label == "StageNameCasing"),
            "{:?}",
            items.iter().map(|i| &i.label).collect::<Vec<_>>()
        );
        assert_eq!(&source[items[0].replace.as_usize()], "St");
        assert!(is_buildkit_name(&items[0].label));
        let pragma = labels("FROM a\n# dflint ignore=|\nRUN x\n");
        assert!(pragma.contains(&crate::rules::registry::RULES[0].meta().name.to_string()));
        // Directives are only read at the top.
        assert!(labels("FROM a\n# |\n").is_empty());
    }

    #[test]
    fn documentation_is_named_and_made_on_demand() {
        let doc = |marked: &str, label: &str| {
            let item = complete(marked, &[])
                .1
                .into_iter()
                .find(|i| i.label == label)
                .unwrap_or_else(|| panic!("{label} in {marked}"));
            let named = item.documentation.expect("documentation");
            // What a client hands back is what the server sent.
            let sent = serde_json::to_value(&named).unwrap();
            assert_eq!(
                serde_json::from_value::<CompletionDoc>(sent).unwrap(),
                named
            );
            let text = named
                .text()
                .unwrap_or_else(|| panic!("no text for {label}"));
            (named, text)
        };
        let (named, text) = doc("FROM a\nRU|", "RUN");
        assert_eq!(
            named,
            CompletionDoc::Instruction {
                keyword: "RUN".to_string()
            }
        );
        assert!(text.contains("    RUN [\"executable\""), "{text}");
        let (_, text) = doc("FROM a\nCOPY --|", "--from");
        assert!(text.contains("stage"), "{text}");
        let (_, text) = doc("FROM a\nRUN --mount=type=cache,sh|", "sharing");
        assert!(text.contains("locked"), "{text}");
        let (_, text) = doc("# |\nFROM a\n", "escape");
        assert!(text.contains("escape character"), "{text}");
        // A rule's whole documentation, which lists would otherwise repeat for every rule.
        let (named, text) = doc("# check=skip=|\nFROM a\n", "JSONArgsRecommended");
        assert!(matches!(named, CompletionDoc::Rule { .. }));
        assert!(text.contains("## What it does"), "{text}");
        assert_eq!(
            CompletionDoc::Flag {
                keyword: "RUN".to_string(),
                flag: "nope".to_string()
            }
            .text(),
            None
        );
    }

    #[test]
    fn the_working_directory_as_destination() {
        let source = "FROM a\nARG APP=srv\nWORKDIR /$APP\nWORKDIR web\nCOPY package.json |\nFROM b\nCOPY x |\n";
        let first = source.find('|').unwrap();
        let clean = source.replacen('|', "", 1);
        let items = completions(&clean.replacen('|', "", 1), to_u32(first), &[]);
        let folders: Vec<&str> = items
            .iter()
            .filter(|i| i.kind == CompletionKind::Folder)
            .map(|i| i.label.as_str())
            .collect();
        assert_eq!(folders, ["/srv/web/"]);
        // Another stage without WORKDIR; no destination before the source.
        assert!(
            labels("FROM a\nWORKDIR /app\nFROM b\nCOPY x |")
                .iter()
                .all(|l| l != "/app/")
        );
        assert!(!labels("FROM a\nWORKDIR /app\nCOPY |").contains(&"/app/".to_string()));
        // A directory only known at build time is not proposed.
        assert!(
            !labels("FROM a\nARG D\nWORKDIR $D\nCOPY x |")
                .iter()
                .any(|l| l.starts_with('/'))
        );
    }

    #[test]
    fn image_tags_the_file_already_uses() {
        let source = "ARG V=20.11\nFROM node:${V}-alpine AS build\nFROM docker.io/library/node:20-slim\n\
FROM python:3.12\nFROM node:2|\n";
        let (source, items) = complete(source, &[]);
        let found: Vec<(&str, &str)> = items
            .iter()
            .map(|i| (i.label.as_str(), &source[i.replace.as_usize()]))
            .collect();
        // Expanded as the builder does; the same image however it is written.
        assert_eq!(found, [("20.11-alpine", "2"), ("20-slim", "2")]);
        assert!(labels("FROM node:20\nFROM ubuntu:|").is_empty());
    }

    #[test]
    fn context_paths_for_copy_sources() {
        let files = ["package.json", "src/main.rs", "src/lib/mod.rs", "README.md"];
        let (_, items) = complete("FROM a\nCOPY |", &files);
        let found: Vec<(&str, CompletionKind)> =
            items.iter().map(|i| (i.label.as_str(), i.kind)).collect();
        assert!(
            found.starts_with(&[
                ("package.json", CompletionKind::File),
                ("src/", CompletionKind::Folder),
                ("README.md", CompletionKind::File)
            ]),
            "{found:?}"
        );
        let (source, items) = complete("FROM a\nCOPY ./src/m|", &files);
        let names: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(names, ["main.rs", "lib/"]);
        assert_eq!(&source[items[0].replace.as_usize()], "m");
        let from_stage = complete("FROM a\nCOPY --from=x |", &files).1;
        assert!(
            !from_stage
                .iter()
                .any(|i| matches!(i.kind, CompletionKind::File | CompletionKind::Folder))
        );
    }
}
