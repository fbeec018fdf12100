import * as vscode from 'vscode';
import type { Block } from '../../core/provenance/block';
import { type CommandHandlers, Commands } from '../commands';
import { Config } from '../config';
import type { StatusSegment } from '../status-bar';
import type { ProvenanceController } from './controller';
import { SOURCE_LABELS } from './labels';

/** Extra hover lines another feature adds for a block (the note status, practice breaches). */
export type BlockHoverContributor = (block: Block, document: vscode.TextDocument) => string | undefined;

/**
 * How AI blocks look: a subtle left border and overview-ruler mark in theme colours (toggle
 * command), a hover with source, agent/model, age and confidence, and the shared status item's
 * count of AI blocks in the current file.
 */
export class ProvenancePresentation implements vscode.Disposable {
  private readonly certain = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    borderColor: new vscode.ThemeColor('comprehension.aiBlockBorder'),
    borderStyle: 'solid',
    borderWidth: '0 0 0 2px',
    overviewRulerColor: new vscode.ThemeColor('comprehension.aiBlockOverviewRuler'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  private readonly likely = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    borderColor: new vscode.ThemeColor('comprehension.aiBlockBorder'),
    borderStyle: 'dashed',
    borderWidth: '0 0 0 2px',
    overviewRulerColor: new vscode.ThemeColor('comprehension.aiBlockOverviewRuler'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  private readonly disposables: vscode.Disposable[] = [];
  private readonly contributors: BlockHoverContributor[] = [];
  private visible: boolean;

  constructor(
    private readonly provenance: ProvenanceController,
    private readonly segment: StatusSegment,
    private readonly config: Config = new Config(),
  ) {
    this.visible = this.config.showDecorations;
    this.disposables.push(
      this.certain,
      this.likely,
      provenance.onDidChangeBlocks(() => void this.renderAll()),
      vscode.window.onDidChangeVisibleTextEditors(() => void this.renderAll()),
      vscode.window.onDidChangeActiveTextEditor(() => void this.renderStatus()),
      vscode.languages.registerHoverProvider({ scheme: 'file' }, { provideHover: (document, position) => this.hover(document, position) }),
    );
    void this.renderAll();
  }

  /** The command this presentation answers. */
  commands(): CommandHandlers {
    return { [Commands.toggleBlockDecorations]: () => this.toggle() };
  }

  /** Lets another feature add lines to the block hover. */
  addHoverContributor(contributor: BlockHoverContributor): vscode.Disposable {
    this.contributors.push(contributor);
    return new vscode.Disposable(() => this.contributors.splice(this.contributors.indexOf(contributor), 1));
  }

  get decorationsVisible(): boolean {
    return this.visible;
  }

  private async toggle(): Promise<void> {
    this.visible = !this.visible;
    await this.config.setShowDecorations(this.visible);
    await this.renderAll();
  }

  private async renderAll(): Promise<void> {
    for (const editor of vscode.window.visibleTextEditors) {
      const blocks = this.visible ? await this.provenance.getBlocks(editor.document.uri) : [];
      const toRange = (block: Block) => new vscode.Range(block.startLine - 1, 0, block.endLine - 1, 0);
      editor.setDecorations(this.certain, blocks.filter((block) => block.confidence === 'certain').map(toRange));
      editor.setDecorations(this.likely, blocks.filter((block) => block.confidence === 'likely').map(toRange));
    }
    await this.renderStatus();
  }

  private async renderStatus(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const blocks = editor ? await this.provenance.getBlocks(editor.document.uri) : [];
    if (blocks.length === 0) {
      this.segment.set(undefined);
      return;
    }
    const lines = blocks.reduce((sum, block) => sum + block.endLine - block.startLine + 1, 0);
    this.segment.set(
      `$(sparkle) ${blocks.length} AI`,
      `${blocks.length} AI block${blocks.length === 1 ? '' : 's'} (${lines} lines) in this file`,
      { title: 'Show AI Blocks', command: Commands.focusAiBlocks },
    );
  }

  private async hover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const line = position.line + 1;
    const block = (await this.provenance.getBlocks(document.uri)).find((candidate) => candidate.startLine <= line && line <= candidate.endLine);
    if (!block) return undefined;
    const parts = [
      `**AI block** · lines ${block.startLine}–${block.endLine} · ${SOURCE_LABELS[block.source]} (${block.confidence})`,
    ];
    const who = [block.agent, block.model].filter(Boolean).join(' · ');
    if (who) parts.push(`Agent: ${who}`);
    parts.push(`Inserted ${describeAge(block.createdAt)}${block.modified ? ' · edited since' : ''}`);
    for (const contributor of this.contributors) {
      const extra = contributor(block, document);
      if (extra) parts.push(extra);
    }
    const markdown = new vscode.MarkdownString(parts.join('\n\n'));
    markdown.isTrusted = { enabledCommands: [Commands.unmarkBlock, Commands.notesWrite, Commands.notesOpen, Commands.notesMarkReviewed] };
    markdown.appendMarkdown(`\n\n[I wrote this](command:comprehension.unmarkBlock?${encodeURIComponent(JSON.stringify([{ uri: document.uri.toString(), blockId: block.id }]))})`);
    return new vscode.Hover(markdown, new vscode.Range(block.startLine - 1, 0, block.endLine - 1, Number.MAX_SAFE_INTEGER));
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

function describeAge(iso: string): string {
  const ms = Date.now() - Date.parse(iso);
  if (!Number.isFinite(ms)) return 'at an unknown time';
  const minutes = Math.round(ms / 60000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `on ${new Date(iso).toISOString().slice(0, 10)}`;
}
