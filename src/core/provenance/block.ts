/** Where an AI block came from. */
export type BlockSource = 'inline-completion' | 'chat-edit' | 'agent-write' | 'paste' | 'manual' | 'imported';

/** `certain` when an agent hook or an intercepted accept command reported it; `likely` when inferred. */
export type BlockConfidence = 'certain' | 'likely';

/**
 * An AI-written block of lines, as the extension API (`getBlocks`) and the policy engine see it.
 * Lines are 1-based and inclusive.
 */
export interface Block {
  id: string;
  startLine: number;
  endLine: number;
  source: BlockSource;
  confidence: BlockConfidence;
  agent?: string;
  model?: string;
  /** ISO 8601 timestamp of the insertion. */
  createdAt: string;
  /** True once the block's text was edited after it was inserted. */
  modified: boolean;
}
