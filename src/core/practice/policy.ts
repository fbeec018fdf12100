/**
 * Reads the workspace policy for practice mode (level, practice goals, note thresholds, critical
 * paths) without the rule engine. No `vscode` import.
 *
 * Why not `PolicyWorkspace`: it loads every built-in rule, and the rules load ts-morph (14 MB),
 * which the language server and the CLI share as a vendor chunk but the extension bundle must
 * not carry. The policy is parsed by the same `PolicyState` as there; only the check that
 * `rules:` names known rules is relaxed, because checking rule names needs the rules — and a
 * rule-name problem must not make the level or the goals fall back to the defaults here. The
 * language server reports those problems in the policy file anyway.
 */
import { readBoundedFile } from '../workspace/fs';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { PolicyState } from '../policy/load';
import type { Policy } from '../policy/policy';
import { POLICY_PATH } from '../workspace/layout';

/** The rule ids a policy text configures under `rules:`, minus its own custom rules' ids. */
export function configuredRuleIds(text: string): string[] {
  let document;
  try {
    document = parseDocument(text, { prettyErrors: false });
  } catch {
    return [];
  }
  const root = document.contents;
  if (!isMap(root)) return [];
  const ids = new Set<string>();
  const rules = root.get('rules', true);
  if (isMap(rules)) {
    for (const pair of rules.items) if (isScalar(pair.key) && typeof pair.key.value === 'string') ids.add(pair.key.value);
  }
  const customRules = root.get('customRules', true);
  if (isSeq(customRules)) {
    for (const item of customRules.items) {
      if (!isMap(item)) continue;
      const id = item.get('id');
      if (typeof id === 'string') ids.delete(id);
    }
  }
  return [...ids];
}

/** The policy in force from a policy file's text (`undefined`: no file, the defaults). */
export function policyFromText(text: string | undefined): Policy {
  const state = new PolicyState({ knownRuleIds: text === undefined ? [] : configuredRuleIds(text) });
  state.update(text);
  return state.current;
}

/**
 * Reads `<root>/.comprehension/policy.yaml` through the bounded reader (a link to a device or out of
 * the workspace is refused); a missing, unreadable or refused file gives the defaults.
 */
export async function readWorkspacePolicy(root: string): Promise<Policy> {
  const read = await readBoundedFile(join(root, POLICY_PATH), { root, maxBytes: 1024 * 1024 });
  return policyFromText(read.kind === 'ok' ? read.bytes.toString('utf8') : undefined);
}
