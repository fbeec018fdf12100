import * as vscode from 'vscode';
import type { Block } from '../../core/provenance/block';
import type { ProvenanceService } from '../provenance/events';
import type { BlockHoverContributor } from '../provenance/presentation';
import type { BlockDescriber } from '../provenance/view';
import type { SharedStatusItem } from '../status-bar';
import { describeNoteStatus, isAwaiting, noteHoverMarkdown, noteLenses } from './assess';
import { registerNoteCommands } from './commands';
import { NotesModel, type NotesProvenance } from './model';
import { ReportPanel } from './report';

/** Command behind "Comprehension: Show Report". */
export const SHOW_REPORT_COMMAND = 'comprehension.showReport';

/** What the notes feature needs from the rest of the extension. */
export interface NotesDependencies {
  provenance: NotesProvenance;
  presentation: { addHoverContributor(contributor: BlockHoverContributor): vscode.Disposable };
  view: { addDescriber(describer: BlockDescriber): vscode.Disposable; refresh(): void };
  status: Pick<SharedStatusItem, 'segment'>;
  log: vscode.LogOutputChannel;
}

/**
 * Comprehension notes in the editor: a CodeLens prompt on each AI block that needs a note, the
 * write / open / mark-reviewed commands (also behind the language server's code actions), the
 * note in the block hover, note status in the AI Blocks view, the count of blocks awaiting notes
 * in the shared status item, and the scorecard report. Dispose the result with the extension.
 */
export function activateNotes(_context: vscode.ExtensionContext, deps: NotesDependencies): vscode.Disposable {
  const model = new NotesModel(deps.provenance, deps.log);
  const codeLens = new NoteCodeLensProvider(deps.provenance, model);
  const segment = deps.status.segment('notes', 20);
  const report = new ReportPanel(model, deps.log);

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
      command: 'comprehension.aiBlocks.focus',
    });
  };

  const hover: BlockHoverContributor = (block: Block, document: vscode.TextDocument) => {
    const state = model.assessNow(document, block);
    return state ? noteHoverMarkdown(state, document.uri.toString()) : undefined;
  };
  const describer: BlockDescriber = (uri: vscode.Uri, block: Block) => {
    const state = model.cached(uri, block.id);
    return state ? describeNoteStatus(state) : undefined;
  };

  const disposables: vscode.Disposable[] = [
    model,
    codeLens,
    report,
    vscode.languages.registerCodeLensProvider({ scheme: 'file' }, codeLens),
    deps.presentation.addHoverContributor(hover),
    deps.view.addDescriber(describer),
    ...registerNoteCommands(deps.provenance, model, deps.log),
    vscode.commands.registerCommand(SHOW_REPORT_COMMAND, () => report.show()),
    model.onDidChange(() => {
      codeLens.refresh();
      deps.view.refresh();
      renderStatus();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('comprehension.notes')) codeLens.refresh();
    }),
    { dispose: () => segment.set(undefined) },
  ];
  return vscode.Disposable.from(...disposables);
}

/** The one quiet prompt per AI block: "Explain this AI block", "Note is stale: still true?", or nothing. */
class NoteCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;

  constructor(
    private readonly provenance: Pick<ProvenanceService, 'getBlocks'>,
    private readonly model: NotesModel,
  ) {}

  refresh(): void {
    this.emitter.fire();
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!vscode.workspace.getConfiguration('comprehension.notes', document.uri).get<boolean>('codeLens', true)) return [];
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
