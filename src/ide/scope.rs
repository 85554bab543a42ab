//! The variables visible at a point of the file, as the engine evaluated them: the global
//! ARGs before a FROM, and inside a stage the ARG and ENV values the step starts with.

use crate::ide::Analysis;
use crate::semantic::evaluate::AUTOMATIC_PLATFORM_ARGS;
use crate::semantic::expand::{Value, VarValue};
use crate::semantic::{Base, Stage};
use crate::syntax::TextRange;

/// Where a variable visible at a point gets its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A global ARG declared before the first FROM.
    GlobalArg,
    /// A platform ARG the builder sets.
    Automatic,
    /// An ARG or ENV of the stage (or of the stage it is built on).
    Stage,
}

/// A variable visible at a point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Visible {
    pub name: String,
    /// `None` when declared without a value.
    pub value: Option<Value>,
    pub origin: Origin,
}

/// The variables visible at a point and what else may define one.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scope {
    pub vars: Vec<Visible>,
    /// The stage starts from an external image, whose Env may define other names.
    pub image_base: bool,
}

impl Scope {
    /// What `name` holds here: `Some(None)` when declared without a value.
    pub(crate) fn lookup(&self, name: &str) -> Option<&Visible> {
        self.vars.iter().rev().find(|v| v.name == name)
    }

    /// The scope as an expansion environment.
    pub(crate) fn env(&self) -> Vec<(String, VarValue)> {
        let mut env: Vec<(String, VarValue)> = Vec::new();
        for v in &self.vars {
            if let Some(value) = &v.value {
                let var = value.known().map_or(VarValue::Unknown, VarValue::Known);
                env.push((v.name.clone(), var));
            }
        }
        env
    }
}

/// The stage whose range holds `offset`.
pub(crate) fn stage_at(analysis: &Analysis, offset: u32) -> Option<&Stage> {
    analysis
        .build
        .stages
        .iter()
        .rev()
        .find(|s| s.range.start <= offset && offset <= s.range.end)
}

/// The variables visible at `at` inside the instruction with range `instruction`: in a
/// stage, those the step starts with; on a FROM line or before the first FROM, the global
/// ARGs declared before `at`.
pub(crate) fn scope_at(analysis: &Analysis, instruction: TextRange, at: u32) -> Scope {
    let stage = stage_at(analysis, instruction.start).filter(|s| s.from_range != instruction);
    let Some(stage) = stage else {
        return global_scope(analysis, at);
    };
    let Some(step) = stage.steps.iter().find(|s| s.range == instruction) else {
        return Scope::default();
    };
    Scope {
        vars: step
            .env
            .iter()
            .map(|(name, value)| Visible {
                name: name.clone(),
                value: Some(value.clone()),
                origin: Origin::Stage,
            })
            .collect(),
        image_base: is_external(analysis, stage),
    }
}

/// Whether a stage starts, directly or through other stages, from an external image.
fn is_external(analysis: &Analysis, stage: &Stage) -> bool {
    let mut current = stage;
    for _ in 0..=analysis.build.stages.len() {
        match &current.base {
            Base::Stage(b) => match analysis.build.stages.get(*b) {
                Some(next) if next.index != current.index => current = next,
                _ => return false,
            },
            Base::Scratch => return false,
            _ => return true,
        }
    }
    false
}

fn global_scope(analysis: &Analysis, offset: u32) -> Scope {
    let mut vars: Vec<Visible> = AUTOMATIC_PLATFORM_ARGS
        .iter()
        .map(|name| Visible {
            name: (*name).to_string(),
            value: Some(Value::symbolic(format!("${name}"))),
            origin: Origin::Automatic,
        })
        .collect();
    vars.extend(
        analysis
            .build
            .global_args
            .iter()
            .filter(|a| a.range.end <= offset)
            .map(|a| Visible {
                name: a.name.clone(),
                value: a.value.clone(),
                origin: Origin::GlobalArg,
            }),
    );
    Scope {
        vars,
        image_base: false,
    }
}
