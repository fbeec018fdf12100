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
