/**
 * Comprehension notes for the editor: the state of each AI block's note, a new note's text, and a
 * note marked reviewed, all computed here with the core assessment (the extension bundle holds no
 * note-quality or question code; it asks these requests and shows the answers).
 */
import { type Connection, ResponseError, ErrorCodes, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { readTextFileSync as readText } from '../../core/workspace/fs';
import { assessBlockNote, assessFileNotes } from '../../core/notes/assess';
import { newNoteText } from '../../core/notes/new-note';
import { loadGrammarsForPaths } from '../../core/languages/tree-sitter';
import { notePathFor, readGitAuthor, writeNoteFile } from '../../core/notes/note-file';
import { markNoteReviewed } from '../../core/notes/status';
import { reviewOfNote } from '../../core/notes/review';
import type { Block } from '../../core/provenance/block';
import { LineIndex } from '../../core/text/line-index';
import type { PolicyWorkspace } from '../../core/workspace/policy-workspace';
import { DATA_DIR } from '../../core/workspace/layout';
import {
  MARK_REVIEWED_REQUEST,
  type MarkReviewedParams,
  type MarkReviewedResult,
  NEW_NOTE_REQUEST,
  type NewNoteParams,
  type NewNoteResult,
  NOTE_STATES_REQUEST,
  type NoteStatesParams,
  type NoteStatesResult,
  SIGN_OFF_REQUEST,
  type SignOffParams,
  type SignOffResult,
} from '../../shared/protocol';
import { prepareWorkspaceSignOff } from '../../core/notes/sign-off-flow';
import { toWireNoteState } from '../../shared/note-state-wire';
import { URI } from '../uri';
import type { WorkspaceRegistry } from '../workspaces';

/** What the notes feature uses of the server. */
export interface NotesFeatureContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  registry: WorkspaceRegistry;
  /** The live blocks of a document, as the client last sent them. */
  blocksFor(uri: string): readonly Block[] | undefined;
  /** A block's note text: an open editor's buffer wins over the file; undefined when there is none. */
  readNote(root: string, blockId: string): string | undefined;
}

/** A file of a workspace with its current text (the open document's, else the disk's). */
interface NoteSubject {
  workspace: PolicyWorkspace;
  path: string;
  text: string;
}

/** Registers `comprehension/noteStates`, `comprehension/newNote` and `comprehension/markReviewed`. */
export function registerNotesFeature(context: NotesFeatureContext): void {
  const { connection } = context;
  const warn = (path: string) => (error: Error) => connection.console.warn(`Notes: no block questions for ${path}: ${error.message}`);

  connection.onRequest(NOTE_STATES_REQUEST, async (params: NoteStatesParams): Promise<NoteStatesResult> => {
    const subject = subjectOf(params.uri);
    if (!subject) return { lineCount: 0, states: [] };
    await loadGrammarsForPaths([subject.path]);
    const { workspace, path, text } = subject;
    const lineCount = new LineIndex(text).lineCount;
    if (workspace.isIgnored(path)) return { path, lineCount, states: [] };
    const blocks = params.blocks ?? context.blocksFor(params.uri) ?? [];
    // Each note is read once; its text goes back with its state.
    const noteTexts = new Map<string, string | undefined>();
    const readNote = (blockId: string): string | undefined => {
      if (!noteTexts.has(blockId)) noteTexts.set(blockId, context.readNote(workspace.root, blockId));
      return noteTexts.get(blockId);
    };
    const states = assessFileNotes({
      path,
      text,
      blocks,
      readNote,
      policy: workspace.policyState.current,
      inCriticalPath: workspace.isCritical(path),
      onQuestionsError: warn(path),
      codeOwners: () => workspace.codeOwners(),
    });
    return { path, lineCount, states: states.map((state) => toWireNoteState(state, noteTexts.get(state.block.id))) };
  });

  connection.onRequest(NEW_NOTE_REQUEST, async (params: NewNoteParams): Promise<NewNoteResult> => {
    const { workspace, path, text } = requireSubject(params.uri);
    await loadGrammarsForPaths([path]);
    const note = newNoteText({
      path,
      text,
      block: params.block,
      policy: workspace.policyState.current,
      inCriticalPath: workspace.isCritical(path),
      author: await readGitAuthor(workspace.root),
      onQuestionsError: warn(path),
    });
    return { notePath: notePathFor(params.block.id), text: note };
  });

  connection.onRequest(MARK_REVIEWED_REQUEST, async (params: MarkReviewedParams): Promise<MarkReviewedResult> => {
    const { workspace, path, text } = requireSubject(params.uri);
    await loadGrammarsForPaths([path]);
    const state = assessBlockNote({
      path,
      text,
      block: params.block,
      noteText: params.noteText,
      policy: workspace.policyState.current,
      inCriticalPath: workspace.isCritical(path),
      onQuestionsError: warn(path),
    });
    const review = reviewOfNote(state);
    const mustEdit = review?.items.filter((item) => item.mustEdit) ?? [];
    if (mustEdit.length > 0) {
      // No rubber stamp: an answer the current code contradicts stays on record only if someone edits it.
      const reasons = mustEdit.map((item) => item.reason).join(' ');
      throw new ResponseError(ErrorCodes.InvalidParams, `${mustEdit.length === 1 ? 'An answer no longer holds' : `${mustEdit.length} answers no longer hold`}: ${reasons} Edit the note first.`);
    }
    try {
      const questions = state.questions.map((question) => ({ id: question.id, text: question.text }));
      return { text: markNoteReviewed(params.noteText, { blockText: state.blockText, questions }), ...(review ? { review } : {}) };
    } catch (error) {
      throw new ResponseError(ErrorCodes.InvalidParams, (error as Error).message);
    }
  });

  // The client has shown the note and asked; core decides whether this identity may sign.
  connection.onRequest(SIGN_OFF_REQUEST, async (params: SignOffParams): Promise<SignOffResult> => {
    const { workspace, path, text } = requireSubject(params.uri);
    const { prepared } = await prepareWorkspaceSignOff({ workspace, path, text, block: params.block, onQuestionsError: warn(path) });
    if (!prepared.ok) return prepared;
    if (!params.dryRun) await writeNoteFile(workspace.root, params.block.id, prepared.noteText);
    const { signOff, basis, notRequired } = prepared;
    return { ok: true, signer: signOff.by, basis, notePath: notePathFor(params.block.id), ...(notRequired ? { notRequired } : {}) };
  });

  /** The workspace file a URI names, undefined outside a folder on disk, in `.comprehension/`, or unreadable. */
  function subjectOf(uri: string): NoteSubject | undefined {
    const fsPath = URI.toFsPath(uri);
    if (!fsPath) return undefined;
    const { workspace, relativePath } = context.registry.locate(fsPath);
    if (relativePath === '' || relativePath.startsWith(`${DATA_DIR}/`)) return undefined;
    const text = context.documents.get(uri)?.getText() ?? readText(fsPath, { root: workspace.root });
    return text === undefined ? undefined : { workspace, path: relativePath, text };
  }

  function requireSubject(uri: string): NoteSubject {
    const subject = subjectOf(uri);
    if (!subject) throw new ResponseError(ErrorCodes.InvalidParams, `Not a readable workspace file: ${uri}`);
    return subject;
  }
}
