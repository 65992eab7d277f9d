// Rule explanations inside VS Code, offline: each jixiao diagnostic's code links (codeDescription)
// to the command jixiao.showRule, which asks the server for the rule's section of docs/RULES.md
// (compiled into the binary, request `jixiao/ruleDoc`) and shows it in the Markdown preview.
// VS Code opens command links from the diagnostic hover and the peek view.

import * as vscode from 'vscode';
import { LanguageClient, Middleware } from 'vscode-languageclient/node';

const SCHEME = 'jixiao-rule';
const SHOW_RULE = 'jixiao.showRule';

function ruleLink(id: string): vscode.Uri {
  return vscode.Uri.parse(`command:${SHOW_RULE}?${encodeURIComponent(JSON.stringify([id]))}`);
}

function link(diagnostics: readonly vscode.Diagnostic[]): void {
  for (const d of diagnostics) {
    const code = typeof d.code === 'object' ? d.code.value : d.code;
    if (code !== undefined && d.source === 'jixiao') {
      d.code = { value: code, target: ruleLink(String(code)) };
    }
  }
}

/** Client middleware: links the code of every jixiao diagnostic to its rule's page. */
export const linkRuleDocs: Middleware['handleDiagnostics'] = (uri, diagnostics, next) => {
  link(diagnostics);
  next(uri, diagnostics);
};

// The same for pulled diagnostics (the server uses the pull model when the client offers it:
// vscode-languageclient does, so VS Code gets diagnostics these two ways, not handleDiagnostics).

/** A pulled report's diagnostics (an `unchanged` report has none). */
function linkReport<T>(report: T): T {
  const items = (report as { items?: vscode.Diagnostic[] } | null | undefined)?.items;
  if (items) {
    link(items);
  }
  return report;
}

/** Middleware for `textDocument/diagnostic`. */
export const linkPulledRuleDocs: Middleware['provideDiagnostics'] = async (document, previousResultId, token, next) =>
  linkReport(await next(document, previousResultId, token));

/** Middleware for `workspace/diagnostic`: its reports arrive through the reporter. */
export const linkWorkspaceRuleDocs: Middleware['provideWorkspaceDiagnostics'] = (resultIds, token, reporter, next) =>
  next(resultIds, token, (chunk) => {
    chunk?.items.forEach(linkReport);
    reporter(chunk);
  });

export function registerRulePages(
  context: vscode.ExtensionContext,
  client: () => LanguageClient | undefined,
): void {
  const pages: vscode.TextDocumentContentProvider = {
    async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
      const id = uri.path.replace(/\.md$/, '');
      const c = client();
      if (!c) {
        return `# ${id}\n\njixiao 语言服务器没有运行，无法显示规则说明。\n`;
      }
      const r = await c.sendRequest<{ markdown: string } | null>('jixiao/ruleDoc', { rule: id });
      return r?.markdown ?? `# ${id}\n\n没有这条规则的说明。\n`;
    },
  };
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, pages),
    vscode.commands.registerCommand(SHOW_RULE, async (id?: string) => {
      if (typeof id !== 'string' || !/^[a-z][a-z0-9-]*$/.test(id)) {
        return;
      }
      const uri = vscode.Uri.from({ scheme: SCHEME, path: `${id}.md` });
      try {
        await vscode.commands.executeCommand('markdown.showPreview', uri);
      } catch {
        await vscode.window.showTextDocument(uri, { preview: true });
      }
    }),
  );
}
