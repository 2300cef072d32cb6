-- End-to-end test of dep-ls in a real headless Neovim. Run by test.sh on a temporary copy of
-- examples/acme-checkout ($DEP_LS_WS). Prints one PASS/FAIL line per step; exits with :cquit
-- on the first failure, :qall! when every step passed.
local ws = assert(os.getenv('DEP_LS_WS'), 'DEP_LS_WS is not set')
local style = os.getenv('DEP_LS_STYLE') or 'enable'
local TIMEOUT = 20000 -- ms for anything the server does

local function out(s)
  io.stdout:write(s .. '\n')
  io.stdout:flush()
end

local failed = false
local function step(name, fn)
  if failed then
    return
  end
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    out(('PASS [%s] %s'):format(style, name))
  else
    out(('FAIL [%s] %s: %s'):format(style, name, err))
    failed = true
  end
end

local function wait(what, pred)
  if not vim.wait(TIMEOUT, pred, 20) then
    error('timed out after ' .. TIMEOUT .. ' ms waiting for ' .. what, 2)
  end
end

local function client_for(bufnr)
  return vim.lsp.get_clients({ bufnr = bufnr, name = 'dep_ls' })[1]
end

--- The 0-based (line, byte column) of `needle` in a buffer, searching from 0-based line `from`.
local function find_in_buf(bufnr, needle, from)
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  for i = (from or 0) + 1, #lines do
    local c = lines[i]:find(needle, 1, true)
    if c then
      return i - 1, c - 1
    end
  end
  error(('%q not found in buffer %d'):format(needle, bufnr), 2)
end

local function request(bufnr, method, params)
  local res, err = vim.lsp.buf_request_sync(bufnr, method, params, TIMEOUT)
  assert(res, ('%s: %s'):format(method, tostring(err)))
  for _, r in pairs(res) do
    assert(r.err == nil, ('%s failed: %s'):format(method, vim.inspect(r.err)))
    return r.result
  end
  error(method .. ': no answer from dep-ls')
end

local function count(s, needle)
  local n, at = 0, 1
  while true do
    local i = s:find(needle, at, true)
    if not i then
      return n
    end
    n, at = n + 1, i + #needle
  end
end

local plan_path = ws .. '/release/release-plan.md'
local plan_buf

step('diagnostics: unresolved-link API-099 on release-plan.md:127', function()
  vim.cmd.edit(vim.fn.fnameescape(plan_path))
  plan_buf = vim.api.nvim_get_current_buf()
  assert(vim.bo[plan_buf].filetype == 'markdown', 'filetype is ' .. vim.bo[plan_buf].filetype)
  wait('dep-ls to attach', function()
    return client_for(plan_buf) ~= nil
  end)
  local client = client_for(plan_buf)
  -- Helix and Neovim both offer utf-8; dep-ls must take it.
  assert(client.offset_encoding == 'utf-8', 'position encoding ' .. tostring(client.offset_encoding))
  -- Wait for the settled set: API-099 is the only unresolved link of the plan. (dep-ls can
  -- answer the very first diagnostics request before its first indexing pass has started and
  -- then reports every link into the unread files as unresolved; it corrects them with a
  -- workspace/diagnostic/refresh once the index is built. See the README's known issues.)
  local found, seen = nil, {}
  wait('exactly one unresolved-link diagnostic, for API-099', function()
    local unresolved = {}
    for _, d in ipairs(vim.diagnostic.get(plan_buf)) do
      if d.code == 'unresolved-link' then
        unresolved[#unresolved + 1] = d
      end
    end
    seen[#unresolved] = true
    if #unresolved == 1 and unresolved[1].message:find('API-099', 1, true) then
      found = unresolved[1]
      return true
    end
    return false
  end)
  local transient = vim.tbl_filter(function(n)
    return n > 1
  end, vim.tbl_keys(seen))
  if #transient > 0 then
    out(('     (corrected by a refresh: first saw %s unresolved links, from the half-read workspace)')
      :format(table.concat(transient, ', ')))
  end
  local line, col = find_in_buf(plan_buf, 'API-099', 126)
  assert(found.lnum == 126 and line == 126, ('diagnostic on line %d, expected 126'):format(found.lnum))
  assert(found.col == col and found.end_col == col + #'API-099',
    ('diagnostic columns %d-%d, expected %d-%d'):format(found.col, found.end_col, col, col + 7))
  assert(found.severity == vim.diagnostic.severity.ERROR, 'severity ' .. tostring(found.severity))
  local codes = {}
  for _, d in ipairs(vim.diagnostic.get(plan_buf)) do
    codes[d.code] = true
  end
  for _, c in ipairs({ 'unmeasurable-threshold', 'missing-owner', 'invalid-value' }) do
    assert(codes[c], 'no ' .. c .. ' diagnostic; got ' .. vim.inspect(vim.tbl_keys(codes)))
  end
end)

step('definition: EPIC-01 jumps into the unopened epics/EPIC-01-checkout-redesign.md', function()
  local target = ws .. '/epics/EPIC-01-checkout-redesign.md'
  assert(vim.fn.bufnr(target) == -1, 'the epic file is already open')
  local line, col = find_in_buf(plan_buf, 'EPIC-01', 126)
  vim.api.nvim_win_set_cursor(0, { line + 1, col + 2 })
  vim.lsp.buf.definition()
  wait('a jump to the epic file', function()
    return vim.api.nvim_buf_get_name(0) == target
  end)
  local cur = vim.api.nvim_win_get_cursor(0)
  local text = vim.api.nvim_buf_get_lines(0, cur[1] - 1, cur[1], false)[1]
  assert(text:find('EPIC-01', 1, true), 'cursor line is not the definition: ' .. text)
  vim.cmd.buffer(plan_buf)
end)

step('completion: "MON-" in a Linked IDs line offers MON-001', function()
  local line = find_in_buf(plan_buf, 'Linked IDs: EPIC-01, EPIC-02, TEST-001 to TEST-030')
  local old = vim.api.nvim_buf_get_lines(plan_buf, line, line + 1, false)[1]
  local new = old .. ', MON-'
  vim.api.nvim_buf_set_lines(plan_buf, line, line + 1, false, { new })
  local result = request(plan_buf, 'textDocument/completion', {
    textDocument = vim.lsp.util.make_text_document_params(plan_buf),
    position = { line = line, character = #new }, -- utf-8: bytes (the line is ASCII anyway)
  })
  local items = result and (result.items or result) or {}
  local labels = {}
  for _, it in ipairs(items) do
    labels[#labels + 1] = it.label
  end
  vim.api.nvim_buf_set_lines(plan_buf, line, line + 1, false, { old })
  assert(vim.tbl_contains(labels, 'MON-001'), 'no MON-001 among ' .. vim.inspect(labels))
end)

local function diag_with(code, needle)
  for _, d in ipairs(vim.diagnostic.get(plan_buf)) do
    if d.code == code and d.message:find(needle, 1, true) then
      return d
    end
  end
end

local function quick_fixes(d)
  local lsp_diag = d.user_data and d.user_data.lsp
  assert(lsp_diag, 'no LSP diagnostic behind the vim.diagnostic item')
  local actions = request(plan_buf, 'textDocument/codeAction', {
    textDocument = vim.lsp.util.make_text_document_params(plan_buf),
    range = lsp_diag.range,
    context = { diagnostics = { lsp_diag }, only = { 'quickfix' } },
  }) or {}
  local titles = {}
  for _, a in ipairs(actions) do
    titles[#titles + 1] = a.title
  end
  return actions, vim.inspect(titles)
end

step('code action: "Method: Automatic" -> "Automated" (invalid-value quick fix)', function()
  local d = diag_with('invalid-value', 'Automatic')
  assert(d, 'no invalid-value diagnostic for Automatic')
  local actions, titles = quick_fixes(d)
  local chosen
  for _, a in ipairs(actions) do
    if a.edit and a.title:find('Automated', 1, true) then
      chosen = a
    end
  end
  assert(chosen, 'no quick fix naming Automated among ' .. titles)
  local before = vim.api.nvim_buf_get_lines(plan_buf, d.lnum, d.lnum + 1, false)[1]
  assert(before:find('Method: Automatic', 1, true), 'diagnostic line is ' .. before)
  vim.lsp.util.apply_workspace_edit(chosen.edit, client_for(plan_buf).offset_encoding)
  local after = vim.api.nvim_buf_get_lines(plan_buf, d.lnum, d.lnum + 1, false)[1]
  local expected = before:gsub('Method: Automatic', 'Method: Automated')
  assert(after == expected, ('line is now %q, expected %q'):format(after, expected))
  wait('the invalid-value diagnostic to go away', function()
    return diag_with('invalid-value', 'Automatic') == nil
  end)
end)

step('code action: stub definition of API-099 in the unopened SoT/SoT.API_CONTRACTS.md', function()
  local d = diag_with('unresolved-link', 'API-099')
  assert(d, 'no unresolved-link diagnostic for API-099')
  local actions, titles = quick_fixes(d)
  local chosen
  for _, a in ipairs(actions) do
    if a.edit and a.title:find('stub', 1, true) and a.title:find('API-099', 1, true) then
      chosen = a
    end
  end
  assert(chosen, 'no stub quick fix among ' .. titles)
  local target = ws .. '/SoT/SoT.API_CONTRACTS.md'
  local disk = table.concat(vim.fn.readfile(target), '\n')
  assert(not disk:find('API-099', 1, true), 'API-099 already in ' .. target)
  vim.lsp.util.apply_workspace_edit(chosen.edit, client_for(plan_buf).offset_encoding)
  local b = vim.fn.bufnr(target)
  assert(b ~= -1, 'the edit did not load ' .. target)
  local stub
  for _, l in ipairs(vim.api.nvim_buf_get_lines(b, 0, -1, false)) do
    if l:match('API%-099') then
      stub = l
    end
  end
  assert(stub, 'no API-099 line in ' .. target)
  out('     stub: ' .. stub)
  -- The server learns of the new definition once the edited buffer is open in it.
  wait('the API-099 diagnostic to go away', function()
    return diag_with('unresolved-link', 'API-099') == nil
  end)
end)

step('rename: MON-002 -> MON-012 in every file that mentions it', function()
  -- Where MON-002 occurs now (buffers win over disk, as in the server).
  local files = vim.fs.find(function(name)
    return name:match('%.md$') ~= nil and name ~= 'DEFECTS.md'
  end, { path = ws, type = 'file', limit = math.huge })
  local before = {}
  local total = 0
  for _, f in ipairs(files) do
    local b = vim.fn.bufadd(f)
    vim.fn.bufload(b)
    local text = table.concat(vim.api.nvim_buf_get_lines(b, 0, -1, false), '\n')
    local n = count(text, 'MON-002')
    if n > 0 then
      before[f] = n
      total = total + n
    end
    assert(count(text, 'MON-012') == 0, f .. ' already mentions MON-012')
  end
  assert(vim.tbl_count(before) >= 3, 'expected MON-002 in at least three files: ' .. vim.inspect(before))
  local line, col = find_in_buf(plan_buf, 'MON-002', 199)
  local edit = request(plan_buf, 'textDocument/rename', {
    textDocument = vim.lsp.util.make_text_document_params(plan_buf),
    position = { line = line, character = col + 1 },
    newName = 'MON-012',
  })
  assert(edit, 'rename returned no edit')
  vim.lsp.util.apply_workspace_edit(edit, client_for(plan_buf).offset_encoding)
  for f, n in pairs(before) do
    local b = vim.fn.bufnr(f)
    local text = table.concat(vim.api.nvim_buf_get_lines(b, 0, -1, false), '\n')
    assert(count(text, 'MON-002') == 0, f .. ' still mentions MON-002')
    assert(count(text, 'MON-012') == n, ('%s: %d MON-012, expected %d'):format(f, count(text, 'MON-012'), n))
  end
  out(('     renamed %d occurrences in %d files'):format(total, vim.tbl_count(before)))
end)

--- Waits until the readiness report replaced buffer `from` as the current one (a scratch
--- Markdown buffer) and returns its lines.
local function wait_report(from)
  wait('the report buffer', function()
    local b = vim.api.nvim_get_current_buf()
    return b ~= from and vim.bo[b].buftype == 'nofile' and vim.bo[b].filetype == 'markdown'
  end)
  local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  assert(lines[1] == '# Release readiness report', 'first line: ' .. tostring(lines[1]))
  return lines
end

step(':DepReport opens the readiness report in a scratch buffer', function()
  assert(vim.fn.exists(':DepReport') == 2, ':DepReport is not defined (plugin/dep_ls.lua)')
  local before = vim.api.nvim_get_current_buf()
  vim.cmd('DepReport')
  local lines = wait_report(before)
  local text = table.concat(lines, '\n')
  assert(text:find('quality gates pass', 1, true), 'no gate summary in the report')
  assert(text:find('### Environment progression', 1, true), 'no environment table')
  assert(not vim.bo.modifiable, 'the report buffer should not be modifiable')
  vim.cmd('close')
end)

--- Runs the code lens of `bufnr` at the cursor whose command is `name` (the line has two: the
--- references count and, on a plan's first entry, its readiness), picking it as a user would.
local function run_lens(bufnr, name)
  vim.lsp.codelens.refresh({ bufnr = bufnr })
  local lens
  wait('a ' .. name .. ' code lens', function()
    for _, l in ipairs(vim.lsp.codelens.get(bufnr)) do
      if l.command and l.command.command == name then
        lens = l
        return true
      end
    end
    return false
  end)
  vim.api.nvim_win_set_cursor(0, { lens.range.start.line + 1, lens.range.start.character })
  local orig_select = vim.ui.select
  vim.ui.select = function(items, _, on_choice)
    for i, item in ipairs(items) do
      local c = item.command or (item.lens and item.lens.command) or {}
      if c.command == name then
        return on_choice(item, i)
      end
    end
    on_choice(nil, nil)
  end
  local ok, err = pcall(vim.lsp.codelens.run)
  vim.ui.select = orig_select
  assert(ok, tostring(err))
  return lens
end

step('code lenses run in Neovim: readiness report and references', function()
  -- The plan's first DEP- entry (DEP-030) is in SoT/SoT.DEPLOYMENT.md: its readiness lens is there.
  vim.cmd('edit ' .. vim.fn.fnameescape(ws .. '/SoT/SoT.DEPLOYMENT.md'))
  local sot = vim.api.nvim_get_current_buf()
  wait('dep-ls attached to SoT.DEPLOYMENT.md', function()
    return client_for(sot) ~= nil
  end)
  run_lens(sot, 'dep-ls.readinessReport')
  wait_report(sot)
  vim.cmd('close')
  vim.api.nvim_set_current_buf(sot)
  -- dep-ls sends the references lens's command only to a client that announces it.
  local client = assert(client_for(sot), 'no dep-ls client')
  local announced = vim.tbl_get(client.capabilities or {}, 'experimental', 'commands', 'commands') or {}
  assert(
    vim.tbl_contains(announced, 'editor.action.showReferences'),
    'the client does not announce editor.action.showReferences: ' .. vim.inspect(announced)
  )
  local lens = run_lens(sot, 'editor.action.showReferences')
  local want = #(lens.command.arguments[3] or {})
  assert(want > 0, 'the lens lists no locations: ' .. vim.inspect(lens.command))
  wait('the quickfix list', function()
    return #vim.fn.getqflist() == want
  end)
  out(('     %s -> %d quickfix items'):format(lens.command.title, want))
  vim.cmd('cclose')
end)

step('coverage lens: "covers 30 TEST- …" on a Linked IDs line, run into the quickfix list', function()
  vim.cmd.buffer(plan_buf)
  local line = find_in_buf(plan_buf, 'Linked IDs: EPIC-01, EPIC-02, TEST-001 to TEST-030')
  vim.lsp.codelens.refresh({ bufnr = plan_buf })
  -- dep-ls sends trace lenses unresolved; Neovim resolves them (codeLens/resolve).
  local lens
  wait('the coverage lens of line ' .. (line + 1), function()
    for _, l in ipairs(vim.lsp.codelens.get(plan_buf)) do
      if l.range.start.line == line and l.command and l.command.title:find('^covers ') then
        lens = l
        return true
      end
    end
    return false
  end)
  assert(lens.command.title:find('30 TEST%-'), 'title: ' .. lens.command.title)
  assert(lens.command.command == 'editor.action.showReferences', 'command: ' .. lens.command.command)
  local want = #(lens.command.arguments[3] or {})
  assert(want > 30, 'the lens lists ' .. want .. ' locations')
  vim.api.nvim_win_set_cursor(0, { line + 1, 0 })
  vim.fn.setqflist({}, 'r')
  vim.lsp.codelens.run()
  wait('the quickfix list', function()
    return #vim.fn.getqflist() == want
  end)
  out(('     %s -> %d quickfix items'):format(lens.command.title, want))
  vim.cmd('cclose')
end)

step('call hierarchy: incoming calls of API-001 fill the quickfix list', function()
  vim.cmd.buffer(plan_buf)
  local client = assert(client_for(plan_buf), 'no dep-ls client')
  assert(client.server_capabilities.callHierarchyProvider, 'dep-ls offers no call hierarchy')
  -- On API-001 in DEP-013's Linked IDs.
  local line, col = find_in_buf(plan_buf, 'UJ-001, API-001, API-002, API-004; TEST-001 to TEST-012')
  col = col + #'UJ-001, '
  vim.api.nvim_win_set_cursor(0, { line + 1, col + 2 })
  -- What dep-ls answers, asked directly: the node at API-001's definition, then its callers.
  local pos = vim.lsp.util.make_position_params(0, client.offset_encoding)
  local items = request(plan_buf, 'textDocument/prepareCallHierarchy', pos)
  assert(items and #items == 1 and items[1].name == 'API-001', 'prepare: ' .. vim.inspect(items))
  assert(vim.uri_to_fname(items[1].uri) == ws .. '/SoT/SoT.API_CONTRACTS.md', 'defined in ' .. items[1].uri)
  local calls = request(plan_buf, 'callHierarchy/incomingCalls', { item = items[1] })
  local want, callers = {}, {}
  for _, c in ipairs(calls or {}) do
    callers[c.from.name] = vim.uri_to_fname(c.from.uri)
    for _, r in ipairs(c.fromRanges) do
      want[#want + 1] = ('%s:%d:%d'):format(vim.uri_to_fname(c.from.uri), r.start.line + 1, r.start.character + 1)
    end
  end
  -- Release plan entries link it, and tests in the test inventory cover it.
  for _, id in ipairs({ 'DEP-005', 'DEP-006', 'DEP-013' }) do
    assert(callers[id] == plan_path, id .. ' is not a caller: ' .. vim.inspect(callers))
  end
  assert(callers['TEST-001'] == ws .. '/SoT/SoT.TESTING.md', 'TEST-001: ' .. vim.inspect(callers))
  -- The same through Neovim's own command: one quickfix item per link, at the link.
  vim.fn.setqflist({}, 'r')
  vim.lsp.buf.incoming_calls()
  wait('the incoming calls in the quickfix list', function()
    return #vim.fn.getqflist() == #want
  end)
  local got = {}
  for _, q in ipairs(vim.fn.getqflist()) do
    local name = vim.api.nvim_buf_get_name(q.bufnr)
    -- (Positions only: a caller's name can change in between, as the rename step's edits of
    -- other buffers reach dep-ls after Neovim's debounce.)
    got[#got + 1] = ('%s:%d:%d'):format(name, q.lnum, q.col)
    assert(q.text:match('^%u+%-%d+$'), 'quickfix text ' .. q.text)
    vim.fn.bufload(q.bufnr)
    local text = vim.api.nvim_buf_get_lines(q.bufnr, q.lnum - 1, q.lnum, false)[1] or ''
    assert(text:sub(q.col, q.col + 6) == 'API-001', ('%s:%d:%d is not a link: %q'):format(name, q.lnum, q.col, text))
  end
  table.sort(want)
  table.sort(got)
  assert(vim.deep_equal(want, got), 'quickfix ' .. vim.inspect(got) .. ' expected ' .. vim.inspect(want))
  out(('     %d callers, %d links in the quickfix list'):format(vim.tbl_count(callers), #got))
  vim.cmd('cclose')
end)

step('call hierarchy: outgoing calls of DEP-014 list its links where it writes them', function()
  vim.cmd.buffer(plan_buf)
  local client = assert(client_for(plan_buf), 'no dep-ls client')
  local line, col = find_in_buf(plan_buf, 'DEP-014: Order Confirmation Email Check')
  vim.api.nvim_win_set_cursor(0, { line + 1, col + 2 })
  local pos = vim.lsp.util.make_position_params(0, client.offset_encoding)
  local items = request(plan_buf, 'textDocument/prepareCallHierarchy', pos)
  assert(items and #items == 1 and items[1].name == 'DEP-014', 'prepare: ' .. vim.inspect(items))
  local calls = request(plan_buf, 'callHierarchy/outgoingCalls', { item = items[1] })
  local want = {}
  for _, c in ipairs(calls or {}) do
    for _, r in ipairs(c.fromRanges) do
      want[#want + 1] = ('%d:%d %s'):format(r.start.line + 1, r.start.character + 1, c.to.name)
    end
  end
  local targets = vim.tbl_map(function(c)
    return c.to.name
  end, calls or {})
  for _, id in ipairs({ 'FEA-006', 'UJ-004', 'DBT-001', 'TEST-012' }) do
    assert(vim.tbl_contains(targets, id), id .. ' not among ' .. vim.inspect(targets))
  end
  -- Through Neovim's command and the plugin's handler: in the plan, at each link.
  vim.fn.setqflist({}, 'r')
  vim.lsp.buf.outgoing_calls()
  wait('the outgoing calls in the quickfix list', function()
    return #vim.fn.getqflist() == #want
  end)
  local got = {}
  for _, q in ipairs(vim.fn.getqflist()) do
    assert(q.bufnr == plan_buf, 'an outgoing call listed in ' .. vim.api.nvim_buf_get_name(q.bufnr))
    local id = q.text:match('^(%u+%-%d+)')
    assert(id, 'quickfix text ' .. q.text)
    got[#got + 1] = ('%d:%d %s'):format(q.lnum, q.col, id)
    local text = vim.api.nvim_buf_get_lines(plan_buf, q.lnum - 1, q.lnum, false)[1]
    assert(text:sub(q.col, q.col + #id - 1) == id, ('%d:%d is not %s: %q'):format(q.lnum, q.col, id, text))
  end
  table.sort(want)
  table.sort(got)
  assert(vim.deep_equal(want, got), 'quickfix ' .. vim.inspect(got) .. ' expected ' .. vim.inspect(want))
  out(('     %d links in the quickfix list'):format(#got))
  vim.cmd('cclose')
end)

if failed then
  vim.cmd('cquit 1')
else
  out(('ALL PASS [%s]'):format(style))
  vim.cmd('qall!')
end
