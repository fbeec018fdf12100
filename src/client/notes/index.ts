import * as vscode from 'vscode';
import type { Block } from '../../core/provenance/block';
import type { ProvenanceService } from '../provenance/events';
import type { BlockHoverContributor } from '../provenance/presentation';
import type { BlockDescriber } from '../provenance/view';
import type { SharedStatusItem } from '../status-bar';
import { describeNoteStatus, isAwaiting, noteHoverMarkdown, noteLenses } from './presentation';
import { noteCommands } from './commands';
import { type CommandHandlers, Commands } from '../commands';
import type { Config } from '../config';
import { NotesModel, type NotesProvenance, type NotesServer } from './model';

/** What the notes feature needs from the rest of the extension. */
export interface NotesDependencies {
  provenance: NotesProvenance;
  /** The language server, which assesses the notes and writes their texts. */
  server: NotesServer;
  presentation: { addHoverContributor(contributor: BlockHoverContributor): vscode.Disposable };
  view: { addDescriber(describer: BlockDescriber): vscode.Disposable; refresh(): void };
  status: Pick<SharedStatusItem, 'segment'>;
  log: vscode.LogOutputChannel;
  config: Config;
}

/**
 * Comprehension notes in the editor: a CodeLens prompt on each AI block that needs a note, the
 * write / open / mark-reviewed commands (also behind the language server's code actions), the
 * note in the block hover, note status in the AI Blocks view, the count of blocks awaiting notes
 * in the shared status item. Dispose the result with the extension (the scorecard report is in ./report).
 */
export function activateNotes(deps: NotesDependencies): { disposable: vscode.Disposable; commands: CommandHandlers } {
  const model = new NotesModel(deps.provenance, deps.server, deps.log);
  const codeLens = new NoteCodeLensProvider(deps.provenance, model, deps.config);
  const segment = deps.status.segment('notes', 20);

  const renderStatus = (): void => {
    const states = model.all().flatMap((file) => file.states);
    const stale = states.filter((state) => state.status.kind === 'stale').length;
    const awaiting = states.filter(isAwaiting).length;
    if (awaiting === 0) {
      segment.set(undefined);
      return;
    }
    const missing = awaiting - stale;
    const parts = [missing > 0 ? `${missing} without a passing note` : '', stale > 0 ? `${stale} with a stale note` : ''].filter(Boolean);
    segment.set(`$(note) ${awaiting}`, `${awaiting} AI block${awaiting === 1 ? '' : 's'} awaiting a comprehension note (${parts.join(', ')})`, {
      title: 'Show AI Blocks',
      command: Commands.focusAiBlocks,
    });
  };

  const hover: BlockHoverContributor = (block: Block, document: vscode.TextDocument) => {
    const state = model.cached(document.uri, block.id);
    return state ? noteHoverMarkdown(state, document.uri.toString()) : undefined;
  };
  const describer: BlockDescriber = (uri: vscode.Uri, block: Block) => {
    const state = model.cached(uri, block.id);
    return state ? describeNoteStatus(state) : undefined;
  };

  const disposables: vscode.Disposable[] = [
    model,
    codeLens,
    vscode.languages.registerCodeLensProvider({ scheme: 'file' }, codeLens),
    deps.presentation.addHoverContributor(hover),
    deps.view.addDescriber(describer),
    model.onDidChange(() => {
      codeLens.refresh();
      deps.view.refresh();
      renderStatus();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (deps.config.affects(event, 'notes')) codeLens.refresh();
    }),
    { dispose: () => segment.set(undefined) },
  ];
  return { disposable: vscode.Disposable.from(...disposables), commands: noteCommands(deps.provenance, model, deps.server, deps.log) };
}

/** The one quiet prompt per AI block: "Explain this AI block", "Note is stale: still true?", or nothing. */
class NoteCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;

  constructor(
    private readonly provenance: Pick<ProvenanceService, 'getBlocks'>,
    private readonly model: NotesModel,
    private readonly config: Config,
  ) {}

  refresh(): void {
    this.emitter.fire();
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!this.config.notesCodeLens(document.uri)) return [];
    if ((await this.provenance.getBlocks(document.uri)).length === 0) return [];
    const file = await this.model.assessFile(document.uri);
    const lenses: vscode.CodeLens[] = [];
    for (const state of file?.states ?? []) {
      const line = Math.min(state.block.startLine - 1, document.lineCount - 1);
      const range = new vscode.Range(line, 0, line, 0);
      for (const lens of noteLenses(state)) {
        lenses.push(new vscode.CodeLens(range, { title: lens.title, tooltip: lens.tooltip, command: lens.command, arguments: [document.uri, state.block.id] }));
      }
    }
    return lenses;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
