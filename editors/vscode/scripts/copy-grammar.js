// Copies the TextMate grammar from the repository's syntax/ folder into syntaxes/ (run before compile and packaging).
'use strict';
const fs = require('fs');
const path = require('path');

const src = path.join(__dirname, '..', '..', '..', 'syntax', 'jixiao.tmLanguage.json');
const dstDir = path.join(__dirname, '..', 'syntaxes');
const dst = path.join(dstDir, 'jixiao.tmLanguage.json');

if (!fs.existsSync(src)) {
  if (fs.existsSync(dst)) {
    console.warn(`copy-grammar: ${src} not found, keeping the existing ${dst}`);
    process.exit(0);
  }
  console.error(`copy-grammar: grammar not found: ${src}`);
  process.exit(1);
}
JSON.parse(fs.readFileSync(src, 'utf8')); // fail early on a broken grammar
fs.mkdirSync(dstDir, { recursive: true });
fs.copyFileSync(src, dst);
console.log(`copy-grammar: ${path.relative(process.cwd(), src)} -> ${path.relative(process.cwd(), dst)}`);
