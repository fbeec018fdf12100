/**
 * Words for AI blocks in the editor's UI (hover, AI Blocks view, screen readers). No `vscode`
 * import, so it is unit-tested in plain Node.
 */
import type { Block } from '../../core/provenance/block';

/** How each block source reads in the UI. */
export const SOURCE_LABELS: Readonly<Record<Block['source'], string>> = {
  'inline-completion': 'inline completion',
  'chat-edit': 'chat / agent edit in the editor',
  'agent-write': 'agent write',
  paste: 'large paste',
  manual: 'marked by hand',
  imported: 'imported (git-ai / Agent Trace)',
};

/** What a screen reader says for one row of the AI Blocks view. */
export interface BlockLabelInput {
  /** Workspace-relative path of the file. */
  path: string;
  block: Pick<Block, 'startLine' | 'endLine' | 'source' | 'confidence'>;
  /** Not found in the file after it changed outside the editor. */
  lost: boolean;
  /** The row's extra descriptions (note status, open findings), as the view shows them. */
  details: readonly string[];
}

/** Note states as the view's describer writes them ("explained ✓", "note stale", …). */
const NOTE_STATE = /^(explained|note |no note|discouraged)/;

/**
 * The accessible label of a block row: file, line range, source, confidence, the note state (said
 * as "note: none" when no describer gave one) and any other details, in words without symbols,
 * e.g. "AI block in src/pay.ts, lines 3 to 9, inline completion, certain, note: explained, 1 finding".
 */
export function blockAccessibilityLabel(input: BlockLabelInput): string {
  const { block } = input;
  const lines = block.startLine === block.endLine ? `line ${block.startLine}` : `lines ${block.startLine} to ${block.endLine}`;
  const spoken = input.details.map((detail) => detail.replace(/[✓✗·]/g, '').trim()).filter(Boolean);
  const note = spoken.find((detail) => NOTE_STATE.test(detail));
  const others = spoken.filter((detail) => detail !== note);
  const noteText = note === undefined ? 'note: none' : `note: ${note.replace(/^note /, '')}`;
  return [`AI block in ${input.path}`, lines, SOURCE_LABELS[block.source], block.confidence, ...(input.lost ? ['lost'] : []), noteText, ...others].join(', ');
}
