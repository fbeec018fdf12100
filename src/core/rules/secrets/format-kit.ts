import type { Severity } from '../../check/findings';
import { shannonEntropy } from './entropy';
import { isDocumentedExample, isEnvReference, isMechanicalFiller, isPlaceholder } from './filters';

/** What every credential format is made of: the match shape, the anchored-match helpers and {@link tokenFormat}. */

/** A credential found by a format. */
export interface FormatMatch {
  /** The secret itself (what is highlighted, and never printed). */
  start: number;
  end: number;
  /** Human name used in the message: "GitHub personal access token". */
  kind: string;
  /** The vendor's public prefix, safe to show (`ghp_`), when the format has one. */
  publicPrefix?: string;
  /** The text an environment read would replace, when larger than the secret (a whole connection string). */
  unitStart?: number;
  unitEnd?: number;
  severity?: Severity;
  /**
   * True when the token has its vendor's exact shape but a typed filler body (`AKIAZZZZ…`): reported
   * at `info` with a message asking to confirm it is not real, never as a live secret.
   */
  fillerBody?: boolean;
  /** True for a password a person picked (`Summer2024`): a weaker finding than a random secret. */
  guessable?: boolean;
  /**
   * True for a private key whose own DER header says it is far longer than what is written: a
   * documentation example cut short (`info`, asking to confirm it is not part of a real key).
   */
  truncated?: boolean;
  /**
   * True for a private key whose body is not shaped like the key its header names (not DER, no
   * OpenSSH magic): random text in a documentation example (`info`, asking to confirm).
   */
  notKeyShaped?: boolean;
  /** True when in tests and docs the value is a fixture or an illustration, not reported there. */
  illustrativeInTestsAndDocs?: boolean;
}

/** One credential format. */
export interface CredentialFormat {
  /** Stable id, part of the fingerprint. */
  readonly id: string;
  /** Lowercase literals whose occurrence (in any case) is worth a closer look. */
  readonly triggers: readonly string[];
  /** The environment variable a fix reads when the assigned name gives none. */
  readonly defaultEnvName: string;
  /**
   * True for formats recognised by their context (a curl option) rather than the token's own shape:
   * a specific format on the same text wins, and scanning goes on inside the match.
   */
  readonly contextual?: boolean;
  /** Tries to match a credential at the trigger found at `at`. */
  match(text: string, at: number): FormatMatch | undefined;
}

export function isAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** True when the character before `at` would make the trigger the middle of a longer word. */
export function glued(text: string, at: number, alsoBlocked = ''): boolean {
  if (at === 0) return false;
  const code = text.charCodeAt(at - 1);
  return isAlnum(code) || code === 95 /* _ */ || alsoBlocked.includes(text[at - 1]);
}

export function sticky(pattern: RegExp, text: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(text);
}

/** Shared sanity checks on the random part of a token: not a placeholder, not a doc example. */
export function plausibleToken(whole: string, body: string, minimumEntropy = 3): boolean {
  // Cheapest checks first; hashing for the documented-example lookup comes last.
  return !isPlaceholder(body) && !isEnvReference(body) && shannonEntropy(body) >= minimumEntropy && !isDocumentedExample(whole);
}

/** Expands a connection-string or URL to the surrounding value (up to quotes or whitespace). */
export function valueEnd(text: string, from: number): number {
  const limit = Math.min(text.length, from + 2048);
  let end = from;
  while (end < limit && !/[\s'"`]/.test(text[end])) end++;
  return end;
}

export function valueStart(text: string, from: number): number {
  const limit = Math.max(0, from - 2048);
  let start = from;
  while (start > limit && !/[\s'"`]/.test(text[start - 1])) start--;
  return start;
}

export function base64UrlJson(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A format that is one anchored expression plus the checks every token gets. */
export function tokenFormat(spec: {
  id: string;
  triggers: string[];
  defaultEnvName: string;
  pattern: RegExp;
  kind: (match: RegExpExecArray) => string;
  prefixLength: (match: RegExpExecArray) => number;
  /** Where the random part starts, when ids or a mode word follow the public prefix (default: after it). */
  bodyStart?: (match: RegExpExecArray) => number;
  blockedBefore?: string;
  minimumEntropy?: number;
  severity?: (match: RegExpExecArray) => Severity | undefined;
  accept?: (match: RegExpExecArray) => boolean;
  /**
   * True for a prefix specific enough (`AKIA`, `AGE-SECRET-KEY-1`, `tskey-`) that a typed filler body
   * after it is still worth a note at `info` (see {@link isMechanicalFiller}). Never for generic names.
   */
  fillerInfo?: boolean;
}): CredentialFormat {
  return {
    id: spec.id,
    triggers: spec.triggers,
    defaultEnvName: spec.defaultEnvName,
    match(text, at) {
      if (glued(text, at, spec.blockedBefore)) return undefined;
      const found = sticky(spec.pattern, text, at);
      if (!found) return undefined;
      const prefixLength = spec.prefixLength(found);
      const bodyStart = spec.bodyStart ? spec.bodyStart(found) : prefixLength;
      const body = found[0].slice(bodyStart);
      let filler = false;
      if (!plausibleToken(found[0], body, spec.minimumEntropy)) {
        if (!spec.fillerInfo || !isMechanicalFiller(body) || isDocumentedExample(found[0])) return undefined;
        filler = true;
      }
      if (spec.accept && !spec.accept(found)) return undefined;
      if (filler) {
        const prefix = prefixLength > 0 ? found[0].slice(0, prefixLength) : undefined;
        return { start: at, end: at + found[0].length, kind: spec.kind(found), publicPrefix: prefix, severity: 'info', fillerBody: true };
      }
      return {
        start: at,
        end: at + found[0].length,
        kind: spec.kind(found),
        publicPrefix: prefixLength > 0 ? found[0].slice(0, prefixLength) : undefined,
        severity: spec.severity?.(found),
      };
    },
  };
}

/**
 * A format whose trigger sits after a fixed-length head (`…Q~`, `…-us6`): the head is read backwards
 * from the trigger and must stand alone, the tail is an anchored expression at the trigger, and
 * `judged` picks the part that must look random.
 */
export function midTriggerFormat(spec: {
  id: string;
  kind: string;
  triggers: string[];
  defaultEnvName: string;
  headLength: number;
  head: RegExp;
  tail: RegExp;
  blockedBefore?: string;
  judged: (head: string, tail: string) => string;
  minimumEntropy?: number;
}): CredentialFormat {
  return {
    id: spec.id,
    triggers: spec.triggers,
    defaultEnvName: spec.defaultEnvName,
    match(text, at) {
      const start = at - spec.headLength;
      if (start < 0 || !spec.head.test(text.slice(start, at)) || glued(text, start, spec.blockedBefore)) return undefined;
      const found = sticky(spec.tail, text, at);
      if (!found) return undefined;
      const whole = text.slice(start, at + found[0].length);
      if (!plausibleToken(whole, spec.judged(text.slice(start, at), found[0]), spec.minimumEntropy)) return undefined;
      return { start, end: at + found[0].length, kind: spec.kind };
    },
  };
}
