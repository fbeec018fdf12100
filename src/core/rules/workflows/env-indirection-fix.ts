import { isMap, type Document, type Pair } from 'yaml';
import type { TextFix } from '../../check/findings';
import { asMap, mapEntries, mapPair, mapValue, nodeSpan, scalarText } from '../shared-yaml/nodes';
import { normaliseExpression, type Expression, type Job, type Step, type WorkflowFile } from './workflow';

/**
 * The quick fix of an attacker-controlled expression in a `run:` script: the value moves to the
 * step's `env:` (`ISSUE_TITLE: ${{ github.event.issue.title }}`, a new `env:` block when the step has
 * none) and the script reads the variable (`"${ISSUE_TITLE}"`, or `${ISSUE_TITLE}` inside double
 * quotes), so the shell receives it as data. Offered only where the result is certain: a bash or sh
 * script (no `shell:`, or `bash`/`sh`, on a runner that is not Windows), an expression found exactly,
 * not inside single quotes, naming a plain property path, in a step written as a block mapping.
 */
export function envIndirectionFix(text: string, file: WorkflowFile, job: Job | undefined, step: Step, expression: Expression): TextFix | undefined {
  if (!expression.exact || !usesPosixShell(file, job, step)) return undefined;
  const name = variableName(expression.body, [file.env, job?.env, step.env], file.document);
  if (name === undefined) return undefined;
  const quoting = quotingAt(text, expression.start);
  if (quoting === 'single') return undefined;
  const scriptEdit = { start: expression.start, end: expression.end, newText: quoting === 'double' ? `\${${name}}` : `"\${${name}}"` };
  const envEdit = envInsertion(text, file.document, step, `${name}: \${{ ${expression.body} }}`);
  if (envEdit === undefined) return undefined;
  return { title: `Pass it through env: as ${name}`, edits: [envEdit, scriptEdit], preferred: true };
}

/** Bash (GitHub's default on Linux and macOS) or sh; Windows runners default to PowerShell. */
function usesPosixShell(file: WorkflowFile, job: Job | undefined, step: Step): boolean {
  const shell = scalarText(mapValue(step.node, 'shell', file.document), file.document)
    ?? scalarText(mapValue(mapValue(mapValue(job?.node, 'defaults', file.document), 'run', file.document), 'shell', file.document), file.document)
    ?? scalarText(mapValue(mapValue(mapValue(file.document.contents, 'defaults', file.document), 'run', file.document), 'shell', file.document), file.document);
  if (shell !== undefined) return /^(?:bash|sh)\b/.test(shell.trim());
  if (job === undefined) return false; // a composite action's step must name its shell; it did not
  const runsOn = mapValue(job.node, 'runs-on', file.document);
  const runner = scalarText(runsOn, file.document);
  return runner !== undefined && !/windows|\$\{\{/i.test(runner);
}

/** `ISSUE_TITLE` for `github.event.issue.title`; undefined for anything but a property path, or when the name is taken by another value. */
function variableName(body: string, envs: readonly unknown[], document: Document.Parsed): string | undefined {
  const path = normaliseExpression(body);
  if (!/^[a-z_][\w-]*(?:\.(?:[a-z_][\w-]*|\*))+$/.test(path)) return undefined;
  const words = path.split('.').filter((word) => word !== '*' && word !== 'github' && word !== 'event');
  const base = words.slice(-2).join('_').replace(/-/g, '_').toUpperCase();
  const taken = new Map<string, string>();
  for (const env of envs) for (const { key, value } of mapEntries(env, document)) taken.set(key, scalarText(value, document) ?? '');
  for (let suffix = 1; suffix < 10; suffix++) {
    const name = suffix === 1 ? base : `${base}_${suffix}`;
    const existing = taken.get(name);
    if (existing === undefined) return name;
  }
  return undefined;
}

/** Whether `offset` of a script sits inside single or double quotes of its shell line (outside: `none`). */
function quotingAt(text: string, offset: number): 'single' | 'double' | 'none' {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let state: 'single' | 'double' | 'none' = 'none';
  for (let index = lineStart; index < offset; index++) {
    const char = text[index];
    if (state === 'none') {
      if (char === '\\') index++;
      else if (char === "'") state = 'single';
      else if (char === '"') state = 'double';
    } else if (state === 'double') {
      if (char === '\\') index++;
      else if (char === '"') state = 'none';
    } else if (char === "'") state = 'none';
  }
  return state;
}

/** The edit adding `entry` to the step's `env:` block (a new block before `run:` when there is none). */
function envInsertion(text: string, document: Document.Parsed, step: Step, entry: string): { start: number; end: number; newText: string } | undefined {
  const stepMap = asMap(step.node, document);
  if (stepMap === undefined || stepMap.flow) return undefined;
  const envPair = mapPair(stepMap, 'env', document);
  if (envPair !== undefined) return appendToMap(text, document, envPair, entry);
  const runPair = mapPair(stepMap, 'run', document);
  const runKey = nodeSpan(runPair?.key, document);
  if (runPair === undefined || runKey === undefined) return undefined;
  const lineStart = text.lastIndexOf('\n', runKey.start - 1) + 1;
  const column = runKey.start - lineStart;
  const indent = ' '.repeat(column);
  const block = `env:\n${indent}  ${entry}\n`;
  if (/^\s*$/.test(text.slice(lineStart, runKey.start))) return { start: lineStart, end: lineStart, newText: `${indent}${block}` };
  // `- run: …` opens the step: the block goes after the script, at the key's column.
  const after = lineAfter(text, nodeSpan(runPair.value, document)?.end ?? runKey.end);
  return { start: after, end: after, newText: `${after === text.length && !text.endsWith('\n') ? '\n' : ''}${indent}${block}` };
}

function appendToMap(text: string, document: Document.Parsed, envPair: Pair, entry: string): { start: number; end: number; newText: string } | undefined {
  const env = envPair.value;
  if (!isMap(env) || env.flow || env.items.length === 0) return undefined;
  const firstKey = nodeSpan(env.items[0]!.key, document);
  const lastValue = nodeSpan(env.items[env.items.length - 1]!.value, document) ?? nodeSpan(env.items[env.items.length - 1]!.key, document);
  if (firstKey === undefined || lastValue === undefined) return undefined;
  const column = firstKey.start - (text.lastIndexOf('\n', firstKey.start - 1) + 1);
  const after = lineAfter(text, lastValue.end);
  return { start: after, end: after, newText: `${after === text.length && !text.endsWith('\n') ? '\n' : ''}${' '.repeat(column)}${entry}\n` };
}

/** The offset of the line after the one holding `offset - 1` (the end of the text when it is the last). */
function lineAfter(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const newline = text.indexOf('\n', offset);
  return newline < 0 ? text.length : newline + 1;
}
