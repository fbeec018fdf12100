/**
 * Review audits of comprehension notes: `comprehension report --audit N` picks N explained notes at
 * random and writes an audit file a reviewer grades; `comprehension report` reads every audit file
 * back and reports the grades (`team.ts`). A note passing the checks says it is not filler; a
 * person grading a sample says whether the notes are true and useful, which no check can.
 *
 * The file (`.comprehension/audits/<date>-<id>.yaml`):
 *
 * ```yaml
 * version: 1
 * createdAt: 2026-03-01T09:00:00.000Z
 * seed: "42"                  # optional: the --seed the notes were picked with
 * notes:
 *   - blockId: blk-1          # required: the block whose note is graded
 *     note: .comprehension/notes/blk-1.md   # informational, as are file, lines and author
 *     file: src/pay/charge.ts
 *     lines: 3-12
 *     author: Ada <ada@example.com>
 *     grade:                  # pass or fail; empty until graded
 *     comment: ""             # required for fail: what the note gets wrong or leaves out
 *     gradedBy: ""            # optional: who graded it
 * ```
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, type Node, parseDocument, type Scalar } from 'yaml';
import { didYouMean } from '../policy/suggest';
import { LineIndex } from '../text/line-index';
import { readBoundedFile, writeFileAtomic } from '../workspace/fs';
import { AUDITS_DIR, auditPathFor, notePathFor } from '../workspace/layout';
import type { AuditGrade, ReportAuditEntry, ReportAuditInput } from './team';
import { mulberry32 } from '../text/seeded-random';

/** Version of the audit file format this code writes and reads. */
export const AUDIT_FORMAT_VERSION = 1;

/** An audit file is a list of a few notes; anything larger is not one. */
const MAX_AUDIT_FILE_BYTES = 1024 * 1024;

const TOP_KEYS = ['version', 'createdAt', 'seed', 'notes'] as const;
const NOTE_KEYS = ['blockId', 'note', 'file', 'lines', 'author', 'grade', 'comment', 'gradedBy'] as const;
const GRADES: readonly AuditGrade[] = ['pass', 'fail'];

/** A problem in an audit file, at a 1-based line and column. */
export interface AuditProblem {
  /** Workspace-relative path of the audit file. */
  path: string;
  line: number;
  column: number;
  message: string;
}

/** `path:line:column: message`, as compilers print it (editors link it). */
export function formatAuditProblem(problem: AuditProblem): string {
  return `${problem.path}:${problem.line}:${problem.column}: ${problem.message}`;
}

/** A note that may be audited: an explained note of an AI block. */
export interface AuditCandidate {
  blockId: string;
  /** Workspace-relative path of the block's file. */
  file: string;
  startLine: number;
  endLine: number;
  author?: string;
}

/**
 * A pseudo-random generator from a seed text (FNV-1a hash into mulberry32): the same seed gives the
 * same picks on every machine, so a test or a team can reproduce an audit.
 */
export function seededRandom(seed: string): () => number {
  let state = 0x811c9dc5;
  for (let index = 0; index < seed.length; index++) state = Math.imul(state ^ seed.charCodeAt(index), 0x01000193) >>> 0;
  return mulberry32(state);
}

/**
 * Picks `count` candidates at random (all of them when there are fewer), in a stable order: the
 * candidates are sorted by block id first, so the picks depend on the seed, not on listing order.
 */
export function pickAuditNotes(candidates: readonly AuditCandidate[], count: number, random: () => number): AuditCandidate[] {
  const pool = [...candidates].sort((a, b) => (a.blockId < b.blockId ? -1 : a.blockId > b.blockId ? 1 : 0));
  // Partial Fisher-Yates: the first `count` places are a uniform sample.
  const take = Math.min(Math.max(0, Math.floor(count)), pool.length);
  for (let index = 0; index < take; index++) {
    const other = index + Math.floor(random() * (pool.length - index));
    [pool[index], pool[other]] = [pool[other], pool[index]];
  }
  return pool.slice(0, take);
}

/** The text of a new audit file for `picked` (every value quoted as JSON, which YAML reads as is). */
export function renderAuditFile(picked: readonly AuditCandidate[], options: { createdAt: Date; seed?: string }): string {
  const quote = (text: string): string => JSON.stringify(text);
  const lines = [
    '# Review audit of comprehension notes, picked at random by `comprehension report --audit`.',
    '# For each note: read it beside its code, set `grade` to pass (true, specific, would help the next',
    '# person) or fail, and say why in `comment` (required for fail). `comprehension report` counts the grades.',
    `version: ${AUDIT_FORMAT_VERSION}`,
    `createdAt: ${quote(options.createdAt.toISOString())}`,
  ];
  if (options.seed !== undefined) lines.push(`seed: ${quote(options.seed)}`);
  if (picked.length === 0) lines.push('notes: []');
  else lines.push('notes:');
  for (const note of picked) {
    lines.push(
      `  - blockId: ${quote(note.blockId)}`,
      `    note: ${quote(notePathFor(note.blockId))}`,
      `    file: ${quote(note.file)}`,
      `    lines: ${quote(`${note.startLine}-${note.endLine}`)}`,
    );
    if (note.author !== undefined) lines.push(`    author: ${quote(note.author)}`);
    lines.push('    grade:        # pass or fail', '    comment: ""', '    gradedBy: ""');
  }
  return `${lines.join('\n')}\n`;
}

/** An audit file read back: its entries, or the problems that keep it from counting. */
export type ParsedAudit = { ok: true; audit: ReportAuditInput } | { ok: false; problems: AuditProblem[] };

/**
 * Reads an audit file's text. Every problem is placed at the key or value it is about; a file with
 * any problem does not count (a half-read audit would misstate the pass rate).
 */
export function parseAuditFile(path: string, text: string): ParsedAudit {
  const lines = new LineIndex(text);
  const problems: AuditProblem[] = [];
  const add = (offset: number, message: string): void => {
    const position = lines.positionAt(Math.max(0, Math.min(offset, text.length)));
    problems.push({ path, line: position.line + 1, column: position.character + 1, message });
  };
  const at = (node: Node | null | undefined, fallback: number): number => node?.range?.[0] ?? fallback;

  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  for (const error of document.errors) add(error.pos[0], error.message.split('\n')[0]);
  if (problems.length > 0) return { ok: false, problems };
  const root = document.contents;
  if (!isMap(root)) {
    add(at(root as Node | null, 0), 'an audit file is a mapping with `version` and `notes` (see `comprehension report --help`)');
    return { ok: false, problems };
  }

  let version: unknown;
  let notes: Node | null = null;
  let notesOffset = 0;
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const keyOffset = at(pair.key as Node, 0);
    const value = pair.value as Node | null;
    switch (key) {
      case 'version':
        version = isScalar(value) ? value.value : undefined;
        if (version !== AUDIT_FORMAT_VERSION) add(at(value, keyOffset), `\`version\` must be ${AUDIT_FORMAT_VERSION}, not ${JSON.stringify(version ?? null)}`);
        break;
      case 'createdAt':
      case 'seed':
        if (value !== null && !(isScalar(value) && (typeof value.value === 'string' || typeof value.value === 'number' || value.value === null))) add(at(value, keyOffset), `\`${key}\` must be a text`);
        break;
      case 'notes':
        notes = value;
        notesOffset = keyOffset;
        break;
      default:
        add(keyOffset, `unknown key \`${key}\`.${didYouMean(key, TOP_KEYS)}`);
    }
  }
  if (version === undefined && !root.items.some((pair) => isScalar(pair.key) && pair.key.value === 'version')) add(at(root, 0), '`version` is missing');

  const entries: ReportAuditEntry[] = [];
  if (notes === null || (isScalar(notes) && notes.value === null)) {
    if (!root.items.some((pair) => isScalar(pair.key) && pair.key.value === 'notes')) add(at(root, 0), '`notes` is missing: the list of notes to grade');
  } else if (!isSeq(notes)) add(at(notes, notesOffset), '`notes` must be a list');
  else {
    const seen = new Set<string>();
    notes.items.forEach((item, index) => {
      const where = `notes[${index}]`;
      const itemNode = item as Node | null;
      if (!isMap(itemNode)) {
        add(at(itemNode, notesOffset), `${where} must be a mapping with \`blockId\` and \`grade\``);
        return;
      }
      const entry: Partial<ReportAuditEntry> = {};
      let gradeOffset = at(itemNode, notesOffset);
      for (const pair of itemNode.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        const keyOffset = at(pair.key as Node, 0);
        const value = pair.value as Node | null;
        const text = scalarText(value);
        if (!(NOTE_KEYS as readonly string[]).includes(key)) {
          add(keyOffset, `${where}: unknown key \`${key}\`.${didYouMean(key, NOTE_KEYS)}`);
          continue;
        }
        if (text === undefined) {
          add(at(value, keyOffset), `${where}.${key} must be a text`);
          continue;
        }
        if (key === 'blockId') {
          if (text === '') add(at(value, keyOffset), `${where}.blockId must not be empty`);
          else if (seen.has(text)) add(at(value, keyOffset), `${where}: block ${text} is listed twice in this audit`);
          else {
            seen.add(text);
            entry.blockId = text;
          }
        } else if (key === 'grade') {
          gradeOffset = at(value, keyOffset);
          if (text === '') continue;
          const grade = text.toLowerCase();
          if ((GRADES as readonly string[]).includes(grade)) entry.grade = grade as AuditGrade;
          else add(gradeOffset, `${where}.grade must be pass or fail (or empty until graded), not '${text}'`);
        } else if (key === 'comment' && text !== '') entry.comment = text;
        else if (key === 'gradedBy' && text !== '') entry.gradedBy = text;
      }
      if (entry.blockId === undefined && !itemNode.items.some((pair) => isScalar(pair.key) && pair.key.value === 'blockId')) {
        add(at(itemNode, notesOffset), `${where} has no \`blockId\``);
      }
      if (entry.grade === 'fail' && entry.comment === undefined) add(gradeOffset, `${where} is graded fail without a \`comment\`: say what the note gets wrong or leaves out`);
      if (entry.blockId !== undefined) entries.push(entry as ReportAuditEntry);
    });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, audit: { path, entries } };
}

/** A scalar's text ('' for an empty value), or undefined when the node is a list or mapping. */
function scalarText(node: Node | null): string | undefined {
  if (node === null) return '';
  if (!isScalar(node)) return undefined;
  const value = (node as Scalar).value;
  if (value === null || value === undefined) return '';
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value).trim() : undefined;
}

/** Every audit file of a workspace (`*.yaml`, `*.yml` in the audits folder), parsed, by name. */
export async function readAuditFiles(root: string): Promise<{ audits: ReportAuditInput[]; problems: AuditProblem[] }> {
  let names: string[];
  try {
    names = await readdir(join(root, AUDITS_DIR));
  } catch {
    return { audits: [], problems: [] };
  }
  const audits: ReportAuditInput[] = [];
  const problems: AuditProblem[] = [];
  for (const name of names.filter((candidate) => /\.ya?ml$/i.test(candidate) && !candidate.startsWith('.')).sort()) {
    const path = auditPathFor(name);
    const read = await readBoundedFile(join(root, path), { root, maxBytes: MAX_AUDIT_FILE_BYTES });
    if (read.kind === 'missing') continue;
    if (read.kind === 'refused') {
      problems.push({ path, line: 1, column: 1, message: read.reason });
      continue;
    }
    const parsed = parseAuditFile(path, read.bytes.toString('utf8'));
    if (parsed.ok) audits.push(parsed.audit);
    else problems.push(...parsed.problems);
  }
  return { audits, problems };
}

/** Options of {@link writeAudit}. */
export interface WriteAuditOptions {
  /** Seed text for the picks (`--seed`); a random one when absent. */
  seed?: string;
  now?: Date;
}

/**
 * Picks `count` notes from `candidates` and writes a new audit file under `root`; returns its
 * workspace-relative path and the picks. The file is named `<date>-<id>.yaml`, the id derived from
 * the seed; an existing file is never overwritten (it may hold grades).
 */
export async function writeAudit(root: string, candidates: readonly AuditCandidate[], count: number, options: WriteAuditOptions = {}): Promise<{ path: string; picked: AuditCandidate[] }> {
  const now = options.now ?? new Date();
  const seed = options.seed ?? randomBytes(8).toString('hex');
  const picked = pickAuditNotes(candidates, count, seededRandom(seed));
  const id = createHash('sha256').update(seed).digest('hex').slice(0, 8);
  const path = auditPathFor(`${now.toISOString().slice(0, 10)}-${id}.yaml`);
  const existing = await readBoundedFile(join(root, path), { root, maxBytes: MAX_AUDIT_FILE_BYTES });
  if (existing.kind !== 'missing') throw new Error(`${path} already exists (it may hold grades); pick another --seed`);
  const text = renderAuditFile(picked, { createdAt: now, ...(options.seed !== undefined ? { seed: options.seed } : {}) });
  await writeFileAtomic(join(root, path), text, { root });
  return { path, picked };
}
