-- dep-ls for Neovim 0.10 (and later): `require('dep_ls').setup({ ... })` starts dep-ls with
-- vim.lsp.start for every Markdown buffer. On Neovim 0.11+ prefer `vim.lsp.enable('dep_ls')`,
-- which uses lsp/dep_ls.lua from this plugin.
local M = {}

--- Asks dep-ls again for the diagnostics of every buffer it is attached to.
---@param client vim.lsp.Client
local function pull_all(client)
  for bufnr in pairs(client.attached_buffers) do
    if vim.api.nvim_buf_is_loaded(bufnr) then
      local params = { textDocument = vim.lsp.util.make_text_document_params(bufnr) }
      if vim.fn.has('nvim-0.11') == 1 then
        client:request('textDocument/diagnostic', params, nil, bufnr)
      else
        client.request('textDocument/diagnostic', params, nil, bufnr)
      end
    end
  end
end

--- Handlers dep-ls needs beyond Neovim's own. Neovim 0.10 and 0.11 pull diagnostics but do not
--- answer workspace/diagnostic/refresh (MethodNotFound), which dep-ls sends when its background
--- indexing ends or the configuration changes; without this handler a buffer opened while the
--- workspace was being indexed keeps diagnostics computed from the half-read workspace (every
--- link into an unread file "unresolved") until it is edited.
M.handlers = {
  ['workspace/diagnostic/refresh'] = function(_, _, ctx)
    local client = vim.lsp.get_client_by_id(ctx.client_id)
    if client then
      pull_all(client)
    end
    return vim.NIL
  end,
  --- `vim.lsp.buf.outgoing_calls()`: Neovim 0.10 and 0.11 list each call under the called
  --- item's file at its `fromRanges`, but LSP puts those ranges in the caller's file (here: where
  --- the entry writes each link). This lists them there, named by the linked ID and its title.
  ['callHierarchy/outgoingCalls'] = function(err, result, ctx)
    if err then
      vim.notify('dep-ls: outgoing calls: ' .. (err.message or vim.inspect(err)), vim.log.levels.WARN)
      return
    end
    local caller = ctx and ctx.params and ctx.params.item
    if not result or not caller then
      return
    end
    local client = vim.lsp.get_client_by_id(ctx.client_id)
    local encoding = client and client.offset_encoding or 'utf-16'
    local locations, names = {}, {}
    for _, call in ipairs(result) do
      local name = call.to.name .. ((call.to.detail and call.to.detail ~= '') and (' — ' .. call.to.detail) or '')
      for _, range in ipairs(call.fromRanges or {}) do
        locations[#locations + 1] = { uri = caller.uri, range = range }
        names[#names + 1] = name
      end
    end
    local items = vim.lsp.util.locations_to_items(locations, encoding)
    -- locations_to_items sorts by position; match each item back to its link's name.
    local by_pos = {}
    for i, loc in ipairs(locations) do
      local key = loc.range.start.line .. ':' .. loc.range.start.character
      by_pos[key] = by_pos[key] or {}
      table.insert(by_pos[key], names[i])
    end
    for _, it in ipairs(items) do
      local loc = it.user_data
      local r = loc and (loc.range or loc.targetSelectionRange)
      local key = r and (r.start.line .. ':' .. r.start.character)
      local list = key and by_pos[key]
      if list and #list > 0 then
        it.text = table.remove(list, 1)
      end
    end
    vim.fn.setqflist({}, ' ', { title = 'dep-ls: what ' .. caller.name .. ' links', items = items })
    vim.cmd('botright copen')
  end,
}

--- Capabilities added to Neovim's defaults: refresh works (the handler above), and the client
--- runs `editor.action.showReferences` (M.commands below), which dep-ls puts on its references
--- code lens only for a client that says so (`experimental.commands.commands`).
M.capabilities = {
  workspace = { diagnostics = { refreshSupport = true } },
  experimental = { commands = { commands = { 'editor.action.showReferences' } } },
}

--- The defaults; `setup(opts)` deep-merges `opts` over them.
M.defaults = {
  cmd = { 'dep-ls' },
  filetypes = { 'markdown' },
  -- Checked in this order: the nearest folder with dep-ls.toml, else with SoT/, else .git.
  root_markers = { 'dep-ls.toml', 'SoT', '.git' },
  settings = { ['dep-ls'] = {} },
  -- Merged over Neovim's defaults (and M.capabilities, M.handlers).
  capabilities = nil,
  handlers = nil,
  -- Passed through to vim.lsp.start when set.
  on_attach = nil,
}

--- The workspace root for a buffer: the nearest folder holding the first marker found, trying
--- the markers in order; nil (single-file mode, dep-ls finds the folder itself) otherwise.
---@param bufnr integer
---@param markers string[]
---@return string?
function M.root_dir(bufnr, markers)
  local fname = vim.api.nvim_buf_get_name(bufnr)
  if fname == '' then
    return nil
  end
  local dir = vim.fs.dirname(vim.fs.normalize(vim.fn.fnamemodify(fname, ':p')))
  local home = vim.uv.os_homedir()
  for _, marker in ipairs(markers) do
    local found = vim.fs.find(marker, { upward = true, path = dir, limit = 1 })[1]
    if found then
      local root = vim.fs.dirname(found)
      -- Never the home directory or / (dep-ls would index everything below).
      if root ~= home and root ~= '/' then
        return root
      end
    end
  end
  return nil
end

--- Client-side commands. The readiness code lens carries `dep-ls.readinessReport`: run from the
--- lens (`vim.lsp.codelens.run()`), Neovim would send it to dep-ls and drop the Markdown it
--- answers; this shows it, as `:DepReport` does.
---
--- The references lens carries VS Code's `editor.action.showReferences` (URI, position,
--- locations), which M.capabilities announces: here the locations go to the quickfix list.
M.commands = {
  ['dep-ls.readinessReport'] = function(command, ctx)
    M.report(ctx and ctx.bufnr or nil, command and command.arguments or nil)
  end,
  ['editor.action.showReferences'] = function(command, ctx)
    local locations = (command and command.arguments or {})[3] or {}
    local client = ctx and ctx.client_id and vim.lsp.get_client_by_id(ctx.client_id)
    local encoding = client and client.offset_encoding or 'utf-16'
    vim.fn.setqflist({}, ' ', {
      title = 'dep-ls: ' .. (command.title or 'references'),
      items = vim.lsp.util.locations_to_items(locations, encoding),
    })
    vim.cmd('botright copen')
  end,
}

--- The vim.lsp.start config for a buffer.
---@param opts table merged options
---@param bufnr integer
---@return vim.lsp.ClientConfig
function M.client_config(opts, bufnr)
  local settings = opts.settings or {}
  local s = settings['dep-ls']
  return {
    name = 'dep_ls',
    cmd = opts.cmd,
    root_dir = M.root_dir(bufnr, opts.root_markers),
    settings = settings,
    init_options = (s and next(s) ~= nil) and s or nil,
    capabilities = vim.tbl_deep_extend(
      'force',
      vim.lsp.protocol.make_client_capabilities(),
      M.capabilities,
      opts.capabilities or {}
    ),
    handlers = vim.tbl_extend('force', M.handlers, opts.handlers or {}),
    commands = vim.tbl_extend('force', M.commands, opts.commands or {}),
    on_attach = opts.on_attach,
  }
end

--- The dep-ls client for a buffer: the one attached to it, else any running dep-ls client.
---@param bufnr integer
---@return vim.lsp.Client?
function M.client(bufnr)
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  return get({ name = 'dep_ls', bufnr = bufnr })[1] or get({ name = 'dep_ls' })[1]
end

--- Shows Markdown text in a scratch buffer (a new split, not written to disk).
---@param text string
---@return integer bufnr
function M.show_markdown(text)
  vim.cmd('botright new')
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].swapfile = false
  pcall(vim.api.nvim_buf_set_name, buf, 'dep-ls://readiness-report')
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(text, '\n', { plain = true }))
  vim.bo[buf].modifiable = false
  vim.bo[buf].filetype = 'markdown'
  return buf
end

--- `:DepReport`: asks dep-ls for the readiness report of the current buffer's workspace folder
--- (the `dep-ls.readinessReport` command) and opens the Markdown in a scratch buffer.
---@param bufnr? integer
---@param arguments? table the command's arguments (a code lens names its folder), else the client's root
function M.report(bufnr, arguments)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local client = M.client(bufnr)
  if not client then
    vim.notify('dep-ls: no dep-ls client is running (open a Markdown file of the workspace)', vim.log.levels.WARN)
    return
  end
  local caps = client.server_capabilities or {}
  local commands = (caps.executeCommandProvider or {}).commands or {}
  if not vim.tbl_contains(commands, 'dep-ls.readinessReport') then
    vim.notify('dep-ls: this dep-ls does not offer dep-ls.readinessReport; update dep-ls', vim.log.levels.WARN)
    return
  end
  local args = arguments or {}
  if #args == 0 and client.root_dir then
    args = { vim.uri_from_fname(client.root_dir) }
  end
  local params = { command = 'dep-ls.readinessReport', arguments = args }
  local function on_result(err, result)
    if err then
      vim.notify('dep-ls: the readiness report failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    local text = type(result) == 'string' and result or vim.inspect(result)
    M.show_markdown(text)
  end
  if vim.fn.has('nvim-0.11') == 1 then
    client:request('workspace/executeCommand', params, on_result, bufnr)
  else
    client.request('workspace/executeCommand', params, on_result, bufnr)
  end
end

---@param opts? table
function M.setup(opts)
  opts = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts or {})
  M.options = opts
  local group = vim.api.nvim_create_augroup('dep_ls', { clear = true })
  local function start(bufnr)
    if vim.bo[bufnr].buftype ~= '' or vim.api.nvim_buf_get_name(bufnr) == '' then
      return
    end
    vim.lsp.start(M.client_config(opts, bufnr), { bufnr = bufnr })
  end
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = opts.filetypes,
    callback = function(args)
      start(args.buf)
    end,
  })
  -- Buffers opened before setup() ran.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(opts.filetypes, vim.bo[bufnr].filetype) then
      start(bufnr)
    end
  end
end

return M
