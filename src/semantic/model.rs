//! The evaluated build: stages, the stage graph, image configs, layers and the problems the
//! evaluation found. Plain data, produced by [`crate::semantic::evaluate()`].

use std::sync::Arc;

use crate::semantic::context::BuildContext;
use crate::semantic::expand::Value;
use crate::semantic::image_ref::ImageRef;
use crate::syntax::{SyntaxKind, TextRange};

/// How to evaluate: the inputs of a build besides the Dockerfile.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// The stage to build (`--target`); the last stage when `None`.
    pub target: Option<String>,
    /// `--build-arg NAME=VALUE` pairs, in order (a later one wins).
    pub build_args: Vec<(String, String)>,
    /// The build context, when known. Without it COPY/ADD sources stay patterns.
    pub context: Option<BuildContext>,
}

/// The result of evaluating a Dockerfile.
#[derive(Clone, Debug)]
pub struct Build {
    /// ARGs declared before the first FROM, with their values.
    pub global_args: Vec<Arg>,
    /// Stages in order.
    pub stages: Vec<Stage>,
    /// Dependencies between stages and on external images.
    pub edges: Vec<Edge>,
    /// The index of the stage that is built, when it could be determined.
    pub target: Option<usize>,
    /// Problems found while evaluating (unknown target, forward references, ...).
    pub problems: Vec<Problem>,
}

/// A declared build argument and the value it has at its declaration.
#[derive(Clone, Debug)]
pub struct Arg {
    /// The name of the build argument, as the ARG instruction declares it.
    pub name: String,
    /// `None` when the ARG has no default and no `--build-arg` sets it.
    pub value: Option<Value>,
    /// The range of the `NAME` or `NAME=default` pair in the ARG instruction that declares it.
    pub range: TextRange,
}

/// One build stage: a FROM and the instructions up to the next FROM.
#[derive(Clone, Debug)]
pub struct Stage {
    /// The position of the stage in the Dockerfile, counting from 0; `COPY --from=<index>`
    /// and the stage graph refer to the stage by it.
    pub index: usize,
    /// The name after `AS`, lowercased as BuildKit does.
    pub name: Option<String>,
    /// The range of the FROM instruction.
    pub from_range: TextRange,
    /// The range from FROM to the end of the stage's last instruction.
    pub range: TextRange,
    /// What the stage's FROM starts from: scratch, an earlier stage or an external image.
    pub base: Base,
    /// `FROM --platform=...`, expanded.
    pub platform: Option<Value>,
    /// The config of the image this stage produces.
    pub config: ImageConfig,
    /// Every instruction of the stage after FROM, in order.
    pub steps: Vec<Step>,
    /// Filesystem layers, in order.
    pub layers: Vec<Layer>,
    /// Whether the target stage needs this stage.
    pub needed: bool,
}

impl Stage {
    /// The name when it has one, otherwise its index.
    #[must_use]
    pub fn label(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.index.to_string())
    }
}

/// What a stage starts from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Base {
    /// `FROM scratch`: an empty filesystem and an empty config.
    Scratch,
    /// An earlier stage of this Dockerfile.
    Stage(usize),
    /// An external image.
    Image(ImageRef),
    /// The reference depends on values that cannot be known (shown as written).
    Symbolic(String),
    /// The reference is not a valid image reference.
    Invalid {
        /// The reference as it reads after ARG expansion (empty when FROM names no image).
        text: String,
        /// Why the reference is not a valid image reference.
        error: String,
    },
}

/// One instruction of a stage.
#[derive(Clone, Debug)]
pub struct Step {
    /// Which instruction it is (RUN, ENV, WORKDIR, ...), as its syntax node kind.
    pub kind: SyntaxKind,
    /// The range of the instruction in the Dockerfile.
    pub range: TextRange,
    /// The index in [`Stage::layers`] of the layer it creates, if it creates one.
    pub layer: Option<usize>,
    /// The variables set when the step starts (ARG and ENV values, as a RUN there would
    /// see them), shared between the steps that see the same ones.
    pub env: Arc<RunEnv>,
}

/// The variables a RUN sees, in order: the declared ARGs that have values, then the ENV
/// variables, a later value replacing an earlier one of the same name in place. The
/// entries are shared between the environments of successive steps, so that an ARG or ENV
/// costs the entries it sets, not a copy of the whole environment.
#[derive(Clone, Debug, Default)]
pub struct RunEnv {
    entries: Vec<Arc<(String, Value)>>,
    /// How many of the entries come from ARGs (they come first).
    args: usize,
}

impl RunEnv {
    /// The variables in order.
    pub fn iter(
        &self,
    ) -> impl DoubleEndedIterator<Item = &(String, Value)> + ExactSizeIterator + Clone {
        self.entries.iter().map(|e| &**e)
    }

    /// How many variables there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no variable is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The value of a variable.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.position(name).map(|i| &self.entries[i].1)
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.0 == name)
    }

    /// Sets an ARG's value: in place when the name is set already by an ARG, else at the
    /// end of the ARGs. `false`, changing nothing, when an ENV variable has the name (the
    /// order then depends on the whole history: the caller builds the environment anew).
    pub(crate) fn set_arg(&mut self, name: &str, value: Value) -> bool {
        match self.position(name) {
            Some(i) if i < self.args => {
                self.entries[i] = Arc::new((name.to_string(), value));
                true
            }
            Some(_) => false,
            None => {
                self.entries
                    .insert(self.args, Arc::new((name.to_string(), value)));
                self.args += 1;
                true
            }
        }
    }

    /// Sets an ENV variable: in place when the name is set already, else at the end.
    pub(crate) fn set_env(&mut self, name: &str, value: Value) {
        let entry = Arc::new((name.to_string(), value));
        match self.position(name) {
            Some(i) => self.entries[i] = entry,
            None => self.entries.push(entry),
        }
    }
}

/// A filesystem layer and the inputs of its cache key.
#[derive(Clone, Debug)]
pub struct Layer {
    /// The instruction that makes the layer: RUN, COPY, ADD or WORKDIR, as its syntax node
    /// kind.
    pub kind: SyntaxKind,
    /// The range of the instruction that makes the layer.
    pub range: TextRange,
    /// The instruction as the builder sees it: expanded where BuildKit expands, otherwise
    /// the logical text.
    pub command: String,
    /// The flags, as `--name=value` (expanded where BuildKit expands them).
    pub flags: Vec<String>,
    /// For RUN: the environment the command sees (ENV and ARG values), in order. Shared
    /// between the RUNs that see the same environment.
    pub env: Arc<RunEnv>,
    /// For COPY/ADD: where the files come from.
    pub sources: Vec<Source>,
    /// For COPY/ADD: the destination, expanded.
    pub destination: Option<Value>,
}

/// Where a COPY or ADD source comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A path or pattern in the build context, and the context files it reads when the
    /// context is known (`None` otherwise).
    Context {
        /// The source path or pattern as written in the instruction, relative to the
        /// context root.
        pattern: String,
        /// The context files the pattern matches and the builder receives; `None` when the
        /// context is not known.
        files: Option<Vec<String>>,
        /// The files the pattern matches that `.dockerignore` keeps out of the context, so
        /// the builder never sees them; `None` when the context is not known.
        excluded: Option<Vec<String>>,
    },
    /// A path in an earlier stage (`COPY --from=stage`).
    Stage {
        /// The index of the stage whose filesystem the files are copied from.
        stage: usize,
        /// The source path inside that stage's filesystem, as written.
        path: String,
    },
    /// A path in an external image (`COPY --from=image`).
    Image {
        /// The image reference given to `--from`, as written.
        image: String,
        /// The source path inside that image's filesystem, as written.
        path: String,
    },
    /// A remote URL or git repository (ADD).
    Remote(String),
    /// A heredoc body.
    Heredoc(String),
}

/// A dependency of a stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    /// The stage that depends.
    pub stage: usize,
    /// The stage or external image it depends on.
    pub target: EdgeTarget,
    /// The instruction that creates the dependency: FROM, `COPY --from` or
    /// `RUN --mount=from`.
    pub kind: EdgeKind,
    /// The range of the instruction that creates the dependency.
    pub range: TextRange,
}

/// What a stage depends on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EdgeTarget {
    /// A stage of this Dockerfile, by index; it must be built first.
    Stage(usize),
    /// An external image that is pulled: the short form of a FROM reference, or the
    /// `--from` value as written.
    Image(String),
}

/// How a stage depends on another stage or an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    /// `FROM <stage or image>`.
    From,
    /// `COPY --from=...`.
    CopyFrom,
    /// `RUN --mount=from=...`.
    MountFrom,
}

impl EdgeKind {
    /// Returns the kebab-case name of the kind (`from`, `copy-from` or `mount-from`), as
    /// printed in the stage graph.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::From => "from",
            EdgeKind::CopyFrom => "copy-from",
            EdgeKind::MountFrom => "mount-from",
        }
    }
}

/// A field of the image config that may come from the base image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Field<T> {
    /// Not set by this build, and the base cannot set it (scratch, or reset).
    Unset,
    /// Not set by this build: whatever the base image has.
    Inherited,
    /// Set to this value by an instruction of this stage or of a stage it is built on.
    Set(T),
}

impl<T> Field<T> {
    /// Returns the value when the build sets the field, and `None` when it is unset or
    /// left to the base image.
    #[must_use]
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Field::Set(v) => Some(v),
            _ => None,
        }
    }
}

/// The OCI image config a stage produces.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageConfig {
    /// Whether list fields (Env, Labels, ExposedPorts, Volumes) also hold entries of an
    /// external base image that are not known here.
    pub inherits_image: bool,
    /// The user (and optionally group) that later RUNs and the container run as, from USER.
    pub user: Field<Value>,
    /// Env in order, as `NAME=value`; a later entry replaces an earlier one of the same name.
    pub env: Vec<(String, Value)>,
    /// The directory later instructions and the container start in, from WORKDIR, with a
    /// relative path resolved against the previous one.
    pub working_dir: Field<Value>,
    /// The program the container runs, from ENTRYPOINT: exec form as written, shell form
    /// wrapped in the stage's shell.
    pub entrypoint: Field<Vec<String>>,
    /// The default command, or the default arguments of the entrypoint, from CMD: exec form
    /// as written, shell form wrapped in the stage's shell.
    pub cmd: Field<Vec<String>>,
    /// The ports EXPOSE declares, as `port/protocol` (such as `80/tcp`), sorted and without
    /// duplicates.
    pub exposed_ports: Vec<String>,
    /// The container paths VOLUME declares as mount points, in order and without duplicates.
    pub volumes: Vec<String>,
    /// The labels LABEL sets, in order; a later entry replaces an earlier one of the same
    /// name.
    pub labels: Vec<(String, Value)>,
    /// The signal sent to stop the container, from STOPSIGNAL.
    pub stop_signal: Field<Value>,
    /// How the container's health is checked, from HEALTHCHECK.
    pub healthcheck: Field<Healthcheck>,
    /// The shell that runs shell-form RUN, CMD and ENTRYPOINT commands, from SHELL.
    pub shell: Field<Vec<String>>,
    /// ONBUILD triggers, as written.
    pub on_build: Vec<String>,
}

impl ImageConfig {
    /// The config of `FROM scratch`.
    #[must_use]
    pub fn scratch() -> Self {
        ImageConfig {
            inherits_image: false,
            user: Field::Unset,
            env: Vec::new(),
            working_dir: Field::Unset,
            entrypoint: Field::Unset,
            cmd: Field::Unset,
            exposed_ports: Vec::new(),
            volumes: Vec::new(),
            labels: Vec::new(),
            stop_signal: Field::Unset,
            healthcheck: Field::Unset,
            shell: Field::Unset,
            on_build: Vec::new(),
        }
    }

    /// The config of a stage based on an external image: everything inherited.
    #[must_use]
    pub fn from_image() -> Self {
        ImageConfig {
            inherits_image: true,
            user: Field::Inherited,
            working_dir: Field::Inherited,
            entrypoint: Field::Inherited,
            cmd: Field::Inherited,
            stop_signal: Field::Inherited,
            healthcheck: Field::Inherited,
            shell: Field::Inherited,
            ..ImageConfig::scratch()
        }
    }

    /// The shell used for shell-form commands: the stage's SHELL, or `/bin/sh -c`.
    #[must_use]
    pub fn effective_shell(&self) -> Vec<String> {
        match &self.shell {
            Field::Set(shell) => shell.clone(),
            _ => vec!["/bin/sh".to_string(), "-c".to_string()],
        }
    }

    /// The value of an Env entry.
    #[must_use]
    pub fn env_value(&self, name: &str) -> Option<&Value> {
        self.env
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

/// A HEALTHCHECK: `NONE`, or the test command and its options as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Healthcheck {
    /// `["NONE"]`, `["CMD", ...]` or `["CMD-SHELL", "..."]`.
    pub test: Vec<String>,
    /// `--interval`: the time between two checks, as written.
    pub interval: Option<String>,
    /// `--timeout`: how long one check may run before it counts as failed, as written.
    pub timeout: Option<String>,
    /// `--start-period`: how long the container gets to start before failed checks count,
    /// as written.
    pub start_period: Option<String>,
    /// `--start-interval`: the time between two checks during the start period, as written.
    pub start_interval: Option<String>,
    /// `--retries`: how many failed checks in a row make the container unhealthy, as written.
    pub retries: Option<String>,
}

/// A problem found while evaluating.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// What kind of problem it is, which gives its stable code.
    pub kind: ProblemKind,
    /// A sentence about this occurrence, naming the stage, reference or pattern involved.
    pub message: String,
    /// The range in the Dockerfile the problem points at.
    pub range: TextRange,
    /// Other places that explain it, with what each is (the first definition of a stage
    /// name defined twice).
    pub related: Vec<(TextRange, String)>,
}

macro_rules! problem_kinds {
    ($($variant:ident = $code:literal, $name:literal, $checked:literal, $summary:literal;)*) => {
        /// The kinds of problem the evaluation reports, each with a stable code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ProblemKind {
            $(#[doc = $summary] $variant,)*
        }

        impl ProblemKind {
            /// Every kind, in code order.
            pub const ALL: &'static [ProblemKind] = &[$(ProblemKind::$variant,)*];

            /// The stable code, such as `DFL0101`.
            #[must_use]
            pub fn code(self) -> &'static str {
                match self { $(ProblemKind::$variant => $code,)* }
            }

            /// The kebab-case name.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self { $(ProblemKind::$variant => $name,)* }
            }

            /// Whether `dflint check` reports it. The others depend on inputs that a check
            /// does not have (a target, build args, a build context) and show in `dflint plan`.
            #[must_use]
            pub fn is_checked(self) -> bool {
                match self { $(ProblemKind::$variant => $checked,)* }
            }

            /// One line saying what the problem means.
            #[must_use]
            pub fn summary(self) -> &'static str {
                match self { $(ProblemKind::$variant => $summary,)* }
            }
        }
    };
}

problem_kinds! {
    ForwardReference = "DFL0101", "forward-reference", true, "A stage copies or mounts from a stage defined after it.";
    CircularDependency = "DFL0102", "circular-dependency", true, "Stages depend on each other in a cycle, or a stage on itself.";
    DuplicateStageName = "DFL0103", "duplicate-stage-name", true, "Two stages have the same name.";
    InvalidReference = "DFL0104", "invalid-reference", true, "A base image reference is not a valid image reference.";
    Expansion = "DFL0105", "failed-substitution", true, "A required variable (`${name:?message}`) is unset or empty.";
    UnresolvedReference = "DFL0106", "unresolved-reference", false, "A base image reference is invalid because an ARG it uses has no value.";
    UnknownTarget = "DFL0107", "unknown-target", false, "The target stage does not exist.";
    SourceNotFound = "DFL0108", "source-not-found", false, "A COPY or ADD source matches no file of the build context.";
    SourceExcluded = "DFL0109", "source-excluded", false, "A COPY or ADD source matches only files that .dockerignore excludes.";
    NoStage = "DFL0110", "no-stage", false, "An instruction comes before the first FROM (reported as a syntax error too).";
}

impl Build {
    /// The stage that is built.
    #[must_use]
    pub fn target_stage(&self) -> Option<&Stage> {
        self.target.and_then(|t| self.stages.get(t))
    }

    /// Stages the target does not need.
    pub fn dead_stages(&self) -> impl Iterator<Item = &Stage> {
        self.stages.iter().filter(|s| !s.needed)
    }
}

impl ProblemKind {
    /// Equivalent checks of other tools (hadolint codes, BuildKit check names, Trivy and
    /// Checkov ids), so that their selectors and suppression pragmas name the problem too.
    #[must_use]
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            ProblemKind::ForwardReference => &["DL3022"],
            ProblemKind::CircularDependency => &["DL3023", "DS006"],
            ProblemKind::DuplicateStageName => {
                &["DL3024", "DuplicateStageName", "DS012", "CKV_DOCKER_11"]
            }
            _ => &[],
        }
    }
}
