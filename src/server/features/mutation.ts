import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { currentMutationResults } from '../../core/mutate/cache';
import type { Block } from '../../core/provenance/block';
import { readTextFileSync } from '../../core/workspace/fs';
import { DATA_DIR } from '../../core/workspace/layout';
import { MUTATION_RESULTS_CHANGED_NOTIFICATION, MUTATION_SCORES_REQUEST, type MutationScoresParams, type MutationScoresResult } from '../../shared/protocol';
import { URI } from '../uri';
import type { WorkspaceRegistry } from '../workspaces';

/**
 * Mutation results in the editor: `comprehension/mutationScores` answers the AI Blocks view from
 * the cache `comprehension mutate` writes (the server never runs Stryker), and
 * `comprehension/mutationResultsChanged` pulls diagnostics again after a run, so the surviving
 * mutants (added to a file's findings by `checkFile`'s `cachedMutants`) appear.
 */
export function registerMutationFeature(context: {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  registry: WorkspaceRegistry;
  blocksFor(uri: string): readonly Block[] | undefined;
}): void {
  const { connection } = context;
  connection.onRequest(MUTATION_SCORES_REQUEST, (params: MutationScoresParams): MutationScoresResult => {
    const fsPath = URI.toFsPath(params.uri);
    if (!fsPath) return { scores: [] };
    const { workspace, relativePath } = context.registry.locate(fsPath);
    if (relativePath === '' || relativePath.startsWith(`${DATA_DIR}/`)) return { scores: [] };
    const text = context.documents.get(params.uri)?.getText() ?? readTextFileSync(fsPath, { root: workspace.root });
    if (text === undefined) return { scores: [] };
    const blocks = params.blocks ?? context.blocksFor(params.uri) ?? [];
    return {
      scores: currentMutationResults(workspace.root, text, blocks).map(({ result }) => ({
        blockId: result.blockId,
        score: result.score,
        surviving: result.counts.survived + result.counts.noCoverage,
        mutants: result.counts.killed + result.counts.timeout + result.counts.survived + result.counts.noCoverage + result.counts.errors,
        testedAt: result.testedAt,
      })),
    };
  });
  connection.onNotification(MUTATION_RESULTS_CHANGED_NOTIFICATION, () => connection.languages.diagnostics.refresh());
}
