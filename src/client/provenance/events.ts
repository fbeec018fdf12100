import type * as vscode from 'vscode';
import type { Block, BlockConfidence, BlockSource } from '../../core/provenance/block';
import type { EditKind } from '../../core/provenance/record';

/** An AI (or paste) insertion the provenance detector attributed, after its block was recorded. */
export interface AttributedInsertion {
  uri: vscode.Uri;
  /** The block that holds the inserted lines now. */
  block: Block;
  source: BlockSource;
  confidence: BlockConfidence;
  editKind: EditKind;
  agent?: string;
  /** The inserted text. */
  text: string;
  /** Epoch milliseconds. */
  at: number;
}

/** What other features (notes, practice, diagnostics) use of provenance. */
export interface ProvenanceService {
  /** The AI blocks of a document (open or closed), 1-based inclusive lines. */
  getBlocks(uri: vscode.Uri): Promise<Block[]>;
  /** Fires when the blocks of a document changed (added, moved, modified, removed, reloaded). */
  readonly onDidChangeBlocks: vscode.Event<vscode.Uri>;
  /** Fires for every new attributed insertion (inline completion accept, agent write, paste, ...). */
  readonly onDidAttributeInsertion: vscode.Event<AttributedInsertion>;
}
