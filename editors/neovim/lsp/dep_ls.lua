-- dep-ls for Neovim 0.11+: `vim.lsp.enable('dep_ls')`.
-- Override anything with `vim.lsp.config('dep_ls', { ... })` (merged over this table).
---@type vim.lsp.Config
return {
  cmd = { 'dep-ls' },
  filetypes = { 'markdown' },
  -- workspace/diagnostic/refresh, which Neovim 0.11 does not answer by itself.
  handlers = require('dep_ls').handlers,
  -- The code lenses' commands: the readiness report, shown as `:DepReport` shows it, and the
  -- references, in the quickfix list.
  commands = require('dep_ls').commands,
  -- Merged over Neovim's defaults: diagnostic refresh, and the references command above.
  capabilities = require('dep_ls').capabilities,
  -- In this order: the nearest folder with dep-ls.toml wins over one with SoT/, which wins over
  -- the repository root (a PRD often lives in a subfolder of a larger repository).
  root_markers = { 'dep-ls.toml', 'SoT', '.git' },
  -- Sent as initializationOptions and answered to the server's workspace/configuration request
  -- (section "dep-ls"). Keys in dep-ls.toml win over these.
  settings = {
    ['dep-ls'] = {
      -- prefixes = { 'OPS' },
      -- severity = { ['stage-mismatch'] = 'off', ['missing-owner'] = 'error' },
      -- owner = { criteria = 'required', default = 'warning' },
      -- plan = { scope = 'workspace' },
      -- inlayHints = { enabled = true },
      -- diagnostics = { debounceMs = 200 },
      -- logLevel = 'info',
    },
  },
  before_init = function(params, config)
    -- dep-ls also reads its settings from initializationOptions (before the first
    -- workspace/configuration round trip), so hand it the same table.
    local s = config.settings and config.settings['dep-ls']
    if s and next(s) ~= nil and params.initializationOptions == nil then
      params.initializationOptions = s
    end
  end,
}
