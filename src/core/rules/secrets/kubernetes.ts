import { indentOf } from '../../text/spelling';
import { isEnvReference, isPlaceholder } from './filters';

/**
 * Values of a Kubernetes `kind: Secret` manifest. Everything under `data:` (base64) or
 * `stringData:` (plain) is a secret by declaration, so no entropy is asked of it: the value is
 * judged by what it holds once decoded. Certificates and public keys are public, templated values
 * (`{{ .Values.password | b64enc }}`) and placeholders are not secrets. Only YAML files that
 * declare `kind: Secret` are read, line by line.
 */

export interface KubernetesSecretValue {
  start: number;
  end: number;
  name: string;
  /** False for a value judged not to be a secret (a certificate, a placeholder): no other detector reports it. */
  secret: boolean;
}

const KIND_SECRET = /^[ \t]*kind:[ \t]*(['"]?)secret\1[ \t]*(?:#.*)?$/im;
const SECTION = /^([ \t]*)(data|stringData):[ \t]*(?:#.*)?$/;
const ENTRY = /^([ \t]*)(['"]?)([\w.-]+)\2:[ \t]*(.*)$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const MAX_LINES = 5000;

/** True when `text` (a YAML file) declares a Kubernetes Secret somewhere. */
export function declaresKubernetesSecret(text: string): boolean {
  return KIND_SECRET.test(text);
}

interface Line {
  start: number;
  text: string;
}

function linesOf(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start <= text.length && lines.length < MAX_LINES) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const lineEnd = end > start && text[end - 1] === '\r' ? end - 1 : end;
    lines.push({ start, text: text.slice(start, lineEnd) });
    start = end + 1;
  }
  return lines;
}

function isBlankOrComment(line: string): boolean {
  const trimmed = line.trim();
  return trimmed === '' || trimmed.startsWith('#');
}

/** The values under `data:` and `stringData:` of every Secret document in `text`, each judged. */
export function findKubernetesSecretValues(text: string): KubernetesSecretValue[] {
  const found: KubernetesSecretValue[] = [];
  const lines = linesOf(text);
  // Documents are separated by `---`; only those that declare `kind: Secret` are read.
  let docStart = 0;
  for (let i = 0; i <= lines.length; i++) {
    if (i < lines.length && !lines[i].text.startsWith('---')) continue;
    const doc = lines.slice(docStart, i);
    docStart = i + 1;
    if (doc.some((line) => KIND_SECRET.test(line.text))) readDocument(doc, found);
  }
  return found;
}

function readDocument(doc: Line[], found: KubernetesSecretValue[]): void {
  for (let i = 0; i < doc.length; i++) {
    const section = SECTION.exec(doc[i].text);
    if (!section) continue;
    const sectionIndent = section[1].length;
    const encoded = section[2] === 'data';
    let j = i + 1;
    while (j < doc.length) {
      const line = doc[j].text;
      if (isBlankOrComment(line)) {
        j++;
        continue;
      }
      const indent = indentOf(line);
      if (indent <= sectionIndent) break;
      const entry = ENTRY.exec(line);
      j++;
      if (!entry) continue;
      let valueText = entry[4].replace(/[ \t]+#.*$/, '').trim();
      let start = doc[j - 1].start + line.length - entry[4].length;
      let end = start + entry[4].replace(/[ \t]+#.*$/, '').trimEnd().length;
      if (valueText === '|' || valueText === '>' || /^[|>][-+]?$/.test(valueText)) {
        // A block scalar: the more-indented lines that follow.
        const parts: string[] = [];
        start = -1;
        while (j < doc.length && (doc[j].text.trim() === '' || indentOf(doc[j].text) > indent)) {
          const part = doc[j].text.trim();
          if (part) {
            if (start < 0) start = doc[j].start + indentOf(doc[j].text);
            end = doc[j].start + doc[j].text.trimEnd().length;
            parts.push(part);
          }
          j++;
        }
        if (start < 0) continue;
        valueText = parts.join(encoded ? '' : '\n');
      } else if (/^(['"]).*\1$/.test(valueText) && valueText.length >= 2) {
        valueText = valueText.slice(1, -1);
        start++;
        end--;
      }
      found.push({ start, end, name: entry[3], secret: holdsSecret(valueText, encoded) });
    }
    i = j - 1;
  }
}

function holdsSecret(value: string, encoded: boolean): boolean {
  if (value.includes('{{') || isEnvReference(value)) return false;
  let plain = value;
  if (encoded) {
    const compact = value.replace(/\s+/g, '');
    if (!BASE64.test(compact) || compact.length % 4 === 1) return false;
    plain = Buffer.from(compact, 'base64').toString('latin1');
  }
  if (plain.length < 4) return false;
  if (/-----BEGIN (?:CERTIFICATE|PUBLIC KEY|[A-Z ]*PUBLIC KEY)-----/.test(plain)) return false;
  // Binary (a raw key) is a secret; text is judged as any value that stands in for one.
  // eslint-disable-next-line no-control-regex
  const printable = /^[\x09\x0a\x0d\x20-\x7e]*$/.test(plain);
  if (!printable) return true;
  const text = plain.trim();
  // A Docker config (`.dockercfg`, `.dockerconfigjson`) is judged by its credentials, not its registry URL.
  if (text.startsWith('{')) {
    try {
      return jsonHoldsCredential(JSON.parse(text), 0);
    } catch {
      // Not JSON: judged as text.
    }
  }
  return !isPlaceholder(text) && !isEnvReference(text);
}

const CREDENTIAL_FIELDS: ReadonlySet<string> = new Set(['auth', 'password', 'identitytoken', 'registrytoken', 'token', 'secret']);

function jsonHoldsCredential(value: unknown, depth: number): boolean {
  if (depth > 6 || typeof value !== 'object' || value === null) return false;
  for (const [key, field] of Object.entries(value)) {
    if (typeof field === 'string') {
      if (CREDENTIAL_FIELDS.has(key.toLowerCase()) && field.length >= 4 && !isPlaceholder(field) && !isEnvReference(field)) return true;
    } else if (jsonHoldsCredential(field, depth + 1)) return true;
  }
  return false;
}
