-- jixiao.lua — Neovim (>= 0.7) support for jixiao files (*.jixiao) and the jixiao language server.
--
-- 安装 / Install: copy this file to ~/.config/nvim/lua/jixiao.lua, then in init.lua:
--
--   require('jixiao').setup({
--     cmd = { 'jixiao', 'lsp' },                 -- or { '/path/to/jixiao', 'lsp' }
--     settings = { jixiao = { profile = '', rules = { ['satisfaction-low'] = 'off' } } },
--     on_attach = function(client, bufnr)
--       vim.keymap.set('n', 'K', vim.lsp.buf.hover, { buffer = bufnr })
--     end,
--   })
--
-- What setup() does:
--   * filetype detection: *.jixiao -> filetype `jixiao` (an autocmd, plus vim.filetype.add when present);
--   * buffer options for `jixiao` buffers: `#` comments, `> ` continues a free-text line on <CR>/o,
--     two-space indentation;
--   * a FileType autocmd that starts one client per project root (a folder holding jixiao.toml or .git)
--     with vim.lsp.start_client() and attaches the buffer with vim.lsp.buf_attach_client().
--     That is the form Neovim 0.7 has. On Neovim >= 0.8 the same is written with vim.lsp.start(),
--     which finds or starts the client and attaches the buffer in one call:
--
--       vim.api.nvim_create_autocmd('FileType', {
--         pattern = 'jixiao',
--         callback = function(args)
--           vim.lsp.start({
--             name = 'jixiao',
--             cmd = { 'jixiao', 'lsp' },
--             root_dir = vim.fs.dirname(vim.fs.find({ 'jixiao.toml', '.git' },
--               { upward = true, path = vim.fs.dirname(vim.api.nvim_buf_get_name(args.buf)) })[1]),
--             settings = { jixiao = { profile = '' } },
--             init_options = { profile = '' },
--           })
--         end,
--       })
--
--     setup() uses vim.lsp.start() itself when it exists (start_client is deprecated from 0.11),
--     unless `use_start_client = true` is passed.
--
-- Settings reach the server as `init_options` (the `jixiao` table) and through
-- `workspace/configuration` (section `jixiao`), like in VS Code.

local M = {}

local uv = vim.loop

M.defaults = {
  -- command that starts the server over stdio
  cmd = { 'jixiao', 'lsp' },
  -- answered to workspace/configuration; settings.jixiao is also sent as initializationOptions
  settings = { jixiao = { profile = '', rules = {} } },
  -- files or folders marking the project root (searched upwards from the file)
  root_markers = { 'jixiao.toml', '.git' },
  on_attach = nil,
  capabilities = nil,
  -- force vim.lsp.start_client + vim.lsp.buf_attach_client even where vim.lsp.start exists
  use_start_client = false,
  -- set buffer options (comments, indentation, omnifunc) for jixiao buffers
  buffer_options = true,
}

M.config = nil
-- root dir -> client id (for the start_client path)
local clients = {}
local warned_missing = false

--- JSON needs `{}` for an empty map; an empty Lua table would be sent as `[]`.
local function as_map(t)
  if t == nil or (type(t) == 'table' and next(t) == nil) then
    return vim.empty_dict()
  end
  return t
end

local function normalize_settings(settings)
  settings = vim.deepcopy(settings or {})
  settings.jixiao = settings.jixiao or {}
  settings.jixiao.rules = as_map(settings.jixiao.rules)
  return settings
end

local function exists(p)
  return uv.fs_stat(p) ~= nil
end

local function dirname(p)
  return vim.fn.fnamemodify(p, ':h')
end

--- Folder of the nearest root marker above `path`, else the file's own folder.
function M.find_root(path, markers)
  local start = dirname(vim.fn.fnamemodify(path, ':p'))
  local dir = start
  while dir and dir ~= '' do
    for _, marker in ipairs(markers) do
      if exists(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = dirname(dir)
    if parent == dir then
      break
    end
    dir = parent
  end
  return start
end

local function set_buffer_options(bufnr)
  local bo = vim.bo[bufnr]
  bo.commentstring = '# %s'
  -- `#` comments and `>` free-text lines: with formatoptions r/o, <CR> and o continue a `> ` line
  bo.comments = ':#,:>'
  bo.formatoptions = bo.formatoptions:gsub('[ro]', '') .. 'roq'
  bo.expandtab = true
  bo.shiftwidth = 2
  bo.softtabstop = 2
  bo.tabstop = 2
  if bo.omnifunc == '' then
    bo.omnifunc = 'v:lua.vim.lsp.omnifunc'
  end
end

local function client_config(root)
  local cfg = M.config
  return {
    name = 'jixiao',
    cmd = cfg.cmd,
    root_dir = root,
    settings = cfg.settings,
    init_options = cfg.settings.jixiao,
    capabilities = cfg.capabilities,
    on_attach = cfg.on_attach,
  }
end

--- Start (or reuse) the client for the buffer's project and attach the buffer.
--- Returns the client id, or nil when the server binary is missing.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local cfg = M.config
  if vim.fn.executable(cfg.cmd[1]) ~= 1 then
    if not warned_missing then
      warned_missing = true
      vim.notify(
        ('jixiao: 找不到语言服务器 %q（请安装 jixiao 或在 setup 中设置 cmd）/ jixiao language server not found'):format(cfg.cmd[1]),
        vim.log.levels.WARN
      )
    end
    return nil
  end

  local name = vim.api.nvim_buf_get_name(bufnr)
  local root = name ~= '' and M.find_root(name, cfg.root_markers) or vim.fn.getcwd()

  if vim.lsp.start and not cfg.use_start_client then
    return vim.lsp.start(client_config(root), { bufnr = bufnr })
  end

  local id = clients[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(client_config(root))
    if not id then
      return nil
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

function M.setup(opts)
  opts = opts or {}
  local cfg = vim.tbl_extend('force', vim.deepcopy(M.defaults), opts)
  cfg.settings = normalize_settings(opts.settings or M.defaults.settings)
  M.config = cfg

  if vim.filetype and vim.filetype.add then
    vim.filetype.add({ extension = { jixiao = 'jixiao' } })
  end

  local group = vim.api.nvim_create_augroup('jixiao', { clear = true })
  -- filetype.vim (the default on 0.7) does not know the extension: set it ourselves.
  vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
    group = group,
    pattern = '*.jixiao',
    command = 'setfiletype jixiao',
  })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = 'jixiao',
    callback = function(args)
      if cfg.buffer_options then
        set_buffer_options(args.buf)
      end
      M.attach(args.buf)
    end,
  })

  -- buffers opened before setup()
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.api.nvim_buf_get_name(buf):match('%.jixiao$') then
      if vim.bo[buf].filetype == 'jixiao' then
        if cfg.buffer_options then
          set_buffer_options(buf)
        end
        M.attach(buf)
      else
        vim.api.nvim_buf_call(buf, function()
          vim.cmd('setfiletype jixiao')
        end)
      end
    end
  end
  return M
end

return M
