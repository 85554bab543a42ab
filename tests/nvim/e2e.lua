-- End-to-end session with a real LSP client: headless Neovim 0.11+ starts a language server
-- through the shipped configuration (editors/nvim/lsp/dflint.lua), opens a Dockerfile, prints
-- the diagnostics it receives, applies one code action and prints the buffer that results.
--
-- usage: nvim --headless --clean -l tests/nvim/e2e.lua FILE
--
-- environment:
--   DFLINT_NVIM_SERVER   the server command, as a JSON array (`["dflint","lsp"]`) or as
--                        words separated by spaces (`docker-langserver --stdio`); default
--                        `dflint lsp`
--   DFLINT_NVIM_ACTION   which code action to apply: one offered for a diagnostic with this
--                        code, or whose title contains this text (the preferred one among
--                        them, else the first); default the first quick fix offered
--   DFLINT_NVIM_TIMEOUT  milliseconds to wait for each step (default 10000)
--
-- output (positions are 1-based; columns count bytes, as Neovim stores them):
--   DIAG <line>:<col>-<end line>:<end col> <severity> <code> <message>
--   ACTION <line>:<col> <code>: <title> [<kind>]
--   APPLIED <title>                     (or `APPLIED none` when no action was offered)
--   AFTER <line>:<col>-<end line>:<end col> <severity> <code> <message>
--   BUFFER, then `| <line>` for each buffer line, then END
--   TIMING ...
-- Exits 1 with an `ERROR ...` line when a step times out.

local file = assert(arg[1], 'usage: nvim --headless --clean -l e2e.lua FILE')
local timeout = tonumber(os.getenv('DFLINT_NVIM_TIMEOUT') or '') or 10000
local wanted_action = os.getenv('DFLINT_NVIM_ACTION')

local uv = vim.uv or vim.loop
local t0 = uv.hrtime()
local function out(line)
  io.stdout:write(line, '\n')
end
local function fail(message)
  out('ERROR ' .. message)
  io.stdout:flush()
  os.exit(1)
end
local function elapsed_ms()
  return (uv.hrtime() - t0) / 1e6
end

local function server_command()
  local spec = os.getenv('DFLINT_NVIM_SERVER')
  if spec == nil or spec == '' then
    return { 'dflint', 'lsp' }
  end
  if spec:sub(1, 1) == '[' then
    return vim.json.decode(spec)
  end
  return vim.split(vim.trim(spec), '%s+')
end

-- The shipped configuration, with only the command replaced.
local here = vim.fn.fnamemodify(arg[0], ':p:h')
vim.opt.runtimepath:prepend(vim.fs.normalize(here .. '/../../editors/nvim'))
vim.lsp.config('dflint', { cmd = server_command() })
vim.lsp.enable('dflint')

-- Diagnostics arrive through DiagnosticChanged; `published` counts them.
local published = 0
vim.api.nvim_create_autocmd('DiagnosticChanged', {
  callback = function()
    published = published + 1
  end,
})

vim.cmd.edit(vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
-- `nvim -l` does not run filetype detection; setting the filetype starts the server.
vim.bo[buf].filetype = 'dockerfile'

local client
if not vim.wait(timeout, function()
  client = vim.lsp.get_clients({ bufnr = buf, name = 'dflint' })[1]
  return client ~= nil and client.initialized
end, 5) then
  fail('the server did not initialize within ' .. timeout .. ' ms')
end
local initialize_ms = elapsed_ms()

if not vim.wait(timeout, function()
  return published > 0
end, 5) then
  fail('no diagnostics within ' .. timeout .. ' ms')
end
local diagnostics_ms = elapsed_ms()

local severities = { 'error', 'warning', 'info', 'hint' }
local function sorted_diagnostics()
  local found = vim.diagnostic.get(buf)
  table.sort(found, function(a, b)
    if a.lnum ~= b.lnum then
      return a.lnum < b.lnum
    end
    if a.col ~= b.col then
      return a.col < b.col
    end
    return tostring(a.code) < tostring(b.code)
  end)
  return found
end
local function print_diagnostics(prefix, found)
  for _, d in ipairs(found) do
    out(string.format('%s %d:%d-%d:%d %s %s %s', prefix, d.lnum + 1, d.col + 1,
      (d.end_lnum or d.lnum) + 1, (d.end_col or d.col) + 1, severities[d.severity] or '?',
      tostring(d.code or '-'), (d.message:gsub('\n', ' '))))
  end
end

local diagnostics = sorted_diagnostics()
print_diagnostics('DIAG', diagnostics)

-- The code actions an editor's quick-fix menu would show for each diagnostic.
local chosen, fallback
for _, d in ipairs(diagnostics) do
  local lsp_diagnostic = d.user_data and d.user_data.lsp
  if lsp_diagnostic then
    local response = client:request_sync('textDocument/codeAction', {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      range = lsp_diagnostic.range,
      context = { diagnostics = { lsp_diagnostic }, only = nil },
    }, timeout, buf)
    if not response then
      fail('no code action response within ' .. timeout .. ' ms')
    end
    if response.err then
      fail('codeAction: ' .. vim.inspect(response.err))
    end
    for _, action in ipairs(response.result or {}) do
      out(string.format('ACTION %d:%d %s: %s [%s]', d.lnum + 1, d.col + 1, tostring(d.code or '-'),
        action.title, action.kind or ''))
      -- Among the matching actions, the one the server prefers (the fix rather than, say,
      -- a suppression comment), else the first.
      if wanted_action and not (chosen and chosen.isPreferred) then
        if tostring(d.code) == wanted_action or action.title:find(wanted_action, 1, true) then
          if not chosen or action.isPreferred then
            chosen = action
          end
        end
      end
      if not fallback and (action.kind == nil or vim.startswith(action.kind, 'quickfix')) then
        fallback = action
      end
    end
  end
end
if wanted_action and not chosen then
  fail('no code action matches ' .. wanted_action)
end
chosen = chosen or fallback

local function run_command(command)
  local response = client:request_sync('workspace/executeCommand', {
    command = command.command,
    arguments = command.arguments,
  }, timeout, buf)
  if not response then
    fail('workspace/executeCommand timed out')
  end
  if response.err then
    fail('workspace/executeCommand: ' .. vim.inspect(response.err))
  end
end

if chosen then
  local tick = vim.api.nvim_buf_get_changedtick(buf)
  local before = published
  if type(chosen.command) == 'string' then
    -- A bare Command rather than a CodeAction.
    run_command(chosen)
  else
    if not chosen.edit and not chosen.command then
      local resolved = client:request_sync('codeAction/resolve', chosen, timeout, buf)
      if resolved and resolved.result then
        chosen = resolved.result
      end
    end
    if chosen.edit then
      vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
    end
    if chosen.command then
      -- The server answers with workspace/applyEdit, which Neovim applies.
      run_command(chosen.command)
    end
  end
  if not vim.wait(timeout, function()
    return vim.api.nvim_buf_get_changedtick(buf) ~= tick
  end, 5) then
    fail('applying "' .. chosen.title .. '" did not change the buffer')
  end
  out('APPLIED ' .. chosen.title)
  -- The diagnostics the server publishes for the edited text.
  if vim.wait(timeout, function()
    return published > before
  end, 5) then
    print_diagnostics('AFTER', sorted_diagnostics())
  else
    out('AFTER none within ' .. timeout .. ' ms')
  end
else
  out('APPLIED none')
end

out('BUFFER')
for _, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
  out('| ' .. line)
end
out('END')
out(string.format('TIMING initialize_ms=%.1f first_diagnostics_ms=%.1f total_ms=%.1f',
  initialize_ms, diagnostics_ms, elapsed_ms()))

client:stop()
vim.wait(2000, function()
  return client:is_stopped()
end, 10)
io.stdout:flush()
os.exit(0)
