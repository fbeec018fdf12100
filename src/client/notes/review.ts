import * as vscode from 'vscode';
import type { NoteReview } from '../../core/notes/review';

/** Scheme of the read-only documents the review's side-by-side diff shows. */
const REVIEW_SCHEME = 'comprehension-review';

/** The question the review asks; tests look for it in the notification. */
export const REVIEW_QUESTION = 'Is every answer of the note still true?';

/** Texts of the review documents by URI; one pair per block at a time. */
class ReviewDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}

let documents: ReviewDocuments | undefined;

/** Registered on first use and kept for the window's life: a provider is a few strings. */
function reviewDocuments(): ReviewDocuments {
  if (!documents) {
    documents = new ReviewDocuments();
    vscode.workspace.registerTextDocumentContentProvider(REVIEW_SCHEME, documents);
  }
  return documents;
}

/**
 * Asks whether a stale note is still true, after showing what changed: the code recorded in the note
 * beside the code now, in a diff editor, and a notification naming the answers about code that
 * changed (the server has already refused a note with an answer the code contradicts). A
 * notification, not a modal: the diff must stay readable while the question is open. True when the
 * reviewer confirms.
 */
export async function confirmReview(review: NoteReview, path: string): Promise<boolean> {
  const provider = reviewDocuments();
  const extension = /\.[^./]+$/.exec(path)?.[0] ?? '';
  const base = encodeURIComponent(path);
  const before = vscode.Uri.from({ scheme: REVIEW_SCHEME, path: `/${base}/as-noted${extension}` });
  const after = vscode.Uri.from({ scheme: REVIEW_SCHEME, path: `/${base}/now${extension}` });
  provider.set(before, review.recordedCode);
  provider.set(after, review.currentCode);
  // Not awaited: the question is asked while the diff opens, and stays open beside it.
  void vscode.commands.executeCommand('vscode.diff', before, after, `${path}: as the note describes it ↔ now`, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  const touched = review.items.map((item) => `“${shorten(item.label, 70)}”`);
  const message =
    touched.length === 0
      ? `${REVIEW_QUESTION} The diff beside shows what changed in the block.`
      : `${REVIEW_QUESTION} ${touched.length === 1 ? 'One answer is' : `${touched.length} answers are`} about code that changed: ${touched.join(', ')}.`;
  const stillTrue = 'Still True';
  const choice = await vscode.window.showWarningMessage(message, stillTrue, 'Edit Note');
  return choice === stillTrue;
}

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
