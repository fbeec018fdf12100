import { createHash } from 'node:crypto';
import { shannonEntropy } from './entropy';
import { classifySecretName, splitWords } from './names';

/**
 * Values that look like secrets but are not: placeholders, references to the environment, ids,
 * hashes, lockfile integrity strings and keys that vendors publish in their documentation.
 * Every check here is cheap and runs only on candidates, never on whole files.
 */

/** Words that mark a value as a stand-in (`your-api-key`, `changeme`, `dummy-token`, `<redacted>`). */
const PLACEHOLDER_WORDS: readonly string[] = [
  'example',
  'sample',
  'dummy',
  'placeholder',
  'redacted',
  'changeme',
  'change_me',
  'change-me',
  'changeit',
  'replace',
  'your',
  'fake',
  'mock',
  'test',
  'lorem',
  'insert',
  'notreal',
  'not_real',
  'not-real',
  'foobar',
  'xxxx',
  // `your-password-here`, `p@ssw0rd-here`, `token_goes_here`: documentation's stand-ins.
  'here',
];

/** Whole values that are keywords or type names rather than secrets. */
const PLACEHOLDER_VALUES: ReadonlySet<string> = new Set([
  'none',
  'null',
  'nil',
  'undefined',
  'true',
  'false',
  'string',
  'str',
  'required',
  'optional',
  'default',
  'value',
  'secret',
  'password',
  'passwd',
  'pass',
  'pwd',
  'token',
  'unset',
  'empty',
]);

/** `mypassword`, `my-secret`, `your_api_key`, `a secret`: the stand-in a guide writes for the reader's own value. */
const MY_STAND_IN = /^(?:my|your|an?|the|some)[-_ ]?(?:password|passwd|pass|pwd|secret|token|api[-_ ]?key|key)s?$/;

/**
 * A constant's name standing where its value goes, as install guides write them: OpenStack's
 * `mysql+pymysql://keystone:KEYSTONE_DBPASS@controller/keystone`, `RABBIT_PASS`, `METADATA_SECRET`.
 * Two words or more in capitals, the last naming a credential; a single word (`SECRETPASS`) may be a
 * password someone typed.
 */
const NAMED_STAND_IN = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_[A-Z]*(?:PASS|PASSWORD|PASSWD|PWD|SECRET|TOKEN|KEY)$/;

/**
 * SHA-256 of keys that vendors and standards publish as documentation or emulator defaults, allowed
 * by exact value (never by loosening a check). Stored as hashes so that this file does not itself
 * contain secret-shaped text. AWS's documented keys carry the word EXAMPLE and are placeholders anyway.
 */
const DOCUMENTED_EXAMPLE_HASHES: ReadonlySet<string> = new Set([
  // The Azurite storage emulator's well-known account key.
  '0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059',
  // Stripe's API reference test keys (secret and publishable).
  '2cafc0970149a84f3b9e62eaf169f36f59907a3b3e31f7b82e68c69cd27f7326',
  'f2d6ca16515033e5dce14eba840b979d27b5cbae24bb3e5bf484339667f86397',
  'b1471f544ceeea31333bde7e1ecbaad6eac0d4a749412ad29bd66ef895b81c6b',
  // Kept from the rule's first list (a vendor's documentation example).
  '3543c50b0cb9cea8e55eb1f529b79f043cb250d485fde7b66cabbb5183add7da',
  // OAuth 2.0 (RFC 6749 §2.3.1, §4.1, §5.1) and bearer-token (RFC 6750 §2.1) examples: the Basic client
  // credential and its client secret, the authorization code, access token, refresh token and bearer token.
  'ca7459e2b26776de081b9a07e40227fd6cff232a1e3233ff6b6aa6d036ca9981',
  '53f5da0aaa93d64cd5772c554cbf940f0539e689dddbeb8f923eec3f72c02ea9',
  'a35b81a7d7927b70ec99270dd2362b88580a28574af812f2c02f56469579186f',
  '6c96130f130ab0d6d158397e24d2bcc1c9a5e73ae081f6e983f1c7b545d24a4c',
  '00cf4c781dc37003f7c7dd7d4c9a6ef1e0f4c62d9a291aa8bc398774e3fefd32',
  'b8e148545b13c78bc74da2f1a7275dd71e56ddece129d7d2f7b3ecc06f7994da',
  // HTTP Basic authentication's example credential (RFC 7617 §2, RFC 2617 before it), the base64 of
  // Aladdin's "open sesame": in HTTP clients' tests (reqwest's proxy tunnel test).
  'cf4d418ed3de92d71f767db5391d5a2dacd40e1ce49e75d1137e2ecf4982d844',
  // OAuth 1.0's walk-through (RFC 5849 §1.2, printer.example.com and photos.example.net): the client's
  // shared secret and the token's, in OAuth libraries' documentation (Perl's Net::OAuth).
  'cb87c87e4a138d9a72259d2a01bab15623c9846e568c1509b287721645a6ea53',
  '649e1f5c769e718ba10d1a702a36499a731441d960b06da91c4c97786bf84595',
  // The walk-through's temporary credentials (RFC 5849 §1.2), in OAuth 1.0 servers (authlib's rfc5849).
  '4c20e6f5cc11b93731e74cbe20739821d61c3563c9f50ecb884a27cd369f01fb',
  '6aa14267d94944e6b6483c81f5ad37f87bbc7e88aa368d4aba1e71e0b79cd8c4',
  // OAuth 1.0 (RFC 5849 §3.5.1) Authorization header example: the client key and the token.
  '8d567eb88afff34f31ab97fbb2731e582703bdeaf3c92b989cf568e0b23cef31',
  '9d03b692e941d5ace207a9f8048834439f6de98e5c6c1590c22c4f4577c88a42',
  // Firebase's Android SDK samples and tests (github.com/firebase/firebase-android-sdk): 15 placeholder
  // Google API keys published there, the list gitleaks' gcp-api-key rule allows
  // (cmd/generate/config/rules/gcp.go).
  '2037abcaffb2b77785da716cf7ccff4ff4d00c4ea930db0167b7d71f50af7eb4',
  '3f370c9dd8225c63b5c77de1f785edc9712958f18bb612d5fa2e0ae33aeca682',
  'e4a5542bb7fd7b67e943c71ad29c34b5972c9840597e7eda53e666f44d5da0b9',
  'a19f89ab3555eac10c40741f6df79ecf0935998f15569f8db9d67bce0181fff6',
  '0b476bdf9acf2123d547b5ae76f1e59884d8ec9553ee0c47e9f31fd4768f3f3c',
  'eb540d2b6ee2a0a47c5779bc8a0141784c6b753840d4c6f4e2428a6e86e9e0b1',
  '37f8f09bdf12c2f2eae4ead7273a62ddb0c23459cbf902892f282b57f7ed6619',
  '8731261cb72d86267a32a532ebd3df429e2144e5e4ced7e13568bc9e6c8fb1b1',
  '49f777db995e8260da7ca9ffdf0c08d66f0453e97ec967018baf2cdfe3b582d0',
  '27a9a42931dff7eb2f8434e20a9bce976ea364e7bee49187f19d5cfeca9c7045',
  'dc0fcf046c61640cbd1e8b999ada3262d722c2ca4bf42dceac999020ffdbb614',
  '4c98242dcadc8b29005c6b4aad526552d5ea1842149154c0694adeec75847583',
  'ea9bb1082cf95663f5faca23b8b15ef2aa0fce0a5c6df9c32dcb85b2e0a4513d',
  '3a8b61d0f636b007840c0d40ba12bcf48465dc054cdc1a68704a33521d84b665',
  'a6c814bc555ae62c7bd8b58ec07bf559c7ed3a009976a1e0acc9cef0d4473b41',
  // The NuGet.Config reference's packageSourceCredentials example passwords (learn.microsoft.com,
  // nuget/reference/nuget-config-file), copied into many real configs as they stand.
  'dba72c00f41f4e4c435e2491a5e1ce0140c7b5a6a498dc4847396b5e6368970c',
  'a0702bc91d699f600970f4dc4992b13ede1a29d49fa0942dd4bed2b5e4b1016e',
  // jwt.io's default example token (HS256, signed with the published `your-256-bit-secret`).
  '7f75367e7881255134e1375e723d1dea8ad5f6a4fdb79d938df1f1754a830606',
  // RFC 8555's example ACME challenge token (a challenge token is public anyway), in ACME clients' tests.
  '7ea0aaa69214e71e02cebb18bb86773609b730209baabf60e43d4999979ff139',
  // MinIO's public playground (play.min.io) secret key, in its SDKs' samples and docs.
  'df452eef23e8cf2c74af54c0c7419c05a5ec70ef4d5c2eb04082b02af8c55598',
  // phpMyAdmin's documentation's example blowfish_secret (config.rst).
  '80a51e51730dc6a7f66b9b411b62ce16d765ca4f9f871a12975b914aff64d258',
  // Square's API reference example OAuth application secret (ObtainToken), in its Node SDK's doc
  // comments and reference.md (square 46).
  'e478280aaaef5a155e2103fbee9b0db4978a5578739e7f8debee867519c1adf6',
  // Contentful's README example preview access token (contentful.js 11).
  '9ee1e2a4135645b5462e73cfba8a60fca3cbf8d716d424446181affd12cd81ae',
  // AWS's API examples, shipped in every SDK (botocore's data/*/examples-1.json): IAM ChangePassword's
  // old and new passwords, KMS CreateGrant's grant token.
  'e6c2d3455587c47ccdd3df1271882656bc27be85f8eb6576eea35fe1aafa172a',
  '6caa448826c11cd39c78a3a223c3ddb55358c975c0456e37058ccfbc559c86ce',
  '014ccba9fda1e0a8b2f13064883a9f574050634927f39aa826528993e14b229f',
]);

/**
 * Control characters binary data is full of and text is not (tab, line breaks, form feed and escape
 * excluded), plus U+FFFD, what a non-UTF-8 byte decodes to.
 */
// eslint-disable-next-line no-control-regex
const BINARY_CHARACTERS = /[\u0000-\u0008\u000e-\u001a\u001c-\u001f\u007f\ufffd]/g;

/**
 * True when `text` looks binary: more than a tenth of its first 8 KiB are control or replacement
 * characters (the same share as the workspace reader's test). A share, not "any NUL": one NUL
 * beside a live key must not hide the key.
 */
export function looksBinary(text: string): boolean {
  // A native regex count instead of a character loop: this runs on every file the rule sees.
  const head = text.length > 8192 ? text.slice(0, 8192) : text;
  if (head.length === 0) return false;
  const suspicious = head.match(BINARY_CHARACTERS)?.length ?? 0;
  return suspicious / head.length > 0.1;
}

/**
 * True when a character repeats five times in a row (`xxxxx`, `00000`, `*****`): never in random
 * keys. With `zeroRunsAreData`, runs of `A` do not count: base64 of binary data (a macaroon, a
 * protobuf) writes its zero bytes as them.
 */
function hasLongRun(value: string, zeroRunsAreData = false): boolean {
  let run = 1;
  for (let i = 1; i < value.length; i++) {
    const code = value.charCodeAt(i);
    run = code === value.charCodeAt(i - 1) && !(zeroRunsAreData && code === 0x41) ? run + 1 : 1;
    if (run >= 5) return true;
  }
  return false;
}

/** Longest period looked for by {@link isPeriodic}. */
const MAX_PERIOD = 16;

/**
 * True when the value is one short piece repeated (`abcd1234abcd1234…`, `a1b2a1b2…`): typed
 * filler, never a random key. Needs at least three repeats, or two of a piece of 8 or more.
 */
function isPeriodic(lower: string): boolean {
  const length = lower.length;
  for (let period = 2; period <= MAX_PERIOD && period * 2 <= length; period++) {
    if (length < period * 3 && period < 8) continue;
    let i = period;
    while (i < length && lower.charCodeAt(i) === lower.charCodeAt(i - period)) i++;
    if (i === length) return true;
  }
  return false;
}

/** Characters in an ascending run (`lmnop`, `34567`) that no random key contains by chance. */
const SEQUENCE_RUN = 5;

/**
 * True for counting sequences that people type as fillers: `12345`, `abcdef`, `klmnopqrst`, `qwerty`.
 * A run of five ascending letters or digits turns up in random base62 text about once in 15
 * million positions, so real keys do not trip it.
 */
function hasSequence(lower: string): boolean {
  if (lower.includes('qwerty')) return true;
  let run = 1;
  for (let i = 1; i < lower.length; i++) {
    const code = lower.charCodeAt(i);
    const previous = lower.charCodeAt(i - 1);
    const alnum = (code >= 48 && code <= 57) || (code >= 97 && code <= 122);
    run = alnum && code === previous + 1 ? run + 1 : 1;
    if (run >= SEQUENCE_RUN) return true;
  }
  return false;
}

/**
 * True for values that stand in for a secret: `xxxx`, `<your-key>`, `changeme`, `your-api-key`,
 * `example`, `dummy`, `sample`, `test`, `fake`, `mock`, `****`, `redacted`, templating (`{{...}}`,
 * `%s`, `{name}`) and values too short to be a credential.
 */
export function isPlaceholder(value: string): boolean {
  if (isStandIn(value)) return true;
  const lower = value.toLowerCase();
  return lower.includes('{{') || lower.includes('%s') || lower.includes('%(') || lower.includes('{%');
}

/**
 * {@link isPlaceholder} without its test for template markers anywhere in the value (`{{`, `%s`):
 * stand-in words and values, typed runs, sequences and repeats, `<token>`, `{name}`, `...`. For
 * judging a password a person wrote, where a stray `{{` is one of its symbols (secrets/passwords.ts).
 */
export function isStandIn(value: string): boolean {
  if (value.length < 4) return true;
  const lower = value.toLowerCase();
  if (PLACEHOLDER_VALUES.has(lower) || MY_STAND_IN.test(lower) || NAMED_STAND_IN.test(value) || /^(.)\1+$/.test(value) || isFieldTemplate(value)) return true;
  // A long body (a base64-encoded JSON token) meets a lowercase run like `JKLmn` by its structure, not by typing:
  // there only a run in one case counts, and a run of `A`s is zero bytes.
  if (hasLongRun(value, value.length > LONG_BODY) || hasSequence(value.length > LONG_BODY ? value : lower) || isPeriodic(lower)) return true;
  if (/^<[^<>]*>$/.test(value) || /^\{[\w.-]*\}$/.test(value) || /^\[[\w .-]*\]$/.test(value)) return true;
  if (lower.includes('...') || value.includes('…')) return true;
  // `test` as a vendor's mode word (`sk_test_…`, `duffel_test_…`, `FLWSECK_TEST-…`) before a long
  // random part is not a stand-in; anywhere else it is.
  const unmoded = lower.replace(TEST_MODE_WORD, '$1');
  const words = unmoded !== lower && unmoded.length >= MIN_MODED_LENGTH ? unmoded : lower;
  for (const word of PLACEHOLDER_WORDS) if (words.includes(word)) return true;
  return false;
}

/** Words that name the parts of a login or an address: what a template spells out where the values go. */
const FIELD_WORDS: ReadonlySet<string> = new Set(['user', 'username', 'login', 'name', 'app', 'id', 'client', 'tenant', 'account', 'email', 'host', 'hostname', 'domain', 'port', 'password', 'pass', 'secret', 'token', 'key', 'db', 'database']);

/**
 * A template that names its fields instead of holding values: `username@appId` (MediaWiki's bot
 * password login, in a doc comment), `clientId:clientSecret`, `user:password@host`. Two fields at
 * least, each made only of these words (camelCase or one case); no key or password a person uses is.
 */
function isFieldTemplate(value: string): boolean {
  const fields = value.split(/[@:/.]/);
  if (fields.length < 2) return false;
  return fields.every((field) => {
    const words = field.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])/g);
    return words !== null && words.join('') === field && words.every((word) => FIELD_WORDS.has(word.toLowerCase()));
  });
}

/** Length beyond which a counting sequence must be in one case, and a run other than `A`s, to mark a typed filler. */
const LONG_BODY = 100;

const TEST_MODE_WORD = /(^|[_-])test(?=[_-])/g;

/** Lowest entropy (bits per character) of a body that is not judged typed filler by {@link isMechanicalFiller}. */
const FILLER_ENTROPY = 3;

/**
 * True for a body typed to fill a token's shape rather than written as a stand-in: one character
 * repeated (`QQQQ…`, `ZZZZ…`), a short piece repeated (`abcd1234abcd1234…`), a counting sequence
 * (`12345678-ABCD-…`) or too little variety. Never for an explicit stand-in (`xxxx`, `your-key`,
 * `<token>`, `{{ token }}`, `example`) or an environment read: those say themselves they are not real.
 * After a strong vendor prefix such a body is worth a note (it may be a real token's shape
 * hand-edited, or a test fixture that should be labelled); after a generic name it is nothing.
 */
export function isMechanicalFiller(body: string): boolean {
  if (body.length < 8 || isEnvReference(body)) return false;
  const lower = body.toLowerCase();
  if (PLACEHOLDER_VALUES.has(lower) || PLACEHOLDER_WORDS.some((word) => lower.includes(word))) return false;
  if (/[<>{}[\]%*…]|\.\.\./.test(body)) return false;
  return hasLongRun(body) || hasSequence(lower) || isPeriodic(lower) || shannonEntropy(body) < FILLER_ENTROPY;
}

/**
 * True for a stand-in typed on the keyboard's home row (`askfjh234as9sd8`, `lsdkfol23w54jlksdef`,
 * oauthlib's doctest tokens): nine letters or more, all lowercase, four in five from `a`–`l` of the
 * middle row. Random lowercase text draws a third of its letters there and passes for such a value
 * about once in 750 at 12 to 16 characters (measured); from 24 characters on, none is taken for one.
 */
export function isKeyboardMash(value: string): boolean {
  if (value.length >= 24 || !/^[a-z0-9]+$/.test(value)) return false;
  const letters = value.replace(/[0-9]/g, '');
  if (letters.length < 9) return false;
  let homeRow = 0;
  for (const letter of letters) if ('asdfghjkl'.includes(letter)) homeRow++;
  return homeRow / letters.length >= 0.8;
}

const MIN_MODED_LENGTH = 20;

/**
 * True for values that read the secret from somewhere else instead of containing it:
 * `${VAR}`, `$VAR`, `%VAR%`, `process.env.X`, `os.environ[...]`, `os.getenv(...)`, `ENV[...]`,
 * Spring/Jasypt `ENC(...)`, secret-manager references (`arn:`, `vault:`, `op://`, `sm://`).
 */
export function isEnvReference(value: string): boolean {
  // `${x}`, `$(cmd)`, Ruby's `#{x}`, PHP's `{$row->x}`.
  if (value.includes('${') || value.includes('$(') || value.includes('#{') || value.includes('{$')) return true;
  if (/^\$[A-Za-z_]\w*$/.test(value) || /^%[A-Za-z_]\w*%$/.test(value)) return true;
  // A variable spliced into a single-quoted shell argument: `-d '{"password": "'$NEW_PASS'"}'`.
  if (/^'\$[A-Za-z_]\w*'$/.test(value)) return true;
  // Interpolations and escapes with no literal text between them (PHP's `"\0$secret"`, `"$user$pass"`).
  if (/^(?:\\.)*\$[A-Za-z_]\w*(?:\\.|\$[A-Za-z_]\w*)*$/.test(value)) return true;
  return /^(?:process\.env|import\.meta\.env|os\.environ|os\.getenv|getenv|env\(|ENV\[|System\.getenv|Environment\.GetEnvironmentVariable|ENC\(|arn:|vault:|op:\/\/|sm:\/\/|ref\+|secrets\.)/.test(value);
}

/**
 * A dependency spec as package managers write it: an npm alias (`npm:next-auth@^4.24.11`), a
 * workspace, file, link, portal, patch or catalog protocol, a git or GitHub source, or a semver
 * range with its dots (`12345-abc…` is an id-prefixed token, not a version). A git URL with
 * credentials in it (`git+https://user:token@host/…`) is not a spec here.
 */
const PACKAGE_SPEC = /^(?:npm:(?:@[\w.-]+\/)?[\w.-]+(?:@[\w.^~<>=*| -]*)?|(?:workspace|catalog):[\w.^~<>=*@/-]*|(?:file|link|portal|patch):[^\s'"`]+|(?:git\+(?:https?|ssh|file)|git|github|gitlab|bitbucket):[^\s'"`]+|[\^~]?v?\d{1,4}(?:\.(?:\d{1,6}|[x*])){1,2}(?:-[\w.]+)?)$/;
const URL_CREDENTIALS = /^[a-z+]+:\/\/[^/@\s]*:[^/@\s]+@/i;

/** True for dependency specs (`npm:pkg@^1.2.3`, `workspace:*`, `file:../x`, `^4.24.11`), never for a URL with a password. */
export function isPackageSpec(value: string): boolean {
  return PACKAGE_SPEC.test(value) && !URL_CREDENTIALS.test(value);
}

/** Words people build passwords from; a password made only of these (and digits, symbols, leetspeak) is guessable. */
const COMMON_PASSWORD_WORDS: readonly string[] = [
  'password', 'passwd', 'pass', 'pwd', 'admin', 'root', 'secret', 'letmein', 'welcome', 'qwerty', 'azerty',
  'hunter', 'monkey', 'dragon', 'master', 'login', 'guest', 'user', 'demo', 'default', 'super', 'iloveyou',
  'trustno', 'abc', 'asdf', 'zxcv', 'sunshine', 'princess', 'football', 'baseball', 'shadow', 'hello', 'my',
  'foo', 'bar', 'baz', 'qux', 'top', 'db', 'sql', 'postgres', 'mysql', 'app', 'dev', 'local', 'test',
];

/** Digits and symbols people put around a word to satisfy a password policy (`Summer2024!`, `!admin1`). */
const PASSWORD_DECORATION = /^[\d!@#$%^&*?._+=~-]+|[\d!@#$%^&*?._+=~-]+$/g;
const LEET: Readonly<Record<string, string>> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };
/** Shorter passwords are guessable whatever they are made of. */
const MIN_UNGUESSABLE_LENGTH = 8;

/** Letters and digits one at a time, with the same separator between each two. */
const SPELT_OUT = /^[A-Za-z0-9]([:._ -])[A-Za-z0-9](?:\1[A-Za-z0-9])+$/;

/** A single word of up to this many letters, decorated, is a guessable password (`Summer2024!`). */
const MAX_SINGLE_WORD = 12;

/**
 * True for passwords a person picked rather than a generator: common words with digits, symbols or
 * leetspeak (`password1234`, `P@ssw0rd!`, `supersecret123`, `Summer2024!`). They are weak even
 * where their character variety passes an entropy bar scaled to their length.
 */
export function isGuessablePassword(value: string): boolean {
  // `s:3:c:r:e:t` (Mojo::URL's POD), `p-a-s-s-w-o-r-d`: a password spelt out one character at a time
  // is as guessable as the characters joined.
  const spelt = SPELT_OUT.exec(value);
  if (spelt !== null) return isGuessablePassword(value.split(spelt[1]).join(''));
  // Under eight characters any password falls to a search of every combination (NIST SP 800-63B's minimum).
  if (value.length < MIN_UNGUESSABLE_LENGTH) return true;
  // `SomeKindOfPassword123!@#`: the word itself, anywhere, is the first thing a cracking rule tries.
  // Separators inside it are decoration too (`pass;word`, curl's tests; `Pass_Word`).
  if (value.toLowerCase().replace(/[013457@$]/g, (char) => LEET[char] ?? char).replace(/[^a-z]/g, '').includes('password')) return true;
  const core = value.replace(PASSWORD_DECORATION, '');
  if (core.length === 0) return /^\d+$/.test(value) || value.length <= MAX_SINGLE_WORD;
  const letters = passwordLetters(value);
  if (letters === undefined) return false;
  if (/^[A-Z]?[a-z]+$/.test(core) && core.length <= MAX_SINGLE_WORD) return true;
  return commonPasswordWords(letters) !== undefined;
}

/**
 * A password's core with the digits and symbols around it stripped and leetspeak read as letters,
 * lowercase (`P@ssw0rd!` → `password`, `admin_123` → `admin`); undefined when the core is not letters.
 */
export function passwordLetters(value: string): string | undefined {
  const core = value.replace(PASSWORD_DECORATION, '');
  const letters = core.replace(/[013457@$]/g, (char) => LEET[char] ?? char).toLowerCase();
  return /^[a-z]+$/.test(letters) ? letters : undefined;
}

/**
 * How few common password words `letters` (lowercase) splits into, or undefined when it does not
 * split into them (`rootpasswd` → 2, root + passwd; `shadow` → 1; `hidden` → undefined).
 */
export function commonPasswordWords(letters: string): number | undefined {
  if (!/^[a-z]+$/.test(letters)) return undefined;
  // Fewest[i]: the fewest words text[0, i) splits into. Values are short, so this is cheap.
  const fewest = new Array<number>(letters.length + 1).fill(Infinity);
  fewest[0] = 0;
  for (let at = 0; at < letters.length; at++) {
    if (fewest[at] === Infinity) continue;
    for (const word of COMMON_PASSWORD_WORDS) {
      if (letters.startsWith(word, at)) fewest[at + word.length] = Math.min(fewest[at + word.length], fewest[at] + 1);
    }
  }
  const count = fewest[letters.length];
  return count === Infinity ? undefined : count;
}


/** True for UUIDs (`123e4567-e89b-12d3-a456-426614174000`), with or without braces. */
export function isUuid(value: string): boolean {
  // Also as a URN (`urn:uuid:…`, RFC 9562), the form WebDAV lock tokens and XML ids take.
  return /^(?:\{|urn:uuid:)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$/i.test(value);
}

/** True for hex digests and ids: git SHAs, sha256 hex, `sha256:...` image digests, `0x...` constants. */
export function isHexHash(value: string): boolean {
  return /^(?:sha\d{1,3}[:=-])?(?:0x)?(?:[0-9a-f]{7,}|[0-9A-F]{7,})$/.test(value);
}

/**
 * True for a password's hash in a format password libraries store (a hash is what a system keeps
 * instead of the password, not the credential): the modular crypt format (`$2b$12$…`, `$5$rounds=…$…`,
 * `$argon2id$v=19$…`, `$pbkdf2-sha256$…`), Django's (`pbkdf2_sha256$260000$salt$hash`) and MySQL's
 * (`*` and 40 hex digits). passlib's and Django's test vectors pair them with their passwords. (LDAP's
 * `{SSHA}…` is read as a template by its braces already.)
 */
export function isPasswordHash(value: string): boolean {
  return PASSWORD_HASH.some((pattern) => pattern.test(value));
}

const PASSWORD_HASH: readonly RegExp[] = [
  // The digest comes last: 22 characters or more in every scheme (bcrypt's salt and hash, md5-crypt's).
  /^\$[a-z0-9][a-z0-9-]{0,19}(?:\$[^\s$]*)*\$[A-Za-z0-9./+=-]{16,}$/,
  /^(?:pbkdf2_sha256|pbkdf2_sha1|argon2|bcrypt_sha256|bcrypt|scrypt|sha1|md5|crypt|unsalted_sha1|unsalted_md5)(?:\$[^\s]*)?\$[A-Za-z0-9./+=-]{16,}$/,
  /^\*[0-9A-F]{40}$/,
  // FreeRADIUS's PBKDF2-Password: the HMAC's digest, then the iterations, salt and hash in base64
  // (its tests leave the iterations or the salt out).
  /^HMACSHA(?:1|[23]\+(?:224|256|384|512)):[A-Za-z0-9+/]*={0,2}:[A-Za-z0-9+/]*={0,2}:[A-Za-z0-9+/]{16,}={0,2}$/,
];

/** True for Subresource Integrity / lockfile integrity values (`sha512-<base64>`). */
export function isIntegrity(value: string): boolean {
  return /^sha(?:1|224|256|384|512)-[A-Za-z0-9+/]+={0,2}$/.test(value);
}

/** True for keys that vendors publish in their docs or ship in emulators. */
export function isDocumentedExample(value: string): boolean {
  if (DOCUMENTED_EXAMPLE_HASHES.has(createHash('sha256').update(value).digest('hex'))) return true;
  // The literal part of a concatenation: `"<token>." + thumbprint` (an ACME key authorization).
  const joined = /[.:/-]$/.test(value) ? value.slice(0, -1) : undefined;
  return joined !== undefined && DOCUMENTED_EXAMPLE_HASHES.has(createHash('sha256').update(joined).digest('hex'));
}

/**
 * True for values that are words, identifiers, paths or prose rather than random text: they contain
 * whitespace, a URL scheme or a path start, are file names, regular expressions, numbers, or are
 * built from word-length runs of letters (`accessTokenKey`, `my-app-name-2`).
 */
export function isWordLike(value: string): boolean {
  // Keys and tokens are ASCII; text in other scripts is prose, however varied its characters.
  if (/\s|[^\x21-\x7e]/.test(value)) return true;
  if (value.includes('://') || /^(?:\.{0,2}\/|~\/|[A-Za-z]:\\|file:)/.test(value)) return true;
  if (/^[\w./-]+\.(?:json|ya?ml|pem|key|crt|cer|der|p12|pfx|jks|txt|env|js|ts|html?|png|svg|sh|py|toml|ini|cfg|conf|xml|csv|log)$/i.test(value)) return true;
  if (/^[\d.,:_-]+$/.test(value)) return true;
  if (/[()[\]{}<>]/.test(value) || /\\[dswbnrt]/.test(value)) return true;
  // URL-encoded text (`secret%3Dpassword`) is judged by what it encodes.
  let plain = value;
  if (/%[0-9A-Fa-f]{2}/.test(value)) {
    try {
      plain = decodeURIComponent(value).replace(/[=&+]/g, '_');
    } catch {
      // Not valid percent-encoding: judge the text as it is.
    }
  }
  // Slugs, dotted names and identifiers: every segment is digits, one-case letters, or camelCase /
  // PascalCase words of three letters or more on average (`accessTokenKey`, `my-app-name-2`). A
  // lexer's token names carry a sigil (prettier's `?InterpolationInTemplate`); no key alphabet
  // (base64, base62, hex) has a `?`, nor a backslash, which separates a PHP namespace's parts
  // (`Predis\Command\ConnectionAuth`). Among several segments a word may end in a short number:
  // a TextMate scope (`constant.numeric.integer.int32`), a slug (`personal-access-token123`), a
  // constant's name (`FORBIDDEN_VALUE2`); random text mixes its digits in all along.
  const segments = plain.split(/[-_.:/@$#?\\]+/).filter((segment) => segment.length > 0);
  return segments.length > 0 && segments.every((segment) => isWordSegment(segment) || (segments.length > 1 && /^(?:[a-z]+|[A-Z]+)\d{1,3}$/.test(segment)));
}

/** A part of a name or slug: digits, one-case letters, a short tag (`v2`, `x86`) or camelCase words. */
export function isWordSegment(segment: string): boolean {
  if (/^\d+$/.test(segment) || /^[a-z]+$/.test(segment) || /^[A-Z]+$/.test(segment)) return true;
  // Short tags like `v2`, `x86`, `db1`.
  if (segment.length <= 3 && (/^[a-z\d]+$/.test(segment) || /^[A-Z\d]+$/.test(segment))) return true;
  return isCamelCaseName(segment);
}

/**
 * `log4j2.trustStorePassword`, `app.db.password`, `OS-OAUTH1:access_token`: a dotted or namespaced
 * key whose last segment names a secret, the key a password or token is looked up under (log4j2's
 * property names, Keystone's OAuth1 token types), not the secret. Segments before it may be any
 * identifier (`log4j2`, `OS-OAUTH1`); the last must be words, so `my.Passw0rd` stays a password.
 */
export function isPropertyKeyPath(value: string): boolean {
  const segments = value.split(/[.:]/);
  if (segments.length < 2 || !segments.every((segment) => /^[A-Za-z][A-Za-z0-9_-]*$/.test(segment))) return false;
  // A snake or kebab last segment (`access_token`) is judged word by word, as a camelCase one is whole.
  const last = segments[segments.length - 1]!;
  return last.split(/[_-]+/).every((part) => part === '' || isWordSegment(part)) && classifySecretName(splitWords(last)) !== undefined;
}

/**
 * camelCase or PascalCase words of three letters or more on average (`accessTokenKey`), or of five
 * when a short capitalised word among three or more carries a one- or two-digit tag
 * (`V1SecretVolumeSource`, `manageOwnS3Credentials`: generated API clients' type and field names).
 * Random keys mix case and digits every few characters (one in 80,000 random base62 keys with a
 * digit passes); a password's digits come last (`thisIsDog11`) or stand for letters (`Passw0rdAdmin`).
 */
function isCamelCaseName(segment: string): boolean {
  if (/^[A-Za-z]+$/.test(segment)) {
    const words = segment.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+/g) ?? [];
    return words.length > 0 && segment.length / words.length >= 3;
  }
  // Capitalised words of three letters or more, tags (`V1`, `S3`, `Ec2`: a capital, at most two more
  // letters and one or two digits), after one lower-case word at most; no upper-case runs, which
  // random keys are full of. `Passw0rd` is a word with a letter swapped for a digit, `sug5Xpdpaoxt` a key.
  const words = segment.match(/^[a-z]{3,}|[A-Z][a-z]{2,}(?![0-9])|[A-Z][A-Za-z]{0,2}\d{1,2}(?![0-9])/g) ?? [];
  const tags = words.filter((word) => /\d/.test(word)).length;
  return words.length >= 3 && tags * 3 <= words.length && /[A-Za-z]$/.test(segment) && words.join('') === segment && segment.length / words.length >= 5;
}

/** True when any `allow` entry occurs in `value` (the policy's way to silence a known value). */
export function isAllowed(value: string, allow: readonly string[]): boolean {
  for (const entry of allow) if (entry.length > 0 && value.includes(entry)) return true;
  return false;
}

/**
 * Base64 of a sentence (`dGhpcyBpcyBub3QgYSByZWFsIHZhbHVl` is "this is not a real value"): a test's
 * stand-in for an opaque token, whose entropy comes from the encoding, not from randomness. Key
 * material decodes to bytes, and a Basic credential to `user:password` without blanks.
 */
export function isEncodedProse(value: string): boolean {
  if (value.length < 16 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  const decoded = printableBase64(value);
  if (decoded === undefined) return false;
  const words = decoded.split(' ').filter((word) => word.length > 0);
  return words.length >= 3 && words.every((word) => /^[A-Za-z][a-z]*[,.!?']?$/.test(word));
}

/** Segments of algorithm identifiers: hash, MAC, signature and cipher names, curves. */
const ALGORITHM_SEGMENT = /^(?:SHA\d*|HMAC|ECDSA|RSA|DSA|EDDSA|ED25519|AES\d*|GCM|CBC|MD5|P\d{3}|HS\d{3}|RS\d{3}|ES\d{3}|PS\d{3}|PBKDF2)$/;

/**
 * An algorithm's name (`AWS4-HMAC-SHA256`, `AWS4-ECDSA-P256-SHA256`, `RSA-SHA256`): upper-case
 * segments, at least two, one of them a hash, MAC, signature or cipher. Says how a request is
 * signed, not with what.
 */
export function isAlgorithmName(value: string): boolean {
  if (!/^[A-Z0-9]{2,8}(?:[-_][A-Z0-9]{2,8})+$/.test(value)) return false;
  return value.split(/[-_]/).some((segment) => ALGORITHM_SEGMENT.test(segment));
}

/**
 * An AWS Signature Version 4 credential scope (`AKID/20150830/us-east-1/iam/aws4_request`): the
 * public access key id, a date, region and service. What a signature is scoped to, not a secret.
 */
export function isCredentialScope(value: string): boolean {
  return /^[A-Za-z0-9]{3,128}\/\d{8}\/(?:[a-z0-9-]+\/)?[a-z0-9-]+\/aws4_request$/.test(value);
}

/** `value` decoded from base64 when every byte is printable ASCII (text, a `user:password`), else undefined. */
export function printableBase64(value: string): string | undefined {
  const decoded = Buffer.from(value, 'base64').toString('latin1');
  return /[^\x20-\x7e]/.test(decoded) ? undefined : decoded;
}
