import * as vscode from 'vscode';
import { type CommandHandlers, Commands } from './commands';

/** One feature's part of the shared status item. */
export interface StatusSegment {
  /** Sets what the segment shows; `undefined` text hides it. */
  set(text: string | undefined, tooltip?: string, command?: { title: string; command: string; arguments?: unknown[] }): void;
}

interface SegmentState {
  id: string;
  order: number;
  text?: string;
  tooltip?: string;
  command?: { title: string; command: string; arguments?: unknown[] };
}

/** The item's quiet look while no segment shows anything. */
export interface IdleState {
  text: string;
  /** Markdown. */
  tooltip: string;
  command?: { title: string; command: string; arguments?: unknown[] };
  /** Commands the tooltip's links may run. */
  trustedCommands: readonly string[];
}

/**
 * The extension's single status-bar item (VS Code UX guidelines: one item). Features add segments
 * (AI blocks in this file, notes awaiting, practice time); the item shows them side by side, and a
 * click runs the only action or offers a short pick of them. With no segment to show it shows its
 * idle state (when one is set) instead of disappearing.
 */
export class SharedStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('comprehension.status', vscode.StatusBarAlignment.Right, 100);
  private readonly segments = new Map<string, SegmentState>();
  private idle: IdleState | undefined;

  constructor() {
    this.item.name = 'Comprehension First';
  }

  /** The command behind the item when several segments offer actions. */
  commands(): CommandHandlers {
    return { [Commands.statusActions]: () => this.pickAction() };
  }

  /** A segment shown in `order` (lower first). */
  segment(id: string, order: number): StatusSegment {
    const state: SegmentState = { id, order };
    this.segments.set(id, state);
    return {
      set: (text, tooltip, command) => {
        state.text = text;
        state.tooltip = tooltip;
        state.command = command;
        this.render();
      },
    };
  }

  /**
   * What the item shows while no segment has anything to say, so a newcomer sees from activation
   * where the extension lives. `tooltip` is Markdown whose command links may run `trustedCommands`.
   */
  setIdle(idle: IdleState | undefined): void {
    this.idle = idle;
    this.render();
  }

  /** What the item shows now (for tests through the API). */
  get snapshot(): { text: string; tooltip: string; visible: boolean } {
    const visible = this.visibleSegments();
    if (visible.length === 0 && this.idle) return { text: this.idle.text, tooltip: this.idle.tooltip, visible: true };
    return { text: visible.map((s) => s.text).join('  '), tooltip: visible.map((s) => s.tooltip ?? s.text).join('\n'), visible: visible.length > 0 };
  }

  private visibleSegments(): SegmentState[] {
    return [...this.segments.values()].filter((s) => s.text).sort((a, b) => a.order - b.order);
  }

  private render(): void {
    const visible = this.visibleSegments();
    if (visible.length === 0 && this.idle) {
      const tooltip = new vscode.MarkdownString(this.idle.tooltip, true);
      tooltip.isTrusted = { enabledCommands: [...this.idle.trustedCommands] };
      this.item.text = this.idle.text;
      this.item.tooltip = tooltip;
      this.item.command = this.idle.command;
      this.item.show();
      return;
    }
    if (visible.length === 0) {
      this.item.hide();
      return;
    }
    const snapshot = this.snapshot;
    this.item.text = snapshot.text;
    this.item.tooltip = snapshot.tooltip;
    const actions = visible.filter((s) => s.command);
    this.item.command = actions.length === 1 ? actions[0].command : actions.length > 1 ? Commands.statusActions : undefined;
    this.item.show();
  }

  private async pickAction(): Promise<void> {
    const actions = this.visibleSegments().filter((s) => s.command);
    const choice = await vscode.window.showQuickPick(
      actions.map((s) => ({ label: s.command!.title, description: s.text, segment: s })),
      { title: 'Comprehension First' },
    );
    if (choice) await vscode.commands.executeCommand(choice.segment.command!.command, ...(choice.segment.command!.arguments ?? []));
  }

  dispose(): void {
    this.item.dispose();
  }
}
