// Fails unless the .vsix holds only allow-listed files and is at most 3 MB.
// Lists the content twice: what `vsce ls` says it would package, and what the .vsix really holds.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsix = join(root, `comprehension-first-${version}.vsix`);
const MAX_BYTES = 3 * 1024 * 1024;

const allowed = [
  /^dist\/(extension|server|cli|cli-main)\.js$/,
  /^dist\/grammars\/tree-sitter(-[a-z]+)?\.wasm$/,
  /^dist\/vendor\/typescript\.js$/,
  /^dist\/schemas\/[\w.-]+\.json$/,
  /^media\/[\w./-]+$/,
  /^syntaxes\/[\w.-]+\.json$/,
  /^package\.json$/,
  /^readme\.md$/i,
  /^changelog\.md$/i,
  /^license(\.txt)?$/i,
];
const packagingFiles = new Set(['[Content_Types].xml', 'extension.vsixmanifest']);

/** Names of the entries in a zip file, from its central directory. */
function zipEntries(path) {
  const buffer = readFileSync(path);
  let end = buffer.length - 22;
  while (end >= 0 && buffer.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error(`${path} is not a zip file`);
  const count = buffer.readUInt16LE(end + 10);
  let offset = buffer.readUInt32LE(end + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    const nameLength = buffer.readUInt16LE(offset + 28);
    const extraLength = buffer.readUInt16LE(offset + 30);
    const commentLength = buffer.readUInt16LE(offset + 32);
    names.push(buffer.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

const problems = [];
const listed = execFileSync(process.execPath, [join(root, 'node_modules/@vscode/vsce/vsce'), 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .map((line) => line.trim())
  .filter(Boolean);
for (const file of listed) if (!allowed.some((pattern) => pattern.test(file))) problems.push(`vsce ls lists a file outside the allow-list: ${file}`);

const entries = zipEntries(vsix);
for (const entry of entries) {
  if (packagingFiles.has(entry) || entry.endsWith('/')) continue;
  const inner = entry.replace(/^extension\//, '');
  if (!allowed.some((pattern) => pattern.test(inner))) problems.push(`the .vsix holds a file outside the allow-list: ${entry}`);
}
for (const required of ['extension/dist/extension.js', 'extension/dist/server.js', 'extension/dist/cli.js', 'extension/dist/cli-main.js', 'extension/package.json']) {
  if (!entries.includes(required)) problems.push(`the .vsix lacks ${required}`);
}
const size = statSync(vsix).size;
if (size > MAX_BYTES) problems.push(`the .vsix is ${(size / 1048576).toFixed(2)} MB, over the 3 MB limit`);

console.log(`vsix: ${vsix.replace(root, '')} ${(size / 1048576).toFixed(2)} MB, ${entries.length} entries; vsce ls: ${listed.length} files`);
if (problems.length) {
  for (const problem of problems) console.error(`  ${problem}`);
  process.exit(1);
}
console.log('vsix content: only allow-listed files');
