/**
 * The policy file "Comprehension: Open Workspace Policy" creates when a workspace has none: the
 * defaults written out, with a comment on each key, so a newcomer edits values instead of
 * looking up names.
 */
export const STARTER_POLICY_YAML = `# Comprehension First policy. The README's "Policy diagnostics" section lists every key.
level: 1                 # 0 orientation, 1 assisted implementation, 2 autonomy with audits
criticalPaths: []        # e.g. [src/payments/**, src/auth/**]: stricter severities, review questions in notes
ignore: []               # e.g. [vendor/**]; files git ignores are skipped as well
rules: {}                # e.g. { reliability/missing-timeout: error, comprehension/missing-note: error }
dependencies:
  deny: []               # packages that must not be imported
  allow: []              # when not empty, the only packages that may be imported
`;
