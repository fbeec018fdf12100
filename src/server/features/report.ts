import { type Connection, ResponseError, ErrorCodes } from 'vscode-languageserver/node';
import { formatAuditProblem } from '../../core/report/audit';
import { gatherReportInputs, periodStart } from '../../core/report/gather';
import { REPORT_REQUEST, type ReportParams, type ReportResult } from '../../shared/protocol';
import { URI } from '../uri';
import type { WorkspaceRegistry } from '../workspaces';

/**
 * `comprehension/report`: the scorecard's inputs of a workspace folder, from the core gatherer that
 * `comprehension report` runs too. The folder's policy workspace is the server's own, so its trust
 * is the editor's: custom rules run only in a trusted workspace, as in the Problems panel.
 */
export function registerReportRequest(connection: Connection, registry: WorkspaceRegistry): void {
  connection.onRequest(REPORT_REQUEST, async (params: ReportParams): Promise<ReportResult> => {
    const root = URI.toFsPath(params.folderUri);
    const workspace = root === undefined ? undefined : registry.all().find((candidate) => candidate.root === root);
    if (!workspace) throw new ResponseError(ErrorCodes.InvalidParams, `${params.folderUri} is not a workspace folder of the Comprehension server`);
    const now = params.now ?? Date.now();
    const gathered = await gatherReportInputs(workspace, {
      since: periodStart(params.periodDays, now),
      now,
      checkOffMainThread: true,
      ...(params.practice !== undefined ? { practice: params.practice } : {}),
      ...(params.drills !== undefined ? { drills: params.drills } : {}),
    });
    const policyErrors = workspace.policyState.problems.filter((problem) => problem.severity === 'error').length;
    if (policyErrors > 0) gathered.warnings.unshift(`the policy file has ${policyErrors} error(s); the last valid policy (or the defaults) applies`);
    if (!workspace.isTrusted) gathered.warnings.push('restricted mode: the policy\'s custom rules did not run');
    // The editor still shows the report; the audit files with problems are left out of its figures.
    for (const problem of gathered.auditProblems) gathered.warnings.push(`audit file left out: ${formatAuditProblem(problem)}`);
    return gathered;
  });
}
