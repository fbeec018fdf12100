import type { Finding, Severity } from './findings';
import type { Rule } from '../rules/rule';
import { VERSION } from '../version';
import { describeSkippedFile, type SkippedCheckFile } from './check-run';

/** A finding with the repository-relative path of its file. */
export interface LocatedFinding {
  path: string;
  finding: Finding;
}

/** SARIF result levels for our severities. */
function level(severity: Severity): 'error' | 'warning' | 'note' | 'none' {
  switch (severity) {
    case 'error':
      return 'error';
    case 'warning':
      return 'warning';
    case 'info':
      return 'note';
    default:
      return 'none';
  }
}

/**
 * A SARIF 2.1.0 log of one run: rule metadata for every rule that ran, results with
 * repository-relative URIs (against `%SRCROOT%`), 1-based lines and columns (UTF-16 code units,
 * SARIF's default), and our baseline fingerprints as `partialFingerprints`. Skipped files are
 * `toolExecutionNotifications` of the run's invocation, and so are `warnings` about the whole run
 * (a listing that fell back from git to a walk).
 */
export function toSarif(findings: readonly LocatedFinding[], rules: readonly Rule[], rootUri: string, skipped: readonly SkippedCheckFile[] = [], warnings: readonly string[] = []): object {
  const ruleIndex = new Map<string, number>();
  const descriptors = rules.map((rule, index) => {
    ruleIndex.set(rule.id, index);
    return {
      id: rule.id,
      name: rule.id.replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase()),
      shortDescription: { text: rule.summary },
      fullDescription: { text: stripMarkdown(rule.rationale) },
      help: { text: stripMarkdown(rule.rationale), markdown: rule.rationale },
      defaultConfiguration: { level: level(rule.defaultSeverity) },
      properties: { tags: [rule.id.split('/')[0]] },
    };
  });
  const extraRules = new Map<string, number>();
  const results = findings.map(({ path, finding }) => {
    let index = ruleIndex.get(finding.ruleId);
    if (index === undefined) {
      // Findings from engine-level checks (e.g. suppressions without a reason) get a minimal descriptor.
      index = extraRules.get(finding.ruleId);
      if (index === undefined) {
        index = descriptors.length;
        extraRules.set(finding.ruleId, index);
        descriptors.push({
          id: finding.ruleId,
          name: finding.ruleId,
          shortDescription: { text: finding.ruleId },
          fullDescription: { text: finding.ruleId },
          help: { text: finding.ruleId, markdown: finding.ruleId },
          defaultConfiguration: { level: level(finding.severity) },
          properties: { tags: [finding.ruleId.split('/')[0]] },
        });
      }
    }
    return {
      ruleId: finding.ruleId,
      ruleIndex: index,
      level: level(finding.severity),
      message: { text: finding.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: sarifUri(path), uriBaseId: '%SRCROOT%' },
            region: {
              startLine: finding.startPosition.line + 1,
              startColumn: finding.startPosition.character + 1,
              endLine: finding.endPosition.line + 1,
              endColumn: finding.endPosition.character + 1,
            },
          },
        },
      ],
      partialFingerprints: { 'comprehensionFingerprint/v1': finding.fingerprint },
      ...(finding.severityReasons.length ? { properties: { severityReasons: finding.severityReasons } } : {}),
    };
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Comprehension First', version: VERSION, semanticVersion: VERSION, rules: descriptors } },
        originalUriBaseIds: { '%SRCROOT%': { uri: rootUri.endsWith('/') ? rootUri : `${rootUri}/` } },
        columnKind: 'utf16CodeUnits',
        // Files not read at all are tool notifications, so a code-scanning view shows what was not checked.
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: [
              ...warnings.map((text) => ({ level: 'warning', message: { text } })),
              ...skipped.map((file) => ({
                level: 'note',
                message: { text: `${file.reason === 'generated' ? 'Partly checked' : 'Not checked'}: ${describeSkippedFile(file)}` },
                locations: [{ physicalLocation: { artifactLocation: { uri: sarifUri(file.path), uriBaseId: '%SRCROOT%' } } }],
              })),
            ],
          },
        ],
        results,
      },
    ],
  };
}

/**
 * A workspace-relative POSIX path as a relative URI reference: each segment percent-encoded (RFC
 * 3986), so `#`, `?`, `%`, spaces and non-ASCII survive and resolve against `%SRCROOT%` to the file
 * (`encodeURI` leaves `#` and `?`, which would cut the path into a fragment or query). `:` is
 * encoded too, so a first segment holding one is not read as a scheme.
 */
export function sarifUri(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function stripMarkdown(text: string): string {
  return text.replace(/`([^`]*)`/g, '$1').replace(/\*\*([^*]*)\*\*/g, '$1');
}

/** A SARIF input that is not a SARIF 2.1.0 log of one run. */
export class NotASarifLogError extends Error {}

/**
 * Joins the SARIF logs of a sharded check (`check --shard I/N`, one log per shard) into one log of
 * one run, for one upload to code scanning: results concatenated, rules merged by id (each
 * result's `ruleIndex` pointing into the merged list), skipped-file and run notifications kept,
 * the tool and base URI taken from the first log. Throws {@link NotASarifLogError} for an input
 * that is not a SARIF 2.1.0 log with exactly one run.
 */
export function mergeSarif(logs: readonly unknown[]): object {
  if (logs.length === 0) throw new NotASarifLogError('no SARIF logs to merge');
  const runs = logs.map((log, index) => {
    const value = log as { version?: unknown; runs?: unknown } | null;
    if (typeof value !== 'object' || value === null || value.version !== '2.1.0' || !Array.isArray(value.runs) || value.runs.length !== 1) {
      throw new NotASarifLogError(`input ${index + 1} is not a SARIF 2.1.0 log with one run`);
    }
    return value.runs[0] as SarifRun;
  });
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  const results: object[] = [];
  const notifications: object[] = [];
  for (const run of runs) {
    const own = run.tool?.driver?.rules ?? [];
    for (const rule of own) {
      if (typeof rule?.id === 'string' && !ruleIndex.has(rule.id)) {
        ruleIndex.set(rule.id, rules.length);
        rules.push(rule);
      }
    }
    for (const result of run.results ?? []) {
      const id = typeof result?.ruleId === 'string' ? result.ruleId : undefined;
      results.push(id !== undefined && ruleIndex.has(id) ? { ...result, ruleIndex: ruleIndex.get(id) } : result);
    }
    for (const invocation of run.invocations ?? []) notifications.push(...(invocation.toolExecutionNotifications ?? []));
  }
  const first = runs[0];
  return {
    version: '2.1.0',
    $schema: (logs[0] as { $schema?: string }).$schema ?? 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        ...first,
        tool: { ...first.tool, driver: { ...first.tool?.driver, rules } },
        results,
        invocations: [{ executionSuccessful: true, ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}) }],
      },
    ],
  };
}

interface SarifRule {
  id?: unknown;
}
interface SarifRun {
  tool?: { driver?: { rules?: SarifRule[] } & Record<string, unknown> } & Record<string, unknown>;
  results?: { ruleId?: unknown }[];
  invocations?: { toolExecutionNotifications?: object[] }[];
}
