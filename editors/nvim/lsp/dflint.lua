-- The dflint language server for Neovim 0.11+: `vim.lsp.enable('dflint')` starts `dflint lsp`
-- for Dockerfiles once this directory is on 'runtimepath' (or this file is copied to
-- ~/.config/nvim/lsp/dflint.lua). Change any field with `vim.lsp.config('dflint', {...})`.

---@type vim.lsp.Config
return {
  cmd = { 'dflint', 'lsp' },
  filetypes = { 'dockerfile' },
  root_markers = { '.dflint.toml', '.dflint.yaml', '.dflint.yml', '.hadolint.yaml', '.hadolint.yml', '.git' },
  -- The configuration file's keys (`select`, `ignore`, `preview`, `fail-level`,
  -- `trusted-registries`, `shellcheck`, ...) under `dflint`, plus `config` (a configuration
  -- file to use instead of the nearest one). Keys left out are decided by the configuration
  -- file found for each Dockerfile.
  settings = { dflint = vim.empty_dict() },
  -- The same settings go in `initializationOptions`, so the first diagnostics already use them.
  before_init = function(params, config)
    params.initializationOptions = config.settings
  end,
}
