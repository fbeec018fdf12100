import * as vscode from 'vscode';
import type { BlockConfidence, BlockSource } from '../../core/provenance/block';
import type { EditKind } from '../../core/provenance/record';

/** An insertion the detector attributes: where it landed (0-based inclusive lines after the change). */
export interface Attribution {
  source: BlockSource;
  confidence: BlockConfidence;
  editKind: EditKind;
  agent?: string;
  ranges: { start: number; end: number; text: string }[];
  /** Which signal fired, for the log. */
  signal: string;
}

/** A command we ran on the user's behalf, whose edit we are waiting to see. */
interface PendingEdit {
  uri: string;
  /** Document version before the command ran; its edit arrives as the next version. */
  version: number;
  editKind: EditKind;
}

/** Thresholds of the inferred ("likely") signals. */
export interface DetectorOptions {
  /** Report inferred agent edits at all. */
  detectLikely: boolean;
  /** Pastes of at least this many lines are recorded as `paste` blocks (the controller checks the clipboard). */
  pasteMinLines: number;
}

/** What counts as a substantial insertion for an inferred signal: not a keystroke, not an auto-close. */
const MIN_LIKELY_LINES = 2;
const MIN_LIKELY_CHARS = 40;
/** Edits to several documents within this window count as "several files changed at once". */
const MULTI_FILE_WINDOW_MS = 150;

/**
 * Turns text-document change events into attributions. Certain attributions come from commands we
 * intercept (inline-suggestion accepts), matched by document version, never by "the last
 * change". Likely ones come from signals a published extension can see; each says what fools it.
 */
export class InsertionDetector {
  private pending: PendingEdit[] = [];
  private recentSubstantial: { uri: string; at: number }[] = [];

  constructor(private options: DetectorOptions) {}

  setOptions(options: DetectorOptions): void {
    this.options = options;
  }

  /** Runs `command` (VS Code's real accept) and attributes exactly the edit it makes. */
  async runAttributed(editKind: EditKind, command: string, ...args: unknown[]): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const entry = editor ? { uri: editor.document.uri.toString(), version: editor.document.version, editKind } : undefined;
    if (entry) this.pending.push(entry);
    try {
      await vscode.commands.executeCommand(command, ...args);
    } finally {
      if (entry) this.pending = this.pending.filter((candidate) => candidate !== entry);
    }
  }

  /**
   * Classifies one change event. `activeUri` is the active editor's document; `windowFocused` is
   * `vscode.window.state.focused` at the time of the event.
   */
  classify(
    event: vscode.TextDocumentChangeEvent,
    activeUri: string | undefined,
    windowFocused: boolean,
    replacedTexts: readonly (string | undefined)[] = [],
    now = Date.now(),
  ): Attribution | undefined {
    if (event.contentChanges.length === 0) return undefined;
    if (event.reason === vscode.TextDocumentChangeReason.Undo || event.reason === vscode.TextDocumentChangeReason.Redo) return undefined;
    const uri = event.document.uri.toString();
    const ranges = insertedRanges(event.contentChanges);

    const pending = this.pending.find((entry) => entry.uri === uri && event.document.version === entry.version + 1);
    if (pending) {
      this.pending = this.pending.filter((entry) => entry !== pending);
      const inserted = ranges.filter((range) => range.text.trim().length > 0);
      return inserted.length ? { source: 'inline-completion', confidence: 'certain', editKind: pending.editKind, ranges: inserted, signal: `intercepted ${pending.editKind}` } : undefined;
    }

    if (!this.options.detectLikely) return undefined;
    const substantial = ranges.filter(isSubstantial);
    if (substantial.length === 0 || isReformat(event.contentChanges, replacedTexts)) return undefined;

    // Several files changed at once: an agent applying a multi-file edit. Fooled by multi-file
    // refactorings that insert whole functions into other files (rare; renames change one line).
    this.recentSubstantial = this.recentSubstantial.filter((entry) => now - entry.at <= MULTI_FILE_WINDOW_MS);
    const otherFiles = new Set(this.recentSubstantial.filter((entry) => entry.uri !== uri).map((entry) => entry.uri));
    this.recentSubstantial.push({ uri, at: now });

    // A background document: edits to a document that is not the active editor's. Fooled by other
    // extensions that generate code into other files (code generators, "move to new file").
    if (uri !== activeUri) {
      return { source: 'chat-edit', confidence: 'likely', editKind: 'chat-apply', ranges: substantial, signal: 'edit to a background document' };
    }
    // The window is not focused, so the keyboard did not make this edit. Fooled by Live Share
    // collaborators (a human typing remotely) and by tools that edit on a timer.
    if (!windowFocused) {
      return { source: 'chat-edit', confidence: 'likely', editKind: 'chat-apply', ranges: substantial, signal: 'edit while the window was unfocused' };
    }
    if (otherFiles.size > 0) {
      return { source: 'chat-edit', confidence: 'likely', editKind: 'chat-apply', ranges: substantial, signal: 'several files changed at once' };
    }
    // Edits to the active, focused editor are the user's (typing, IntelliSense, snippets, formatting,
    // refactorings; pastes are recognised by the controller from the clipboard): never inferred as AI.
    return undefined;
  }
}

/**
 * Where each change's inserted text lies after the whole event, 0-based inclusive lines. Changes
 * apply in order, each against the text the previous one left (as VS Code and LSP define them).
 * A leading line break (text added after a line's end) and a trailing one (whole lines inserted
 * above) do not make that neighbouring line part of the insertion.
 */
export function insertedRanges(changes: readonly vscode.TextDocumentContentChangeEvent[]): { start: number; end: number; text: string }[] {
  const out: { start: number; end: number; text: string }[] = [];
  for (const change of changes) {
    const removed = change.range.end.line - change.range.start.line;
    const added = countLineBreaks(change.text);
    const delta = added - removed;
    // Earlier insertions below this change move with it.
    for (const range of out) {
      if (range.start > change.range.start.line) {
        range.start += delta;
        range.end += delta;
      }
    }
    if (change.text.length === 0) continue;
    let start = change.range.start.line;
    let end = start + added;
    const startsAtLineEnd = /^\r?\n/.test(change.text);
    if (startsAtLineEnd && end > start) start++;
    if (/\r?\n$/.test(change.text) && end > start && change.range.end.character === 0) end--;
    else if (/\r?\n$/.test(change.text) && end > start && !startsAtLineEnd) end--;
    out.push({ start, end, text: change.text });
  }
  return out;
}

function countLineBreaks(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10) count++;
    else if (code === 13 && text.charCodeAt(i + 1) !== 10) count++;
  }
  return count;
}

function isSubstantial(range: { text: string }): boolean {
  const lines = range.text.split(/\r?\n/).filter((line) => line.trim().length > 0);
  return lines.length >= MIN_LIKELY_LINES && range.text.replace(/\s+/g, '').length >= MIN_LIKELY_CHARS;
}

/**
 * Formatting and re-indentation: every change keeps its non-whitespace text (known only where the
 * caller could tell what the change replaced; unknown counts as not a reformat).
 */
function isReformat(changes: readonly vscode.TextDocumentContentChangeEvent[], replacedTexts: readonly (string | undefined)[]): boolean {
  return changes.every((change, index) => {
    const replaced = replacedTexts[index];
    return replaced !== undefined && replaced.replace(/\s+/g, '') === change.text.replace(/\s+/g, '');
  });
}
