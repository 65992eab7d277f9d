// Static checks of the extension's manifest and contributions (no VS Code needed):
// contributed files exist, regular expressions of language-configuration.json compile and behave,
// snippets are well-formed and expand to lines of the jixiao format, the settings match the brief.
// With a jixiao binary ($JIXIAO_BIN, target/debug or target/release), the expanded snippets must pass
// `jixiao check`. Run after `npm run compile` (which copies the grammar): `npm test`.
'use strict';
const assert = require('assert');
const childProcess = require('child_process');
const fs = require('fs');
const path = require('path');

const ext = path.join(__dirname, '..');
const read = (p) => JSON.parse(fs.readFileSync(path.join(ext, p), 'utf8'));
let passed = 0;
const failures = [];
function check(name, fn) {
  try {
    fn();
    passed++;
  } catch (err) {
    failures.push(`${name}: ${err.message}`);
  }
}

const pkg = read('package.json');
const contributes = pkg.contributes;

check('activation on the jixiao language', () => {
  assert.deepStrictEqual(pkg.activationEvents, ['onLanguage:jixiao']);
  assert.strictEqual(pkg.main, './out/extension.js');
  assert.ok(fs.existsSync(path.join(ext, 'out', 'extension.js')), 'out/extension.js missing: run npm run compile');
});

check('language, grammar, snippets are contributed and exist', () => {
  const lang = contributes.languages.find((l) => l.id === 'jixiao');
  assert.ok(lang, 'language jixiao');
  assert.deepStrictEqual(lang.extensions, ['.jixiao']);
  for (const p of [lang.configuration, ...contributes.grammars.map((g) => g.path), ...contributes.snippets.map((s) => s.path)]) {
    assert.ok(fs.existsSync(path.join(ext, p)), `${p} missing`);
  }
  const grammar = read(contributes.grammars[0].path);
  assert.strictEqual(grammar.scopeName, 'source.jixiao');
  assert.strictEqual(contributes.grammars[0].scopeName, 'source.jixiao');
});

check('license and readme present', () => {
  assert.ok(fs.existsSync(path.join(ext, 'LICENSE')));
  assert.ok(fs.readFileSync(path.join(ext, 'README.md'), 'utf8').startsWith('# jixiao 绩效'));
});

check('commands and settings', () => {
  const restart = contributes.commands.find((c) => c.command === 'jixiao.restartServer');
  assert.ok(restart && restart.title === '重启 jixiao 语言服务器');
  const props = contributes.configuration.properties;
  assert.strictEqual(props['jixiao.server.path'].type, 'string');
  assert.deepStrictEqual(props['jixiao.profile'].enum, ['', 'finance-2020', 'finance-2021', 'shanghai-2025']);
  assert.strictEqual(props['jixiao.rules'].type, 'object');
  assert.deepStrictEqual(props['jixiao.rules'].additionalProperties.enum, ['error', 'warning', 'info', 'off']);
  assert.deepStrictEqual(props['jixiao.trace.server'].enum, ['off', 'messages', 'verbose']);
});

const langConf = read('language-configuration.json');

check('language configuration: comments and brackets', () => {
  assert.strictEqual(langConf.comments.lineComment, '#');
  assert.ok(langConf.brackets.some(([o, c]) => o === '（' && c === '）'));
  assert.ok(langConf.autoClosingPairs.some((p) => p.open === '（' && p.close === '）'));
  assert.strictEqual(langConf.folding.offSide, true);
});

check('language configuration: indentation rules', () => {
  const inc = new RegExp(langConf.indentationRules.increaseIndentPattern);
  const dec = new RegExp(langConf.indentationRules.decreaseIndentPattern);
  for (const l of ['项目: 宣传与推广', '  资金:', '  产出指标：', '　　效益指标:', '  年度总体目标:']) {
    assert.ok(inc.test(l), `should indent after ${JSON.stringify(l)}`);
  }
  for (const l of ['  项目性质: 其他', '    > 文本:', '# 注释:', '      数量: ≥1(个)', '']) {
    assert.ok(!inc.test(l), `should not indent after ${JSON.stringify(l)}`);
    assert.ok(!dec.test(l), `should not outdent ${JSON.stringify(l)}`);
  }
});

check('language configuration: Enter continues a > line', () => {
  const rules = langConf.onEnterRules.map((r) => ({ re: new RegExp(r.beforeText), action: r.action }));
  const onEnter = (before) => rules.find((r) => r.re.test(before));
  for (const l of ['    > 彩色宣传页发放40000人，', '    >', '\t> text']) {
    const r = onEnter(l);
    assert.ok(r, `no rule for ${JSON.stringify(l)}`);
    assert.deepStrictEqual(r.action, { indent: 'none', appendText: '> ' });
  }
  for (const l of ['  年度总体目标:', '  预算目标：', '  实际完成情况:']) {
    const r = onEnter(l);
    assert.ok(r && r.action.indent === 'indent' && r.action.appendText === '> ', `text field ${l}`);
  }
  for (const l of ['  资金:', '  # > 注释', '      指标: >90%']) {
    assert.ok(!onEnter(l), `unexpected rule for ${JSON.stringify(l)}`);
  }
});

check('language configuration: word pattern', () => {
  const w = new RegExp(langConf.wordPattern, 'g');
  assert.deepStrictEqual('      彩色宣传页发放数量：≥40000.00(张)'.match(w), ['彩色宣传页发放数量', '40000.00', '张']);
  assert.deepStrictEqual('年度资金申请总额: 300,000.00'.match(w), ['年度资金申请总额', '300,000.00']);
});

// Expand a snippet body with the default of each placeholder (first option of a choice); a bare
// ${n} / $n mirrors placeholder n, $0 is the final cursor.
function expand(body) {
  let s = body.join('\n');
  const vars = { CURRENT_YEAR: '2025' };
  const values = { 0: '' };
  for (let i = 0; i < 10; i++) {
    const before = s;
    s = s
      .replace(/\$\{([A-Z_]+)\}|\$([A-Z_]+)/g, (_, a, b) => vars[a || b] ?? '')
      .replace(/\$\{(\d+)\|([^|},]*)(?:,[^|}]*)?\|\}/g, (_, n, v) => (values[n] = v))
      .replace(/\$\{(\d+):([^${}]*)\}/g, (_, n, v) => (values[n] = v));
    if (s === before) break;
  }
  return s.replace(/\$\{(\d+)\}|\$(\d+)/g, (m, a, b) => values[a || b] ?? m);
}

const snippets = read('snippets/jixiao.json');
const lineKind = /^(\s*)(#.*|>.*|[^#>\s:：][^:：]*[:：].*|)$/;

check('snippets are well-formed', () => {
  for (const [name, s] of Object.entries(snippets)) {
    assert.ok(Array.isArray(s.prefix) && s.prefix.length > 0, `${name}: prefix`);
    assert.ok(s.description, `${name}: description`);
    const text = expand(s.body);
    assert.ok(!/\$\{/.test(text), `${name}: unexpanded placeholder in ${text}`);
    for (const line of text.split('\n')) {
      assert.ok(lineKind.test(line), `${name}: not a jixiao line: ${JSON.stringify(line)}`);
      const indent = /^ */.exec(line)[0].length;
      assert.ok(indent % 2 === 0 && !/\t/.test(line), `${name}: indentation of ${JSON.stringify(line)}`);
    }
  }
});

check('snippets cover the brief', () => {
  const bodies = Object.fromEntries(Object.entries(snippets).map(([k, v]) => [k, expand(v.body)]));
  assert.match(bodies['文件头'], /^表: 绩效目标申报表$/m);
  assert.match(bodies['文件头'], /^年度: 2025$/m);
  assert.match(bodies['文件头'], /^单位: /m);
  const decl = bodies['申报表项目'];
  for (const f of ['项目性质', '项目类别', '主管部门', '实施单位', '计划开始日期', '计划完成日期', '资金',
    '年度资金申请总额', '当年财政拨款', '上年结转资金', '其他资金', '年度总体目标',
    '成本指标', '产出指标', '效益指标', '满意度指标']) {
    assert.match(decl, new RegExp(`^ +${f}: ?`, 'm'), `申报表项目 lacks ${f}`);
  }
  const self = bodies['自评表项目'];
  for (const f of ['年初预算数', '全年预算数', '全年执行数', '年度资金总额', '分值', '执行率', '得分', '预算目标',
    '实际完成情况', '实际完成值', '偏差原因分析及改进措施', '总分']) {
    assert.match(self, new RegExp(`^ +${f}: ?`, 'm'), `自评表项目 lacks ${f}`);
  }
  assert.match(bodies['指标'], /^指标名称: ≥0\.00\(个\)$/);
});

// When a jixiao binary with `check` is around, the snippets must expand to files without errors.
function findJixiao() {
  const candidates = [process.env.JIXIAO_BIN, path.join(ext, '..', '..', 'target', 'debug', 'jixiao'),
    path.join(ext, '..', '..', 'target', 'release', 'jixiao')];
  for (const c of candidates) {
    if (!c || !fs.existsSync(c)) continue;
    const help = childProcess.spawnSync(c, ['--help'], { encoding: 'utf8', timeout: 10000 });
    if (/\bcheck\b/.test(help.stdout || '')) return c;
  }
  return undefined;
}
const jixiao = findJixiao();
let skipped = '';
if (jixiao) {
  check('snippets pass `jixiao check`', () => {
    const os = require('os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jixiao-snippets-'));
    try {
      const header = (form) => expand(snippets['文件头'].body).replace('表: 绩效目标申报表', `表: ${form}`);
      const files = {
        'declaration.jixiao': header('绩效目标申报表') + '\n' + expand(snippets['申报表项目'].body) + '\n',
        'self-evaluation.jixiao': header('绩效自评表') + '\n' + expand(snippets['自评表项目'].body) + '\n',
      };
      for (const [name, text] of Object.entries(files)) {
        const file = path.join(dir, name);
        fs.writeFileSync(file, text);
        const r = childProcess.spawnSync(jixiao, ['check', file], { encoding: 'utf8', timeout: 20000 });
        assert.strictEqual(r.status, 0, `${name}: jixiao check exited ${r.status}\n${r.stdout}${r.stderr}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
} else {
  skipped = ' (snippets not run through `jixiao check`: no binary)';
}

for (const f of failures) console.log(`  failed: ${f}`);
console.log(`vscode extension checks: ${passed} passed, ${failures.length} failed${skipped}`);
process.exit(failures.length ? 1 : 0);
