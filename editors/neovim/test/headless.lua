-- Headless Neovim 0.11 test of editors/neovim against the real server.
-- Usage (scripts/test-neovim does this):
--   PATH=<folder of bucketguard>:$PATH WORK=<scratch folder with copies of the fixtures> \
--   nvim --headless --clean -u editors/neovim/test/headless.lua
-- The configuration under test is editors/neovim/lsp/bucketguard.lua as
-- shipped, found on 'runtimepath'. Prints one line per check and
-- "neovim: N passed, N failed"; exits non-zero on any failure.
local here = vim.fs.dirname(vim.fs.normalize(debug.getinfo(1, 'S').source:sub(2)))
local config_dir = vim.fs.dirname(here) -- editors/neovim
vim.opt.runtimepath:prepend(config_dir)
vim.opt.swapfile = false
local work = assert(os.getenv('WORK'), 'WORK is not set')

local passed, failed, report = 0, 0, {}
-- print() in --headless goes to stderr without newlines; write lines to stdout.
local function print(s)
  io.stdout:write(s, '\n')
end
local function check(name, ok, detail)
  if ok then
    passed = passed + 1
    print('ok - ' .. name)
  else
    failed = failed + 1
    print('not ok - ' .. name .. (detail and ('\n  ' .. vim.inspect(detail):gsub('\n', '\n  ')) or ''))
  end
  report[#report + 1] = { name = name, ok = ok and true or false }
end
local function finish()
  print(string.format('neovim: %d passed, %d failed', passed, failed))
  io.stdout:flush()
  vim.cmd(failed == 0 and passed > 0 and 'qa!' or 'cquit 1')
end
-- Never hang CI: a broken server fails here instead.
vim.defer_fn(function()
  check('finished within the watchdog (60 s)', false)
  finish()
end, 60000)

local function markers(path, code)
  local out, last = {}, nil
  for i, line in ipairs(vim.fn.readfile(path)) do
    local spaces, carets, c = line:match('^#( *)(%^+) (%S+)%s*$')
    if carets then
      if c == code then
        out[#out + 1] = string.format('%d:%d-%d', last, 1 + #spaces, 1 + #spaces + #carets)
      end
    else
      last = i - 1
    end
  end
  table.sort(out)
  return out
end

local function ours(buf, code)
  return vim.tbl_filter(function(d)
    return d.source == 'bucketguard' and (code == nil or d.code == code)
  end, vim.diagnostic.get(buf))
end

local function positions(ds)
  local out = vim.tbl_map(function(d)
    local end_col = d.end_lnum == d.lnum and d.end_col or #vim.api.nvim_buf_get_lines(d.bufnr, d.lnum, d.lnum + 1, false)[1]
    return string.format('%d:%d-%d', d.lnum, d.col, math.max(end_col, d.col + 1))
  end, ds)
  table.sort(out)
  return out
end

local function run()
  local cfg = vim.lsp.config.bucketguard
  check('lsp/bucketguard.lua is found on the runtimepath', cfg ~= nil and cfg.cmd ~= nil)
  check('cmd is `bucketguard server`', vim.deep_equal(cfg.cmd, { 'bucketguard', 'server' }), cfg.cmd)
  for _, ft in ipairs({ 'yaml', 'json', 'terraform', 'terraform-vars' }) do
    check('filetype ' .. ft, vim.tbl_contains(cfg.filetypes, ft), cfg.filetypes)
  end
  check('root markers', vim.tbl_contains(cfg.root_markers, 'bucketguard.toml'), cfg.root_markers)

  vim.lsp.enable('bucketguard')

  -- CloudFormation: a copy of fixtures/cloudformation/S3-111/bad.yaml.
  local path = work .. '/cfn/bad.yaml'
  vim.cmd.edit(path)
  local buf = vim.api.nvim_get_current_buf()
  check('the template buffer has filetype yaml', vim.bo[buf].filetype == 'yaml', vim.bo[buf].filetype)
  local expected = markers(path, 'S3-111')
  local got = vim.wait(15000, function()
    return #ours(buf, 'S3-111') == #expected
  end, 50)
  local client = vim.lsp.get_clients({ bufnr = buf, name = 'bucketguard' })[1]
  check('the client attached', client ~= nil)
  check('root_dir from the root markers', client and client.root_dir == work, client and client.root_dir)
  check('S3-111 diagnostics arrive', got and #expected >= 5, { expected = expected, got = positions(ours(buf, 'S3-111')) })
  check('S3-111 positions match the fixture markers', vim.deep_equal(positions(ours(buf, 'S3-111')), expected),
    { expected = expected, got = positions(ours(buf, 'S3-111')) })
  check('other rules report too', #ours(buf) > #expected)
  local first = ours(buf, 'S3-111')[1]
  check('severity error', first and first.severity == vim.diagnostic.severity.ERROR, first and first.severity)

  -- Hover on the finding.
  local params = vim.lsp.util.make_position_params(0, client and client.offset_encoding or 'utf-16')
  params.position = { line = first.lnum, character = first.col + 1 }
  local res = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 5000) or {}
  local hover
  for _, r in pairs(res) do
    if r.result and r.result.contents then hover = r.result.contents.value or r.result.contents end
  end
  check('hover shows the rule documentation', type(hover) == 'string' and hover:find('S3-111', 1, true) and hover:find('What it does', 1, true), hover)

  -- Code action: the preferred quick fix for a PublicRead finding, applied.
  local target
  for _, d in ipairs(ours(buf, 'S3-111')) do
    if vim.api.nvim_buf_get_lines(buf, d.lnum, d.lnum + 1, false)[1]:find('AccessControl: PublicRead$') then target = d end
  end
  check('a PublicRead finding', target ~= nil)
  local lsp_diag = target.user_data and target.user_data.lsp
  local ca = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = lsp_diag.range,
    context = { diagnostics = { lsp_diag }, only = { 'quickfix' } },
  }, 5000) or {}
  local fix, titles = nil, {}
  for _, r in pairs(ca) do
    for _, a in ipairs(r.result or {}) do
      titles[#titles + 1] = a.title
      if a.isPreferred and a.edit then fix = a end
    end
  end
  check('a preferred quick fix and a suppression are offered', fix ~= nil and vim.iter(titles):any(function(t)
    return t:find('Suppress S3-111', 1, true) ~= nil
  end), titles)
  if fix then
    vim.lsp.util.apply_workspace_edit(fix.edit, client.offset_encoding)
    local line = vim.api.nvim_buf_get_lines(buf, target.lnum, target.lnum + 1, false)[1]
    check('the fix edited the line', not line:find('PublicRead', 1, true), line)
    local gone = vim.wait(10000, function()
      local now = ours(buf, 'S3-111')
      return #now == #expected - 1 and not vim.iter(now):any(function(d) return d.lnum == target.lnum end)
    end, 50)
    check('the finding is gone after the fix', gone, positions(ours(buf, 'S3-111')))
  end

  -- A Terraform module: the split-style ACL resource makes the bucket public.
  vim.cmd.edit(work .. '/tf/main.tf')
  local tf = vim.api.nvim_get_current_buf()
  check('the module buffer has filetype terraform', vim.bo[tf].filetype == 'terraform', vim.bo[tf].filetype)
  local attached = vim.wait(5000, function()
    return #vim.lsp.get_clients({ bufnr = tf, name = 'bucketguard' }) > 0
  end, 50)
  check('the client attached to the Terraform module', attached)
  local acl_line -- 0-based line of `acl = "public-read"`
  for i, line in ipairs(vim.api.nvim_buf_get_lines(tf, 0, -1, false)) do
    if line:find('"public-read"', 1, true) then acl_line = i - 1 end
  end
  local tf_found = vim.wait(10000, function()
    return vim.iter(ours(tf, 'S3-111')):any(function(d) return d.lnum == acl_line end)
  end, 50)
  check('Terraform: S3-111 on the public-read ACL value', tf_found, positions(ours(tf)))
  local tf_diag = vim.iter(ours(tf, 'S3-111')):find(function(d) return d.lnum == acl_line end)
  if tf_diag then
    local hp = { textDocument = { uri = vim.uri_from_bufnr(tf) }, position = { line = tf_diag.lnum, character = tf_diag.col + 1 } }
    local hres = vim.lsp.buf_request_sync(tf, 'textDocument/hover', hp, 5000) or {}
    local thover
    for _, r in pairs(hres) do
      if r.result and r.result.contents then thover = r.result.contents.value or r.result.contents end
    end
    check('Terraform: hover shows the rule with an HCL example',
      type(thover) == 'string' and thover:find('S3-111', 1, true) and thover:find('```hcl', 1, true), thover)
    local tlsp = tf_diag.user_data and tf_diag.user_data.lsp
    local tca = vim.lsp.buf_request_sync(tf, 'textDocument/codeAction', {
      textDocument = { uri = vim.uri_from_bufnr(tf) },
      range = tlsp.range,
      context = { diagnostics = { tlsp }, only = { 'quickfix' } },
    }, 5000) or {}
    local tfix
    for _, r in pairs(tca) do
      for _, a in ipairs(r.result or {}) do
        if a.isPreferred and a.edit then tfix = a end
      end
    end
    check('Terraform: a preferred quick fix is offered', tfix ~= nil)
    if tfix then
      vim.lsp.util.apply_workspace_edit(tfix.edit, client.offset_encoding)
      local line = vim.api.nvim_buf_get_lines(tf, acl_line, acl_line + 1, false)[1]
      check('Terraform: the fix made the ACL private', line:find('"private"', 1, true) ~= nil, line)
      local tgone = vim.wait(10000, function() return #ours(tf, 'S3-111') == 0 end, 50)
      check('Terraform: the finding is gone after the fix', tgone, positions(ours(tf)))
    end
  end

  -- A YAML file that is not a template: attached, nothing reported.
  vim.cmd.edit(work .. '/other/deployment.yaml')
  local other = vim.api.nvim_get_current_buf()
  vim.wait(1000)
  check('a YAML file that is not a template gets nothing', #ours(other) == 0, positions(ours(other)))
end

vim.schedule(function()
  local ok, err = xpcall(run, debug.traceback)
  if not ok then check('no Lua error', false, err) end
  finish()
end)
