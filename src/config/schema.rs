//! The JSON Schema of `.dflint.toml` and `.dflint.yaml`, for editors (taplo, the YAML
//! language server) and for `docs/dflint.schema.json`.

use serde_json::{Value, json};

use super::{LABEL_SCHEMAS, Preset};

/// The JSON Schema (draft 2020-12) of the configuration file.
#[must_use]
pub fn json_schema() -> Value {
    let severities = json!(["error", "warning", "info", "style"]);
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "dflint configuration",
        "description": "Configuration of dflint, the Dockerfile linter: `.dflint.toml` or \
            `.dflint.yaml`, found in the checked file's directory or one of its parents.",
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "preset": {
                "description": "The set of rules selection starts from: `minimal` (build \
                    errors and the clearest security problems), `recommended` (every stable \
                    rule), `security` (`recommended` plus every security rule, preview ones \
                    included) or `strict` (every rule). `select` adds rules to it and `ignore` \
                    removes rules from it. Without a preset, `recommended` applies when \
                    `select` is empty.",
                "enum": Preset::NAMES
            },
            "select": {
                "description": "Rules to enable: added to `preset` when one is set; \
                    otherwise, when empty or absent, every stable rule is enabled, and when \
                    not, exactly the rules named here. A preview rule is enabled by a \
                    category, a code prefix or `ALL` only with `preview = true`, by its code, \
                    name or alias always.",
                "$ref": "#/$defs/selectors"
            },
            "ignore": {
                "description": "Rules to disable. Wins over `select`.",
                "$ref": "#/$defs/selectors"
            },
            "severity": {
                "description": "Severity overrides: rule selector to severity. When several \
                    selectors match a rule, the most specific wins: a code, name or alias, \
                    then the longest code prefix, then a category, then `ALL`.",
                "$ref": "#/$defs/severityTable"
            },
            "fail-level": {
                "description": "Exit with status 1 when a finding has at least this \
                    severity; `none` never fails because of findings.",
                "enum": ["error", "warning", "info", "style", "none"]
            },
            "preview": {
                "description": "Enable preview rules (new rules that may still change) \
                    wherever a code prefix or `ALL` selects rules, and by default.",
                "type": "boolean"
            },
            "per-path": {
                "description": "Overrides for some files, applied in order after the top \
                    level; later entries win.",
                "type": "array",
                "items": { "$ref": "#/$defs/pathOverride" }
            },
            "trusted-registries": {
                "description": "Registries base images may come from, such as `docker.io` \
                    or `*.example.com`. When empty or absent, any registry is allowed.",
                "type": "array",
                "items": { "type": "string", "description": "A registry host, `*` wildcards allowed." }
            },
            "required-labels": {
                "description": "Labels every image must set, by name or with the kind of \
                    value they must hold.",
                "type": "array",
                "items": { "$ref": "#/$defs/requiredLabel" }
            },
            "strict-labels": {
                "description": "Report labels that are not in `required-labels`.",
                "type": "boolean"
            },
            "disable-ignore-pragma": {
                "description": "Make inline `# dflint ignore=` and `# hadolint ignore=` \
                    comments have no effect.",
                "type": "boolean"
            },
            "require-ignore-reason": {
                "description": "Report every `# dflint` or `# hadolint` suppression pragma \
                    that gives no reason (`reason=\"...\"`, `-- reason`, or hadolint's \
                    trailing `# reason`).",
                "type": "boolean"
            },
            "shellcheck": {
                "description": "When ShellCheck checks the scripts of RUN instructions: \
                    `auto` (the default) when the `shellcheck` binary is on `PATH`, `always` \
                    (a missing binary is an error) or `never`. Its findings have codes such \
                    as `SC2086` and the name `shellcheck`, and are selected, ignored and \
                    suppressed like rules.",
                "enum": ["auto", "always", "never"]
            },
            "engine": {
                "description": "The container engine whose ignore file applies to a build \
                    context: `docker` (the default: `<Dockerfile>.dockerignore`, then the \
                    context's `.dockerignore`) or `podman` (the context's `.containerignore`, \
                    then its `.dockerignore`).",
                "enum": ["docker", "podman"]
            },
            "exclude": {
                "description": "Globs of files to skip when searching a directory, relative \
                    to the configuration file's directory (as `per-path` globs). Files named \
                    on the command line are still checked.",
                "type": "array",
                "items": { "type": "string", "description": "A glob." }
            },
            "rules": {
                "description": "Options of individual rules, by rule name, such as \
                    `unpinned-base-image = { require-digest = true }`. Each rule's page lists \
                    its options.",
                "type": "object",
                "propertyNames": { "$ref": "#/$defs/selector" },
                "additionalProperties": {
                    "description": "The rule's options.",
                    "type": "object"
                }
            }
        },
        "$defs": {
            "selector": {
                "description": "A rule selector: a code (`DFL3006`), a name \
                    (`unpinned-base-image`), an alias from another tool (`DL3006`, \
                    `SecretsUsedInArgOrEnv`), a category (`correctness`, `security`, \
                    `performance` or `size`, `reproducibility`, `maintainability`, `style`), \
                    a code prefix (`DFL3`) or `ALL`. ShellCheck's \
                    findings answer to their codes (`SC2086`), code prefixes (`SC2`) and \
                    the name `shellcheck`.",
                "type": "string",
                "pattern": "^[^\\s,]+$"
            },
            "selectors": {
                "description": "A list of rule selectors.",
                "type": "array",
                "items": { "$ref": "#/$defs/selector" }
            },
            "severity": {
                "description": "How serious a finding is.",
                "enum": severities
            },
            "severityTable": {
                "description": "Rule selector to severity.",
                "type": "object",
                "propertyNames": { "$ref": "#/$defs/selector" },
                "additionalProperties": { "$ref": "#/$defs/severity" }
            },
            "pathOverride": {
                "description": "Selection and severity for the files matching some globs.",
                "type": "object",
                "additionalProperties": false,
                "required": ["paths"],
                "properties": {
                    "paths": {
                        "description": "Globs on the `/`-separated path relative to the \
                            configuration file's directory: `*` stays within a directory, \
                            `**` crosses directories. A glob without `/` also matches a file \
                            name in any directory; a glob naming a directory matches the \
                            files under it.",
                        "type": "array",
                        "minItems": 1,
                        "items": { "type": "string", "description": "A glob." }
                    },
                    "select": {
                        "description": "Rules to enable for these files.",
                        "$ref": "#/$defs/selectors"
                    },
                    "ignore": {
                        "description": "Rules to disable for these files. Wins over this \
                            entry's `select`.",
                        "$ref": "#/$defs/selectors"
                    },
                    "severity": {
                        "description": "Severity overrides for these files.",
                        "$ref": "#/$defs/severityTable"
                    }
                }
            },
            "requiredLabel": {
                "description": "A label name, or a table with the name and the kind of value.",
                "oneOf": [
                    { "type": "string", "minLength": 1, "description": "The label name." },
                    {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["name"],
                        "properties": {
                            "name": {
                                "description": "The label name, such as \
                                    `org.opencontainers.image.source`.",
                                "type": "string",
                                "minLength": 1
                            },
                            "schema": {
                                "description": "The kind of value the label must hold.",
                                "enum": LABEL_SCHEMAS
                            }
                        }
                    }
                ]
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::read::{LABEL_KEYS, PER_PATH_KEYS, TOP_KEYS};
    use super::*;

    fn property_names(object: &Value) -> Vec<&str> {
        let mut names: Vec<&str> = object["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        names
    }

    fn sorted<'a>(keys: &[&'a str]) -> Vec<&'a str> {
        let mut keys = keys.to_vec();
        keys.sort_unstable();
        keys
    }

    #[test]
    fn schema_keys_are_the_keys_the_parser_reads() {
        let schema = json_schema();
        assert_eq!(property_names(&schema), sorted(TOP_KEYS));
        let defs = &schema["$defs"];
        assert_eq!(property_names(&defs["pathOverride"]), sorted(PER_PATH_KEYS));
        assert_eq!(
            property_names(&defs["requiredLabel"]["oneOf"][1]),
            sorted(LABEL_KEYS)
        );
        assert_eq!(
            defs["requiredLabel"]["oneOf"][1]["properties"]["schema"]["enum"],
            json!(LABEL_SCHEMAS)
        );
    }

    #[test]
    fn every_property_has_a_description() {
        fn walk(value: &Value, path: &str, missing: &mut Vec<String>) {
            match value {
                Value::Object(map) => {
                    if let Some(Value::Object(properties)) = map.get("properties") {
                        for (name, property) in properties {
                            if property.get("description").is_none() {
                                missing.push(format!("{path}.{name}"));
                            }
                        }
                    }
                    for (key, child) in map {
                        walk(child, &format!("{path}/{key}"), missing);
                    }
                }
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        walk(item, &format!("{path}/{i}"), missing);
                    }
                }
                _ => {}
            }
        }
        let mut missing = Vec::new();
        walk(&json_schema(), "#", &mut missing);
        assert!(missing.is_empty(), "{missing:#?}");
    }

    /// `docs/dflint.schema.json` is generated; regenerate it with
    /// `DFLINT_BLESS=1 cargo test --lib config::schema`.
    #[test]
    fn schema_file_is_up_to_date() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/dflint.schema.json");
        let mut expected = serde_json::to_string_pretty(&json_schema()).unwrap();
        expected.push('\n');
        if std::env::var_os("DFLINT_BLESS").is_some() {
            std::fs::write(&path, &expected).unwrap();
            return;
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            actual == expected,
            "docs/dflint.schema.json is out of date: run \
             `DFLINT_BLESS=1 cargo test --lib config::schema`"
        );
    }
}
