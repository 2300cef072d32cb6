-- Minimal init for the end-to-end test: only this plugin on the runtimepath, dep-ls started
-- from $DEP_LS_BINARY. $DEP_LS_STYLE picks the configuration style:
--   enable (default) — Neovim 0.11+: lsp/dep_ls.lua + vim.lsp.config/vim.lsp.enable
--   setup            — Neovim 0.10 style: require('dep_ls').setup{}
local test_dir = vim.fs.dirname(vim.fs.normalize(debug.getinfo(1, 'S').source:sub(2)))
local plugin_dir = vim.fs.dirname(test_dir)
vim.opt.runtimepath:prepend(plugin_dir)
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'

local binary = assert(os.getenv('DEP_LS_BINARY'), 'DEP_LS_BINARY is not set')
local style = os.getenv('DEP_LS_STYLE') or 'enable'
if style == 'enable' then
  vim.lsp.config('dep_ls', { cmd = { binary } })
  vim.lsp.enable('dep_ls')
elseif style == 'setup' then
  require('dep_ls').setup({ cmd = { binary } })
else
  error('unknown DEP_LS_STYLE ' .. style)
end
