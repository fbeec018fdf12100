import * as vscode from 'vscode';
import type { Block } from '../../core/provenance/block';
import type { AttributedInsertion, ProvenanceService } from './events';

/**
 * Owns provenance in the editor: detects AI insertions, keeps each document's blocks on the right
 * lines, persists them, and tells other features. (Filled in by the provenance feature.)
 */
export class ProvenanceController implements ProvenanceService, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  private readonly insertionEmitter = new vscode.EventEmitter<AttributedInsertion>();
  readonly onDidChangeBlocks = this.changeEmitter.event;
  readonly onDidAttributeInsertion = this.insertionEmitter.event;

  async getBlocks(_uri: vscode.Uri): Promise<Block[]> {
    return [];
  }

  dispose(): void {
    this.changeEmitter.dispose();
    this.insertionEmitter.dispose();
  }
}
