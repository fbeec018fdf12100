/**
 * The catalogue of credential formats with a recognisable shape. Each format names the literal
 * triggers (lowercase) that a single case-insensitive scan looks for; only at a trigger does the
 * format run its own anchored (sticky) expression, so the cost of a format is paid where its
 * prefix occurs, not per character of the file. No expression nests quantifiers over overlapping
 * classes, so none can backtrack catastrophically.
 */

import { shannonEntropy } from './entropy';
import { isEnvReference, isGuessablePassword, isMechanicalFiller, isPlaceholder, isWordLike } from './filters';
import { base64UrlJson, type CredentialFormat, type FormatMatch, glued, isAlnum, isRecord, plausibleToken, sticky, tokenFormat, valueEnd, valueStart } from './format-kit';
import { VENDOR_FORMATS } from './vendor-formats';

export type { CredentialFormat, FormatMatch } from './format-kit';

const GITHUB_KINDS: Readonly<Record<string, string>> = {
  p: 'GitHub personal access token',
  o: 'GitHub OAuth access token',
  u: 'GitHub user-to-server token',
  s: 'GitHub server-to-server token',
  r: 'GitHub refresh token',
};

const GITLAB_KINDS: Readonly<Record<string, string>> = {
  pat: 'GitLab personal access token',
  ptt: 'GitLab pipeline trigger token',
  rt: 'GitLab runner authentication token',
  runner: 'GitLab runner registration token',
  dt: 'GitLab deploy token',
  soat: 'GitLab SCIM token',
  ffct: 'GitLab feature flags client token',
  imt: 'GitLab incoming mail token',
  oas: 'GitLab OAuth application secret',
  cbt: 'GitLab CI/CD job token',
  agent: 'GitLab agent token',
};

const PRIVATE_KEY_FLAVOURS: Readonly<Record<string, string>> = {
  'RSA ': 'RSA private key',
  'EC ': 'EC private key',
  'DSA ': 'DSA private key',
  'OPENSSH ': 'OpenSSH private key',
  'ENCRYPTED ': 'encrypted private key',
  'PGP ': 'PGP private key',
};

const MAX_PRIVATE_KEY_BODY = 20000;

const privateKeyHeader = /-----BEGIN ((?:[A-Z0-9]+ ){0,3})PRIVATE KEY(?: BLOCK)?-----/y;
const privateKeyFooter = /-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----/y;

/** Longest run of base64 characters in `text[start, end)`, and how many there are in all. */
function base64Runs(text: string, start: number, end: number): { longest: number; total: number } {
  let longest = 0;
  let run = 0;
  let total = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (isAlnum(code) || code === 43 /* + */ || code === 47 /* / */ || code === 61 /* = */) {
      run++;
      total++;
      if (run > longest) longest = run;
    } else run = 0;
  }
  return { longest, total };
}

/**
 * True when a DER key body (`MII…`: a SEQUENCE with a two-byte length) holds far fewer base64
 * characters than its own header says it has: a truncated example in documentation (Twilio's API
 * docs show `MIIEpQIBAAKCAQEAuyf/…` cut after 64 characters), not a key that could sign anything.
 */
function truncatedDer(body: string, base64Total: number): boolean {
  const run = firstBodyRun(body);
  const at = run?.indexOf('MII') ?? -1;
  if (run === undefined || at < 0 || at > BODY_START_SLACK) return false;
  const head = Buffer.from(run.slice(at, at + 8), 'base64');
  if (head.length < 4 || head[0] !== 0x30 || head[1] !== 0x82) return false;
  const declaredBytes = 4 + ((head[2] << 8) | head[3]);
  return base64Total < (declaredBytes * 4) / 3 / 2;
}

/**
 * The first run of 40 or more base64 characters in a key's body: its first line. In a key written
 * into a string literal, what is left of a line-break escape may lead it (the `n` of `\n`, the
 * `u000a` of `\u000a`, the `0A` of `%0A`): at most {@link BODY_START_SLACK} characters.
 */
function firstBodyRun(body: string): string | undefined {
  return /[A-Za-z0-9+/=]{40,}/.exec(body)?.[0];
}

/** Characters of a line-break escape that may precede a key body's first character in its first run. */
const BODY_START_SLACK = 6;

/** Flavours whose body is DER, a SEQUENCE, which base64 starts with `M`; `''` is PKCS #8's `PRIVATE KEY`. */
const DER_KEY_FLAVOURS: ReadonlySet<string> = new Set(['', 'RSA ', 'EC ', 'DSA ', 'ENCRYPTED ']);
/** What every OpenSSH private key's body starts with: `openssh-key-v1` in base64. */
const OPENSSH_KEY_MAGIC = 'b3BlbnNzaC1rZXktdjE';

/**
 * True when the body cannot be the key its header names: a DER key whose first line does not start
 * as a DER SEQUENCE does, or an OpenSSH key without its format's magic. That is random base64 under a
 * real header, made up for documentation (fog's `KeyPair` example). A key encrypted the old PEM way
 * (`Proc-Type:` and `DEK-Info:` lines) holds ciphertext, which may start with anything.
 */
function notKeyShaped(flavour: string, body: string): boolean {
  const run = firstBodyRun(body);
  if (run === undefined) return false;
  const head = run.slice(0, BODY_START_SLACK + OPENSSH_KEY_MAGIC.length);
  if (flavour === 'OPENSSH ') return !head.includes(OPENSSH_KEY_MAGIC);
  return DER_KEY_FLAVOURS.has(flavour) && !body.includes('Proc-Type:') && !head.slice(0, BODY_START_SLACK + 1).includes('M');
}

const privateKey: CredentialFormat = {
  id: 'private-key',
  triggers: ['-----begin '],
  defaultEnvName: 'PRIVATE_KEY',
  match(text, at) {
    const header = sticky(privateKeyHeader, text, at);
    if (!header) return undefined;
    const bodyStart = at + header[0].length;
    // A key body is a few KiB at most; a header far from any footer is a parser constant, not a key.
    // Searching a bounded window keeps a file of many headers and no footer linear.
    const window = text.slice(bodyStart, bodyStart + MAX_PRIVATE_KEY_BODY + 9);
    const footerInWindow = window.indexOf('-----END ');
    if (footerInWindow < 0) return undefined;
    const endAt = bodyStart + footerInWindow;
    const footer = sticky(privateKeyFooter, text, endAt);
    if (!footer) return undefined;
    const { longest, total } = base64Runs(text, bodyStart, endAt);
    if (longest < 40 || total < 64) return undefined;
    const body = text.slice(bodyStart, endAt);
    if (body.includes('...') || body.includes('…') || body.includes('{{') || /x{8}|X{8}/.test(body)) return undefined;
    let kind = PRIVATE_KEY_FLAVOURS[header[1]] ?? 'private key';
    const around = text.slice(Math.max(0, at - 4000), endAt + 4000);
    if (around.includes('service_account') && around.includes('"private_key"')) kind = 'GCP service account private key';
    // A body cut short holds the key's header and the start of its public modulus, no secret:
    // still shown (gitleaks' own samples are such), at `info`, for someone to confirm.
    if (truncatedDer(body, total)) return { start: at, end: endAt + footer[0].length, kind, severity: 'info', truncated: true };
    // Likewise a body that is not shaped like the key at all: made up for an example.
    if (notKeyShaped(header[1], body)) return { start: at, end: endAt + footer[0].length, kind, severity: 'info', notKeyShaped: true };
    return { start: at, end: endAt + footer[0].length, kind };
  },
};

const jwtPattern = /eyJ[A-Za-z0-9_-]{8,2000}\.ey[A-Za-z0-9_-]{8,8000}\.[A-Za-z0-9_-]{16,2000}(?![A-Za-z0-9_-])/y;
const wholeJwt = /^eyJ[A-Za-z0-9_-]{8,2000}\.ey[A-Za-z0-9_-]{8,8000}\.[A-Za-z0-9_-]{16,2000}$/;

/**
 * True when `token` (already shaped like `header.payload.signature`) decodes as a JWT: both
 * header and payload are JSON objects. Signed tokens carry `alg`; encrypted and detached ones may
 * carry only other JOSE header fields, so a base64-wrapped token needs just the two objects.
 * jwt.io's sample token and Supabase anon keys, which are public by design, are not secrets.
 */
function isSecretJwt(token: string, needAlg: boolean): boolean {
  const [headerPart, payloadPart] = token.split('.');
  const header = base64UrlJson(headerPart);
  const payload = base64UrlJson(payloadPart);
  if (!isRecord(header) || !isRecord(payload)) return false;
  if (needAlg && typeof header.alg !== 'string') return false;
  if (payload.sub === '1234567890' && payload.name === 'John Doe') return false;
  // PyJWT's documented example (`jwt.encode({"some": "payload"}, "secret")`), copied into tutorials.
  if (payload.some === 'payload' && Object.keys(payload).length === 1) return false;
  return payload.role !== 'anon';
}

/**
 * True for a value that is a signed JSON Web Token or a piece of one, which the JWT format judges:
 * its header alone (`eyJhbGciOiJIUzI1NiJ9`), or a token whose header names a signing algorithm.
 * What the format declines there is public (jwt.io's sample) or carries a signature cut short or
 * made up (`….wrong`): no server accepts it, so the generic detector leaves it. An unsigned token
 * (`"alg":"none"`) is usable as it is, against a server that accepts one, and stays the generic
 * detector's to judge under a secret's name.
 */
export function isDeclinedJwt(value: string): boolean {
  if (!/^eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){0,2}$/.test(value)) return false;
  const [headerPart, payloadPart] = value.split('.');
  const header = base64UrlJson(headerPart);
  if (!isRecord(header)) return false;
  return payloadPart === undefined || payloadPart === '' || (typeof header.alg === 'string' && header.alg.toLowerCase() !== 'none');
}

const jsonWebToken: CredentialFormat = {
  id: 'jwt',
  triggers: ['eyj'],
  defaultEnvName: 'AUTH_TOKEN',
  match(text, at) {
    if (glued(text, at, '-+/.')) return undefined;
    const found = sticky(jwtPattern, text, at);
    if (!found || !isSecretJwt(found[0], true)) return undefined;
    return { start: at, end: at + found[0].length, kind: 'JSON Web Token' };
  },
};

/** Standard base64 of `eyJ…`, the way Kubernetes secrets and some config stores keep a token. */
const base64JwtPattern = /ZXlK[A-Za-z0-9+/]{60,16000}={0,2}(?![A-Za-z0-9+/=])/y;

const base64JsonWebToken: CredentialFormat = {
  id: 'jwt-base64',
  triggers: ['zxlk'],
  defaultEnvName: 'AUTH_TOKEN',
  match(text, at) {
    if (glued(text, at, '-+/.')) return undefined;
    const found = sticky(base64JwtPattern, text, at);
    if (!found) return undefined;
    const decoded = Buffer.from(found[0], 'base64').toString('latin1').trimEnd();
    if (!wholeJwt.test(decoded) || !isSecretJwt(decoded, false)) return undefined;
    return { start: at, end: at + found[0].length, kind: 'base64-encoded JSON Web Token' };
  },
};

const telegramPattern = /:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])/y;

const telegramBotToken: CredentialFormat = {
  id: 'telegram-bot-token',
  triggers: [':aa'],
  defaultEnvName: 'TELEGRAM_BOT_TOKEN',
  match(text, at) {
    const found = sticky(telegramPattern, text, at);
    if (!found) return undefined;
    let start = at;
    while (start > 0 && start > at - 11 && text.charCodeAt(start - 1) >= 48 && text.charCodeAt(start - 1) <= 57) start--;
    const digits = at - start;
    if (digits < 8 || digits > 10 || glued(text, start)) return undefined;
    if (!plausibleToken(text.slice(start, at + found[0].length), found[0].slice(3))) return undefined;
    return { start, end: at + found[0].length, kind: 'Telegram bot token' };
  },
};

const discordWebhookPattern = /discord(?:app)?\.com\/api\/webhooks\/\d{17,20}\/[A-Za-z0-9_-]{60,80}(?![A-Za-z0-9_-])/y;

const discordWebhook: CredentialFormat = {
  id: 'discord-webhook',
  triggers: ['discord'],
  defaultEnvName: 'DISCORD_WEBHOOK_URL',
  match(text, at) {
    const found = sticky(discordWebhookPattern, text, at);
    if (!found) return undefined;
    const secret = found[0].slice(found[0].lastIndexOf('/') + 1);
    if (!plausibleToken(found[0], secret)) return undefined;
    const start = text.startsWith('https://', at - 8) ? at - 8 : at;
    return { start, end: at + found[0].length, kind: 'Discord webhook URL' };
  },
};

/** Bot tokens have no literal prefix: they are looked for in files that mention Discord or hold a base64 id in token shape. */
const discordBotTokenPattern = /(?<![A-Za-z0-9_-])[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}(?![A-Za-z0-9_.-])/g;

/** Discord bot tokens in `text` whose first part decodes to a numeric id. */
export function findDiscordBotTokens(text: string): FormatMatch[] {
  const matches: FormatMatch[] = [];
  discordBotTokenPattern.lastIndex = 0;
  for (let found = discordBotTokenPattern.exec(text); found; found = discordBotTokenPattern.exec(text)) {
    const [idPart, , secretPart] = found[0].split('.');
    // The first part is the bot's numeric user id in base64; a token with a few characters edited
    // (to hide it, or to make a fixture of a real one) still decodes to a number with a few stray bytes.
    const id = Buffer.from(idPart, 'base64url').toString('latin1');
    const digits = id.replace(/\D/g, '').length;
    if (!/^\d(?:.*\d)?$/s.test(id) || digits < id.length * MOSTLY_DIGITS || id.length < 17 || id.length > 20 || !plausibleToken(found[0], secretPart)) continue;
    matches.push({ start: found.index, end: found.index + found[0].length, kind: 'Discord bot token' });
  }
  return matches;
}

/** Share of a Discord token's decoded id part that must be digits. */
const MOSTLY_DIGITS = 2 / 3;

/** Env name for Discord bot tokens found by {@link findDiscordBotTokens}. */
export const DISCORD_BOT_TOKEN_ENV = 'DISCORD_TOKEN';

const slackWebhookPattern = /hooks\.slack\.com\/(?:services|workflows|triggers)\/(?:[A-Za-z0-9]{6,16}\/[A-Za-z0-9]{6,16}\/(?:[A-Za-z0-9]{6,24}\/)?[A-Za-z0-9]{20,48}|[A-Za-z0-9+/]{43,56})(?![A-Za-z0-9+/])/y;

const slackWebhook: CredentialFormat = {
  id: 'slack-webhook',
  triggers: ['hooks.slack.com/'],
  defaultEnvName: 'SLACK_WEBHOOK_URL',
  match(text, at) {
    const found = sticky(slackWebhookPattern, text, at);
    if (!found) return undefined;
    // The workspace and channel ids are public; the last part is the secret.
    const secret = found[0].slice(found[0].lastIndexOf('/') + 1);
    if (!plausibleToken(found[0], secret)) return undefined;
    const start = text.startsWith('https://', at - 8) ? at - 8 : text.startsWith('http://', at - 7) ? at - 7 : at;
    return { start, end: at + found[0].length, kind: 'Slack webhook URL' };
  },
};

/** Connection-string schemes whose `user:password@host` part carries a real password. */
const DATABASE_SCHEMES: ReadonlyMap<string, { label: string; env: string }> = new Map([
  ['postgres', { label: 'PostgreSQL', env: 'DATABASE_URL' }],
  ['postgresql', { label: 'PostgreSQL', env: 'DATABASE_URL' }],
  ['mysql', { label: 'MySQL', env: 'DATABASE_URL' }],
  ['mysqlx', { label: 'MySQL', env: 'DATABASE_URL' }],
  ['mariadb', { label: 'MariaDB', env: 'DATABASE_URL' }],
  ['mssql', { label: 'SQL Server', env: 'DATABASE_URL' }],
  ['sqlserver', { label: 'SQL Server', env: 'DATABASE_URL' }],
  ['oracle', { label: 'Oracle', env: 'DATABASE_URL' }],
  ['cockroachdb', { label: 'CockroachDB', env: 'DATABASE_URL' }],
  ['clickhouse', { label: 'ClickHouse', env: 'DATABASE_URL' }],
  ['mongodb', { label: 'MongoDB', env: 'MONGODB_URI' }],
  ['redis', { label: 'Redis', env: 'REDIS_URL' }],
  ['rediss', { label: 'Redis', env: 'REDIS_URL' }],
  ['amqp', { label: 'AMQP', env: 'AMQP_URL' }],
  ['amqps', { label: 'AMQP', env: 'AMQP_URL' }],
  ['couchdb', { label: 'CouchDB', env: 'COUCHDB_URL' }],
  ['neo4j', { label: 'Neo4j', env: 'NEO4J_URI' }],
  ['bolt', { label: 'Neo4j', env: 'NEO4J_URI' }],
  ['ldap', { label: 'LDAP', env: 'LDAP_URL' }],
  ['ldaps', { label: 'LDAP', env: 'LDAP_URL' }],
  ['ftp', { label: 'FTP', env: 'FTP_URL' }],
  ['ftps', { label: 'FTP', env: 'FTP_URL' }],
  ['sftp', { label: 'SFTP', env: 'SFTP_URL' }],
  ['smtp', { label: 'SMTP', env: 'SMTP_URL' }],
  ['smtps', { label: 'SMTP', env: 'SMTP_URL' }],
  ['nats', { label: 'NATS', env: 'NATS_URL' }],
  ['snowflake', { label: 'Snowflake', env: 'SNOWFLAKE_URL' }],
]);

const CLOUDANT = { label: 'IBM Cloudant', env: 'CLOUDANT_URL' };
/** `https://user:password@host`: basic-auth credentials to any web service. */
const WEB_URL = { label: 'URL', env: 'SERVICE_URL' };
/** `user:password@account.cloudant.com`, read up to the end of the host. */
const CLOUDANT_HOST = /^[^\s/@'"`]{1,300}@[A-Za-z0-9_.-]{1,100}\.cloudant\.com(?![A-Za-z0-9.-])/;

const credentialsAfterScheme = /([^\s:/@'"`]{0,256}):([^\s/@'"`]{1,256})@[A-Za-z0-9[]/y;

const LOOPBACK_HOST = /^(?:localhost|127\.\d+\.\d+\.\d+|\[::1\]|0\.0\.0\.0)(?![\w.-])/;
/**
 * Names reserved for documentation and tests (RFC 2606, RFC 6761): `example.com`, `.net`, `.org` and
 * their subdomains, and names under `.example`, `.test`, `.invalid` and `.localhost`. No login to
 * them is live: a URL's credentials there are an illustration (the url crate's docs, reqwest's tests).
 */
const EXAMPLE_HOST = /^(?:[\w-]+\.)*(?:example\.(?:com|net|org)|[\w-]+\.(?:example|test|invalid|localhost))\.?(?![\w.-])/i;

const connectionString: CredentialFormat = {
  id: 'connection-string',
  triggers: ['://'],
  defaultEnvName: 'DATABASE_URL',
  match(text, at) {
    let schemeStart = at;
    while (schemeStart > 0 && at - schemeStart < 32 && /[A-Za-z0-9+.-]/.test(text[schemeStart - 1])) schemeStart--;
    const scheme = text.slice(schemeStart, at).toLowerCase();
    const base = scheme.split('+')[0];
    let known = DATABASE_SCHEMES.get(base);
    // HTTP(S) URLs carry a password to many hosts that are not databases; IBM Cloudant's are.
    const web = base === 'https' || base === 'http';
    if (web) known = CLOUDANT_HOST.test(text.slice(at + 3, at + 600)) ? CLOUDANT : WEB_URL;
    if (!known) return undefined;
    const found = sticky(credentialsAfterScheme, text, at + 3);
    if (!found) return undefined;
    const [, user, password] = found;
    // `p%40ss` is judged as the `p@ss` it encodes.
    const plain = percentDecoded(password);
    if (password === user || isEnvReference(plain) || plain.startsWith('$')) return undefined;
    // `scott:tiger`: Oracle's demo account, the example of SQLAlchemy's and countless guides'
    // connection strings (`scott:tiger^5HHH` shows a password with symbols), allowed by value.
    if (user.toLowerCase() === 'scott' && plain.toLowerCase().startsWith('tiger')) return undefined;
    // A Cloudant password has an exact shape (64 hex digits, or a 24-letter API key), so a typed filler in that shape is a note.
    const filler = known === CLOUDANT && /^(?:[0-9a-f]{64}|[a-z]{24})$/.test(password) && isMechanicalFiller(password);
    if (!filler && (isPlaceholder(plain) || !/[A-Za-z0-9]/.test(plain))) return undefined;
    // A password a person picked, in a web URL: weak, and in docs and tests an illustration.
    const guessable = known === WEB_URL && isGuessablePassword(plain);
    const passwordStart = at + 3 + user.length + 1;
    const hostStart = passwordStart + password.length + 1;
    const host = text.slice(hostStart, hostStart + 256);
    const loopback = LOOPBACK_HOST.test(host);
    const exampleHost = EXAMPLE_HOST.test(host);
    return {
      start: passwordStart,
      end: passwordStart + password.length,
      kind: known === WEB_URL ? 'password in a URL' : `${known.label} connection-string password`,
      unitStart: schemeStart,
      unitEnd: valueEnd(text, hostStart),
      // Credentials for a database on this machine are development defaults, and those for a reserved
      // example name illustrations: worth a note, not a failure.
      severity: loopback || exampleHost || filler ? 'info' : guessable ? 'warning' : undefined,
      ...(filler ? { fillerBody: true } : {}),
      ...(guessable ? { guessable: true } : {}),
      // A guessable or loopback password (`http://user:…@localhost`) in a URL parser's tests or a proxy guide is an example, not a login;
      // so is any password for a reserved example name.
      ...((known === WEB_URL && (guessable || loopback)) || exampleHost ? { illustrativeInTestsAndDocs: true } : {}),
    };
  },
};

/** `value` with its percent-escapes decoded, or as it is when they are not valid UTF-8. */
function percentDecoded(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The env variable a fix reads for the connection string starting at `unitStart` (`DATABASE_URL`, `MONGODB_URI`…). */
export function connectionStringEnvName(text: string, unitStart: number): string {
  const scheme = /^[A-Za-z0-9]+/.exec(text.slice(unitStart, unitStart + 32))?.[0].toLowerCase() ?? '';
  if (scheme === 'http' || scheme === 'https') return WEB_URL.env;
  return DATABASE_SCHEMES.get(scheme)?.env ?? 'DATABASE_URL';
}

const AZURE_CONNECTION_STARTS = ['DefaultEndpointsProtocol=', 'AccountName=', 'BlobEndpoint=', 'Endpoint='];

/** A `Key=base64` part of an Azure connection string, with the whole connection string as the unit. */
function azureKeyFormat(id: string, field: string, pattern: RegExp, kind: string, defaultEnvName: string): CredentialFormat {
  return {
    id,
    triggers: [field.toLowerCase()],
    defaultEnvName,
    match(text, at) {
      if (glued(text, at)) return undefined;
      const found = sticky(pattern, text, at);
      if (!found) return undefined;
      const start = at + field.length;
      if (!plausibleToken(found[1], found[1])) return undefined;
      const extentStart = valueStart(text, at);
      let unitStart = at;
      const prefix = text.slice(extentStart, at);
      for (const marker of AZURE_CONNECTION_STARTS) {
        const index = prefix.indexOf(marker);
        if (index >= 0 && extentStart + index < unitStart) unitStart = extentStart + index;
      }
      return { start, end: start + found[1].length, kind, unitStart, unitEnd: valueEnd(text, start) };
    },
  };
}

const googleApiKeyToken = tokenFormat({
  id: 'google-api-key',
  triggers: ['aiza'],
  defaultEnvName: 'GOOGLE_API_KEY',
  pattern: /AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/y,
  kind: () => 'Google API key',
  prefixLength: () => 4,
  blockedBefore: '+/-',
});

/** Keys of a Firebase web app config, which ships to every browser that loads the app. */
const FIREBASE_CONFIG = /authDomain|firebaseapp\.com|messagingSenderId|firebaseConfig|firebase_config|FIREBASE_API_KEY|databaseURL/;

/**
 * Google API keys, except in a Firebase web config: there the key identifies the project to
 * Firebase and is public by design (access is governed by security rules, not by the key).
 */
const googleApiKey: CredentialFormat = {
  ...googleApiKeyToken,
  match(text, at) {
    const found = googleApiKeyToken.match(text, at);
    if (!found) return undefined;
    const around = text.slice(Math.max(0, at - 600), Math.min(text.length, found.end + 600));
    return FIREBASE_CONFIG.test(around) ? undefined : found;
  },
};

/** Every format with a literal trigger, in the order they are tried at a shared trigger. */
export const CREDENTIAL_FORMATS: readonly CredentialFormat[] = [
  tokenFormat({
    id: 'aws-access-key-id',
    triggers: ['akia', 'asia', 'abia', 'acca', 'a3t'],
    defaultEnvName: 'AWS_ACCESS_KEY_ID',
    pattern: /(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}(?![A-Za-z0-9])/y,
    kind: () => 'AWS access key ID',
    prefixLength: () => 4,
    blockedBefore: '+/',
    minimumEntropy: 2.5,
    fillerInfo: true,
  }),
  googleApiKey,
  tokenFormat({
    id: 'github-token',
    triggers: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
    defaultEnvName: 'GITHUB_TOKEN',
    pattern: /gh([pousr])_[A-Za-z0-9]{36,251}(?![A-Za-z0-9_])/y,
    kind: (found) => GITHUB_KINDS[found[1]],
    prefixLength: () => 4,
  }),
  tokenFormat({
    id: 'github-fine-grained-token',
    triggers: ['github_pat_'],
    defaultEnvName: 'GITHUB_TOKEN',
    pattern: /github_pat_[A-Za-z0-9_]{60,255}(?![A-Za-z0-9_])/y,
    kind: () => 'GitHub fine-grained personal access token',
    prefixLength: () => 11,
  }),
  tokenFormat({
    id: 'gitlab-token',
    triggers: ['glpat-', 'glptt-', 'glrt-', 'glrtr-', 'gldt-', 'glsoat-', 'glffct-', 'glimt-', 'gloas-', 'glcbt-', 'glagent-', 'glft-', 'glwt-', 'gr1348941'],
    defaultEnvName: 'GITLAB_TOKEN',
    pattern: /(?:gl(pat|ptt|rtr?|dt|soat|ffct|imt|oas|cbt|agent|ft|wt)-|GR1348941)[A-Za-z0-9_.-]{20,100}(?![A-Za-z0-9_.-])/y,
    kind: (found) => GITLAB_KINDS[found[1] ?? 'runner'] ?? 'GitLab token',
    prefixLength: (found) => (found[1] ? found[1].length + 3 : 9),
    // `glimt-my-tokens_are-correct`: words after a real prefix are a made-up example.
    accept: (found) => !isWordLike(found[0].slice(found[1] ? found[1].length + 3 : 9)),
    fillerInfo: true,
  }),
  tokenFormat({
    id: 'slack-token',
    triggers: ['xoxb-', 'xoxa-', 'xoxp-', 'xoxr-', 'xoxs-', 'xoxe-'],
    defaultEnvName: 'SLACK_TOKEN',
    pattern: /xox([bapres])-(?:\d-)?(?:\d{6,15}-){1,3}[0-9A-Za-z]{16,64}(?![0-9A-Za-z-])/y,
    kind: (found) => (found[1] === 'b' ? 'Slack bot token' : found[1] === 'p' ? 'Slack user token' : 'Slack token'),
    prefixLength: () => 5,
    // Workspace and user ids come first; only the last part is random.
    bodyStart: (found) => found[0].lastIndexOf('-') + 1,
    fillerInfo: true,
  }),
  tokenFormat({
    id: 'slack-app-token',
    triggers: ['xapp-'],
    defaultEnvName: 'SLACK_APP_TOKEN',
    pattern: /xapp-\d-[A-Z0-9]{8,16}-\d{8,16}-[a-z0-9]{32,80}(?![0-9A-Za-z-])/y,
    kind: () => 'Slack app-level token',
    prefixLength: () => 5,
    // The app and request ids come first; only the last part is random.
    bodyStart: (found) => found[0].lastIndexOf('-') + 1,
  }),
  slackWebhook,
  discordWebhook,
  telegramBotToken,
  tokenFormat({
    id: 'stripe-key',
    triggers: ['sk_live_', 'rk_live_', 'sk_test_', 'rk_test_', 'sk_prod_', 'rk_prod_'],
    defaultEnvName: 'STRIPE_SECRET_KEY',
    // Stripe issues at least 24 characters after the mode word.
    pattern: /([sr])k_(live|test|prod)_[0-9A-Za-z]{24,247}(?![0-9A-Za-z])/y,
    kind: (found) => `Stripe ${found[2]} ${found[1] === 's' ? 'secret' : 'restricted'} key`,
    prefixLength: () => 8,
    // Test-mode keys reach only test data: worth moving out of code, not worth failing a build.
    severity: (found) => (found[2] === 'test' ? 'info' : undefined),
    fillerInfo: true,
  }),
  tokenFormat({
    id: 'sendgrid-api-key',
    triggers: ['sg.'],
    defaultEnvName: 'SENDGRID_API_KEY',
    pattern: /SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/y,
    kind: () => 'SendGrid API key',
    prefixLength: () => 3,
  }),
  tokenFormat({
    id: 'npm-token',
    triggers: ['npm_'],
    defaultEnvName: 'NPM_TOKEN',
    pattern: /npm_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/y,
    kind: () => 'npm access token',
    prefixLength: () => 4,
    minimumEntropy: 3.5,
  }),
  tokenFormat({
    id: 'pypi-token',
    triggers: ['pypi-age'],
    defaultEnvName: 'PYPI_TOKEN',
    pattern: /pypi-AgE[A-Za-z0-9_-]{50,400}(?![A-Za-z0-9_-])/y,
    kind: () => 'PyPI API token',
    prefixLength: () => 5,
  }),
  tokenFormat({
    id: 'anthropic-api-key',
    triggers: ['sk-ant-'],
    defaultEnvName: 'ANTHROPIC_API_KEY',
    pattern: /sk-ant-[a-z]{3,6}\d{2}-[A-Za-z0-9_-]{32,200}(?![A-Za-z0-9_-])/y,
    kind: () => 'Anthropic API key',
    prefixLength: () => 7,
    blockedBefore: '-',
  }),
  tokenFormat({
    id: 'openai-api-key',
    triggers: ['sk-'],
    defaultEnvName: 'OPENAI_API_KEY',
    pattern: /sk-(?:(proj|svcacct|admin)-)?[A-Za-z0-9_-]{20,250}(?![A-Za-z0-9_-])/y,
    kind: () => 'OpenAI API key',
    prefixLength: (found) => (found[1] ? found[1].length + 4 : 3),
    blockedBefore: '-',
    minimumEntropy: 3.5,
    // Project/service keys by prefix; legacy keys carry "T3BlbkFJ" (base64 of "OpenAI") or are 48 alphanumerics.
    accept: (found) => found[1] !== undefined || found[0].includes('T3BlbkFJ') || /^sk-[A-Za-z0-9]{48}$/.test(found[0]),
  }),
  tokenFormat({
    id: 'huggingface-token',
    triggers: ['hf_'],
    defaultEnvName: 'HF_TOKEN',
    pattern: /hf_[A-Za-z0-9]{34,40}(?![A-Za-z0-9_])/y,
    kind: () => 'Hugging Face access token',
    prefixLength: () => 3,
    minimumEntropy: 3.5,
  }),
  azureKeyFormat(
    'azure-storage-account-key',
    'AccountKey=',
    /AccountKey=([A-Za-z0-9+/]{86}==)/y,
    'Azure storage account key',
    'AZURE_STORAGE_CONNECTION_STRING',
  ),
  azureKeyFormat(
    'azure-shared-access-key',
    'SharedAccessKey=',
    /SharedAccessKey=([A-Za-z0-9+/]{42,43}=)/y,
    'Azure shared access key',
    'AZURE_CONNECTION_STRING',
  ),
  ...VENDOR_FORMATS,
  privateKey,
  jsonWebToken,
  base64JsonWebToken,
  connectionString,
];
