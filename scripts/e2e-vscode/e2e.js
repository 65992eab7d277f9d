#!/usr/bin/env node
// Drives a running code-server (with the jixiao extension installed) in headless Chromium and checks what a
// user sees. Started by run.sh, which prepares the workspace, the expected formatter output and the server.
//
//   node e2e.js --url URL --chromium PATH --profile DIR --workspace DIR --example FILE --careless FILE
//               --expected FILE --screenshots DIR [--docs-image PNG] [--result FILE]
//
// Prints one line per check and finally `vscode-e2e: N passed, M failed`; exits 1 if any check failed.
'use strict';

const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) {
  args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
}
for (const need of ['url', 'chromium', 'profile', 'workspace', 'example', 'careless', 'expected', 'screenshots']) {
  if (!args[need]) {
    console.error(`e2e.js: --${need} is required`);
    process.exit(2);
  }
}

const PROJECT = '医疗保险档案管理经费';
const HOVER_MUST_CONTAIN = ['5,130,000.00', '513.00 万元'];
const BENEFIT_CATEGORIES = ['经济效益指标', '社会效益指标', '生态效益指标', '可持续影响指标'];
const VIEWPORT = { width: 1120, height: 720 };

const exampleText = fs.readFileSync(path.join(args.workspace, args.example), 'utf8');
const exampleLines = exampleText.split('\n');
/** 1-based number of the first line of the example matching re. */
function lineOf(re) {
  const i = exampleLines.findIndex((l) => re.test(l));
  if (i < 0) throw new Error(`no line matching ${re} in ${args.example}`);
  return i + 1;
}

const results = [];
let page;
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const norm = (s) => (s || '').replace(/\u00a0/g, ' ');

async function shot(name) {
  if (!page) return;
  const file = path.join(args.screenshots, `${name}.png`);
  try {
    await page.screenshot({ path: file });
    console.log(`     screenshot ${file}`);
  } catch (e) {
    console.log(`     (screenshot ${name} failed: ${e.message})`);
  }
}

async function check(name, fn) {
  const start = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${((Date.now() - start) / 1000).toFixed(1)}s)`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}: ${String(e && e.message || e).split('\n').slice(0, 6).join('\n     ')}`);
    await shot(`failed-${results.length}`);
  }
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

// ---- workbench helpers -----------------------------------------------------------------------------------

const activeEditor = () => page.locator('.editor-group-container.active .editor-instance .monaco-editor').first();

async function openFromExplorer(name) {
  const row = page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: name }).first();
  await row.waitFor({ state: 'visible', timeout: 60000 });
  await row.click();
  await page.locator('.tabs-container .tab.active').filter({ hasText: name }).waitFor({ timeout: 30000 });
  await activeEditor().locator('.view-lines .view-line').first().waitFor({ timeout: 30000 });
  // focus the editor (the Explorer keeps the focus after a single click)
  await activeEditor().locator('.view-lines').click({ position: { x: 5, y: 5 } });
}

async function statusText(id) {
  const item = page.locator(`[id="${id}"]`);
  await item.waitFor({ state: 'attached', timeout: 30000 });
  const label = await item.locator('[aria-label]').first().getAttribute('aria-label').catch(() => null);
  return { text: norm(await item.innerText()).replace(/\s+/g, ' ').trim(), label: label || '' };
}

/** Put the cursor at the start of a 1-based line with Go to Line (Ctrl+G) and wait for the status bar. */
async function gotoLine(n) {
  for (let attempt = 1; attempt <= 3; attempt++) {
    await page.keyboard.press('Control+G');
    const input = page.locator('.quick-input-widget input');
    try {
      await input.waitFor({ state: 'visible', timeout: 5000 });
    } catch {
      continue;
    }
    await input.fill(`:${n}`);
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
    try {
      await page.locator('[id="status.editor.selection"]').filter({ hasText: new RegExp(`\\b${n}\\D`) })
        .waitFor({ timeout: 5000 });
      return;
    } catch {
      // retry
    }
  }
  throw new Error(`could not go to line ${n}`);
}

/**
 * Viewport coordinates of the middle of `focus` inside the first rendered line of the active editor whose text
 * contains `needle` (non-breaking spaces count as spaces). null when no rendered line has it.
 */
async function textPoint(needle, focus = needle) {
  return page.evaluate(([needle, focus]) => {
    const editor = document.querySelector('.editor-group-container.active .editor-instance .monaco-editor');
    if (!editor) return null;
    for (const line of editor.querySelectorAll('.view-lines .view-line')) {
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      const nodes = [];
      let text = '';
      while (walker.nextNode()) {
        nodes.push([walker.currentNode, text.length]);
        text += walker.currentNode.data;
      }
      text = text.replace(/\u00a0/g, ' ');
      const at = text.indexOf(needle);
      if (at < 0) continue;
      const mid = at + needle.indexOf(focus) + Math.floor(focus.length / 2);
      for (const [node, offset] of nodes) {
        if (mid >= offset && mid < offset + node.data.length) {
          const range = document.createRange();
          range.setStart(node, mid - offset);
          range.setEnd(node, mid - offset + 1);
          const box = range.getBoundingClientRect();
          return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
        }
      }
    }
    return null;
  }, [needle, focus]);
}

/** Hover `focus` (inside the rendered line containing `needle`) until a hover containing `expect` shows. */
async function hoverUntil(needle, focus, expect) {
  const hover = page.locator('.monaco-hover-content').filter({ hasText: expect }).first();
  let lastText = '';
  for (let attempt = 1; attempt <= 6; attempt++) {
    const point = await textPoint(needle, focus);
    assert(point, `「${needle}」 is not on screen`);
    // move away first, so that every attempt is a fresh hover
    await page.mouse.move(point.x, point.y + 200);
    await page.keyboard.press('Escape');
    await page.mouse.move(point.x, point.y, { steps: 4 });
    try {
      await hover.waitFor({ state: 'visible', timeout: 4000 });
      return norm(await hover.innerText());
    } catch {
      lastText = norm(await page.locator('.monaco-hover-content').allInnerTexts().then((t) => t.join(' | ')).catch(() => ''));
    }
  }
  throw new Error(`no hover containing ${expect} after 6 attempts; last hover text: ${lastText.slice(0, 300) || '(none)'}`);
}

// ---- the test --------------------------------------------------------------------------------------------

async function main() {
  fs.mkdirSync(args.screenshots, { recursive: true });
  const context = await chromium.launchPersistentContext(args.profile, {
    executablePath: args.chromium,
    headless: true,
    viewport: VIEWPORT,
    deviceScaleFactor: 1,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--lang=zh-CN'],
  });
  context.setDefaultTimeout(30000);
  try {
    page = context.pages()[0] || (await context.newPage());
    page.on('pageerror', (e) => console.log(`     (page error: ${String(e.message).split('\n')[0]})`));

    await check('workbench loads and opens the example from the Explorer', async () => {
      await page.goto(args.url, { waitUntil: 'domcontentloaded', timeout: 60000 });
      await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
      await openFromExplorer(args.example);
    });

    await check('(a) status bar language mode is jixiao', async () => {
      const mode = page.locator('[id="status.editor.mode"]');
      await mode.filter({ hasText: /jixiao|绩效/ }).waitFor({ timeout: 30000 });
      console.log(`     language mode: ${norm(await mode.innerText()).trim()}`);
    });

    await check('(b) Problems count in the status bar is > 0 (errors and warnings)', async () => {
      const item = page.locator('[id="status.problems"]');
      let counts = [];
      let seen = '';
      const deadline = Date.now() + 60000;
      while (Date.now() < deadline) {
        const { text, label } = await statusText('status.problems');
        seen = `${text} [${label}]`;
        counts = (label.match(/\d+/g) || text.match(/\d+/g) || []).map(Number);
        if (counts.length >= 2 && counts[0] > 0 && counts[1] > 0) break;
        await page.waitForTimeout(250);
      }
      console.log(`     problems: ${seen}`);
      assert(counts.length >= 2 && counts[0] > 0 && counts[1] > 0, `errors and warnings expected in the status bar, saw ${seen}`);
      await item.waitFor();
    });

    await check('(b) the Problems panel lists a problem of a file never opened', async () => {
      await page.keyboard.press('Control+Shift+M');
      const panel = page.locator('.markers-panel');
      await panel.waitFor({ timeout: 30000 });
      const row = panel.locator('.monaco-list-row').filter({ hasText: 'never-opened.jixiao' }).first();
      await row.waitFor({ timeout: 60000 });
      console.log(`     problems panel: ${norm(await row.innerText()).replace(/\s+/g, ' ').slice(0, 120)}`);
      await shot('problems-panel');
      await page.keyboard.press('Control+Shift+M');
    });

    await check(`(c) hover on ${PROJECT} shows its funding (${HOVER_MUST_CONTAIN.join(', ')})`, async () => {
      const line = lineOf(new RegExp(`^项目\\s*[:：]\\s*${PROJECT}\\s*$`));
      await gotoLine(line);
      const text = await hoverUntil(`项目: ${PROJECT}`, PROJECT, HOVER_MUST_CONTAIN[0]);
      for (const want of HOVER_MUST_CONTAIN) {
        assert(text.includes(want), `hover lacks ${want}: ${text.slice(0, 400)}`);
      }
      console.log(`     hover: ${text.replace(/\s+/g, ' ').slice(0, 160)}…`);
      await shot('hover');
      await page.mouse.move(5, VIEWPORT.height / 2);
      await page.keyboard.press('Escape');
    });

    await check('(b) error and warning squiggles are drawn', async () => {
      const errorLine = lineOf(/<p>/); // ocr-remnant: error
      await gotoLine(errorLine);
      await activeEditor().locator('.squiggly-error').first().waitFor({ state: 'attached', timeout: 30000 });
      const warningLine = lineOf(/满意度.*≥85\.00/); // satisfaction-low: warning
      await gotoLine(warningLine);
      await activeEditor().locator('.squiggly-warning').first().waitFor({ state: 'attached', timeout: 30000 });
      const n = await activeEditor().locator('.squiggly-error, .squiggly-warning').count();
      console.log(`     squiggles on screen: ${n} (lines ${errorLine}, ${warningLine})`);
      await gotoLine(errorLine);
      await activeEditor().locator('.squiggly-error').first().waitFor({ state: 'attached' });
      await shot('squiggles');
    });

    if (args['docs-image']) {
      await check('docs screenshot (highlighting, squiggles, funding hover) < 200 KB', async () => {
        // Scroll so that 项目: 信息化建设项目 is the 13th line on screen, with the <p> error 13 lines below it;
        // its funding hover then opens above the project line and the squiggle stays visible.
        const project = lineOf(/^项目\s*[:：]\s*信息化建设项目\s*$/);
        await gotoLine(1);
        const scroll = Math.max(0, project - 13);
        for (let i = 0; i < scroll; i++) await page.keyboard.press('Control+ArrowDown');
        await activeEditor().locator('.squiggly-error').first().waitFor({ state: 'attached' });
        await hoverUntil('项目: 信息化建设项目', '信息化建设项目', '项目资金');
        await page.waitForTimeout(300);
        await page.screenshot({ path: args['docs-image'] });
        const size = fs.statSync(args['docs-image']).size;
        console.log(`     ${args['docs-image']}: ${Math.round(size / 1024)} KB`);
        assert(size < 200 * 1024, `screenshot is ${Math.round(size / 1024)} KB`);
      });
    }

    await check('(f) native feel: no ambiguous-character boxes on full-width ，（：, long lines wrap', async () => {
      await gotoLine(lineOf(/^ {2}年度总体目标\s*[:：]/));
      const editor = activeEditor();
      await editor.locator('.view-lines .view-line').first().waitFor();
      const text = (await editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
      assert(/[，（）：、“”]/.test(text), 'no full-width punctuation on screen to test with');
      const boxes = await editor.locator('.unicode-highlight').count();
      assert(boxes === 0, `${boxes} characters are boxed as ambiguous`);
      const numbers = await editor.locator('.margin-view-overlays .line-numbers').count();
      const rows = await editor.locator('.view-lines .view-line').count();
      console.log(`     ${rows} screen rows for ${numbers} numbered lines`);
      assert(rows > numbers, 'no line is wrapped (word wrap is off?)');
    });

    await check(`(d) completion on a new line under 效益指标: ${BENEFIT_CATEGORIES.join(' ')} first, in order, each once`, async () => {
      const line = lineOf(/^ {2}效益指标\s*[:：]\s*$/);
      await gotoLine(line);
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      // whatever Enter indented, make the new line exactly four spaces (the 二级指标 level)
      await page.keyboard.press('Shift+Home');
      await page.keyboard.type('    ');
      await page.locator('[id="status.editor.selection"]').filter({ hasText: new RegExp(`\\b${line + 1}\\D.*\\b5\\b`) })
        .waitFor({ timeout: 5000 });
      const rows = page.locator('.suggest-widget.visible .monaco-list-row');
      let labels = [];
      for (let attempt = 1; attempt <= 4 && labels.length === 0; attempt++) {
        await page.keyboard.press('Control+Space');
        try {
          await rows.first().waitFor({ state: 'visible', timeout: 8000 });
        } catch {
          await page.keyboard.press('Escape');
          continue;
        }
        // let the list settle (the server's answer may replace a first, partial list)
        let previous = '';
        for (let i = 0; i < 20; i++) {
          const now = (await rows.locator('.label-name').allInnerTexts()).map((s) => norm(s).trim());
          if (now.join('|') === previous) { labels = now; break; }
          previous = now.join('|');
          await page.waitForTimeout(250);
        }
      }
      const focused = norm(await page.locator('.suggest-widget.visible .monaco-list-row.focused .label-name')
        .first().innerText().catch(() => '')).trim();
      console.log(`     completion items: ${labels.join(', ') || '(none)'}; selected: ${focused || '(none)'}`);
      await shot('completion');
      await page.keyboard.press('Escape');
      assert(labels.length > 0, 'no completion list');
      assert(!labels.includes('数量指标'), 'the list offers 数量指标 (an 产出指标 category)');
      const first = labels.slice(0, BENEFIT_CATEGORIES.length);
      assert(first.join(' ') === BENEFIT_CATEGORIES.join(' '),
        `expected ${BENEFIT_CATEGORIES.join(' ')} first (the form's order, before snippets), got ${labels.join(' ')}`);
      assert(new Set(labels).size === labels.length, `an item is offered twice: ${labels.join(' ')}`);
      // the first 二级 the project lacks (社会效益指标 and 可持续影响指标 are there)
      assert(focused === '经济效益指标', `expected 经济效益指标 preselected, got ${focused || 'nothing'}`);
    });

    await check('(g) a diagnostic\'s code links to its rule, which opens offline inside VS Code', async () => {
      await page.locator('.tabs-container .tab').filter({ hasText: args.example }).first().click();
      const errorLine = lineOf(/<p>/); // ocr-remnant
      await gotoLine(errorLine);
      await activeEditor().locator('.squiggly-error').first().waitFor({ state: 'attached', timeout: 30000 });
      await hoverUntil('<p>', '<p>', 'ocr-remnant');
      const link = page.locator('.monaco-hover a.code-link').filter({ hasText: 'ocr-remnant' }).first();
      await link.waitFor({ state: 'visible', timeout: 10000 });
      const href = await link.getAttribute('href');
      console.log(`     code link: ${href}`);
      assert(href && href.startsWith('command:jixiao.showRule'), `code link is ${href}`);
      await link.click();
      const tab = page.locator('.tabs-container .tab').filter({ hasText: 'ocr-remnant' }).first();
      await tab.waitFor({ timeout: 20000 });
      console.log(`     opened: ${norm(await tab.innerText()).trim()}`);
      await page.waitForTimeout(1000);
      await shot('rule-page');
    });

    await check('(e) Format Document on the careless file gives exactly `jixiao fmt` output', async () => {
      const file = path.join(args.workspace, args.careless);
      const before = fs.readFileSync(file, 'utf8');
      const expected = fs.readFileSync(args.expected, 'utf8');
      assert(before !== expected, 'the careless file is already formatted');
      await openFromExplorer(args.careless);
      await page.locator('[id="status.editor.mode"]').filter({ hasText: /jixiao|绩效/ }).waitFor();
      const dirtyTab = page.locator('.tabs-container .tab.active.dirty').filter({ hasText: args.careless });
      let formatted = false;
      for (let attempt = 1; attempt <= 4 && !formatted; attempt++) {
        await activeEditor().locator('.view-lines').click({ position: { x: 5, y: 5 } });
        await page.keyboard.press('Control+Shift+I'); // Format Document (Linux keybinding)
        try {
          await dirtyTab.waitFor({ timeout: 6000 });
          formatted = true;
        } catch {
          // the server may still be starting: try again
        }
      }
      assert(formatted, 'Format Document did not change the document');
      await page.keyboard.press('Control+S');
      await page.locator('.tabs-container .tab.active:not(.dirty)').filter({ hasText: args.careless }).waitFor();
      let after = fs.readFileSync(file, 'utf8');
      for (let i = 0; i < 20 && after === before; i++) {
        await page.waitForTimeout(250);
        after = fs.readFileSync(file, 'utf8');
      }
      await shot('formatted');
      if (after !== expected) {
        const a = after.split('\n');
        const b = expected.split('\n');
        const i = a.findIndex((l, k) => l !== b[k]);
        throw new Error(`saved file differs from jixiao fmt at line ${i + 1}:\n  editor: ${JSON.stringify(a[i])}\n  fmt:    ${JSON.stringify(b[i])}`);
      }
    });

  } finally {
    await context.close().catch(() => {});
  }
}

main()
  .catch((e) => {
    results.push({ name: 'driver', ok: false });
    console.log(`FAIL driver: ${e && e.stack || e}`);
  })
  .finally(() => {
    const passed = results.filter((r) => r.ok).length;
    const failed = results.length - passed;
    const line = `vscode-e2e: ${passed} passed, ${failed} failed`;
    console.log(`(${elapsed()} in the browser)`);
    console.log(line);
    if (args.result) fs.writeFileSync(args.result, `${line}\n`);
    process.exit(failed > 0 ? 1 : 0);
  });
