-- Headless Neovim (>= 0.7) test of editors/neovim/jixiao.lua against the real jixiao language server.
--
--   nvim --headless --clean -u NONE -c 'luafile editors/neovim/test/lsp_test.lua'
--
-- Server binary: $JIXIAO_BIN, else target/debug/jixiao in the repository. When it is missing or has no
-- `lsp` subcommand, the language-server checks are skipped with a message ("neovim: lsp checks
-- skipped (...)" at the end of the summary line) and only the filetype and editing checks run.
-- Prints one summary line, e.g. "neovim: 5 passed, 0 failed"; exits 1 on any failure.
-- Set JIXIAO_TEST_VERBOSE=1 for a line per check.

local TIMEOUT_MS = tonumber(os.getenv('JIXIAO_TEST_TIMEOUT_MS') or '') or 15000
local verbose = (os.getenv('JIXIAO_TEST_VERBOSE') or '') ~= ''

local function out(line)
  io.stdout:write(line .. '\n')
  io.stdout:flush()
end

local function note(line)
  if verbose then
    out('  ' .. line)
  end
end

-- repository root: this file is <root>/editors/neovim/test/lsp_test.lua
local this = debug.getinfo(1, 'S').source:gsub('^@', '')
local root = vim.fn.fnamemodify(this, ':p:h:h:h:h')

local results = { passed = 0, failed = 0, failures = {}, skipped = nil }

local function check(name, ok, detail)
  if ok then
    results.passed = results.passed + 1
    note('ok   ' .. name)
  else
    results.failed = results.failed + 1
    table.insert(results.failures, name .. (detail and (': ' .. detail) or ''))
    note('FAIL ' .. name .. (detail and (': ' .. detail) or ''))
  end
  return ok
end

local function exit(code)
  -- stop the servers we started, so no process outlives the test
  local ids = {}
  for _, client in pairs(vim.lsp.get_active_clients()) do
    table.insert(ids, client.id)
    client.stop()
  end
  if #ids > 0 then
    vim.wait(3000, function()
      for _, id in ipairs(ids) do
        if not vim.lsp.client_is_stopped(id) then
          return false
        end
      end
      return true
    end, 50)
    for _, id in ipairs(ids) do
      if not vim.lsp.client_is_stopped(id) then
        vim.lsp.stop_client(id, true)
      end
    end
  end
  os.exit(code)
end

local function finish()
  for _, f in ipairs(results.failures) do
    out('  failed: ' .. f)
  end
  local line = ('neovim: %d passed, %d failed'):format(results.passed, results.failed)
  if results.skipped then
    line = line .. ', lsp checks skipped (' .. results.skipped .. ')'
  end
  out(line)
  exit(results.failed == 0 and 0 or 1)
end

-- A 申报表 with a deliberate funding error: 250,000.00 + 0.00 + 0.00 ≠ 300,000.00 (rule funding-sum).
local SAMPLE = {
  '# 测试文件：资金合计不符',
  '表: 绩效目标申报表',
  '年度: 2025',
  '',
  '项目: 宣传与推广',
  '  项目性质: 其他经常性项目',
  '  项目类别: 其他运转类',
  '  主管部门: 上海市松江区医疗保障局',
  '  实施单位: 上海市松江区医疗保险事务中心',
  '  计划开始日期: 2025-01-01',
  '  计划完成日期: 2025-12-31',
  '  资金:',
  '    年度资金申请总额: 300,000.00',
  '    当年财政拨款: 250,000.00',
  '    上年结转资金: 0.00',
  '    其他资金: 0.00',
  '  年度总体目标:',
  '    > 彩色宣传页发放40000人，宣传册发放30000人。',
  '  成本指标:',
  '    经济成本指标:',
  '      宣传品印制成本: ≤30.00(万元)',
  '  产出指标:',
  '    数量指标:',
  '      彩色宣传页发放数量: ≥40000.00(张)',
  '  效益指标:',
  '    社会效益指标:',
  '      参保对象政策知晓度: ≥80.00(%)',
  '  满意度指标:',
  '    服务对象满意度指标:',
  '      参保人员满意度: ≥90.00(%)',
}
local TOTAL_LINE = 12 -- 0-based line of 年度资金申请总额
local published = nil -- diagnostics last published for the test file

-- The language server part; returns early (with a note) when there is no usable binary.
local function lsp_checks(bin, buf, uri)
  -- 1. the client starts, initializes and attaches to the buffer
  local client
  local attached = vim.wait(TIMEOUT_MS, function()
    for _, c in pairs(vim.lsp.get_active_clients()) do
      if c.name == 'jixiao' and c.initialized and c.attached_buffers[buf] then
        client = c
        return true
      end
    end
    return false
  end, 50)
  if not check('client attached', attached, 'no initialized jixiao client attached within ' .. TIMEOUT_MS .. ' ms') then
    return
  end
  note('server capabilities: ' .. table.concat(vim.tbl_keys(client.server_capabilities), ', '))

  -- 2. diagnostics are published for the file, including the funding-sum error on the total's line
  local got = vim.wait(TIMEOUT_MS, function()
    return published ~= nil and #published > 0
  end, 50)
  check('publishDiagnostics received', got, published and 'only empty diagnostics' or 'none within ' .. TIMEOUT_MS .. ' ms')
  local found = false
  for _, d in ipairs(published or {}) do
    note(('diagnostic %s line %d: %s'):format(tostring(d.code), d.range.start.line, d.message))
    if d.code == 'funding-sum' and d.range.start.line == TOTAL_LINE then
      found = true
    end
  end
  check('funding-sum diagnostic on the total', found, 'no diagnostic with code funding-sum on line ' .. (TOTAL_LINE + 1))

  -- 3. hover on the amount
  local line = SAMPLE[TOTAL_LINE + 1]
  local byte = line:find('300,000.00', 1, true) - 1
  local character = byte
  if client.offset_encoding ~= 'utf-8' then
    local utf32, utf16 = vim.str_utfindex(line, byte)
    character = client.offset_encoding == 'utf-32' and utf32 or utf16
  end
  local params = {
    textDocument = { uri = uri },
    position = { line = TOTAL_LINE, character = character + 2 },
  }
  local responses, err = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, TIMEOUT_MS)
  local text = nil
  for _, resp in pairs(responses or {}) do
    local result = resp.result
    if result and result.contents then
      local contents = result.contents
      if type(contents) == 'string' then
        text = contents
      elseif contents.value then
        text = contents.value
      elseif vim.tbl_islist(contents) then
        local parts = {}
        for _, c in ipairs(contents) do
          table.insert(parts, type(c) == 'string' and c or c.value or '')
        end
        text = table.concat(parts, '\n')
      end
    end
  end
  note('hover: ' .. tostring(text):gsub('\n', ' | '))
  check('hover on an amount', text ~= nil and text:match('%S') ~= nil,
    err and ('request failed: ' .. tostring(err)) or 'empty hover')

  -- 4. the server shuts down cleanly on request
  local id = client.id
  client.stop()
  local stopped = vim.wait(5000, function()
    return vim.lsp.client_is_stopped(id)
  end, 50)
  check('server stops on shutdown/exit', stopped, 'still running 5 s after shutdown')
end

--- Why the binary cannot be used, or nil when it can.
local function unusable(bin)
  if vim.fn.executable(bin) ~= 1 then
    return 'no jixiao binary at ' .. bin .. '; set JIXIAO_BIN or run cargo build'
  end
  local help = vim.fn.system({ bin, '--help' })
  if not help:match('%f[%w]lsp%f[%W]') then
    return bin .. ' has no `lsp` subcommand (not in `jixiao --help`)'
  end
  return nil
end

local function main()
  local bin = os.getenv('JIXIAO_BIN')
  if not bin or bin == '' then
    bin = root .. '/target/debug/jixiao'
  end
  local skipped = unusable(bin)
  results.skipped = skipped
  if not skipped then
    bin = vim.fn.fnamemodify(bin, ':p')
  end

  -- throwaway project folder with a root marker
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  vim.fn.writefile({ '# jixiao test workspace' }, dir .. '/jixiao.toml')
  local file = dir .. '/test.jixiao'
  vim.fn.writefile(SAMPLE, file)
  local uri = vim.uri_from_fname(file)

  -- record publishDiagnostics for our file
  local default_handler = vim.lsp.handlers['textDocument/publishDiagnostics']
  vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
    if result and result.uri == uri then
      published = result.diagnostics
    end
    return default_handler(err, result, ctx, config)
  end

  local jixiao = dofile(root .. '/editors/neovim/jixiao.lua')
  if skipped then
    vim.notify = function() end -- the "server not found" warning is expected here
  end
  jixiao.setup({
    cmd = { bin, 'lsp' },
    use_start_client = true, -- exercise the 0.7 form even on newer Neovim
    settings = { jixiao = { profile = '', rules = {} } },
  })

  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  check('filetype detected', vim.bo[buf].filetype == 'jixiao', 'filetype=' .. vim.bo[buf].filetype)

  -- highlighting: syntax/jixiao.vim (generated from the vocabulary by tests/vim_syntax.rs)
  vim.opt.runtimepath:append(root .. '/editors/neovim')
  vim.cmd('syntax on')
  vim.bo[buf].syntax = 'jixiao'
  local function syn_at(pattern, needle)
    for i, l in ipairs(SAMPLE) do
      if l:match(pattern) then
        local col = l:find(needle, 1, true)
        return vim.fn.synIDattr(vim.fn.synID(i, col, 1), 'name')
      end
    end
    return '(no line ' .. pattern .. ')'
  end
  local l1 = syn_at('^  产出指标', '产出指标')
  check('syntax: a 一级 is highlighted', l1 == 'jixiaoLevel1', 'syntax group ' .. l1)
  local l2 = syn_at('^    数量指标', '数量指标')
  check('syntax: a 二级 is highlighted', l2 == 'jixiaoLevel2', 'syntax group ' .. l2)
  local unit = syn_at('宣传品印制成本', '万元')
  check('syntax: a unit is highlighted', unit == 'jixiaoUnit', 'syntax group ' .. unit)

  if not skipped then
    lsp_checks(bin, buf, uri)
  end

  -- editing: `o` on a `>` free-text line continues it with `> ` at the same indentation
  local text_line
  for i, l in ipairs(SAMPLE) do
    if l:match('^%s*>') then
      text_line = i
    end
  end
  vim.api.nvim_win_set_cursor(0, { text_line, 0 })
  vim.cmd('normal! oX')
  local new = vim.api.nvim_buf_get_lines(buf, text_line, text_line + 1, false)[1]
  check('o continues a > line', new == '    > X', ('got %q'):format(new))
  vim.cmd('silent! undo')

  vim.fn.delete(dir, 'rf')
  finish()
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  out('  error: ' .. tostring(err))
  results.failed = results.failed + 1
  finish()
end
