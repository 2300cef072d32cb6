-- :DepReport — the dep-ls readiness report of the current workspace in a scratch buffer.
if vim.g.loaded_dep_ls_plugin then
  return
end
vim.g.loaded_dep_ls_plugin = true

vim.api.nvim_create_user_command('DepReport', function()
  require('dep_ls').report()
end, { desc = 'dep-ls: release readiness report (Markdown, scratch buffer)' })
