import * as vscode from 'vscode';
import type { ProvenanceService } from '../provenance/events';
import { clockTime } from '../../core/practice/format';

/** An AI insertion caught during practice, where it is in the editor. */
export interface BreachMark {
  uri: string;
  blockId: string;
  /** 1-based inclusive lines, as provenance blocks count them. */
  startLine: number;
  endLine: number;
  source: string;
  at: number;
}

/** The hover text's first words; tests look for them. */
export const BREACH_HOVER_TITLE = 'AI insertion during practice';

/**
 * Flags the blocks AI inserted during a practice session: a whole-line background in a theme
 * color, a mark in the overview ruler, and a hover that says what happened. Lines follow the
 * provenance block as the code moves (by block id); the stored lines are the fallback.
 */
export class BreachDecorations implements vscode.Disposable {
  private readonly type = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('comprehension.practiceBreachBackground'),
    overviewRulerColor: new vscode.ThemeColor('comprehension.practiceBreachBorder'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
    borderColor: new vscode.ThemeColor('comprehension.practiceBreachBorder'),
    borderStyle: 'solid',
    borderWidth: '0 0 0 2px',
  });
  private readonly marks: BreachMark[] = [];
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly renderEmitter = new vscode.EventEmitter<void>();
  /** Fires after the flags were drawn again (added, cleared, or moved with their blocks). */
  readonly onDidRender = this.renderEmitter.event;

  constructor(
    private readonly provenance: Pick<ProvenanceService, 'getBlocks' | 'onDidChangeBlocks'>,
    private readonly timeZone: string,
  ) {
    this.subscriptions.push(
      vscode.window.onDidChangeVisibleTextEditors(() => this.renderAll()),
      provenance.onDidChangeBlocks((uri) => void this.follow(uri)),
    );
  }

  add(mark: BreachMark): void {
    this.marks.push({ ...mark });
    this.renderAll();
  }

  clear(): void {
    this.marks.length = 0;
    this.renderAll();
  }

  /** The flagged ranges in a document now (0-based lines), as drawn. */
  rangesFor(uri: vscode.Uri): vscode.Range[] {
    return this.optionsFor(uri.toString()).map((option) => option.range);
  }

  /** Provenance moved or changed blocks of a document: take their new lines. */
  private async follow(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    const marks = this.marks.filter((mark) => mark.uri === key);
    if (marks.length === 0) return;
    const blocks = await this.provenance.getBlocks(uri);
    for (const mark of marks) {
      const block = blocks.find((candidate) => candidate.id === mark.blockId);
      if (block) {
        mark.startLine = block.startLine;
        mark.endLine = block.endLine;
      }
    }
    this.renderAll();
  }

  private optionsFor(uri: string): vscode.DecorationOptions[] {
    return this.marks
      .filter((mark) => mark.uri === uri)
      .map((mark) => {
        const hover = new vscode.MarkdownString(
          `**${BREACH_HOVER_TITLE}** — \`${mark.source}\` at ${clockTime(mark.at, this.timeZone)}.\n\n` +
            'AI features were switched off for this no-AI session; this block counts as a breach in the session summary.',
        );
        return {
          range: new vscode.Range(Math.max(0, mark.startLine - 1), 0, Math.max(0, mark.endLine - 1), Number.MAX_SAFE_INTEGER),
          hoverMessage: hover,
        };
      });
  }

  private renderAll(): void {
    for (const editor of vscode.window.visibleTextEditors) editor.setDecorations(this.type, this.optionsFor(editor.document.uri.toString()));
    this.renderEmitter.fire();
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.renderEmitter.dispose();
    this.type.dispose();
  }
}
