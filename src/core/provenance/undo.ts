import type { Block } from './block';
import type { EditKind, ProvenanceRecord } from './record';

/**
 * Undo and redo of an attributed insertion (an accepted completion, a paste). Undo puts the text
 * back as it was, so the block the insertion made must go with it; redo puts the insertion back,
 * so the same block (same id, so its note still belongs to it) must come back.
 *
 * Change events do not say which edit an undo reverts, and document versions only grow. What does
 * identify it is the text: an undo reverts insertion E exactly when it is applied to the text E
 * left, and reverses E's changes (removes what E inserted, puts back what E replaced). A redo
 * repeats E when it is applied to the text the undo left and ends in the text E left. Texts are
 * kept only for attributed insertions (a few per session), never per keystroke.
 */

/** One change of a change event, in the shape both VS Code and LSP give: offsets into the text before it. */
export interface OffsetChange {
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

/** A block an insertion made, with what is needed to bring it back. */
export interface UndoneBlock {
  block: Block;
  editKind: EditKind;
  /** Its record as it was when the undo removed it; undefined when it was not written yet. */
  record?: ProvenanceRecord;
}

interface Insertion {
  /** The document's text right after the insertion. */
  textAfter: string;
  changes: OffsetChange[];
  /** Ids of the blocks the insertion created (not blocks it only grew). */
  blockIds: string[];
}

interface Undone {
  insertion: Insertion;
  /** The document's text right after the undo. */
  textAfter: string;
  blocks: UndoneBlock[];
}

/** Insertions remembered per document; older ones are forgotten (undo reaches back further only rarely). */
const MAX_REMEMBERED = 10;

/** Applies change events' changes in order, each against the text the previous one left. */
export function applyOffsetChanges(text: string, changes: readonly OffsetChange[]): string {
  let out = text;
  for (const change of changes) out = out.slice(0, change.rangeOffset) + change.text + out.slice(change.rangeOffset + change.rangeLength);
  return out;
}

/** The undo/redo memory of one open document. */
export class UndoHistory {
  private insertions: Insertion[] = [];
  private undone: Undone[] = [];

  /** An attributed insertion created `blockIds`; `textAfter` is the document's text after it. */
  inserted(textAfter: string, changes: readonly OffsetChange[], blockIds: readonly string[]): void {
    if (blockIds.length === 0) return;
    this.insertions.push({ textAfter, changes: changes.map(copyChange), blockIds: [...blockIds] });
    if (this.insertions.length > MAX_REMEMBERED) this.insertions.shift();
    // A new edit ends every redo, as it does in the editor.
    this.undone = [];
  }

  /**
   * An undo happened, leaving `textAfter`: the ids of the blocks of the insertion it reverted, or
   * an empty list. The caller removes those blocks and hands them back with {@link undid}.
   */
  undoes(changes: readonly OffsetChange[], textAfter: string): { blockIds: string[]; commit: (blocks: UndoneBlock[]) => void } {
    for (let index = this.insertions.length - 1; index >= 0; index--) {
      const insertion = this.insertions[index];
      if (!reverses(insertion, changes) || applyOffsetChanges(insertion.textAfter, changes) !== textAfter) continue;
      return {
        blockIds: insertion.blockIds,
        commit: (blocks) => {
          this.insertions.splice(index, 1);
          this.undone.push({ insertion, textAfter, blocks });
          if (this.undone.length > MAX_REMEMBERED) this.undone.shift();
        },
      };
    }
    return { blockIds: [], commit: () => undefined };
  }

  /** A redo happened, leaving `textAfter`: the blocks it brings back (empty when it repeats no remembered insertion). */
  redoes(changes: readonly OffsetChange[], textAfter: string): UndoneBlock[] {
    for (let index = this.undone.length - 1; index >= 0; index--) {
      const entry = this.undone[index];
      if (entry.insertion.textAfter !== textAfter || applyOffsetChanges(entry.textAfter, changes) !== textAfter) continue;
      this.undone.splice(index, 1);
      // Undo may revert it again.
      this.insertions.push(entry.insertion);
      return entry.blocks;
    }
    return [];
  }

  /** Forgets everything (the document was reloaded or closed). */
  clear(): void {
    this.insertions = [];
    this.undone = [];
  }
}

/** Whether `changes` have the shape of the inverse of the insertion's changes: each removes what it inserted. */
function reverses(insertion: Insertion, changes: readonly OffsetChange[]): boolean {
  if (changes.length !== insertion.changes.length) return false;
  const removed = changes.map((change) => change.rangeLength).sort((a, b) => a - b);
  const inserted = insertion.changes.map((change) => change.text.length).sort((a, b) => a - b);
  return removed.every((length, index) => length === inserted[index]);
}

function copyChange(change: OffsetChange): OffsetChange {
  return { rangeOffset: change.rangeOffset, rangeLength: change.rangeLength, text: change.text };
}
