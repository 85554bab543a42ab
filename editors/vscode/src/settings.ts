// The settings sent to the language server: the extension's `dflint.*` settings under the
// configuration file's own (kebab-case) key names. Pure, so it is tested without VS Code.

/** A VS Code setting name (without the `dflint.` section) and the configuration file key. */
export const SETTING_KEYS: ReadonlyArray<readonly [string, string]> = [
  ["config", "config"],
  ["select", "select"],
  ["ignore", "ignore"],
  ["preview", "preview"],
  ["severity", "severity"],
  ["failLevel", "fail-level"],
  ["trustedRegistries", "trusted-registries"],
  ["requiredLabels", "required-labels"],
  ["strictLabels", "strict-labels"],
  ["disableIgnorePragma", "disable-ignore-pragma"],
  ["shellcheck", "shellcheck"],
  ["rules", "rules"],
];

/** What the server receives as `initializationOptions` and as the `settings` of
 * `workspace/didChangeConfiguration`. */
export interface ServerSettings {
  dflint: Record<string, unknown>;
}

/**
 * Builds the server settings from a getter over the `dflint` configuration section.
 * Settings left unset (`null` or `undefined`) are omitted, so the configuration file found
 * for each Dockerfile decides them.
 */
export function serverSettings(get: (name: string) => unknown): ServerSettings {
  const dflint: Record<string, unknown> = {};
  for (const [name, key] of SETTING_KEYS) {
    const value = get(name);
    if (value !== null && value !== undefined && value !== "") {
      dflint[key] = value;
    }
  }
  return { dflint };
}

/** The command that starts the server: `dflint.path` (default `dflint`) with `lsp`. */
export function serverCommand(path: unknown): { command: string; args: string[] } {
  const command = typeof path === "string" && path.trim() !== "" ? path.trim() : "dflint";
  return { command, args: ["lsp"] };
}
