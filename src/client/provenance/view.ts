import * as vscode from 'vscode';
import type { Block } from '../../core/provenance/block';
import { blockFromRecord, recordPath } from '../../core/provenance/record';
import type { ProvenanceController } from './controller';
import { blockAccessibilityLabel } from './labels';

type Node =
  | { kind: 'file'; uri: vscode.Uri; label: string; blocks: Block[]; lost: Block[] }
  | { kind: 'block'; uri: vscode.Uri; block: Block; lost: boolean };

/** Extra description for a block row (the note status, open findings), added by other features. */
export type BlockDescriber = (uri: vscode.Uri, block: Block) => string | undefined;

/** The "AI Blocks" view: files with AI blocks, their blocks, and blocks lost after re-anchoring. */
export class AiBlocksView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly view: vscode.TreeView<Node>;
  private readonly subscription: vscode.Disposable;
  private readonly describers: BlockDescriber[] = [];

  constructor(private readonly provenance: ProvenanceController) {
    this.view = vscode.window.createTreeView('comprehension.aiBlocks', { treeDataProvider: this, showCollapseAll: true });
    this.subscription = vscode.Disposable.from(
      provenance.onDidChangeBlocks(() => this.emitter.fire(undefined)),
      // Open findings per block are shown too; diagnostics change often, so only while visible.
      vscode.languages.onDidChangeDiagnostics(() => {
        if (this.view.visible) this.emitter.fire(undefined);
      }),
    );
    this.describers.push(openFindings);
  }

  addDescriber(describer: BlockDescriber): vscode.Disposable {
    this.describers.push(describer);
    this.emitter.fire(undefined);
    return new vscode.Disposable(() => this.describers.splice(this.describers.indexOf(describer), 1));
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node?.kind === 'file') {
      return [...node.blocks.map((block) => ({ kind: 'block' as const, uri: node.uri, block, lost: false })), ...node.lost.map((block) => ({ kind: 'block' as const, uri: node.uri, block, lost: true }))];
    }
    if (node) return [];
    await this.provenance.whenReady();
    const files = new Map<string, Node & { kind: 'file' }>();
    for (const { folder, record } of this.provenance.allRecords()) {
      const uri = vscode.Uri.joinPath(folder.uri, recordPath(record));
      const key = uri.toString();
      if (!files.has(key)) files.set(key, { kind: 'file', uri, label: recordPath(record), blocks: [], lost: [] });
    }
    // Open documents' live blocks win over what is on disk.
    for (const file of files.values()) {
      file.blocks = await this.provenance.getBlocks(file.uri);
      const live = new Set(file.blocks.map((block) => block.id));
      file.lost = this.provenance
        .lostRecords()
        .filter((record) => vscode.Uri.joinPath(vscode.workspace.getWorkspaceFolder(file.uri)?.uri ?? file.uri, recordPath(record)).toString() === file.uri.toString() && !live.has(record.id))
        .map(blockFromRecord);
    }
    return [...files.values()].filter((file) => file.blocks.length + file.lost.length > 0).sort((a, b) => a.label.localeCompare(b.label));
  }

  /** The block rows as the view shows them (label, description, accessible label): for tests through the API. */
  async blockRows(): Promise<{ label: string; description: string; accessibilityLabel: string }[]> {
    const rows = [];
    for (const file of await this.getChildren()) {
      for (const node of await this.getChildren(file)) {
        const item = this.getTreeItem(node);
        rows.push({ label: String(item.label), description: String(item.description ?? ''), accessibilityLabel: item.accessibilityInformation?.label ?? '' });
      }
    }
    return rows;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'file') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
      item.resourceUri = node.uri;
      item.description = `${node.blocks.length} block${node.blocks.length === 1 ? '' : 's'}${node.lost.length ? `, ${node.lost.length} lost` : ''}`;
      item.contextValue = 'file';
      return item;
    }
    const { block } = node;
    const item = new vscode.TreeItem(`Lines ${block.startLine}–${block.endLine}`, vscode.TreeItemCollapsibleState.None);
    const extras = this.describers.map((describe) => describe(node.uri, block)).filter((extra): extra is string => Boolean(extra));
    item.description = [block.source, block.confidence, ...(node.lost ? ['lost'] : []), ...extras].join(' · ');
    item.tooltip = node.lost
      ? 'Not found in the file by content after it changed outside the editor; kept in .comprehension/ until the code returns or you unmark it.'
      : `${block.source} (${block.confidence})${block.agent ? ` by ${block.agent}` : ''}${block.model ? ` / ${block.model}` : ''}, inserted ${block.createdAt}${block.modified ? ', edited since' : ''}`;
    item.iconPath = new vscode.ThemeIcon(node.lost ? 'warning' : block.confidence === 'certain' ? 'sparkle' : 'question');
    item.contextValue = node.lost ? 'lostBlock' : 'block';
    const path = vscode.workspace.asRelativePath(node.uri, false);
    item.accessibilityInformation = { label: blockAccessibilityLabel({ path, block, lost: node.lost, details: extras }), role: 'treeitem' };
    if (!node.lost) {
      item.command = {
        title: 'Reveal',
        command: 'vscode.open',
        arguments: [node.uri, { selection: new vscode.Range(block.startLine - 1, 0, block.endLine - 1, 0) } satisfies vscode.TextDocumentShowOptions],
      };
    }
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.view.dispose();
    this.emitter.dispose();
  }
}

/** "2 findings": policy findings (not the note ones) whose range starts inside the block. */
function openFindings(uri: vscode.Uri, block: Block): string | undefined {
  const count = vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'comprehension' && !String(d.code ?? '').startsWith('comprehension/'))
    .filter((d) => d.range.start.line + 1 >= block.startLine && d.range.start.line + 1 <= block.endLine).length;
  return count === 0 ? undefined : `${count} finding${count === 1 ? '' : 's'}`;
}
