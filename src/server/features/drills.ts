import { type Connection, ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { checkDrill, cleanupStaleDrills, describePlanted, DrillError, giveUpDrill, loadDrill, startDrill, takeHint, type DrillSession } from '../../core/drills/drill';
import { workspaceRelativePath } from '../../core/workspace/paths';
import {
  DRILL_CHECK_REQUEST,
  DRILL_GIVE_UP_REQUEST,
  DRILL_HINT_REQUEST,
  DRILL_START_REQUEST,
  DRILL_STATE_REQUEST,
  type DrillFolderParams,
  type DrillStarted,
} from '../../shared/protocol';
import { URI } from '../uri';
import type { WorkspaceRegistry } from '../workspaces';

/**
 * The debugging drill requests: the editor's commands run the same core drill as `comprehension
 * drill` (the planting needs the syntax tree, which lives in the server, not the extension). A
 * drill runs the workspace's tests, so it is refused in an untrusted workspace.
 */
export function registerDrillRequests(connection: Connection, registry: WorkspaceRegistry): void {
  const folder = (params: DrillFolderParams): string => {
    const root = URI.toFsPath(params.folderUri);
    const workspace = root === undefined ? undefined : registry.all().find((candidate) => candidate.root === root);
    if (!workspace || root === undefined) throw new ResponseError(ErrorCodes.InvalidParams, `${params.folderUri} is not a workspace folder of the Comprehension server`);
    if (!workspace.isTrusted) throw new ResponseError(ErrorCodes.InvalidRequest, 'a debugging drill runs the workspace\'s tests; trust the workspace first');
    return root;
  };
  const userError = <T>(work: () => Promise<T>): Promise<T> =>
    work().catch((error: unknown) => {
      // A refusal the user can act on keeps its message; anything else is the server's failure.
      if (error instanceof DrillError) throw new ResponseError(ErrorCodes.InvalidRequest, error.message);
      throw error;
    });

  connection.onRequest(DRILL_START_REQUEST, (params) =>
    userError(async () => {
      const root = folder(params);
      const path = URI.toFsPath(params.uri);
      const file = path === undefined ? undefined : workspaceRelativePath(root, path);
      if (!file) throw new DrillError(`${params.uri} is not a file of ${root}`);
      await cleanupStaleDrills(root, { historyPath: params.historyPath });
      const session = await startDrill({
        root,
        file,
        block: { startLine: params.startLine, endLine: params.endLine },
        owner: { host: 'editor', pid: params.ownerPid },
        ...(params.seed !== undefined ? { seed: params.seed } : {}),
      });
      return started(session);
    }),
  );
  connection.onRequest(DRILL_CHECK_REQUEST, (params) =>
    userError(async () => {
      const result = await checkDrill(folder(params), { historyPath: params.historyPath });
      return result.solved ? { solved: true as const, record: result.record, verifiedBy: result.verifiedBy } : { solved: false as const, reason: result.reason, stillFailing: result.stillFailing };
    }),
  );
  connection.onRequest(DRILL_HINT_REQUEST, (params) => userError(() => takeHint(folder(params))));
  connection.onRequest(DRILL_GIVE_UP_REQUEST, (params) =>
    userError(async () => {
      const { session, record } = await giveUpDrill(folder(params), { historyPath: params.historyPath });
      return { planted: describePlanted(session), record };
    }),
  );
  connection.onRequest(DRILL_STATE_REQUEST, (params) =>
    userError(async () => {
      const root = folder(params);
      const cleaned = await cleanupStaleDrills(root, { historyPath: params.historyPath });
      const session = await loadDrill(root);
      return {
        running: session ? { ...started(session), hintsUsed: session.hintsUsed, ownerPid: session.owner.pid } : null,
        ...(cleaned.abandoned ? { abandoned: cleaned.abandoned } : {}),
        removedCopies: cleaned.removed,
      };
    }),
  );
}

function started(session: DrillSession): DrillStarted {
  return { worktree: session.worktree, file: session.file, symptom: session.symptom, failingTests: session.killingTests, startedAt: session.startedAt, testCommand: session.test.label };
}
