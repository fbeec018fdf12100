import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NOTE_RULE_IDS } from './notes/diagnostics';
import { notePathFor } from './notes/note-file';
import type { Block } from './provenance/block';
import { blockFromRecord } from './provenance/record';
import { ProvenanceStore, type StoreProblem } from './provenance/store';
import type { Finding } from './findings';
import { changedLinesSince, type LineRanges, touchesChangedLines } from './git';
import type { LocatedFinding } from './output/sarif';
import { normalizeRelativePath } from './policy/paths';
import { listWorkspaceFiles, readWorkspaceTextFile } from './workspace-files';
import type { PolicyWorkspace } from './workspace';

/** Options for checking a tree. */
export interface CheckRunOptions {
  /** Workspace-relative paths (files or folders) to limit the check to; empty = everything. */
  paths?: readonly string[];
  /** Only findings on lines changed since this git ref (the PR-gate mode). */
  changedSince?: string;
  /** Files larger than this are skipped (bytes). */
  maxFileSizeBytes?: number;
  /** Files longer than this (UTF-16 units) get text rules only. */
  maxParseLength?: number;
  /** Report baselined findings too. */
  includeBaselined?: boolean;
}

/** What a check of a tree found. */
export interface CheckRunResult {
  findings: LocatedFinding[];
  filesChecked: number;
  bytesChecked: number;
  skipped: { path: string; reason: 'binary' | 'too-large' | 'unreadable' }[];
  suppressedCount: number;
  baselinedCount: number;
  /** Provenance records that could not be read (left untouched on disk). */
  provenanceProblems: StoreProblem[];
}

/** Where the repository keeps AI-block records. */
export const PROVENANCE_DIR = '.comprehension/provenance';

/** The AI blocks recorded for each file of a workspace (lost ones left out), and unreadable records. */
export async function loadWorkspaceBlocks(root: string): Promise<{ byPath: Map<string, Block[]>; problems: StoreProblem[] }> {
  const store = new ProvenanceStore(join(root, PROVENANCE_DIR));
  const loaded = await store.load();
  const byPath = new Map<string, Block[]>();
  for (const record of loaded.records) {
    if (record.metadata.comprehension.lost) continue;
    const path = record.files[0].path;
    const list = byPath.get(path) ?? [];
    list.push(blockFromRecord(record));
    byPath.set(path, list);
  }
  return { byPath, problems: loaded.problems };
}

/** Reads a block's note from `.comprehension/notes/`, undefined when it has none. */
export function noteReader(root: string): (blockId: string) => string | undefined {
  return (blockId) => {
    try {
      return readFileSync(join(root, notePathFor(blockId)), 'utf8');
    } catch {
      return undefined;
    }
  };
}

/**
 * Checks every file of a workspace that git does not ignore (or every file, when the policy says
 * not to respect .gitignore), minus the policy's `ignore` globs, with the same engine as the editor.
 */
export async function runCheck(workspace: PolicyWorkspace, options: CheckRunOptions = {}): Promise<CheckRunResult> {
  const policy = workspace.policyState.current;
  const listing = await listWorkspaceFiles(workspace.root, {
    respectGitignore: policy.respectGitignore,
    isIgnored: (path) => workspace.isIgnored(path),
    maxFileSizeBytes: options.maxFileSizeBytes,
  });
  const prefixes = (options.paths ?? []).map(normalizeRelativePath).filter((path) => path !== '' && path !== '.');
  const inScope = (path: string) => prefixes.length === 0 || prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
  const changed = options.changedSince ? await changedLinesSince(workspace.root, options.changedSince) : undefined;
  const { byPath: blocksByPath, problems: provenanceProblems } = await loadWorkspaceBlocks(workspace.root);
  const readNote = noteReader(workspace.root);

  const result: CheckRunResult = {
    findings: [],
    filesChecked: 0,
    bytesChecked: 0,
    skipped: listing.skipped.filter((file) => inScope(file.path)).map((file) => ({ path: file.path, reason: 'too-large' as const })),
    suppressedCount: 0,
    baselinedCount: 0,
    provenanceProblems,
  };
  for (const path of listing.files) {
    if (!inScope(path)) continue;
    const ranges: LineRanges | 'all' | undefined = changed?.get(path);
    if (changed && ranges === undefined) continue;
    let file;
    try {
      file = await readWorkspaceTextFile(join(workspace.root, path), { maxFileSizeBytes: options.maxFileSizeBytes });
    } catch {
      result.skipped.push({ path, reason: 'unreadable' });
      continue;
    }
    if (file.kind !== 'text') {
      result.skipped.push({ path, reason: file.kind });
      continue;
    }
    result.filesChecked++;
    result.bytesChecked += Buffer.byteLength(file.text);
    const blocks = blocksByPath.get(path) ?? [];
    const checked = workspace.checkFile(path, file.text, {
      maxParseLength: options.maxParseLength,
      includeBaselined: options.includeBaselined,
      blocks,
      readNote,
    });
    result.suppressedCount += checked.suppressedCount;
    result.baselinedCount += checked.baselinedCount;
    for (const finding of checked.findings) {
      if (finding.severity === 'off') continue;
      if (changed) {
        // A note finding is about its whole block: it counts when any line of the block changed.
        const block = NOTE_RULE_IDS.includes(finding.ruleId) ? blocks.find((b) => b.startLine === finding.startPosition.line + 1) : undefined;
        const [from, to] = block ? [block.startLine, block.endLine] : [finding.startPosition.line + 1, finding.endPosition.line + 1];
        if (!touchesChangedLines(ranges, from, to)) continue;
      }
      result.findings.push({ path, finding });
    }
  }
  return result;
}

/** True when some finding is at error severity (the CI gate). */
export function hasErrors(findings: readonly { finding: Finding }[]): boolean {
  return findings.some(({ finding }) => finding.severity === 'error');
}
