/**
 * Where each AI block stands with its comprehension note: the one assessment behind the language
 * server's note findings, the note file's diagnostics, the editor's CodeLens, hover, AI Blocks view
 * and status, and the CLI. Questions come from the block's syntax tree (ts-morph), so this module
 * runs in the server and the CLI; the extension asks the server for the result.
 */
import { ts } from 'ts-morph';
import { scriptKindFor } from '../check/engine';
import type { Policy } from '../policy/policy';
import type { Block } from '../provenance/block';
import { LineIndex } from '../text/line-index';
import { blockTextOf } from './content-hash';
import type { KnownFact } from './fact-check';
import { blockFacts } from './facts';
import { type BlockQuestion, blockQuestions } from './questions';
import { assessSignOff, type CodeOwners, signOffRequired, type SignOffState } from './sign-off';
import { type NoteStatus, noteStatus } from './status';
import { type NoteRequirement, noteRequirement, sectionsForNote } from './template';

/** One block's note requirement and status against its current code. */
export interface BlockNoteState {
  block: Block;
  requirement: NoteRequirement;
  status: NoteStatus;
  /** The block's current text (what the note's `contentHash` is compared with). */
  blockText: string;
  inCriticalPath: boolean;
  /** The block's questions from its syntax tree (empty when it needs no note and has none). */
  questions: BlockQuestion[];
  /** Whether the block needs a reviewer's sign-off and whether one holds (`sign-off.ts`). */
  signOff: SignOffState;
}

/**
 * True when a person has vouched for the block: its note explains its current code, and the sign-off
 * the policy asks for (critical paths) holds. Until then what the block says about itself, such as a
 * suppression comment, is the assistant's word only.
 */
export function vouchedFor(state: BlockNoteState): boolean {
  return state.status.kind === 'explained' && (!state.signOff.required || state.signOff.valid !== undefined);
}

/** Inputs of {@link assessBlockNote}. */
export interface AssessBlockNoteInput {
  /** Workspace-relative POSIX path of the block's file (its extension picks the parser). */
  path: string;
  /** The file's current text. */
  text: string;
  lines?: LineIndex;
  block: Block;
  /** The note file's text; undefined when there is no note. */
  noteText: string | undefined;
  policy: Policy;
  inCriticalPath: boolean;
  /** Told when the block's questions cannot be computed; the note is then judged without them. */
  onQuestionsError?: (error: Error) => void;
  /** The file's syntax tree, parsed once for all its blocks (questions and facts share it). */
  syntaxTree?: SyntaxTree;
  /**
   * The workspace's CODEOWNERS (`CodeOwnersCache.current`), asked only for a block that needs a
   * sign-off; without it a sign-off is judged as if the workspace had none.
   */
  codeOwners?: () => CodeOwners | undefined;
}

/**
 * Assesses one block: whether it needs a note, and the note's status against the current code.
 * A note is judged against the sections it was written with (`sectionsForNote`: the required ones,
 * or for a block that needs no note the core sections), so an optional note shows as draft or
 * explained by the same measure a required one does.
 */
export function assessBlockNote(input: AssessBlockNoteInput): BlockNoteState {
  if (!input.syntaxTree) input = { ...input, syntaxTree: new SyntaxTree(input.path, input.text) };
  const { block, policy, inCriticalPath } = input;
  const lines = input.lines ?? new LineIndex(input.text);
  const blockText = blockTextOf(input.text, block, lines);
  const requirement = noteRequirement(block, { policy, inCriticalPath });
  // Questions need a parse; a block that needs no note and has none has nothing to ask them for.
  const questions = requirement.required || input.noteText !== undefined ? questionsOf(input, lines) : [];
  const status = noteStatus(input.noteText, {
    blockText,
    sections: sectionsForNote(requirement, inCriticalPath),
    questions: questions.map((question) => ({ id: question.id, text: question.text })),
    notes: policy.notes,
    fileText: input.text,
    facts: input.noteText !== undefined ? factsOf(input, lines) : [],
  });
  const signOffNeeded = signOffRequired(policy, inCriticalPath, requirement);
  const signOff = assessSignOff({
    required: signOffNeeded,
    frontMatter: status.note?.frontMatter,
    blockText,
    path: input.path,
    startLine: block.startLine,
    codeOwners: signOffNeeded ? input.codeOwners?.() : undefined,
  });
  return { block, requirement, status, blockText, inCriticalPath, questions, signOff };
}

/** Inputs of {@link assessFileNotes}. */
export interface AssessFileNotesInput {
  path: string;
  text: string;
  blocks: readonly Block[];
  /** The note text of a block by id (an open editor's buffer wins over the file); undefined when none. */
  readNote: (blockId: string) => string | undefined;
  policy: Policy;
  inCriticalPath: boolean;
  onQuestionsError?: (error: Error) => void;
  codeOwners?: () => CodeOwners | undefined;
}

/** Assesses every block of a file that starts inside it (blocks past the end are left out). */
export function assessFileNotes(input: AssessFileNotesInput): BlockNoteState[] {
  const lines = new LineIndex(input.text);
  const syntaxTree = new SyntaxTree(input.path, input.text);
  return input.blocks
    .filter((block) => block.startLine >= 1 && block.startLine <= lines.lineCount)
    .map((block) =>
      assessBlockNote({
        path: input.path,
        text: input.text,
        lines,
        syntaxTree,
        block,
        noteText: input.readNote(block.id),
        policy: input.policy,
        inCriticalPath: input.inCriticalPath,
        onQuestionsError: input.onQuestionsError,
        codeOwners: input.codeOwners,
      }),
    );
}

function factsOf(input: AssessBlockNoteInput, lines: LineIndex): KnownFact[] {
  try {
    return blockFacts(input.path, input.text, { startLine: input.block.startLine, endLine: Math.min(input.block.endLine, lines.lineCount) }, input.syntaxTree?.get());
  } catch (error) {
    if (!input.onQuestionsError) throw error;
    input.onQuestionsError(error as Error);
    return [];
  }
}

function questionsOf(input: AssessBlockNoteInput, lines: LineIndex): BlockQuestion[] {
  const endLine = Math.min(input.block.endLine, lines.lineCount);
  try {
    return blockQuestions(input.path, input.text, { startLine: input.block.startLine, endLine }, { sourceFile: input.syntaxTree?.get() });
  } catch (error) {
    if (!input.onQuestionsError) throw error;
    input.onQuestionsError(error as Error);
    return [];
  }
}

/**
 * A file's TypeScript syntax tree, parsed on first use: questions and facts of every block of the
 * file read the same tree, and a file whose blocks need neither is never parsed. Undefined for
 * files the parser does not read. A parse that throws (a stack overflow on hostile nesting) throws
 * at each use, inside the callers' error handling.
 */
export class SyntaxTree {
  private tree: ts.SourceFile | undefined;
  private parsed = false;

  constructor(
    private readonly path: string,
    private readonly text: string,
  ) {}

  get(): ts.SourceFile | undefined {
    if (!this.parsed) {
      const scriptKind = scriptKindFor(this.path);
      this.tree = scriptKind === undefined ? undefined : ts.createSourceFile(this.path, this.text, ts.ScriptTarget.Latest, true, scriptKind);
      this.parsed = true;
    }
    return this.tree;
  }
}
