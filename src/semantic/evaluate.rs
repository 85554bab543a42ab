//! Evaluates a parsed Dockerfile into a [`Build`]: BuildKit's ARG/ENV scoping and
//! expansion, stage resolution, the image config of every stage, and the layers with the
//! inputs of their cache keys. Unknown values stay symbolic; nothing is guessed.

use std::collections::HashMap;
use std::sync::Arc;

use crate::ast::{Dockerfile, Instruction, KeyValue, Word};
use crate::semantic::expand::{Env, Value, VarValue, expand_word};
use crate::semantic::image_ref::ImageRef;
use crate::semantic::model::{
    Arg, Base, Build, BuildOptions, Edge, EdgeKind, EdgeTarget, Field, Healthcheck, ImageConfig,
    Layer, Problem, ProblemKind, RunEnv, Source, Stage, Step,
};
use crate::syntax::{Parse, SyntaxKind, TextRange};

/// The platform ARGs BuildKit sets automatically in the global scope. Their values depend
/// on the builder, so they are unknown unless given with `--build-arg`.
pub const AUTOMATIC_PLATFORM_ARGS: &[&str] = &[
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
];

/// The PATH BuildKit puts in the Env of a stage that has none (`system.DefaultPathEnv`).
const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Build args BuildKit accepts without an ARG declaration.
pub const PREDEFINED_ARGS: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
    "TARGETSTAGE",
    "BUILDKIT_BUILD_NAME",
    "BUILDKIT_CACHE_MOUNT_NS",
    "BUILDKIT_CONTEXT_KEEP_GIT_DIR",
    "BUILDKIT_INLINE_CACHE",
    "BUILDKIT_MULTI_PLATFORM",
    "BUILDKIT_SANDBOX_HOSTNAME",
    "BUILDKIT_SYNTAX",
    "BUILDKIT_DOCKERFILE_CHECK",
    "SOURCE_DATE_EPOCH",
];

/// Evaluates the build that `options` describe.
#[must_use]
pub fn evaluate(parse: &Parse, options: &BuildOptions) -> Build {
    let mut build_args: HashMap<&str, &str> = HashMap::new();
    for (name, value) in &options.build_args {
        build_args.insert(name, value);
    }
    let mut ev = Evaluator {
        escape: parse.escape(),
        options,
        build_args,
        globals: Vec::new(),
        stages: Vec::new(),
        edges: Vec::new(),
        problems: Vec::new(),
        current: None,
        scopes_at_end: HashMap::new(),
        later_stage_names: Vec::new(),
    };
    let Some(file) = Dockerfile::cast(parse.tree().root()) else {
        return ev.finish();
    };
    ev.later_stage_names = file
        .instructions()
        .filter_map(|i| i.from_stage_name())
        .map(|w| w.text().to_ascii_lowercase())
        .collect();
    // Each stage's own ONBUILD triggers, which a stage built on it runs first.
    let mut triggers: HashMap<usize, Vec<Instruction<'_>>> = HashMap::new();
    for instruction in file.instructions() {
        match instruction.kind() {
            SyntaxKind::ERROR => {}
            SyntaxKind::FROM_INSTR => {
                ev.start_stage(instruction);
                ev.run_triggers(&triggers);
            }
            SyntaxKind::ARG_INSTR if ev.current.is_none() => ev.global_arg(instruction),
            _ if ev.current.is_none() => ev.problem(
                ProblemKind::NoStage,
                instruction.keyword_range().unwrap_or(instruction.range()),
                format!(
                    "{} comes before the first FROM",
                    instruction.keyword().to_ascii_uppercase()
                ),
            ),
            _ => {
                if let (Some(trigger), Some(state)) = (instruction.onbuild_trigger(), &ev.current) {
                    triggers.entry(state.index).or_default().push(trigger);
                }
                ev.stage_instruction(instruction);
            }
        }
    }
    ev.finish()
}

/// The variables visible at a point of a stage.
#[derive(Clone, Debug, Default)]
struct Scope {
    /// Declared ARGs in order; `None` when declared without a value.
    args: Vec<(String, Option<VarValue>)>,
    /// Names a base image may define in its own Env: anything not declared here.
    image_base: bool,
}

struct StageEnv<'a> {
    scope: &'a Scope,
    config: &'a ImageConfig,
}

impl Env for StageEnv<'_> {
    fn lookup(&self, name: &str) -> Option<VarValue> {
        // ENV always wins over an ARG of the same name.
        if let Some(v) = self.config.env_value(name) {
            return Some(to_var(v));
        }
        if let Some((_, v)) = self.scope.args.iter().rev().find(|(n, _)| n == name) {
            return v.clone();
        }
        self.scope.image_base.then_some(VarValue::Unknown)
    }
}

struct GlobalEnv<'a> {
    globals: &'a [Arg],
    build_args: &'a HashMap<&'a str, &'a str>,
}

impl Env for GlobalEnv<'_> {
    fn lookup(&self, name: &str) -> Option<VarValue> {
        if let Some(arg) = self.globals.iter().rev().find(|a| a.name == name) {
            return arg.value.as_ref().map(to_var);
        }
        automatic_arg(name, self.build_args)
    }
}

/// The value of an automatic platform ARG: from `--build-arg`, else unknown.
fn automatic_arg(name: &str, build_args: &HashMap<&str, &str>) -> Option<VarValue> {
    AUTOMATIC_PLATFORM_ARGS.contains(&name).then(|| {
        build_args
            .get(name)
            .map_or(VarValue::Unknown, |v| VarValue::Known((*v).to_string()))
    })
}

fn to_var(value: &Value) -> VarValue {
    value.known().map_or(VarValue::Unknown, VarValue::Known)
}

struct StageState {
    index: usize,
    scope: Scope,
    /// CMD was set in this stage (so ENTRYPOINT does not reset it).
    cmd_set: bool,
    /// The environment RUN sees, until an ARG or ENV changes it.
    run_env: Option<Arc<RunEnv>>,
}

struct Evaluator<'o> {
    escape: char,
    options: &'o BuildOptions,
    build_args: HashMap<&'o str, &'o str>,
    globals: Vec<Arg>,
    stages: Vec<Stage>,
    edges: Vec<Edge>,
    problems: Vec<Problem>,
    current: Option<StageState>,
    /// The scope each finished stage ended with.
    scopes_at_end: HashMap<usize, Scope>,
    /// Every stage name of the file, to tell a reference to a later stage from an image.
    later_stage_names: Vec<String>,
}

impl Evaluator<'_> {
    fn problem(&mut self, kind: ProblemKind, range: TextRange, message: String) {
        self.problems.push(Problem {
            kind,
            message,
            range,
            related: Vec::new(),
        });
    }

    /// Keeps the value of an expansion, or records its error and keeps the word as written.
    fn settle(&mut self, word: Word<'_>, result: Result<Value, String>) -> Value {
        result.unwrap_or_else(|message| {
            self.problem(ProblemKind::Expansion, word.range(), message);
            Value::symbolic(word.text())
        })
    }

    fn expand(&mut self, word: Word<'_>, env: &dyn Env) -> Value {
        let result = expand_word(word, self.escape, env)
            .map(|e| e.value)
            .map_err(|e| e.to_string());
        self.settle(word, result)
    }

    /// Expands a word in the current stage's scope.
    fn expand_in_stage(&mut self, word: Word<'_>) -> Value {
        let Some(state) = self.current.as_ref() else {
            return Value::symbolic(word.text());
        };
        let env = StageEnv {
            scope: &state.scope,
            config: &self.stages[state.index].config,
        };
        let result = expand_word(word, self.escape, &env)
            .map(|e| e.value)
            .map_err(|e| e.to_string());
        self.settle(word, result)
    }

    fn expand_global(&mut self, word: Word<'_>) -> Value {
        let globals = std::mem::take(&mut self.globals);
        let build_args = self.build_args.clone();
        let value = self.expand(
            word,
            &GlobalEnv {
                globals: &globals,
                build_args: &build_args,
            },
        );
        self.globals = globals;
        value
    }

    fn global_arg(&mut self, instruction: Instruction<'_>) {
        for pair in instruction.key_values() {
            let Some(key) = pair.key() else { continue };
            let name = key.unquoted(self.escape);
            let value = if let Some(v) = self.build_args.get(name.as_str()) {
                Some(Value::from_text((*v).to_string()))
            } else if let Some(default) = pair.value() {
                Some(self.expand_global(default))
            } else if pair.has_equals() {
                Some(Value::from_text(String::new()))
            } else {
                automatic_arg(&name, &self.build_args).map(|v| match v {
                    VarValue::Known(s) => Value::from_text(s),
                    VarValue::Unknown => Value::symbolic(format!("${name}")),
                })
            };
            self.globals.push(Arg {
                name,
                value,
                range: pair.range(),
            });
        }
    }

    fn start_stage(&mut self, instruction: Instruction<'_>) {
        self.end_stage();
        let index = self.stages.len();
        let name = instruction
            .from_stage_name()
            .map(|w| w.text().to_ascii_lowercase());
        if let Some(n) = &name
            && let Some(other) = self.stages.iter().find(|s| s.name.as_deref() == Some(n))
        {
            let message = format!(
                "duplicate stage name {n:?}, first defined as stage {}",
                other.index
            );
            let range = instruction
                .from_stage_name()
                .map_or(instruction.range(), |w| w.range());
            let first = other.from_range;
            self.problem(ProblemKind::DuplicateStageName, range, message);
            if let Some(problem) = self.problems.last_mut() {
                problem
                    .related
                    .push((first, format!("stage {n:?} is first defined here")));
            }
        }
        let platform = instruction
            .flag("platform")
            .and_then(|f| f.value())
            .map(|w| self.expand_global(w));
        let (base, mut config, scope) = match instruction.from_image() {
            None => (
                Base::Invalid {
                    text: String::new(),
                    error: "FROM has no image".into(),
                },
                ImageConfig::scratch(),
                Scope::default(),
            ),
            Some(word) => {
                let value = self.expand_global(word);
                // Name the ARGs without a value, the usual reason for a broken reference.
                let unset: Vec<String> = word
                    .variables()
                    .filter_map(|v| v.name().map(str::to_string))
                    .filter(|n| {
                        (GlobalEnv {
                            globals: &self.globals,
                            build_args: &self.build_args,
                        })
                        .lookup(n)
                        .is_none()
                    })
                    .collect();
                self.resolve_base(&value, word.range(), &unset)
            }
        };
        let windows = platform
            .as_ref()
            .and_then(Value::known)
            .is_some_and(|p| p.to_ascii_lowercase().starts_with("windows"));
        if base == Base::Scratch && !windows {
            // BuildKit sets the default PATH in every stage that has none (except Windows).
            config
                .env
                .push(("PATH".to_string(), Value::from_text(DEFAULT_PATH)));
        }
        if let Base::Stage(s) = base {
            self.edges.push(Edge {
                stage: index,
                target: EdgeTarget::Stage(s),
                kind: EdgeKind::From,
                range: instruction.range(),
            });
        } else if let Base::Image(image) = &base {
            self.edges.push(Edge {
                stage: index,
                target: EdgeTarget::Image(image.familiar()),
                kind: EdgeKind::From,
                range: instruction.range(),
            });
        }
        self.stages.push(Stage {
            index,
            name,
            from_range: instruction.range(),
            range: instruction.range(),
            base,
            platform,
            config,
            steps: Vec::new(),
            layers: Vec::new(),
            needed: false,
        });
        self.current = Some(StageState {
            index,
            scope,
            cmd_set: false,
            run_env: None,
        });
    }

    /// Runs the ONBUILD triggers of the current stage's base stage, as BuildKit does at
    /// the start of a stage built on another stage (the base's config drops them).
    fn run_triggers(&mut self, triggers: &HashMap<usize, Vec<Instruction<'_>>>) {
        let Some(index) = self.current.as_ref().map(|s| s.index) else {
            return;
        };
        let Base::Stage(base) = self.stages[index].base else {
            return;
        };
        for trigger in triggers.get(&base).into_iter().flatten() {
            // The trigger is written in the base stage: it does not widen this stage.
            let range = self.stages[index].range;
            self.stage_instruction(*trigger);
            self.stages[index].range = range;
        }
    }

    /// Resolves a FROM reference: an earlier stage by name, `scratch`, or an image.
    fn resolve_base(
        &mut self,
        value: &Value,
        range: TextRange,
        unset: &[String],
    ) -> (Base, ImageConfig, Scope) {
        let Some(text) = value.known() else {
            let scope = Scope {
                image_base: true,
                ..Scope::default()
            };
            return (
                Base::Symbolic(value.display()),
                ImageConfig::from_image(),
                scope,
            );
        };
        let lower = text.to_ascii_lowercase();
        if let Some(stage) = self
            .stages
            .iter()
            .find(|s| s.name.as_deref() == Some(lower.as_str()))
        {
            // A stage starts from its base stage's config, and its ARGs stay visible.
            let mut config = stage.config.clone();
            config.on_build.clear();
            let scope = self.stage_scope_at_end(stage.index);
            return (Base::Stage(stage.index), config, scope);
        }
        if lower == "scratch" {
            return (Base::Scratch, ImageConfig::scratch(), Scope::default());
        }
        match ImageRef::parse(&text) {
            Ok(image) => {
                let scope = Scope {
                    image_base: true,
                    ..Scope::default()
                };
                (Base::Image(image), ImageConfig::from_image(), scope)
            }
            Err(e) => {
                let kind = if unset.is_empty() {
                    ProblemKind::InvalidReference
                } else {
                    ProblemKind::UnresolvedReference
                };
                self.problem(
                    kind,
                    range,
                    if unset.is_empty() {
                        format!("invalid base image reference {text:?}: {e}")
                    } else {
                        format!(
                            "invalid base image reference {text:?}: {e} ({} has no value; pass it with --build-arg)",
                            unset.join(", ")
                        )
                    },
                );
                (
                    Base::Invalid {
                        text,
                        error: e.to_string(),
                    },
                    ImageConfig::from_image(),
                    Scope {
                        image_base: true,
                        ..Scope::default()
                    },
                )
            }
        }
    }

    fn stage_instruction(&mut self, instruction: Instruction<'_>) {
        let index = self.current.as_ref().expect("inside a stage").index;
        let kind = instruction.kind();
        let range = instruction.range();
        let env = self.run_env(index);
        let stage = &mut self.stages[index];
        stage.range = stage.range.cover(range);
        let layer = match kind {
            SyntaxKind::ARG_INSTR => {
                let declared = self.stage_arg(instruction);
                // The next step's environment: this one with the ARGs that have values.
                let mut next = RunEnv::clone(&env);
                let mut known = true;
                for (name, value) in &declared {
                    if let Some(v) = value {
                        known &= next.set_arg(name, arg_value(name, v));
                    }
                }
                let state = self.current.as_mut().expect("inside a stage");
                state.run_env = known.then(|| Arc::new(next));
                None
            }
            SyntaxKind::ENV_INSTR => {
                let pairs = self.expand_pairs(instruction);
                let mut next = RunEnv::clone(&env);
                for (name, value) in &pairs {
                    next.set_env(name, value.clone());
                }
                self.current.as_mut().expect("inside a stage").run_env = Some(Arc::new(next));
                let config_env = &mut self.stages[index].config.env;
                for (name, value) in pairs {
                    set_entry(config_env, name, value);
                }
                None
            }
            SyntaxKind::LABEL_INSTR => {
                let pairs = self.expand_pairs(instruction);
                let labels = &mut self.stages[index].config.labels;
                for (name, value) in pairs {
                    set_entry(labels, name, value);
                }
                None
            }
            SyntaxKind::USER_INSTR => {
                if let Some(word) = instruction.words().next() {
                    let value = self.expand_in_stage(word);
                    self.stages[index].config.user = Field::Set(value);
                }
                None
            }
            SyntaxKind::WORKDIR_INSTR => self.workdir(index, instruction),
            SyntaxKind::EXPOSE_INSTR => {
                let words: Vec<Word<'_>> = instruction.words().collect();
                for word in words {
                    // BuildKit splits the expansion into words (`ProcessWords`): a variable
                    // can hold several ports.
                    let expanded = self.expand_in_stage(word).display();
                    // Sorted once per word: a range can hold tens of thousands of ports.
                    let ports = &mut self.stages[index].config.exposed_ports;
                    for part in expanded.split_whitespace() {
                        ports.extend(normalize_ports(part));
                    }
                    ports.sort();
                    ports.dedup();
                }
                None
            }
            SyntaxKind::VOLUME_INSTR => {
                let paths: Vec<String> = match instruction.exec_form() {
                    Some(array) => array.strings(),
                    None => {
                        let words: Vec<Word<'_>> = instruction.words().collect();
                        words
                            .into_iter()
                            .map(|w| self.expand_in_stage(w).display())
                            .collect()
                    }
                };
                let volumes = &mut self.stages[index].config.volumes;
                for path in paths {
                    if !volumes.contains(&path) {
                        volumes.push(path);
                    }
                }
                None
            }
            SyntaxKind::STOPSIGNAL_INSTR => {
                if let Some(word) = instruction.words().next() {
                    let value = self.expand_in_stage(word);
                    self.stages[index].config.stop_signal = Field::Set(value);
                }
                None
            }
            SyntaxKind::CMD_INSTR => {
                let command = self.command_line(index, instruction);
                let state = self.current.as_mut().expect("inside a stage");
                state.cmd_set = true;
                self.stages[index].config.cmd = Field::Set(command);
                None
            }
            SyntaxKind::ENTRYPOINT_INSTR => {
                let command = self.command_line(index, instruction);
                let config = &mut self.stages[index].config;
                // `ENTRYPOINT []` or an empty ENTRYPOINT resets it.
                config.entrypoint = if command.is_empty() {
                    Field::Unset
                } else {
                    Field::Set(command)
                };
                // A new ENTRYPOINT drops a CMD this stage did not set itself.
                if !self.current.as_ref().expect("inside a stage").cmd_set {
                    config.cmd = Field::Unset;
                }
                None
            }
            SyntaxKind::SHELL_INSTR => {
                if let Some(array) = instruction.exec_form() {
                    self.stages[index].config.shell = Field::Set(array.strings());
                }
                None
            }
            SyntaxKind::HEALTHCHECK_INSTR => {
                let healthcheck = self.healthcheck(index, instruction);
                self.stages[index].config.healthcheck = Field::Set(healthcheck);
                None
            }
            SyntaxKind::ONBUILD_INSTR => {
                if let Some(trigger) = instruction.onbuild_trigger() {
                    let text = trigger.syntax().logical_text().trim().to_string();
                    self.stages[index].config.on_build.push(text);
                }
                None
            }
            SyntaxKind::RUN_INSTR => Some(self.run_layer(index, instruction)),
            SyntaxKind::COPY_INSTR | SyntaxKind::ADD_INSTR => {
                Some(self.copy_layer(index, instruction))
            }
            _ => None,
        };
        let stage = &mut self.stages[index];
        let layer = layer.map(|l| {
            stage.layers.push(l);
            stage.layers.len() - 1
        });
        stage.steps.push(Step {
            kind,
            range,
            layer,
            env,
        });
    }

    /// Declares the ARGs of an instruction in the current stage; returns them with their
    /// values.
    fn stage_arg(&mut self, instruction: Instruction<'_>) -> Vec<(String, Option<VarValue>)> {
        let mut declared = Vec::new();
        for pair in instruction.key_values() {
            let Some(key) = pair.key() else { continue };
            let name = key.unquoted(self.escape);
            let value = if let Some(v) = self.build_args.get(name.as_str()) {
                Some(VarValue::Known((*v).to_string()))
            } else if let Some(default) = pair.value() {
                Some(to_var(&self.expand_in_stage(default)))
            } else if pair.has_equals() {
                Some(VarValue::Known(String::new()))
            } else if let Some(global) = self.globals.iter().rev().find(|a| a.name == name) {
                global.value.as_ref().map(to_var)
            } else {
                automatic_arg(&name, &self.build_args)
            };
            declared.push((name.clone(), value.clone()));
            self.current
                .as_mut()
                .expect("inside a stage")
                .scope
                .args
                .push((name, value));
        }
        declared
    }

    /// Expands ENV or LABEL pairs, all with the values from before the instruction.
    fn expand_pairs(&mut self, instruction: Instruction<'_>) -> Vec<(String, Value)> {
        let pairs: Vec<KeyValue<'_>> = instruction.key_values().collect();
        let mut out = Vec::new();
        for pair in pairs {
            let Some(key) = pair.key() else { continue };
            let name = self.expand_in_stage(key).display();
            let value = match pair.value() {
                Some(word) => self.expand_in_stage(word),
                None => Value::from_text(String::new()),
            };
            out.push((name, value));
        }
        out
    }

    fn workdir(&mut self, index: usize, instruction: Instruction<'_>) -> Option<Layer> {
        let word = instruction.words().next()?;
        let requested = self.expand_in_stage(word);
        let config = &mut self.stages[index].config;
        let path = match requested.known() {
            Some(p) if p.starts_with('/') => Value::from_text(clean_path(&p)),
            Some(p) => match &config.working_dir {
                Field::Set(current) => match current.known() {
                    Some(c) => Value::from_text(clean_path(&format!("{c}/{p}"))),
                    None => Value::symbolic(format!("{}/{p}", current.display())),
                },
                Field::Unset => Value::from_text(clean_path(&format!("/{p}"))),
                Field::Inherited => Value::symbolic(format!("$WORKDIR/{p}")),
            },
            None => requested,
        };
        config.working_dir = Field::Set(path.clone());
        Some(Layer {
            kind: SyntaxKind::WORKDIR_INSTR,
            range: instruction.range(),
            command: format!("WORKDIR {}", path.display()),
            flags: Vec::new(),
            env: Arc::default(),
            sources: Vec::new(),
            destination: Some(path),
        })
    }

    /// CMD and ENTRYPOINT as the config stores them: exec form as is, shell form wrapped
    /// in the stage's shell.
    fn command_line(&self, index: usize, instruction: Instruction<'_>) -> Vec<String> {
        if let Some(array) = instruction.exec_form() {
            return array.strings();
        }
        match instruction.shell_form() {
            Some(shell) => {
                let mut command = self.stages[index].config.effective_shell();
                command.push(shell.text().trim().to_string());
                command
            }
            None => Vec::new(),
        }
    }

    fn healthcheck(&mut self, _index: usize, instruction: Instruction<'_>) -> Healthcheck {
        let flag = |name: &str| instruction.flag(name).and_then(|f| f.value_text());
        let test = if instruction
            .healthcheck_type()
            .is_some_and(|t| t.eq_ignore_ascii_case("NONE"))
        {
            vec!["NONE".to_string()]
        } else if let Some(array) = instruction.exec_form() {
            let mut test = vec!["CMD".to_string()];
            test.extend(array.strings());
            test
        } else {
            let text = instruction
                .shell_form()
                .map(|s| s.text().trim().to_string())
                .unwrap_or_default();
            vec!["CMD-SHELL".to_string(), text]
        };
        Healthcheck {
            test,
            interval: flag("interval"),
            timeout: flag("timeout"),
            start_period: flag("start-period"),
            start_interval: flag("start-interval"),
            retries: flag("retries"),
        }
    }

    /// The environment a RUN sees: declared ARGs with values, then the Env (which wins).
    /// Computed once per change of ARG or ENV.
    fn run_env(&mut self, index: usize) -> Arc<RunEnv> {
        if let Some(env) = self.current.as_ref().and_then(|s| s.run_env.clone()) {
            return env;
        }
        let mut env = RunEnv::default();
        // Predefined args (the proxy variables, ...) reach RUN without an ARG when given.
        for name in PREDEFINED_ARGS {
            if let Some(value) = self.build_args.get(name) {
                env.set_arg(name, Value::from_text(*value));
            }
        }
        if let Some(state) = &self.current {
            for (name, value) in &state.scope.args {
                if let Some(v) = value {
                    env.set_arg(name, arg_value(name, v));
                }
            }
        }
        for (name, value) in &self.stages[index].config.env {
            env.set_env(name, value.clone());
        }
        let env = Arc::new(env);
        if let Some(state) = self.current.as_mut() {
            state.run_env = Some(env.clone());
        }
        env
    }

    fn run_layer(&mut self, index: usize, instruction: Instruction<'_>) -> Layer {
        let mut flags = Vec::new();
        let run_flags: Vec<_> = instruction.flags().collect();
        for flag in run_flags {
            let name = flag.name();
            if name == "mount" {
                let mut fields = Vec::new();
                for option in flag.mount_options() {
                    let key = option
                        .key()
                        .map(|k| k.unquoted(self.escape).to_ascii_lowercase())
                        .unwrap_or_default();
                    let value = option.value().map(|v| {
                        if key == "from" {
                            v.unquoted(self.escape)
                        } else {
                            self.expand_in_stage(v).display()
                        }
                    });
                    if key == "from"
                        && let Some(from) = &value
                    {
                        self.add_from_edge(index, from, EdgeKind::MountFrom, instruction.range());
                    }
                    fields.push(match value {
                        Some(v) => format!("{key}={v}"),
                        None => key,
                    });
                }
                flags.push(format!("--mount={}", fields.join(",")));
            } else {
                let value = flag.value().map(|w| self.expand_in_stage(w).display());
                flags.push(match value {
                    Some(v) => format!("--{name}={v}"),
                    None if flag.has_value() => format!("--{name}="),
                    None => format!("--{name}"),
                });
            }
        }
        let mut command = match (instruction.exec_form(), instruction.shell_form()) {
            (Some(array), _) => serde_json::to_string(&array.strings()).unwrap_or_default(),
            (None, Some(shell)) => shell.text().trim().to_string(),
            (None, None) => String::new(),
        };
        for heredoc in instruction.heredocs() {
            command.push('\n');
            command.push_str(heredoc.raw_body());
            command.push_str(heredoc.terminator().unwrap_or(""));
        }
        Layer {
            kind: SyntaxKind::RUN_INSTR,
            range: instruction.range(),
            command,
            flags,
            env: self.run_env(index),
            sources: Vec::new(),
            destination: None,
        }
    }

    fn copy_layer(&mut self, index: usize, instruction: Instruction<'_>) -> Layer {
        let kind = instruction.kind();
        let mut flags = Vec::new();
        let mut from: Option<String> = None;
        let copy_flags: Vec<_> = instruction.flags().collect();
        for flag in copy_flags {
            let name = flag.name();
            let value = if name == "from" {
                flag.value().map(|w| w.unquoted(self.escape))
            } else {
                flag.value().map(|w| self.expand_in_stage(w).display())
            };
            if name == "from" {
                from.clone_from(&value);
            }
            flags.push(match value {
                Some(v) => format!("--{name}={v}"),
                None => format!("--{name}"),
            });
        }
        let from_target = from
            .as_deref()
            .map(|f| self.add_from_edge(index, f, EdgeKind::CopyFrom, instruction.range()));
        // Arguments: JSON strings (not expanded), or words and heredoc markers.
        let mut args: Vec<(Option<Word<'_>>, String, bool)> = Vec::new();
        if let Some(array) = instruction.exec_form() {
            args.extend(array.strings().into_iter().map(|s| (None, s, false)));
        } else {
            for element in instruction.syntax().children() {
                if let Some(word) = Word::cast(element) {
                    let text = self.expand_in_stage(word).display();
                    args.push((Some(word), text, false));
                } else if element.kind() == SyntaxKind::HEREDOC_MARKER {
                    let name = crate::ast::HeredocMarker::cast(element)
                        .and_then(|m| m.name(self.escape))
                        .unwrap_or_default();
                    args.push((None, name, true));
                }
            }
        }
        let destination = args.pop();
        let mut sources = Vec::new();
        for (word, text, is_heredoc) in &args {
            let source = if *is_heredoc {
                Source::Heredoc(text.clone())
            } else {
                match &from_target {
                    Some(EdgeTarget::Stage(s)) => Source::Stage {
                        stage: *s,
                        path: text.clone(),
                    },
                    Some(EdgeTarget::Image(image)) => Source::Image {
                        image: image.clone(),
                        path: text.clone(),
                    },
                    None if kind == SyntaxKind::ADD_INSTR && is_remote(text) => {
                        Source::Remote(text.clone())
                    }
                    None => {
                        self.context_source(text, word.map_or(instruction.range(), |w| w.range()))
                    }
                }
            };
            sources.push(source);
        }
        let keyword = if kind == SyntaxKind::ADD_INSTR {
            "ADD"
        } else {
            "COPY"
        };
        let mut command = String::from(keyword);
        for part in flags
            .iter()
            .chain(args.iter().map(|(_, t, _)| t))
            .chain(destination.iter().map(|(_, t, _)| t))
        {
            command.push(' ');
            command.push_str(part);
        }
        Layer {
            kind,
            range: instruction.range(),
            command,
            flags,
            env: Arc::default(),
            sources,
            destination: destination.map(|(_, t, _)| Value::from_text(t)),
        }
    }

    fn context_source(&mut self, pattern: &str, range: TextRange) -> Source {
        let Some(context) = &self.options.context else {
            return Source::Context {
                pattern: pattern.to_string(),
                files: None,
                excluded: None,
            };
        };
        let found = context.resolve_source(pattern);
        if found.matched_nothing() {
            self.problem(
                ProblemKind::SourceNotFound,
                range,
                format!("{pattern:?} matches no file of the build context"),
            );
        } else if found.all_excluded() {
            self.problem(
                ProblemKind::SourceExcluded,
                range,
                format!("{pattern:?} matches only files that .dockerignore excludes"),
            );
        }
        Source::Context {
            pattern: pattern.to_string(),
            files: Some(found.files),
            excluded: Some(found.excluded),
        }
    }

    /// Resolves `--from` (COPY) or `from=` (RUN --mount): a stage index, a stage name, or
    /// an image. Records the edge and reports references to the stage itself or later stages.
    fn add_from_edge(
        &mut self,
        index: usize,
        reference: &str,
        kind: EdgeKind,
        range: TextRange,
    ) -> EdgeTarget {
        let lower = reference.to_ascii_lowercase();
        let by_index = reference.parse::<usize>().ok();
        let known_stage = by_index.filter(|&i| i <= index).or_else(|| {
            self.stages
                .iter()
                .find(|s| s.name.as_deref() == Some(lower.as_str()))
                .map(|s| s.index)
        });
        let target = match known_stage {
            Some(s) if s == index => {
                self.problem(
                    ProblemKind::CircularDependency,
                    range,
                    format!(
                        "circular dependency detected on stage: {}",
                        self.stages[index].label()
                    ),
                );
                EdgeTarget::Stage(s)
            }
            Some(s) => EdgeTarget::Stage(s),
            None if by_index.is_some() => {
                self.problem(
                    ProblemKind::ForwardReference,
                    range,
                    format!("cannot copy from stage {reference:?}, it needs to be defined before current stage {}", self.stages[index].label()),
                );
                EdgeTarget::Image(reference.to_string())
            }
            None => {
                if self.later_stage_names.contains(&lower) {
                    self.problem(
                        ProblemKind::ForwardReference,
                        range,
                        format!("cannot copy from stage {reference:?}, it needs to be defined before current stage {}", self.stages[index].label()),
                    );
                }
                EdgeTarget::Image(reference.to_string())
            }
        };
        self.edges.push(Edge {
            stage: index,
            target: target.clone(),
            kind,
            range,
        });
        target
    }

    /// The scope a stage ends with, kept for stages built on it.
    fn stage_scope_at_end(&self, index: usize) -> Scope {
        self.scopes_at_end.get(&index).cloned().unwrap_or_default()
    }

    fn end_stage(&mut self) {
        if let Some(state) = self.current.take() {
            self.scopes_at_end.insert(state.index, state.scope);
        }
    }

    fn finish(mut self) -> Build {
        self.end_stage();
        let mut build = Build {
            global_args: self.globals,
            stages: self.stages,
            edges: self.edges,
            target: None,
            problems: self.problems,
        };
        crate::semantic::graph::resolve_target(&mut build, self.options.target.as_deref());
        build.problems.sort_by_key(|p| (p.range.start, p.range.end));
        build
    }
}

/// Sets `name` in an ordered list: replaces the value in place, or appends.
/// The value a RUN sees for an ARG.
fn arg_value(name: &str, value: &VarValue) -> Value {
    match value {
        VarValue::Known(s) => Value::from_text(s.clone()),
        VarValue::Unknown => Value::symbolic(format!("${name}")),
    }
}

fn set_entry(list: &mut Vec<(String, Value)>, name: String, value: Value) {
    match list.iter_mut().find(|(n, _)| *n == name) {
        Some(entry) => entry.1 = value,
        None => list.push((name, value)),
    }
}

/// The ports an EXPOSE word opens, as BuildKit records them (`nat.ParsePortSpecs`):
/// `80` -> `80/tcp`, `53/UDP` -> `53/udp`, `080` -> `80/tcp`, and a range
/// `7000-7002` -> each port of it. A word that is not a number is kept as written. An IP
/// address or host port before the container port (`127.0.0.1:8080:80`) is dropped, as
/// BuildKit keeps only the container port.
fn normalize_ports(word: &str) -> Vec<String> {
    let word = word.rsplit(':').next().unwrap_or(word);
    let (number, proto) = match word.split_once('/') {
        Some((number, proto)) => (number, proto.to_ascii_lowercase()),
        None => (word, "tcp".to_string()),
    };
    let parsed = match number.split_once('-') {
        Some((a, b)) => a.parse::<u32>().ok().zip(b.parse::<u32>().ok()),
        None => number.parse::<u32>().ok().map(|n| (n, n)),
    };
    match parsed {
        Some((low, high)) if low <= high && high - low < 65_536 => {
            (low..=high).map(|p| format!("{p}/{proto}")).collect()
        }
        _ => vec![format!("{number}/{proto}")],
    }
}

/// Go's `path.Clean` for absolute paths.
pub(crate) fn clean_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Whether an ADD source is fetched rather than read from the context.
fn is_remote(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    ["http://", "https://", "git@", "git://", "ssh://"]
        .iter()
        .any(|p| lower.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The environment of each step, as `NAME=value` in order.
    fn step_envs(source: &str) -> Vec<Vec<String>> {
        let build = evaluate(&crate::syntax::parse(source), &BuildOptions::default());
        build.stages[build.stages.len() - 1]
            .steps
            .iter()
            .map(|s| {
                s.env
                    .iter()
                    .filter(|(n, _)| n != "PATH")
                    .map(|(n, v)| format!("{n}={}", v.display()))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn step_environments_follow_args_then_env_in_order() {
        // ARGs first in declaration order, then ENV (PATH, which scratch sets, left out); a
        // later value replaces an earlier one of the same name in place; an ENV wins over an
        // ARG of its name.
        let envs =
            step_envs("FROM scratch\nARG A=1\nENV B=2\nARG B=3\nARG C=4\nENV A=5\nARG D\nRUN x\n");
        assert_eq!(envs[0], Vec::<String>::new());
        assert_eq!(envs[1], ["A=1"]);
        assert_eq!(envs[2], ["A=1", "B=2"]);
        // `ARG B` after `ENV B`: the ARG takes its place among the ARGs, with ENV's value.
        assert_eq!(envs[3], ["A=1", "B=2"]);
        assert_eq!(envs[4], ["A=1", "B=2", "C=4"]);
        assert_eq!(envs[5], ["A=5", "B=2", "C=4"]);
        // An ARG without a value sets nothing.
        assert_eq!(envs[6], ["A=5", "B=2", "C=4"]);
        // A new ARG goes after the other ARGs, before the ENV variables.
        let envs = step_envs("FROM scratch\nENV E=1\nARG F=2\nARG G=3\nARG F=4\nRUN x\n");
        assert_eq!(envs[4], ["F=4", "G=3", "E=1"]);
    }

    #[test]
    fn paths_and_ports() {
        assert_eq!(clean_path("/a/./b/../c/"), "/a/c");
        assert_eq!(clean_path("/.."), "/");
        assert_eq!(normalize_ports("80"), ["80/tcp"]);
        assert_eq!(normalize_ports("53/UDP"), ["53/udp"]);
        assert_eq!(normalize_ports("080"), ["80/tcp"]);
        assert_eq!(normalize_ports("127.0.0.1:8080:80/udp"), ["80/udp"]);
        assert_eq!(normalize_ports("8080:80"), ["80/tcp"]);
        assert_eq!(
            normalize_ports("7000-7002/udp"),
            ["7000/udp", "7001/udp", "7002/udp"]
        );
        assert_eq!(normalize_ports("$PORT"), ["$PORT/tcp"]);
        assert!(is_remote("https://example.com/x.tgz"));
        assert!(!is_remote("src/"));
    }

    fn config(source: &str, stage: usize) -> ImageConfig {
        let build = evaluate(&crate::syntax::parse(source), &BuildOptions::default());
        build.stages[stage].config.clone()
    }

    #[test]
    fn scratch_stages_get_the_default_path() {
        let c = config("FROM scratch\nENV P=$PATH:/x\n", 0);
        assert_eq!(
            c.env_value("P").and_then(Value::known).as_deref(),
            Some(&*format!("{DEFAULT_PATH}:/x"))
        );
        let c = config("FROM --platform=windows/amd64 scratch\n", 0);
        assert!(c.env.is_empty());
    }

    #[test]
    fn a_stage_runs_the_onbuild_triggers_of_its_base_stage_once() {
        let source = "FROM scratch AS a\nENV N=n\nONBUILD ENV N=${N}x\nFROM a AS b\nFROM b\n";
        let a = config(source, 0);
        assert_eq!(a.on_build, ["ENV N=${N}x"]);
        for (stage, n) in [(0, "n"), (1, "nx"), (2, "nx")] {
            let c = config(source, stage);
            assert_eq!(c.env_value("N").and_then(Value::known).as_deref(), Some(n));
        }
        assert!(config(source, 1).on_build.is_empty());
    }

    #[test]
    fn expose_splits_a_variable_into_ports() {
        let c = config("FROM scratch\nENV P=\"80 53/udp\"\nEXPOSE $P $NONE\n", 0);
        assert_eq!(c.exposed_ports, ["53/udp", "80/tcp"]);
    }
}
