/**
 * What an assigned name says about its value: `DB_PASSWORD` holds a password, `apiKey` a key,
 * `tokenType` does not hold a token. Judged by the name's last word, because the last word is
 * what the thing is (`passwordField`, `secretName` and `authUrl` are not secrets).
 */
export type SecretNameClass = 'password' | 'secret' | 'token' | 'key' | 'credential' | 'authorization';

const LAST_WORD_CLASS: ReadonlyMap<string, SecretNameClass> = new Map([
  ['password', 'password'],
  ['passwd', 'password'],
  ['pwd', 'password'],
  ['pass', 'password'],
  ['passphrase', 'password'],
  ['secret', 'secret'],
  ['token', 'token'],
  ['credential', 'credential'],
  ['credentials', 'credential'],
  ['creds', 'credential'],
  ['cred', 'credential'],
  ['auth', 'credential'],
  ['authorization', 'authorization'],
  ['apikey', 'key'],
  // Glued the way environment names are (`SUMOLOGIC_ACCESSKEY`): the same as `access_key`.
  ['accesskey', 'key'],
  ['secretkey', 'key'],
  ['privatekey', 'key'],
]);

/** Single words that glue a qualifier to a secret noun (`APIKEY`, `authtoken`, `clientsecret`). */
const COMPOUND_SUFFIXES: readonly [string, SecretNameClass][] = [
  ['password', 'password'],
  ['passwd', 'password'],
  ['secret', 'secret'],
  ['token', 'token'],
  ['apikey', 'key'],
  ['privatekey', 'key'],
  ['secretkey', 'key'],
  ['accesskey', 'key'],
];

/** Words that make `...Key` a secret key rather than a lookup key, a key code or a React key. */
const KEY_QUALIFIERS: ReadonlySet<string> = new Set([
  'api',
  'access',
  'secret',
  'private',
  'auth',
  'signing',
  'encryption',
  'master',
  'client',
  'app',
  'account',
  'service',
  'admin',
  'subscription',
  'jwt',
  'hmac',
  'license',
  'storage',
]);

/** Words after a secret noun that name its type, not a different thing (`secretString`, `tokenValue`). */
const TRAILING_TYPE_WORDS: ReadonlySet<string> = new Set(['string', 'str', 'value', 'val']);

/** Words that mark a value as public by design (Stripe publishable keys, public keys) or per-session by design (CSRF tokens). */
const PUBLIC_WORDS: ReadonlySet<string> = new Set(['public', 'publishable', 'pub', 'csrf', 'xsrf']);

/**
 * Words before `token` that make it a cursor for the next page of results (`NextToken`,
 * `ContinuationToken`) or a version tag (Square's `version_token`, which a payment update must
 * quote back, like an ETag).
 */
const CURSOR_WORDS: ReadonlySet<string> = new Set(['next', 'continuation', 'pagination', 'version']);

/**
 * `NextContinuationToken` (S3), `nextPageToken` (Google APIs), `NextToken` (AWS), `paginationToken`,
 * `versionToken`: an opaque cursor or version a service hands out, no credential. Only right before
 * `token`: `nextAuthToken` and `FB_PAGE_TOKEN` still hold credentials.
 */
function isCursorToken(words: readonly string[]): boolean {
  const before = words[words.length - 2];
  return before !== undefined && (CURSOR_WORDS.has(before) || (before === 'page' && words[words.length - 3] === 'next'));
}

/**
 * Splits an identifier into lowercase words at `_`, `-`, `.`, spaces and camelCase boundaries:
 * `AWS_SECRET_ACCESS_KEY` → aws secret access key, `apiKey` → api key, `OAuthToken` → o auth token.
 * Digits stay with the word before them (`oauth2Token` → oauth2 token).
 */
export function splitWords(name: string): string[] {
  const words: string[] = [];
  const pattern = /[A-Z]+(?![a-z])\d*|[A-Z]?[a-z]+\d*|\d+/g;
  for (const match of name.matchAll(pattern)) words.push(match[0].toLowerCase());
  return words;
}

/**
 * First words that make a name the name of a markup element, form field, attribute or column that
 * holds a secret, not the secret: `ElemPassword1 = "Passwort1"` (KeePass's importer, the element's
 * German name), `FIELD_PASSWORD = "pwd"`, `COLUMN_SECRET = "clientSecret"`.
 */
const NAME_OF_A_NAME_WORDS: ReadonlySet<string> = new Set(['elem', 'element', 'field', 'attr', 'attribute', 'column', 'col']);

/**
 * Words after which a name says where its thing comes from or what it is for: the thing is named
 * before them (`subjectFromWebIdentityToken` holds a subject, `lengthOfToken` a length,
 * `AWS_SECRET_FOR_CI` a secret).
 */
const PREPOSITIONS: ReadonlySet<string> = new Set(['from', 'of', 'by', 'for']);

/** The class of secret a name (split by {@link splitWords}) suggests, or undefined when it names no secret. */
export function classifySecretName(namedWords: readonly string[]): SecretNameClass | undefined {
  const preposition = namedWords.findIndex((word, index) => index > 0 && PREPOSITIONS.has(word));
  const allWords = preposition > 0 ? namedWords.slice(0, preposition) : namedWords;
  if (allWords.length === 0 || namedWords.some((word) => PUBLIC_WORDS.has(word))) return undefined;
  // Only right before the secret's noun: `FIELD_ENCRYPTION_KEY` (django-encrypted-fields' setting) holds a key.
  if (allWords.length === 2 && NAME_OF_A_NAME_WORDS.has(allWords[0])) return undefined;
  // `api_token_2`, `mySecretString`: a trailing number or type word does not change what the value is.
  let count = allWords.length;
  while (count > 1 && (/^\d+$/.test(allWords[count - 1]) || TRAILING_TYPE_WORDS.has(allWords[count - 1]))) count--;
  const words = count === allWords.length ? allWords : allWords.slice(0, count);
  // `secret2`, `password1`: a numbered secret is still a secret.
  const last = words[words.length - 1].replace(/\d+$/, '');
  const direct = LAST_WORD_CLASS.get(last);
  if (direct === 'token' && isCursorToken(words)) return undefined;
  if (direct) return direct;
  if (last === 'key' && words.length >= 2 && KEY_QUALIFIERS.has(words[words.length - 2])) return 'key';
  for (const [suffix, nameClass] of COMPOUND_SUFFIXES) {
    if (last.length > suffix.length && last.endsWith(suffix)) return nameClass;
  }
  return undefined;
}

/** True for names of an AWS secret access key (`aws_secret_access_key`, `secretAccessKey`, `AWS_SECRET`). */
export function isAwsSecretName(words: readonly string[]): boolean {
  if (words.includes('aws') && words.includes('secret')) return true;
  const secretAt = words.indexOf('secret');
  return secretAt >= 0 && words[secretAt + 1] === 'access' && words[secretAt + 2] === 'key';
}

/** True for names that mention Twilio (`TWILIO_AUTH_TOKEN`, `twilioToken`). */
export function isTwilioName(words: readonly string[]): boolean {
  return words.includes('twilio');
}

/**
 * The environment variable a name would map to: `apiKey` → `API_KEY`, `db.password` → `DB_PASSWORD`.
 * Undefined when the name has no letters or digits to build one from.
 */
export function envVarName(name: string): string | undefined {
  const words = splitWords(name);
  if (words.length === 0) return undefined;
  const joined = words.join('_').toUpperCase();
  return /^\d/.test(joined) ? `_${joined}` : joined;
}
