import type { RuleFinding } from '../../check/findings';
import type { Rule, RuleContext } from '../rule';
import { classifyFile, isLockFile } from './file-kind';
import { envReadFix } from './fix';
import { looksBinary } from './filters';
import { type ScanOptions, type SecretCandidate, scanForSecrets } from './scan';

const DEFAULT_ENTROPY_THRESHOLD = 3.5;
const DEFAULT_MIN_LENGTH = 12;

/**
 * Flags credentials written into source and config: vendor tokens recognised by their format
 * (AWS, Google, Azure, GitHub, GitLab, Slack, Discord, Telegram, Stripe, SendGrid, npm, PyPI,
 * OpenAI, Anthropic, Hugging Face and the vendors in secrets/vendor-formats.ts), private keys, JWTs
 * (also base64-wrapped), passwords inside connection strings, web URLs and on curl command lines, values
 * of Kubernetes `kind: Secret` manifests (decoded and judged), `Authorization: Bearer/Basic …`
 * headers in any file, command-line arguments with a secret-like name (`--api-key VALUE`), vendor
 * credentials without a prefix by the vendor's word in the name plus their exact shape
 * (secrets/vendor-names.ts), high-entropy values assigned to secret-like names, and passwords a person wrote
 * under a password or secret name at any entropy, assigned or compared (secrets/passwords.ts). A vendor-specific
 * prefix or shape with a typed filler body (`AKIAZZZZ…`) is a note at `info` asking to confirm it is not real.
 *
 * Messages name the kind of credential and at most its public prefix, never the value.
 * `fingerprintSource` is `format id | assigned name | the line's text around the value with every
 * secret masked | ordinal`: stable when lines move or the file is renamed, different for two
 * secrets on different lines, and free of secret text (so baselines never store one).
 *
 * Options: `entropyThreshold` (bits per character, default 3.5) and `minLength` (default 12) tune
 * the generic detector; values shorter than 16 characters, which cannot reach the full threshold,
 * need `threshold × log2(length) / 4`. `allow` lists literal substrings that silence any value
 * containing them. Stripe test-mode keys are reported at `info` (they reach only test data), as are
 * passwords in connection strings to a loopback host (local development defaults). Hex values and
 * UUIDs are generic findings only under a token, key or secret name (UUIDs only for vendors that
 * issue UUID keys, and npm's registry-scoped `_authToken`): elsewhere they are hashes and ids.
 */
export const secretsHardcodedSecret: Rule = {
  id: 'secrets/hardcoded-secret',
  kind: 'text',
  defaultSeverity: 'error',
  summary: 'Credential or secret written into the code',
  rationale: [
    'A secret in the repository is a secret shared with everyone who can read it, now and in every',
    'clone, fork and CI log to come; deleting it later does not remove it from git history, so the only',
    'fix is to **rotate** it and read it from the environment or a secret manager.',
    '',
    'AI assistants make this easy to miss: generated code "looks plausible" and runs on the first try',
    'with the key pasted inline. **29 million** new secrets leaked to public repositories in 2025,',
    '**34% more** than the year before.',
    '',
    'This rule recognises vendor token formats, private keys, JWTs and passwords in connection strings,',
    'and flags high-entropy values assigned to names like `password`, `apiKey` or `client_secret`.',
    'Placeholders (`<your-key>`, `changeme`, `${DB_PASS}`), environment reads, UUIDs, hashes, lock files',
    'and documented example keys are ignored. Silence a known value with the `allow` option.',
  ].join('\n'),
  defaultOptions: { entropyThreshold: DEFAULT_ENTROPY_THRESHOLD, minLength: DEFAULT_MIN_LENGTH, allow: [] },
  check(context: RuleContext): RuleFinding[] {
    if (isLockFile(context.path) || looksBinary(context.text)) return [];
    const file = classifyFile(context.path, context.inTestPath);
    const candidates = scanForSecrets(context.text, file, readOptions(context.options));
    const seen = new Map<string, number>();
    return candidates.map((candidate) => {
      const source = fingerprintSource(context.text, candidate, candidates);
      const ordinal = seen.get(source) ?? 0;
      seen.set(source, ordinal + 1);
      const fix = envReadFix(context.text, file, candidate);
      return {
        start: candidate.start,
        end: candidate.end,
        message: messageFor(context.text, candidate),
        ...(candidate.severity ? { severity: candidate.severity } : {}),
        ...(fix ? { fixes: [fix] } : {}),
        fingerprintSource: ordinal === 0 ? source : `${source}#${ordinal}`,
      };
    });
  },
};

function readOptions(options: Readonly<Record<string, unknown>>): ScanOptions {
  const threshold = options.entropyThreshold;
  const minLength = options.minLength;
  const allow = options.allow;
  return {
    entropyThreshold: typeof threshold === 'number' && Number.isFinite(threshold) ? threshold : DEFAULT_ENTROPY_THRESHOLD,
    minLength: typeof minLength === 'number' && Number.isFinite(minLength) ? Math.max(1, minLength) : DEFAULT_MIN_LENGTH,
    allow: Array.isArray(allow) ? allow.filter((entry): entry is string => typeof entry === 'string') : [],
  };
}

/** The assigned name, when it is safe and short enough to show. */
function shownName(text: string, candidate: SecretCandidate): string | undefined {
  const name = candidate.name;
  if (!name || name.length > 60) return undefined;
  // A name never holds the secret, unless the "name" was read out of the secret itself.
  if (name.includes(text.slice(candidate.start, candidate.end))) return undefined;
  return name;
}

function messageFor(text: string, candidate: SecretCandidate): string {
  const name = shownName(text, candidate);
  const prefix = candidate.publicPrefix ? ` (\`${candidate.publicPrefix}…\`)` : '';
  const where = name ? ` in \`${name}\`` : '';
  if (candidate.fillerBody) {
    return `Value with the shape of a ${candidate.kind}${prefix}${where}, but its body looks like a placeholder: confirm it is not a real credential, and if it is a fixture, make it an obvious one (\`<${candidate.kind}>\`) or allow it.`;
  }
  const kindFirst = candidate.kind.charAt(0).toUpperCase() + candidate.kind.slice(1);
  if (candidate.truncated) {
    return `${kindFirst}${where} cut far shorter than its own header says: an example like this holds no key material, but confirm it is not part of a real key, and if it is documentation, allow it.`;
  }
  if (candidate.notKeyShaped) {
    return `${kindFirst}${where} whose body is not shaped like such a key (random text under its header): an example like this holds no key, but confirm it is not a real one, and if it is documentation, allow it.`;
  }
  if (candidate.guessable) {
    return `Hardcoded ${candidate.kind}${where} (a guessable, low-entropy value): read a generated one from the environment or a secret manager, and rotate it if it was ever committed.`;
  }
  const how = candidate.generic ? ' (high-entropy value)' : '';
  return `Hardcoded ${candidate.kind}${prefix}${where}${how}: read it from the environment or a secret manager, and rotate it if it was ever committed.`;
}

/** Characters of context kept on each side of a secret in its fingerprint. */
const CONTEXT_BEFORE = 40;
const CONTEXT_AFTER = 20;

/**
 * Kind, name and the same-line text around the value with every candidate in it masked. No file
 * path (so renames keep fingerprints) and no secret text (so baselines never hold one).
 */
function fingerprintSource(text: string, candidate: SecretCandidate, all: readonly SecretCandidate[]): string {
  const before = masked(text, Math.max(0, candidate.unitStart - CONTEXT_BEFORE), candidate.unitStart, all);
  const after = masked(text, candidate.unitEnd, Math.min(text.length, candidate.unitEnd + CONTEXT_AFTER), all);
  const lineBefore = before.slice(Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) + 1).trimStart();
  const lineAfter = after.split(/[\r\n]/, 1)[0].trimEnd();
  return `${candidate.formatId}|${candidate.name ?? ''}|${lineBefore}«secret»${lineAfter}`;
}

/** `text[start, end)` with every candidate's secret replaced by «secret». */
function masked(text: string, start: number, end: number, all: readonly SecretCandidate[]): string {
  let result = '';
  let at = start;
  for (const other of all) {
    if (other.end <= at || other.start >= end) continue;
    result += text.slice(at, Math.max(at, other.start)) + '«secret»';
    at = Math.min(end, other.end);
  }
  return result + text.slice(at, end);
}
