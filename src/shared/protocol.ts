/**
 * The language server's protocol extensions: every custom request and notification between the
 * client and the server, typed once here and used by both sides (as vscode-eslint shares its
 * protocol). Plain data only; the message types come from the LSP protocol package both bundles
 * already contain.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type { BlockNoteState } from '../core/notes/assess';
import type { NoteStatus } from '../core/notes/status';
import type { NoteReview } from '../core/notes/review';
import type { Block } from '../core/provenance/block';
import type { GatheredInputs, PracticeDayTotal, PracticeDrillTotal } from '../core/report/gather';
import type { DrillRecord } from '../core/practice/history';

/** `comprehension/serverInfo`: who is answering, for the status item and tests. */
export const SERVER_INFO_REQUEST = new RequestType0<ServerInfo, void>('comprehension/serverInfo');

export interface ServerInfo {
  pid: number;
  version: string;
  startedAt: string;
  /** Number of documents the server has open. */
  openDocuments: number;
}

/** `comprehension/trust` notification: workspace trust was granted (VS Code never revokes it in a session). */
export interface TrustParams {
  trusted: boolean;
}
export const TRUST_NOTIFICATION = new NotificationType<TrustParams>('comprehension/trust');

/**
 * `comprehension/blocks` notification: the AI blocks of a document as the editor tracks them now
 * (1-based inclusive lines). Findings inside them are raised; each is checked for its note.
 */
export interface BlocksParams {
  uri: string;
  blocks: Block[];
}
export const BLOCKS_NOTIFICATION = new NotificationType<BlocksParams>('comprehension/blocks');

/**
 * `comprehension/report` request: the scorecard's inputs for one workspace folder, gathered by the
 * server with the same core gatherer as `comprehension report` (whole tree, closed files included).
 */
export interface ReportParams {
  /** The workspace folder's URI (`file:` scheme). */
  folderUri: string;
  /** Days covered, ending today; the period starts at midnight UTC of its first day. */
  periodDays: number;
  /** The practice days, as the editor's "Export Practice History" would write them; no practice section when absent. */
  practice?: PracticeDayTotal[];
  /** Finished debugging drills of the editor's history; the practice section counts them. */
  drills?: PracticeDrillTotal[];
  /** Now (epoch ms), for tests. */
  now?: number;
}
export type ReportResult = GatheredInputs;
export const REPORT_REQUEST = new RequestType<ReportParams, ReportResult, void>('comprehension/report');

/**
 * A {@link BlockNoteState} as JSON: the parsed note (which holds Maps) is replaced by the note's
 * text, which the client parses again for display (`parseNote` is plain text work, no checks).
 */
export interface WireBlockNoteState extends Omit<BlockNoteState, 'status'> {
  status: Omit<NoteStatus, 'note'>;
  /** The note text the status was computed from; undefined when the block has no note. */
  noteText?: string;
}

/**
 * `comprehension/noteStates`: where each AI block of a file stands with its note. The client sends
 * the blocks it tracks (it has them for closed files too, whatever the record storage); without
 * them the server uses the last `comprehension/blocks` of the document. The text is the open
 * document's, else the file on disk; notes open in an editor count with their unsaved text.
 */
export interface NoteStatesParams {
  uri: string;
  blocks?: Block[];
}
export interface NoteStatesResult {
  /** Workspace-relative POSIX path; undefined when the file is outside every workspace folder or unreadable. */
  path?: string;
  lineCount: number;
  /** Empty when the policy ignores the file. */
  states: WireBlockNoteState[];
}
export const NOTE_STATES_REQUEST = new RequestType<NoteStatesParams, NoteStatesResult, void>('comprehension/noteStates');

/** `comprehension/newNote`: the text of a new note for a block (the same bytes as `comprehension note FILE:LINE`). */
export interface NewNoteParams {
  uri: string;
  block: Block;
}
export interface NewNoteResult {
  /** Workspace-relative path of the note file to create. */
  notePath: string;
  text: string;
}
export const NEW_NOTE_REQUEST = new RequestType<NewNoteParams, NewNoteResult, void>('comprehension/newNote');

/**
 * `comprehension/markReviewed`: the note text with the block's current code, hash, `reviewedAt`
 * and any new block questions recorded, and what the reviewer must see before saving it (the diff
 * and the answers the change touched). Fails (a response error with the reason) when the note has
 * no valid front matter, or when an answer is wrong or incomplete against the current code (a
 * wrong or missing fact): that answer must be edited first.
 */
export interface MarkReviewedParams {
  uri: string;
  block: Block;
  noteText: string;
}
export interface MarkReviewedResult {
  text: string;
  /** Undefined when the note was not stale. */
  review?: NoteReview;
}
export const MARK_REVIEWED_REQUEST = new RequestType<MarkReviewedParams, MarkReviewedResult, void>('comprehension/markReviewed');

/**
 * `comprehension/signOff`: signs the block off as the server's git identity in the folder (the
 * same rules and note format as `comprehension review FILE:LINE`), reading and writing the note
 * file on disk. With `dryRun`, only says whether the signer may sign and as whom, so the client
 * can show the note and ask before anything is written. A refusal is a result with its reason.
 */
export interface SignOffParams {
  uri: string;
  block: Block;
  dryRun?: boolean;
}
export type SignOffResult =
  | {
      ok: true;
      /** `Name <email>` of the signer. */
      signer: string;
      /** Why this signer may sign. */
      basis: string;
      /** Workspace-relative path of the note file. */
      notePath: string;
      /** Set when the policy asks no sign-off of this block (it is recorded all the same). */
      notRequired?: string;
    }
  | { ok: false; reason: string };
export const SIGN_OFF_REQUEST = new RequestType<SignOffParams, SignOffResult, void>('comprehension/signOff');

/** Client commands the server's code actions call for comprehension notes. */
export const WRITE_NOTE_COMMAND = 'comprehension.notes.write';
export const MARK_REVIEWED_COMMAND = 'comprehension.notes.markReviewed';

/** What the client passes in `initializationOptions`. */
export interface InitializationOptions {
  trusted: boolean;
  /**
   * Where each workspace folder's provenance records live when they are not in the repository
   * (`comprehension.provenance.storage: local`); folders not listed use `.comprehension/provenance`.
   */
  recordsFolders?: RecordsFolder[];
}

/** A workspace folder and the absolute folder its provenance records are kept in. */
export interface RecordsFolder {
  /** The workspace folder's URI (`file:` scheme). */
  folderUri: string;
  /** Absolute path of its records folder. */
  recordsPath: string;
}

/** `comprehension/recordsFolders`: the records folders changed (storage setting, workspace folders); the full list. */
export interface RecordsFoldersParams {
  folders: RecordsFolder[];
}
export const RECORDS_FOLDERS_NOTIFICATION = new NotificationType<RecordsFoldersParams>('comprehension/recordsFolders');

/** A block's last mutation-testing result, as the AI Blocks view shows it. */
export interface BlockMutationSummary {
  blockId: string;
  /** Mutation score in percent; null when no mutant could be made of the block. */
  score: number | null;
  /** Mutants no test noticed (survived or not covered). */
  surviving: number;
  /** Mutants made of the block. */
  mutants: number;
  /** ISO 8601 time of the run. */
  testedAt: string;
}

/**
 * `comprehension/mutationScores`: the cached `comprehension mutate` results that hold for a file's
 * blocks now (blocks changed since their run are left out). The text is the open document's, else
 * the file on disk; the blocks are the client's, else the last `comprehension/blocks` of the document.
 */
export interface MutationScoresParams {
  uri: string;
  blocks?: Block[];
}
export interface MutationScoresResult {
  scores: BlockMutationSummary[];
}
export const MUTATION_SCORES_REQUEST = new RequestType<MutationScoresParams, MutationScoresResult, void>('comprehension/mutationScores');

/** `comprehension/mutationResultsChanged`: a mutation run wrote new results; the server pulls diagnostics again. */
export const MUTATION_RESULTS_CHANGED_NOTIFICATION = new NotificationType<void>('comprehension/mutationResultsChanged');

/** Client command behind the "Suppress with a reason" code action (it asks for the reason). */
export const SUPPRESS_COMMAND = 'comprehension.suppressWithReason';
export interface SuppressArguments {
  uri: string;
  /** 0-based line of the finding; the comment goes on a new line above it. */
  line: number;
  ruleId: string;
  /** The comment text before the reason: the language's comment starter, the marker, the rule id and `--`. */
  commentPrefix: string;
  /** Closes a block comment (`*\/`, `-->`) when the language has no line comments. */
  commentSuffix: string;
  indent: string;
}

/** Settings the server reads from the `comprehension` section. */
export interface ServerSettings {
  diagnostics: { enable: boolean };
  server: { maxFileSizeKb: number };
}

export const DEFAULT_SERVER_SETTINGS: ServerSettings = {
  diagnostics: { enable: true },
  server: { maxFileSizeKb: 1024 },
};

/** Where a debugging drill request works: the workspace folder, and the practice history its result goes into. */
export interface DrillFolderParams {
  /** The workspace folder's URI (`file:` scheme). */
  folderUri: string;
  /** The editor's practice history file, where a finished drill is stored. */
  historyPath: string;
}

/** `comprehension/drillStart`: plant a bug in the AI block at `startLine`-`endLine` of `uri`, in a drill copy. */
export interface DrillStartParams extends DrillFolderParams {
  uri: string;
  startLine: number;
  endLine: number;
  /** The extension host's process id: a drill whose editor process is gone is cleaned up as a crash. */
  ownerPid: number;
  seed?: number;
}
/** A started drill as the editor shows it (the planted change itself stays on the server side until the end). */
export interface DrillStarted {
  worktree: string;
  /** Workspace-relative path of the file with the bug. */
  file: string;
  symptom: string;
  failingTests: string[];
  startedAt: number;
  testCommand: string;
}
export const DRILL_START_REQUEST = new RequestType<DrillStartParams, DrillStarted, void>('comprehension/drillStart');

/** `comprehension/drillCheck`: verify the fix in the drill copy (the file must be saved first). */
export type DrillCheckResult =
  | { solved: true; record: DrillRecord; verifiedBy: 'tests' | 'syntax' }
  | { solved: false; reason: string; stillFailing: string[] };
export const DRILL_CHECK_REQUEST = new RequestType<DrillFolderParams, DrillCheckResult, void>('comprehension/drillCheck');

/** `comprehension/drillHint`: the next hint, counted. */
export const DRILL_HINT_REQUEST = new RequestType<DrillFolderParams, { hint: string; number: number; of: number }, void>('comprehension/drillHint');

/** `comprehension/drillGiveUp`: end the drill unsolved; answers with the planted change. */
export const DRILL_GIVE_UP_REQUEST = new RequestType<DrillFolderParams, { planted: string; record: DrillRecord }, void>('comprehension/drillGiveUp');

/** `comprehension/drillState`: the running drill of a folder after removing what a crash left behind (at start-up), or null. */
export interface DrillState {
  running: (DrillStarted & { hintsUsed: number; ownerPid: number }) | null;
  /** A drill of an editor process that is gone, recorded as abandoned now. */
  abandoned?: DrillRecord;
  removedCopies: string[];
}
export const DRILL_STATE_REQUEST = new RequestType<DrillFolderParams, DrillState, void>('comprehension/drillState');
