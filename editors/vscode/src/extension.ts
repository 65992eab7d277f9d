// VS Code client for the jixiao language server (`jixiao lsp`, LSP over stdio).
//
// Server lookup order: the binary bundled in the extension (server/jixiao, server/jixiao.exe on Windows:
// each platform's .vsix carries its own build, see scripts/release.sh), then the
// `jixiao.server.path` setting, then `jixiao` on PATH.
// Settings reach the server twice: as `initializationOptions` (the `jixiao` section, read at start)
// and through `workspace/configuration` requests for the section `jixiao` (answered by
// vscode-languageclient), announced by `workspace/didChangeConfiguration` when they change.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  Executable,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';
import { linkPulledRuleDocs, linkRuleDocs, linkWorkspaceRuleDocs, registerRulePages } from './rules';

const LANGUAGE_ID = 'jixiao';
const SECTION = 'jixiao';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let status: vscode.StatusBarItem;
let starting: Promise<void> | undefined;

interface ServerBinary {
  command: string;
  source: 'bundled' | 'setting' | 'path';
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('jixiao');
  status = vscode.window.createStatusBarItem('jixiao.status', vscode.StatusBarAlignment.Right, 100);
  status.name = 'jixiao 语言服务器';
  status.command = 'jixiao.showOutput';
  context.subscriptions.push(output, status);

  context.subscriptions.push(
    vscode.commands.registerCommand('jixiao.restartServer', () => restart(context)),
    vscode.commands.registerCommand('jixiao.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SECTION}.server.path`)) {
        void restart(context);
      }
    }),
  );

  registerRulePages(context, () => client);

  await start(context);
}

export async function deactivate(): Promise<void> {
  await stop();
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  output.appendLine('正在重启 jixiao 语言服务器……');
  await stop();
  await start(context);
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  if (starting) {
    return starting;
  }
  starting = doStart(context).finally(() => {
    starting = undefined;
  });
  return starting;
}

async function doStart(context: vscode.ExtensionContext): Promise<void> {
  const server = findServer(context);
  if (!server) {
    status.hide();
    const exe = serverExe();
    const message =
      `找不到 jixiao 语言服务器：扩展没有自带 server/${exe}，设置 jixiao.server.path 为空或无效，PATH 中也没有 ${exe}。` +
      '请安装与本机系统对应的 jixiao 扩展（.vsix，见 docs/INSTALL.md），或在设置中填写 jixiao.server.path。' +
      '语法高亮和代码片段仍可使用。';
    output.appendLine(message);
    const choice = await vscode.window.showErrorMessage(message, '打开设置', '查看日志');
    if (choice === '打开设置') {
      await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.server.path`);
    } else if (choice === '查看日志') {
      output.show(true);
    }
    return;
  }
  output.appendLine(`使用 jixiao 语言服务器（${describeSource(server.source)}）：${server.command}`);

  const run: Executable = {
    command: server.command,
    args: ['lsp'],
    options: { env: { ...process.env } },
  };
  const serverOptions: ServerOptions = { run, debug: run };

  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: LANGUAGE_ID },
      { scheme: 'untitled', language: LANGUAGE_ID },
    ],
    // Evaluated at each (re)start, so a restart picks up the current settings.
    initializationOptions: () => settingsSnapshot(),
    synchronize: {
      configurationSection: SECTION,
      fileEvents: [
        vscode.workspace.createFileSystemWatcher('**/*.jixiao'),
        vscode.workspace.createFileSystemWatcher('**/jixiao.toml'),
      ],
    },
    outputChannel: output,
    middleware: {
      handleDiagnostics: linkRuleDocs,
      provideDiagnostics: linkPulledRuleDocs,
      provideWorkspaceDiagnostics: linkWorkspaceRuleDocs,
    },
  };

  const c = new LanguageClient(LANGUAGE_ID, 'jixiao 语言服务器', serverOptions, clientOptions);
  c.onDidChangeState((e) => updateStatus(e.newState));
  client = c;
  updateStatus(State.Starting);
  try {
    await c.start();
  } catch (err) {
    client = undefined;
    status.hide();
    const message = `jixiao 语言服务器启动失败（${server.command} lsp）：${errorText(err)}`;
    output.appendLine(message);
    void vscode.window.showErrorMessage(message, '查看日志').then((choice) => {
      if (choice) {
        output.show(true);
      }
    });
  }
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  status.hide();
  if (!c) {
    return;
  }
  try {
    await c.stop(2000);
  } catch (err) {
    output.appendLine(`停止 jixiao 语言服务器时出错：${errorText(err)}`);
  }
}

function updateStatus(state: State): void {
  switch (state) {
    case State.Running:
      status.text = 'jixiao';
      status.tooltip = 'jixiao 语言服务器正在运行（点击查看日志）';
      status.show();
      break;
    case State.Starting:
      status.text = '$(sync~spin) jixiao';
      status.tooltip = 'jixiao 语言服务器正在启动';
      status.show();
      break;
    case State.Stopped:
      status.hide();
      break;
  }
}

/** The `jixiao` settings section as plain JSON (the same shape `workspace/configuration` returns). */
function settingsSnapshot(): Record<string, unknown> {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const profile = cfg.get<string>('profile', '');
  return {
    server: { path: cfg.get<string>('server.path', '') },
    profile,
    rules: cfg.get<Record<string, string>>('rules', {}),
    trace: { server: cfg.get<string>('trace.server', 'off') },
  };
}

/** The server's file name: the win32-x64 .vsix bundles server/jixiao.exe (scripts/release.sh). */
function serverExe(): string {
  return process.platform === 'win32' ? 'jixiao.exe' : 'jixiao';
}

function findServer(context: vscode.ExtensionContext): ServerBinary | undefined {
  const exe = serverExe();

  const bundled = context.asAbsolutePath(path.join('server', exe));
  if (isFile(bundled)) {
    ensureExecutable(bundled);
    return { command: bundled, source: 'bundled' };
  }

  const configured = vscode.workspace.getConfiguration(SECTION).get<string>('server.path', '').trim();
  if (configured) {
    const resolved = resolveConfiguredPath(configured);
    if (resolved) {
      return { command: resolved, source: 'setting' };
    }
    output.appendLine(`设置 jixiao.server.path 指向的文件不存在：${configured}`);
    void vscode.window.showWarningMessage(`设置 jixiao.server.path 指向的文件不存在：${configured}`);
  }

  const onPath = findOnPath(exe);
  if (onPath) {
    return { command: onPath, source: 'path' };
  }
  return undefined;
}

function resolveConfiguredPath(p: string): string | undefined {
  let candidate = p;
  if (candidate === '~' || candidate.startsWith('~/')) {
    candidate = path.join(os.homedir(), candidate.slice(1));
  }
  if (path.isAbsolute(candidate)) {
    return isFile(candidate) ? candidate : undefined;
  }
  if (!candidate.includes('/') && !candidate.includes('\\')) {
    // a bare command name: look it up on PATH
    return findOnPath(candidate);
  }
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const abs = path.join(folder.uri.fsPath, candidate);
    if (isFile(abs)) {
      return abs;
    }
  }
  return undefined;
}

function findOnPath(exe: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d.length > 0);
  const exts =
    process.platform === 'win32' && path.extname(exe) === ''
      ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')
      : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = path.join(dir, exe + ext);
      if (isFile(candidate) && isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isExecutable(p: string): boolean {
  if (process.platform === 'win32') {
    return true;
  }
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A .vsix is a zip; make sure the bundled binary kept its executable bit. */
function ensureExecutable(p: string): void {
  if (process.platform === 'win32' || isExecutable(p)) {
    return;
  }
  try {
    fs.chmodSync(p, 0o755);
  } catch (err) {
    output.appendLine(`无法为 ${p} 设置可执行权限：${errorText(err)}`);
  }
}

function describeSource(source: ServerBinary['source']): string {
  switch (source) {
    case 'bundled':
      return '扩展自带';
    case 'setting':
      return '来自设置 jixiao.server.path';
    case 'path':
      return '来自 PATH';
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
