import type { Severity } from '../../check/findings';
import { type Assignment, nameBefore, readAssignmentAt } from './assignments';
import { connectionStringEnvName, CREDENTIAL_FORMATS, type CredentialFormat, DISCORD_BOT_TOKEN_ENV, findDiscordBotTokens, type FormatMatch, isDeclinedJwt } from './catalogue';
import { shannonEntropy } from './entropy';
import type { FileKind } from './file-kind';
import { docBlockComments, escapedMarkup, goDocComments, type TextSpan, perlPod, pythonDocStrings, rubyDocComments, rustDocComments } from './doc-strings';
import { rustTestModules } from './inline-tests';
import { inEnumeration } from './enum-members';
import { squash } from '../../text/spelling';
import { declaresKubernetesSecret, findKubernetesSecretValues } from './kubernetes';
import { isAlgorithmName, isAllowed, isCredentialScope, isDocumentedExample, isEncodedProse, isEnvReference, isGuessablePassword, isHexHash, isIntegrity, isKeyboardMash, isPackageSpec, isPasswordHash, isPlaceholder, isPropertyKeyPath, isUuid, isWordLike, printableBase64 } from './filters';
import { classifySecretName, isAwsSecretName, isTwilioName, type SecretNameClass, splitWords } from './names';
import { isStructuredText, isWrittenPassword } from './passwords';
import { matchVendorNamed, VENDOR_NAME_TRIGGERS } from './vendor-names';
import { WordScanner } from './word-scanner';

/** A secret found in a text, before it becomes a finding. Holds offsets, never the secret's text. */
export interface SecretCandidate {
  /** Stable id of the format (`github-token`, `generic-password`), part of the fingerprint. */
  formatId: string;
  /** Human name for the message: "GitHub personal access token", "password". */
  kind: string;
  /** The secret itself. */
  start: number;
  end: number;
  /** What an environment read would replace: the secret, or a whole connection string around it. */
  unitStart: number;
  unitEnd: number;
  /** The name the value is assigned to, when there is one. */
  name?: string;
  /** The env variable to read when `name` gives none. */
  defaultEnvName: string;
  severity?: Severity;
  /** The vendor's public prefix (`ghp_`), safe to show. */
  publicPrefix?: string;
  /** True for high-entropy values found by their name rather than their format. */
  generic: boolean;
  /** True for a password a person picked (`password1234`): a weaker finding than a random secret. */
  guessable?: boolean;
  /** True when the value has a vendor's exact shape but a typed filler body: a note asking to confirm it is not real. */
  fillerBody?: boolean;
  /** True for a private key cut short (its DER header says it is longer): a note asking to confirm it is not part of a real key. */
  truncated?: boolean;
  /** True for a private key whose body is not shaped like that key (not DER, no OpenSSH magic): a note asking to confirm it is made up. */
  notKeyShaped?: boolean;
}

/** Tuning for the generic (name + entropy) detector and the allowlist. */
export interface ScanOptions {
  /** Minimum Shannon entropy (bits per character) of a generic value. */
  entropyThreshold: number;
  /** Minimum length of a generic value. */
  minLength: number;
  /** Literal substrings that silence any value containing them. */
  allow: readonly string[];
}

/** Keywords that may be part of a secret's name; the name's last word decides (see names.ts). */
const NAME_KEYWORDS = ['pass', 'pwd', 'secret', 'token', 'cred', 'auth', 'key'];

/** Values at least this long must meet the full entropy threshold; shorter ones a scaled one. */
const FULL_THRESHOLD_LENGTH = 16;

/** Upper bound of candidates per file: a generated file full of keys is reported, not enumerated. */
const MAX_CANDIDATES = 500;

const formatsByTrigger = new Map<string, CredentialFormat[]>();
for (const format of CREDENTIAL_FORMATS) {
  for (const trigger of format.triggers) {
    const list = formatsByTrigger.get(trigger) ?? [];
    list.push(format);
    formatsByTrigger.set(trigger, list);
  }
}
const keywordSet = new Set([...NAME_KEYWORDS, ...VENDOR_NAME_TRIGGERS]);

/**
 * Every literal trigger and name keyword, found case-insensitively and longest first at an offset:
 * a single pass over the text finds every place worth a closer look.
 */
const TRIGGERS = new WordScanner([...formatsByTrigger.keys(), ...keywordSet]);

const GENERIC_KINDS: Readonly<Record<SecretNameClass, string>> = {
  password: 'password',
  secret: 'secret',
  token: 'token',
  key: 'secret key',
  credential: 'credential',
  authorization: 'authorization credential',
};

/** `Bearer …`, `Basic …`, `Token …`: the scheme word is not part of the secret. */
const AUTH_SCHEME = /^(?:Bearer|Basic|Token|Bot)[ \t]+/i;

/** Finds every secret candidate in `text`. */
export function scanForSecrets(text: string, file: FileKind, options: ScanOptions): SecretCandidate[] {
  const known: SecretCandidate[] = [];
  const contextual: SecretCandidate[] = [];
  const generic: SecretCandidate[] = [];
  let mentionsDiscord = false;
  const kindAt = documentationKinds(text, file);
  let from = 0;
  for (let hit = TRIGGERS.find(text, from); hit; hit = TRIGGERS.find(text, from)) {
    if (known.length + contextual.length + generic.length >= MAX_CANDIDATES) break;
    const { at, word: trigger } = hit;
    from = at + trigger.length;
    if (keywordSet.has(trigger)) {
      const { assignment, resumeAt } = readAssignmentAt(text, at, at + trigger.length, file);
      if (assignment) {
        const candidate = judgeAssignment(text, assignment, kindAt(at), options);
        if (candidate) generic.push(candidate);
      }
      from = Math.max(from, resumeAt);
      continue;
    }
    if (trigger === 'discord') mentionsDiscord = true;
    for (const format of formatsByTrigger.get(trigger) ?? []) {
      const match = format.match(text, at);
      if (!match) continue;
      const judgedAs = kindAt(at);
      if (!isAllowed(text.slice(match.start, match.end), options.allow) && !(match.illustrativeInTestsAndDocs && (judgedAs.test || judgedAs.docs))) {
        (format.contextual ? contextual : known).push(fromFormat(text, format.id, format.defaultEnvName, match, file));
      }
      from = Math.max(from, format.contextual ? match.start : match.end);
      break;
    }
  }
  // The bot token's first part is the bot's numeric id in base64, specific enough to look for
  // everywhere; files that mention Discord are read the same way.
  if (mentionsDiscord || DISCORD_ID_START.test(text)) {
    for (const match of findDiscordBotTokens(text)) {
      if (!isAllowed(text.slice(match.start, match.end), options.allow)) {
        known.push(fromFormat(text, 'discord-bot-token', DISCORD_BOT_TOKEN_ENV, match, file));
      }
    }
  }
  let judged = generic;
  if (file.yaml && declaresKubernetesSecret(text)) {
    const values = findKubernetesSecretValues(text);
    for (const value of values) {
      if (!value.secret || isAllowed(text.slice(value.start, value.end), options.allow)) continue;
      known.push({ ...fromFormat(text, 'kubernetes-secret', 'SECRET', { start: value.start, end: value.end, kind: 'Kubernetes Secret value' }, file), name: value.name });
    }
    // A Secret's values are judged decoded; their base64 text is not judged again by entropy.
    judged = generic.filter((candidate) => !values.some((value) => candidate.start < value.end && value.start < candidate.end));
  }
  return merge([...known, ...contextual], judged);
}

/**
 * The file kind to judge a value at an offset by: inside a source file's own documentation (a
 * Python file's docstrings, an Ansible module's `EXAMPLES`, a Rust, Go or Ruby file's doc comments, a Perl
 * file's POD) it is documentation, and inside its own tests (a Rust file's `#[cfg(test)]` module)
 * test code. Offsets must not decrease from one call to the next.
 */
function documentationKinds(text: string, file: FileKind): (at: number) => FileKind {
  if (file.documentedBy === undefined) return () => file;
  // Found on the first value judged: most files of a check have none to judge.
  let judge: ((at: number) => FileKind) | undefined;
  return (at) => (judge ??= spanJudge(text, file))(at);
}

/** {@link documentationKinds}' judge, once the file's documentation and test spans are found. */
function spanJudge(text: string, file: FileKind): (at: number) => FileKind {
  let docs: TextSpan[] = [];
  let tests: TextSpan[] = [];
  switch (file.documentedBy) {
    case undefined:
      return () => file;
    case 'python-docstrings':
      if (!file.docs && (text.includes('"""') || text.includes("'''"))) docs = pythonDocStrings(text);
      break;
    case 'perl-pod':
      if (!file.docs && (text.includes('\n=') || text.startsWith('=') || text.includes('#pod'))) docs = perlPod(text);
      break;
    case 'go-doc-comments':
      if (!file.docs && (text.includes('\n//') || text.includes('\n/*') || text.startsWith('/'))) docs = goDocComments(text);
      break;
    case 'ruby-doc-comments':
      if (!file.docs && (text.includes('#') || text.includes('=begin'))) docs = rubyDocComments(text);
      break;
    case 'doc-block-comments':
      if (!file.docs && text.includes('/**')) docs = docBlockComments(text);
      break;
    case 'html-escaped-markup':
      if (!file.docs && text.includes('&lt;')) docs = escapedMarkup(text);
      break;
    case 'rust-doc-comments':
      if (!file.docs && (text.includes('//') || text.includes('/*'))) docs = rustDocComments(text);
      if (!file.test && text.includes('#[cfg(test)]')) tests = rustTestModules(text);
      break;
  }
  if (docs.length === 0 && tests.length === 0) return () => file;
  const kinds = [file, { ...file, docs: true }, { ...file, test: true }, { ...file, docs: true, test: true }];
  const inDocs = spanCursor(docs);
  const inTests = spanCursor(tests);
  return (at) => kinds[(inDocs(at) ? 1 : 0) + (inTests(at) ? 2 : 0)]!;
}

/** Whether an offset lies in one of `spans` (sorted, not overlapping), for offsets that never decrease. */
function spanCursor(spans: readonly TextSpan[]): (at: number) => boolean {
  let next = 0;
  return (at) => {
    while (next < spans.length && spans[next]!.end <= at) next++;
    return next < spans.length && spans[next]!.start <= at;
  };
}

/** Base64 of a 17-to-20-digit id: `M`, `N` or `O`, then `D`, `T`, `j` or `z`, then a dot after 24 to 28 characters. */
// No lookbehind: the prescan only has to be cheap, findDiscordBotTokens checks the token's edges.
const DISCORD_ID_START = /[MNO][DTjz][A-Za-z0-9_-]{22,26}\.[A-Za-z0-9_-]{6}\./;

function fromFormat(text: string, formatId: string, defaultEnvName: string, match: FormatMatch, file: FileKind): SecretCandidate {
  const unitStart = match.unitStart ?? match.start;
  const unitEnd = match.unitEnd ?? match.end;
  return {
    formatId,
    kind: match.kind,
    start: match.start,
    end: match.end,
    unitStart,
    unitEnd,
    name: nameBefore(text, unitStart, file),
    defaultEnvName: formatId === 'connection-string' ? connectionStringEnvName(text, unitStart) : defaultEnvName,
    severity: match.severity,
    publicPrefix: match.publicPrefix,
    generic: false,
    ...(match.fillerBody ? { fillerBody: true } : {}),
    ...(match.guessable ? { guessable: true } : {}),
    ...(match.truncated ? { truncated: true } : {}),
    ...(match.notKeyShaped ? { notKeyShaped: true } : {}),
  };
}

/** Decides whether a value assigned to a secret-like name is a hardcoded secret. */
function judgeAssignment(text: string, assignment: Assignment, file: FileKind, options: ScanOptions): SecretCandidate | undefined {
  const { name, valueStart: start, valueEnd: end } = assignment;
  const vendor = matchVendorNamed(name, text.slice(start, end));
  if (vendor) {
    if (isAllowed(text.slice(start, end), options.allow)) return undefined;
    const { format, filler } = vendor;
    return { formatId: format.id, kind: format.kind, start, end, unitStart: start, unitEnd: end, name, defaultEnvName: format.defaultEnvName, generic: false, ...(filler ? { severity: 'info', fillerBody: true } : {}) };
  }
  if (assignment.bareInCode) return undefined;
  const words = splitWords(name);
  // `const DBpassword = 'DBpassword'`: a name spelled out as its own value is a key, not a secret, in
  // any case and with any separators (a generated enum's `O_AUTH2_CLIENT_CREDENTIAL = "OAuth2ClientCredential"`).
  if (words.length >= 2 && squash(text.slice(start, end)) === squash(name)) return undefined;
  // An enumeration's member spelling its name is a label whatever its length (see enum-members.ts).
  if (squash(text.slice(start, end)) === squash(name) && inEnumeration(text, start)) return undefined;
  const nameClass = classifySecretName(words);
  if (!nameClass) return undefined;
  // `password == "…"`: comparing a password with a literal hardcodes it. A token compared with a random-looking
  // literal is as often a protocol value, so there only a written shared secret counts (below).
  const random = assignment.comparison && !WRITTEN_PASSWORD_CLASSES.has(nameClass) ? undefined : judgeRandomValue(text, assignment, file, options, words, nameClass);
  return random ?? judgeWrittenPassword(text, assignment, file, options, nameClass);
}

/**
 * Names under which a password hash (`$2b$12$…`) is what a system stores in place of the password or
 * secret; under a token or key name such a value is the key itself.
 */
const HASHED_CLASSES: ReadonlySet<SecretNameClass> = new Set(['password', 'secret', 'credential']);

/** Names whose value a person may have written (`password`, `JWT_SECRET`), not only a generator. */
const WRITTEN_PASSWORD_CLASSES: ReadonlySet<SecretNameClass> = new Set(['password', 'secret']);

/** Different symbols a value under a key or token name needs before it reads as a shared secret a person wrote. */
const WRITTEN_KEY_SYMBOLS = 3;

/**
 * A password a person wrote under a password or secret name, at any entropy (secrets/passwords.ts):
 * a guessable one is a `warning` that says so. Under a key or token name, machine-issued values are
 * the generic detector's; what a person wrote there is a shared secret with symbols scattered in it
 * (`j8#kL!p2$w`), never letters and digits alone. In tests and docs such a value is a fixture or an
 * illustration, so only random values (the generic detector's) are reported there.
 */
function judgeWrittenPassword(text: string, assignment: Assignment, file: FileKind, options: ScanOptions, nameClass: SecretNameClass): SecretCandidate | undefined {
  if (file.test || file.docs) return undefined;
  const { valueStart: start, valueEnd: end, name } = assignment;
  const value = text.slice(start, end);
  if (!WRITTEN_PASSWORD_CLASSES.has(nameClass) && (value.length < options.minLength || new Set(value.replace(/[A-Za-z0-9]/g, '')).size < WRITTEN_KEY_SYMBOLS)) return undefined;
  if (!isWrittenPassword(value) || (nameClass !== 'password' && isKeyboardMash(value)) || isPackageSpec(value) || MALFORMED_VENDOR_PREFIX.test(value) || isAllowed(value, options.allow) || isDocumentedExample(value)) return undefined;
  const candidate: SecretCandidate = { start, end, unitStart: start, unitEnd: end, name, formatId: `generic-${nameClass}`, kind: GENERIC_KINDS[nameClass], defaultEnvName: 'SECRET', generic: false };
  return isGuessablePassword(value) ? { ...candidate, severity: 'warning', guessable: true } : candidate;
}

/** A random (high-entropy) value under a secret-like name, or a known shape under a vendor's name. */
function judgeRandomValue(text: string, assignment: Assignment, file: FileKind, options: ScanOptions, words: readonly string[], nameClass: SecretNameClass): SecretCandidate | undefined {
  const { name } = assignment;
  let start = assignment.valueStart;
  const end = assignment.valueEnd;
  const scheme = AUTH_SCHEME.exec(text.slice(start, Math.min(end, start + 16)));
  if (scheme) start += scheme[0].length;
  const value = text.slice(start, end);
  if (isPlaceholder(value) || isEnvReference(value) || isPackageSpec(value) || isAllowed(value, options.allow)) return undefined;
  // The name numbered is no random value (`"version_token": "version_token8"`, an API reference
  // generator's example); a person's `DBpassword1` is judged as a written password.
  if (squash(value).replace(/\d+$/, '') === squash(name)) return undefined;
  // The unit is the value after any `Bearer ` scheme, so a header literal is not replaced whole.
  const base = { start, end, unitStart: start, unitEnd: end, name, generic: false };
  // `Basic <base64 of user:password>`: a credential when it decodes to a user and a real password.
  if (scheme && /^basic/i.test(scheme[0])) {
    const pair = /^[A-Za-z0-9+/]+={0,2}$/.test(value) ? printableBase64(value) : undefined;
    return pair === undefined ? undefined : judgeBasicPair(value, pair, base, file);
  }
  // The same base64 without its scheme, under a credential's name (Spring's `base64Credentials`):
  // a login whose password is a stand-in or guessable is judged as that login; a random one goes on
  // to be judged as the random value it is.
  if (/^[A-Za-z0-9+/]{8,}={0,2}$/.test(value)) {
    const pair = printableBase64(value);
    if (pair !== undefined && BASIC_PAIR.test(pair)) {
      const login = judgeBasicPair(value, pair, base, file);
      if (login === undefined || login.guessable) return login;
    }
  }
  if (isAwsSecretName(words) && /^[A-Za-z0-9/+]{40}$/.test(value) && shannonEntropy(value) >= 3.5 && !isDocumentedExample(value)) {
    return { ...base, formatId: 'aws-secret-access-key', kind: 'AWS secret access key', defaultEnvName: 'AWS_SECRET_ACCESS_KEY' };
  }
  if (isTwilioName(words) && /^[0-9a-f]{32}$/.test(value) && shannonEntropy(value) >= 3) {
    return { ...base, formatId: 'twilio-auth-token', kind: 'Twilio auth token', defaultEnvName: 'TWILIO_AUTH_TOKEN' };
  }
  if (value.length < options.minLength || isIntegrity(value) || (isPasswordHash(value) && HASHED_CLASSES.has(nameClass)) || isStructuredText(value) || isAlgorithmName(value) || isCredentialScope(value) || isEncodedProse(value) || isDeclinedJwt(value)) return undefined;
  // A vendor's prefix on a value its format rejected (too short, ids too short) is a made-up token;
  // a client key that ships to every browser is public by design.
  if (MALFORMED_VENDOR_PREFIX.test(value) || PUBLIC_CLIENT_KEY.test(value)) return undefined;
  // Hex and UUID values are hashes and ids far more often than keys, except under a name that
  // says it holds a token, key or secret (many vendors issue 32- or 40-digit hex keys and UUIDs).
  // Hex carries at most 4 bits a character, so it is held to the threshold scaled to that ceiling.
  let ceiling = BASE62_BITS;
  const uuid = isUuid(value);
  if (uuid || isHexHash(value)) {
    if (!HEX_NAME_CLASSES.has(nameClass) || words.some((word) => HASH_WORDS.has(word))) return undefined;
    // UUIDs are ids almost everywhere; they are keys for the vendors that issue UUID keys, and as
    // npm's legacy tokens in a registry-scoped `//host/:_authToken=` line.
    if (uuid && !words.some((word) => UUID_KEY_VENDORS.has(word)) && !isScopedNpmToken(text, assignment)) return undefined;
    if (value.length < MIN_HEX_SECRET || /^sha\d/i.test(value)) return undefined;
    ceiling = HEX_BITS;
  } else if (isWordLike(value) || isPropertyKeyPath(value) || (nameClass !== 'password' && isKeyboardMash(value))) return undefined;
  // n characters carry at most log2(n) bits each, so below 16 characters the threshold scales
  // down with that ceiling: a random 12-character value must not need a score it cannot reach.
  const lengthCeiling = Math.min(1, Math.log2(value.length) / Math.log2(FULL_THRESHOLD_LENGTH));
  const required = options.entropyThreshold * lengthCeiling * (ceiling / BASE62_BITS);
  if (shannonEntropy(value) < required || isDocumentedExample(value)) return undefined;
  const generic = { ...base, formatId: `generic-${nameClass}`, kind: GENERIC_KINDS[nameClass], defaultEnvName: 'SECRET', generic: true };
  // A person's password (`password1234`, a client secret `Password123!`) passes the length-scaled bar
  // on variety alone. In tests and docs it is a fixture or an illustration; elsewhere it is still a
  // credential, and a weak one.
  if (WRITTEN_PASSWORD_CLASSES.has(nameClass) && isGuessablePassword(value)) return asGuessable(generic, file);
  return generic;
}

/** A login as HTTP Basic encodes it: a user name, a colon, a password (which may hold colons). */
const BASIC_PAIR = /^[\w.@+-]+:[\x21-\x7e]+$/;

/**
 * The `user:password` pair a Basic credential decodes to, judged as a written password is: none
 * when the password is missing, a stand-in or the user's name again; a guessable one
 * (`user:passwd2`) is a fixture in tests and docs and a `warning` elsewhere.
 */
function judgeBasicPair(value: string, pair: string, base: Omit<SecretCandidate, 'formatId' | 'kind' | 'defaultEnvName'>, file: FileKind): SecretCandidate | undefined {
  const colon = pair.indexOf(':');
  const password = pair.slice(colon + 1);
  if (colon < 0 || password.length < 4 || isPlaceholder(password) || isEnvReference(password) || password === pair.slice(0, colon) || isDocumentedExample(value)) return undefined;
  const candidate: SecretCandidate = { ...base, formatId: 'basic-auth-header', kind: 'Basic authorization credential', defaultEnvName: 'BASIC_AUTH', generic: true };
  return isGuessablePassword(password) ? asGuessable(candidate, file) : candidate;
}

/** A guessable password's finding: none in tests and docs, where it is a fixture or an illustration; a `warning` elsewhere. */
function asGuessable(candidate: SecretCandidate, file: FileKind): SecretCandidate | undefined {
  return file.test || file.docs ? undefined : { ...candidate, severity: 'warning', guessable: true };
}

/** Bits per character of random base62 and hex text of key length (what a 32-character sample scores). */
const BASE62_BITS = 4.6;
const HEX_BITS = 3.6;
/** Shortest hex value taken for a key: 16 digits (64 bits); shorter ones are ids and colours. */
const MIN_HEX_SECRET = 16;
/**
 * Prefixes whose formats are exact enough that a value the format rejected (too short, ids too
 * short, a Google key in a Firebase web config) is not a secret the generic detector should report.
 */
const MALFORMED_VENDOR_PREFIX = /^(?:xox[abposre]-|gh[pousr]_|github_pat_|glpat-|sk_live_|sk-ant-|AIza)/;

/**
 * Keys a vendor issues to be embedded in web pages and apps, public by design: PostHog's project
 * keys (`phc_…`, in n8n's telemetry config). Its personal API keys (`phx_…`) stay secrets.
 */
const PUBLIC_CLIENT_KEY = /^phc_[A-Za-z0-9]{20,}$/;

/** Vendors whose API keys are UUIDs. */
const UUID_KEY_VENDORS: ReadonlySet<string> = new Set(['heroku', 'hubspot', 'snyk', 'squarespace', 'kucoin', 'octopus', 'messagebird', 'sendbird']);

/** `//registry.example.com/:_authToken=…` in an .npmrc. */
function isScopedNpmToken(text: string, assignment: Assignment): boolean {
  return assignment.name === '_authToken' && text.startsWith('/:', assignment.nameStart - 2) && text.lastIndexOf('//', assignment.nameStart) >= Math.max(0, text.lastIndexOf('\n', assignment.nameStart));
}

const HEX_NAME_CLASSES: ReadonlySet<SecretNameClass> = new Set(['token', 'key', 'secret', 'credential']);
/** Words in a name that make a hex value a digest rather than a key (`tokenHashSecret`, `sha_key`). */
const HASH_WORDS: ReadonlySet<string> = new Set(['hash', 'hashed', 'digest', 'sha', 'sha1', 'sha256', 'sha512', 'md5', 'checksum', 'fingerprint', 'commit', 'etag', 'integrity', 'id', 'uuid', 'guid']);

/**
 * Known formats win over the generic detector on the same text (`GITHUB_TOKEN = "ghp_…"` is a
 * GitHub token, not just a high-entropy token). Overlapping candidates keep the first.
 */
function merge(known: SecretCandidate[], generic: SecretCandidate[]): SecretCandidate[] {
  const kept: SecretCandidate[] = [];
  const overlapsKept = (candidate: SecretCandidate): boolean =>
    kept.some((other) => candidate.start < other.end && other.start < candidate.end);
  for (const candidate of known) if (!overlapsKept(candidate)) kept.push(candidate);
  for (const candidate of generic) if (!overlapsKept(candidate)) kept.push(candidate);
  return kept.sort((a, b) => a.start - b.start);
}
