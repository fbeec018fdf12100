import type * as vscode from 'vscode';

/**
 * Texts of background documents, so an edit to one can be compared with what it replaced (a
 * formatter's re-indentation is not an agent's insertion). The active editor's document is never
 * copied per keystroke.
 */
export class DocumentSnapshots {
  private readonly background = new Map<string, string>();

  /** The document is no longer the active editor's: copy it once. */
  becameBackground(document: vscode.TextDocument): void {
    this.background.set(document.uri.toString(), document.getText());
  }

  becameActive(document: vscode.TextDocument): void {
    this.background.delete(document.uri.toString());
  }

  forget(uri: string): void {
    this.background.delete(uri);
  }

  /**
   * For a change event of a background document: the text each change replaced, and the snapshot
   * brought up to date. Undefined entries where the document had no snapshot.
   */
  replacedTexts(event: vscode.TextDocumentChangeEvent): (string | undefined)[] {
    const uri = event.document.uri.toString();
    let text = this.background.get(uri);
    if (text === undefined) return [];
    const replaced: string[] = [];
    for (const change of event.contentChanges) {
      const start = change.rangeOffset;
      const end = change.rangeOffset + change.rangeLength;
      replaced.push(text.slice(start, end));
      text = text.slice(0, start) + change.text + text.slice(end);
    }
    this.background.set(uri, text);
    return replaced;
  }
}
