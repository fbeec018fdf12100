import * as assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { evaluate } from '../../../src/core/check/engine';
import type { RuleFinding, TextFix } from '../../../src/core/check/findings';
import { defaultPolicy } from '../../../src/core/policy/policy';
import { isWordLike } from '../../../src/core/rules/secrets/filters';
import { secretsHardcodedSecret as rule } from '../../../src/core/rules/secrets/hardcoded-secret';
import { LineIndex } from '../../../src/core/text/line-index';
import { ADVERSARIAL_SECRETS } from '../../../bench/adversarial.bench';

// Every token below is fake and assembled at run time from a prefix and seeded random characters,
// so this file contains nothing that a secret scanner (ours, or a host's push protection) would flag.

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const BASE64 = `${BASE62}+/`;
const BASE64URL = `${BASE62}-_`;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const HEX = '0123456789abcdef';

/** Deterministic random characters (mulberry32), so failures reproduce. */
function randomChars(alphabet: string, length: number, seed: number): string {
  let state = seed >>> 0;
  let out = '';
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const value = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out += alphabet[Math.floor(value * alphabet.length)];
  }
  return out;
}

/** A random password-like value with letters, digits and symbols. */
function strongValue(length: number, seed: number): string {
  return 'Q' + randomChars(`${BASE62}!#^*+=?`, length - 3, seed) + '7q';
}

function check(path: string, text: string, options: Record<string, unknown> = {}): RuleFinding[] {
  return rule.check({
    path,
    text,
    lines: new LineIndex(text),
    options: { ...rule.defaultOptions, ...options },
    dependencies: { allow: [], deny: [] },
  });
}

function covered(text: string, finding: RuleFinding): string {
  return text.slice(finding.start, finding.end);
}

function applyFix(text: string, fix: TextFix): string {
  let result = text;
  for (const edit of [...fix.edits].sort((a, b) => b.start - a.start)) {
    result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
  }
  return result;
}

/** No run of 6+ characters of the secret's private part shows up in `shown`. */
function assertNoLeak(shown: string, secret: string, publicPrefixLength = 0): void {
  const privatePart = secret.slice(publicPrefixLength);
  for (let i = 0; i + 6 <= privatePart.length; i++) {
    const piece = privatePart.slice(i, i + 6);
    assert.ok(!shown.includes(piece), `leaked "${piece}" in: ${shown}`);
  }
}

/** Exactly one finding, covering `secret`, whose message names `kind` and leaks nothing. */
/** The 1-based line each finding starts on. */
function lineNumbers(text: string, findings: readonly RuleFinding[]): number[] {
  return findings.map((finding) => text.slice(0, finding.start).split('\n').length);
}

function expectOne(path: string, text: string, secret: string, kind: string | RegExp, publicPrefixLength = 0): RuleFinding {
  const findings = check(path, text);
  assert.equal(findings.length, 1, `expected one finding in ${path}, got ${JSON.stringify(findings.map((f) => f.message))}`);
  const [finding] = findings;
  assert.equal(covered(text, finding), secret);
  if (typeof kind === 'string') assert.ok(finding.message.startsWith(`Hardcoded ${kind}`), finding.message);
  else assert.match(finding.message, kind);
  assertNoLeak(finding.message, secret, publicPrefixLength);
  assert.ok(finding.fingerprintSource);
  assertNoLeak(finding.fingerprintSource, secret, publicPrefixLength);
  return finding;
}

/**
 * A made-up key of `label`'s kind: random base64 that starts as such a key's body does (a DER
 * SEQUENCE, `MII…`, or OpenSSH's magic), as a real key's must to be reported as one.
 */
function pem(label: string, seed: number, escapeNewlines = false): string {
  const nl = escapeNewlines ? '\\n' : '\n';
  const lines = [0, 1, 2, 3, 4].map((row) => randomChars(BASE64, 64, seed + row));
  const start = label.startsWith('OPENSSH') ? 'b3BlbnNzaC1rZXktdjEAAAAA' : label.startsWith('PGP') ? '' : 'MIIBOg';
  lines[0] = start + lines[0].slice(start.length);
  return `-----BEGIN ${label}-----${nl}${lines.join(nl)}${nl}-----END ${label}-----`;
}

function jwt(payload: Record<string, unknown>, seed: number): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}.${randomChars(BASE64URL, 43, seed)}`;
}

describe('secrets/hardcoded-secret', () => {
  it('declares itself as a text rule at error with tunable options', () => {
    assert.equal(rule.id, 'secrets/hardcoded-secret');
    assert.equal(rule.kind, 'text');
    assert.equal(rule.defaultSeverity, 'error');
    assert.ok(rule.summary.length > 0);
    assert.match(rule.rationale, /29 million/);
    assert.match(rule.rationale, /34%/);
    assert.match(rule.rationale, /looks plausible/);
    assert.deepEqual(rule.defaultOptions, { entropyThreshold: 3.5, minLength: 12, allow: [] });
  });

  describe('known credential formats', () => {
    it('AWS access key id and secret access key', () => {
      const keyId = 'AKIA' + randomChars(BASE32, 16, 1);
      expectOne('src/aws.ts', `const client = new S3Client({ credentials: { accessKeyId: '${keyId}' } });\n`, keyId, 'AWS access key ID', 4);
      const temporary = 'ASIA' + randomChars(BASE32, 16, 2);
      expectOne('deploy.sh', `aws configure set aws_access_key_id ${temporary}\n`, temporary, 'AWS access key ID', 4);
      const secret = randomChars(BASE64, 40, 3);
      expectOne('settings.py', `AWS_SECRET_ACCESS_KEY = "${secret}"\n`, secret, 'AWS secret access key');
      expectOne('src/aws.ts', `export const config = { secretAccessKey: '${secret}', region: 'eu-west-1' };\n`, secret, 'AWS secret access key');
    });

    it('Google API key and GCP service-account private key', () => {
      const key = 'AIza' + randomChars(BASE64URL, 35, 4);
      expectOne('src/maps.ts', `const map = new Loader({ apiKey: "${key}", version: "weekly" });\n`, key, 'Google API key', 4);
      const privateKey = pem('PRIVATE KEY', 5, true);
      const serviceAccount = [
        '{',
        '  "type": "service_account",',
        '  "project_id": "acme-prod",',
        `  "private_key_id": "${randomChars(HEX, 40, 6)}",`,
        `  "private_key": "${privateKey}\\n",`,
        '  "client_email": "deployer@acme-prod.iam.gserviceaccount.com"',
        '}',
      ].join('\n');
      expectOne('keys/deployer.json', serviceAccount, privateKey, 'GCP service account private key');
    });

    it('Azure storage account key and shared access key in connection strings', () => {
      const accountKey = randomChars(BASE64, 86, 7) + '==';
      const connection = `DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey=${accountKey};EndpointSuffix=core.windows.net`;
      expectOne('.env', `AZURE_STORAGE_CONNECTION_STRING=${connection}\n`, accountKey, 'Azure storage account key');
      const sharedKey = randomChars(BASE64, 43, 8) + '=';
      const serviceBus = `Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${sharedKey}`;
      expectOne('appsettings.json', `{ "ServiceBus": "${serviceBus}" }\n`, sharedKey, 'Azure shared access key');
    });

    it('GitHub tokens of every kind', () => {
      const cases: [string, string][] = [
        ['ghp_', 'GitHub personal access token'],
        ['gho_', 'GitHub OAuth access token'],
        ['ghu_', 'GitHub user-to-server token'],
        ['ghs_', 'GitHub server-to-server token'],
        ['ghr_', 'GitHub refresh token'],
      ];
      cases.forEach(([prefix, kind], index) => {
        const token = prefix + randomChars(BASE62, 36, 10 + index);
        const finding = expectOne('src/github.ts', `const octokit = new Octokit({ auth: '${token}' });\n`, token, kind, 4);
        assert.ok(finding.message.includes(`\`${prefix}…\``), finding.message);
      });
      const fineGrained = 'github_pat_' + randomChars(BASE62, 22, 20) + '_' + randomChars(BASE62, 59, 21);
      expectOne('.github/scripts/sync.py', `GH_TOKEN = "${fineGrained}"\n`, fineGrained, 'GitHub fine-grained personal access token', 11);
    });

    it('GitLab, Slack, Discord and Telegram tokens, and Slack/Discord webhooks', () => {
      const gitlab = 'glpat-' + randomChars(BASE64URL, 20, 22);
      expectOne('ci/release.sh', `curl --header "PRIVATE-TOKEN: ${gitlab}" https://gitlab.example.com/api/v4/projects\n`, gitlab, 'GitLab personal access token', 6);
      const slackBot = `xoxb-${randomChars('0123456789', 12, 23)}-${randomChars('0123456789', 13, 24)}-${randomChars(BASE62, 24, 25)}`;
      expectOne('src/slack.ts', `const web = new WebClient('${slackBot}');\n`, slackBot, 'Slack bot token', 5);
      const webhook = `https://hooks.slack.com/services/T${randomChars(BASE32, 8, 26)}/B${randomChars(BASE32, 10, 27)}/${randomChars(BASE62, 24, 28)}`;
      expectOne('config/alerts.yaml', `alerts:\n  slack_url: ${webhook}\n`, webhook, 'Slack webhook URL', 'https://hooks.slack.com/services/'.length);
      const botId = Buffer.from('712345678901234567').toString('base64url');
      const discord = `${botId}.${randomChars(BASE64URL, 6, 29)}.${randomChars(BASE64URL, 38, 30)}`;
      expectOne('bot.py', `import discord\n\nclient = discord.Client(intents=intents)\nclient.run("${discord}")\n`, discord, 'Discord bot token');
      const discordHook = `https://discord.com/api/webhooks/${randomChars('0123456789', 18, 31)}/${randomChars(BASE64URL, 68, 32)}`;
      expectOne('notify.ts', `await fetch("${discordHook}", { method: "POST", body });\n`, discordHook, 'Discord webhook URL', 'https://discord.com/api/webhooks/'.length);
      const telegram = `${randomChars('123456789', 10, 33)}:AA${randomChars(BASE64URL, 33, 34)}`;
      expectOne('bot/main.py', `bot = telebot.TeleBot("${telegram}")\n`, telegram, 'Telegram bot token');
    });

    it('Stripe live keys at the rule severity and test keys at info', () => {
      const live = 'sk_live_' + randomChars(BASE62, 24, 35);
      const liveFinding = expectOne('src/pay.ts', `const stripe = new Stripe('${live}', { apiVersion: '2024-06-20' });\n`, live, 'Stripe live secret key', 8);
      assert.equal(liveFinding.severity, undefined);
      const restricted = 'rk_live_' + randomChars(BASE62, 24, 36);
      expectOne('src/pay.ts', `const stripe = new Stripe('${restricted}');\n`, restricted, 'Stripe live restricted key', 8);
      const testKey = 'sk_test_' + randomChars(BASE62, 24, 37);
      const testFinding = expectOne('src/pay.ts', `const stripe = new Stripe('${testKey}');\n`, testKey, 'Stripe test secret key', 8);
      assert.equal(testFinding.severity, 'info');
    });

    it('Twilio, SendGrid, npm and PyPI tokens', () => {
      const twilio = randomChars(HEX, 32, 38);
      expectOne('.env.production', `TWILIO_ACCOUNT_SID=AC${randomChars(HEX, 32, 39)}\nTWILIO_AUTH_TOKEN=${twilio}\n`, twilio, 'Twilio auth token');
      const sendgrid = `SG.${randomChars(BASE64URL, 22, 40)}.${randomChars(BASE64URL, 43, 41)}`;
      expectOne('mailer.js', `sgMail.setApiKey('${sendgrid}');\n`, sendgrid, 'SendGrid API key', 3);
      const npm = 'npm_' + randomChars(BASE62, 36, 42);
      expectOne('.npmrc', `//registry.npmjs.org/:_authToken=${npm}\n`, npm, 'npm access token', 4);
      const pypi = 'pypi-AgEIcHlwaS5vcmc' + randomChars(BASE64URL, 70, 43);
      expectOne('.pypirc', `[pypi]\nusername = __token__\npassword = ${pypi}\n`, pypi, 'PyPI API token', 5);
    });

    it('OpenAI, Anthropic and Hugging Face keys', () => {
      const project = 'sk-proj-' + randomChars(BASE64URL, 74, 44) + 'T3BlbkFJ' + randomChars(BASE64URL, 74, 45);
      expectOne('agent.py', `client = OpenAI(api_key="${project}")\n`, project, 'OpenAI API key', 8);
      const legacy = 'sk-' + randomChars(BASE62, 48, 46);
      expectOne('src/ai.ts', `const openai = new OpenAI({ apiKey: "${legacy}" });\n`, legacy, 'OpenAI API key', 3);
      const anthropic = 'sk-ant-api03-' + randomChars(BASE64URL, 93, 47) + 'AA';
      const finding = expectOne('src/claude.ts', `const anthropic = new Anthropic({ apiKey: '${anthropic}' });\n`, anthropic, 'Anthropic API key', 7);
      assert.ok(!finding.message.includes('OpenAI'));
      const hf = 'hf_' + randomChars(BASE62, 34, 48);
      expectOne('train.py', `login(token="${hf}")\n`, hf, 'Hugging Face access token', 3);
    });

    it('private keys of every flavour', () => {
      for (const [label, kind] of [
        ['RSA PRIVATE KEY', 'RSA private key'],
        ['OPENSSH PRIVATE KEY', 'OpenSSH private key'],
        ['EC PRIVATE KEY', 'EC private key'],
        ['PRIVATE KEY', 'private key'],
        ['ENCRYPTED PRIVATE KEY', 'encrypted private key'],
        ['PGP PRIVATE KEY BLOCK', 'PGP private key'],
      ]) {
        const key = pem(label, 50 + label.length);
        expectOne('deploy/id_key.pem', `${key}\n`, key, kind);
      }
      const escaped = pem('RSA PRIVATE KEY', 60, true);
      expectOne('src/sign.ts', `const signingKey = "${escaped}";\n`, escaped, 'RSA private key');
    });

    it('a body not shaped like the key its header names as information (fog\'s KeyPair example); every way of writing a real one as an error', () => {
      const der = pem('RSA PRIVATE KEY', 64).split('\n');
      const body = der.slice(1, -1);
      const random = [randomChars(BASE64.replace('M', ''), 64, 70), ...body.slice(1)];
      for (const label of ['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'OPENSSH PRIVATE KEY']) {
        const made = `-----BEGIN ${label}-----\n${random.join('\n')}\n-----END ${label}-----`;
        const [finding, ...more] = check('lib/fog/aws/key_pairs.rb', `# private_key="${made.replace(/\n/g, '\\n')}"\n`);
        assert.equal(more.length, 0, label);
        assert.equal(finding?.severity, 'info', label);
        assert.match(finding.message, /whose body is not shaped like such a key/, label);
      }
      // A PGP block's packets start otherwise (`lQ…`); a short DER key (`MHc…`, P-256) may hold `MII` further on by chance.
      const pgpBody = ['lQdGBGV0' + random[0].slice(8), ...random.slice(1)].join('\n');
      const pgp = `-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n${pgpBody}\n-----END PGP PRIVATE KEY BLOCK-----`;
      expectOne('keys/signing.asc', `${pgp}\n`, pgp, 'PGP private key');
      const ec = `-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB${randomChars(BASE64, 20, 72)}MIIz${randomChars(BASE64, 30, 73)}\n${randomChars(BASE64, 64, 74)}\n${randomChars(BASE64, 36, 75)}\n-----END EC PRIVATE KEY-----`;
      expectOne('deploy/ec.pem', `${ec}\n`, ec, 'EC private key');
      // A key encrypted the old PEM way holds ciphertext, which starts with anything.
      const legacy = ['-----BEGIN RSA PRIVATE KEY-----', 'Proc-Type: 4,ENCRYPTED', 'DEK-Info: AES-128-CBC,' + randomChars(HEX, 32, 71).toUpperCase(), '', ...random, '-----END RSA PRIVATE KEY-----'].join('\n');
      expectOne('deploy/legacy.pem', `${legacy}\n`, legacy, 'RSA private key');
      // A DER body however its line breaks are written in a string: escaped, as a JSON or URL escape, an XML entity, joined by `+`.
      for (const [separator, join] of [['\\n', ''], ['\\\\n', ''], ['\\u000a', ''], ['%0A', ''], ['&#10;', ''], ['\\n" +\n  "', '\\n" +\n  "']]) {
        const written = `-----BEGIN RSA PRIVATE KEY-----${separator}${body.join(join || separator)}${separator}-----END RSA PRIVATE KEY-----`;
        const findings = check('src/sign.ts', `const signingKey = "${written}";\n`);
        assert.deepEqual(findings.map((finding) => finding.severity ?? 'error'), ['error'], separator);
      }
    });

    it('real keys, however short, as errors; a key its own DER header shows was cut (Twilio 6 API docs) as information', () => {
      const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString().trim();
      expectOne('deploy/rsa.pem', `${rsa}\n`, rsa, 'RSA private key');
      // An Ed25519 key is 64 base64 characters in all.
      const ed25519 = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().trim();
      expectOne('deploy/ed25519.pem', `${ed25519}\n`, ed25519, 'private key');
      const body = rsa.split('\n')[1];
      const cut = `-----BEGIN RSA PRIVATE KEY----- ${body}. -----END RSA PRIVATE KEY-----`;
      const shown = check('lib/rest/chat/v1/credential.d.ts', `/** For example, \`${cut}\` */\nexport type Key = string;\n`);
      assert.deepEqual(shown.map((finding) => finding.severity), ['info']);
      assert.match(shown[0].message, /^RSA private key cut far shorter than its own header says/);
    });

    it('JSON Web Tokens', () => {
      const token = jwt({ sub: 'svc-billing', role: 'service_role', iat: 1735689600 }, 61);
      expectOne('src/db.ts', `const supabase = createClient(url, '${token}');\n`, token, 'JSON Web Token');
    });

    it('base64-wrapped JSON Web Tokens, signed or encrypted', () => {
      const signed = Buffer.from(jwt({ sub: 'svc-export', iat: 1735689600 }, 62)).toString('base64');
      expectOne('k8s/secret.yaml', `data:\n  token: ${signed}\n`, signed, 'base64-encoded JSON Web Token');
      // An encrypted token's header names `enc`, not `alg`.
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const encrypted = `${encode({ enc: 'A256GCM' })}.${encode({ iss: 'billing', exp: 1900000000 })}.${randomChars(BASE64URL, 43, 63)}`;
      const wrapped = Buffer.from(encrypted).toString('base64');
      expectOne('src/session.ts', `export const session = "${wrapped}";\n`, wrapped, 'base64-encoded JSON Web Token');
      // Base64 of other JSON is not a token.
      const notJwt = Buffer.from(`${encode({ a: 1 })}.notjson${randomChars(BASE62, 40, 64)}`).toString('base64');
      assert.deepEqual(check('src/blob.ts', `const blob = "${notJwt}";\n`), []);
    });

    it('vendor tokens with a documented prefix', () => {
      const cases: [string, string, string][] = [
        ['src/notion.ts', 'ntn_' + randomChars('0123456789', 11, 150) + randomChars(BASE62, 35, 151), 'Notion integration token'],
        ['src/sg.ts', 'sgp_' + randomChars(HEX, 16, 152) + '_' + randomChars(HEX, 40, 153), 'Sourcegraph access token'],
        ['src/ts.ts', 'tskey-auth-' + randomChars(BASE62, 12, 154) + '-' + randomChars(BASE62, 24, 155), 'Tailscale key'],
        ['src/vercel.ts', 'vcp_' + randomChars(BASE62, 56, 156), 'Vercel token'],
        ['src/figma.ts', 'figd_' + randomChars(BASE64URL, 40, 157), 'Figma personal access token'],
        ['src/docker.ts', 'dckr_pat_' + randomChars(BASE62, 27, 158), 'Docker Hub access token'],
        ['src/groq.ts', 'gsk_' + randomChars(BASE62, 52, 159), 'Groq API key'],
        ['src/vault.ts', 'hvs.' + randomChars(BASE64URL, 95, 160), 'HashiCorp Vault token'],
        ['src/openshift.ts', 'sha256~' + randomChars(BASE64URL, 43, 161), 'OpenShift user token'],
        ['src/gitlab.ts', 'glrt-' + randomChars(BASE62, 27, 162), 'GitLab runner authentication token'],
        ['src/gitlab.ts', 'glptt-' + randomChars(HEX, 40, 163), 'GitLab pipeline trigger token'],
        ['src/easypost.ts', 'EZAK' + randomChars(BASE62, 54, 164), 'EasyPost API key'],
        ['src/hf.ts', 'api_org_' + randomChars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 34, 165), 'Hugging Face organization token'],
      ];
      for (const [path, token, kind] of cases) expectOne(path, `export const value = "${token}";\n`, token, kind, token.search(/[_~.-]/) + 1);
    });

    it('Azure AD client secrets, Slack legacy and configuration tokens', () => {
      const azure = randomChars(BASE62, 3, 170) + '8Q~' + randomChars(`${BASE62}_~.-`, 34, 171);
      expectOne('appsettings.ts', `const clientSecret = '${azure}';\n`, azure, 'Azure AD client secret');
      const legacy = 'xoxa-2-' + randomChars('123456789', 9, 172) + '-' + randomChars('123456789', 11, 173) + '-' + randomChars(HEX, 18, 174);
      expectOne('src/slack.ts', `const slack = "${legacy}";\n`, legacy, 'Slack token', 5);
      const config = 'xoxe.xoxp-1-' + randomChars(BASE62, 160, 175);
      expectOne('src/slack.ts', `const slack = "${config}";\n`, config, 'Slack configuration token', 5);
    });

    it('credentials on a curl command line', () => {
      const password = strongValue(16, 195);
      expectOne('docs/setup.sh', `curl -s --user 'deploy:${password}' \\\n  https://api.example.com/v1\n`, password, 'password in a curl command');
      const bearer = randomChars(BASE62, 40, 196);
      expectOne('notes.txt', `curl -X GET https://api.example.com \\\n  -H "Authorization: Bearer ${bearer}"\n`, bearer, 'Authorization header credential');
      // Variables, placeholders and other programs' -u/-H options are not credentials.
      const quiet = [`curl -u "$USER:$PASS" https://x.example`, `curl -u <user:password> https://x.example`, `curl -H "Authorization: Bearer \${TOKEN}" https://x.example`, `sort -u ${password}:${password}`].join('\n');
      assert.deepEqual(check('scripts/run.sh', quiet), []);
    });

    it('command-line arguments with a secret-like name, in any file', () => {
      const key = randomChars(BASE62, 40, 300);
      expectOne('docs/deploy.md', `Run \`deploy --vendor-api-key ${key} --region eu\`.\n`, key, 'secret key');
      expectOne('src/cli.ts', `const argv = ["--auth-token=${key}"];\n`, key, 'token');
      const password = strongValue(18, 301);
      expectOne('README.txt', `helm install app ./chart --set db.password=${password}\n`, password, 'password');
      expectOne('run.txt', `docker run -e API_TOKEN=${key} app\n`, key, 'token');
      // Option names without a value, placeholders and variables are not secrets.
      const quiet = ['--api-key API_KEY   the key to use', '--token <token>', '--password $PASSWORD', '--token --verbose', 'a--token=x'].join('\n');
      assert.deepEqual(check('docs/usage.txt', quiet), []);
    });

    it('Authorization headers outside curl: header maps, HTTP files and strings', () => {
      const bearer = randomChars(BASE62, 40, 310);
      expectOne('config/client.yaml', `headers:\n  Authorization: Bearer ${bearer}\n`, bearer, 'authorization credential');
      expectOne('api.http', `GET https://api.example.com/v1\nAuthorization: Bearer ${bearer}\n`, bearer, 'authorization credential');
      expectOne('src/client.ts', `fetch(url, { headers: ["Authorization: Bearer ${bearer}"] });\n`, bearer, 'authorization credential');
      const basic = Buffer.from(`deploy:${strongValue(16, 311)}`).toString('base64');
      expectOne('api.http', `Authorization: Basic ${basic}\n`, basic, 'Basic authorization credential');
      // A Basic value with no password, or a variable, is not a credential.
      // RFC 6749's example client credential is a published example, allowed by its exact value.
      const rfcExample = Buffer.from(['s6BhdRkqt3', 'gX1fBat3bV'].join(':')).toString('base64');
      const quiet = [`Authorization: Basic ${Buffer.from('browser:').toString('base64')}`, 'Authorization: Bearer {{token}}', 'Authorization: Bearer $TOKEN', `Authorization: Basic ${rfcExample}`].join('\n');
      assert.deepEqual(check('api.http', quiet), []);
      // A guessable password in a Basic login (httpclient's tests: user:passwd2) is a fixture in tests and a warning elsewhere.
      const weak = Buffer.from(['user', 'passwd2'].join(':')).toString('base64');
      assert.deepEqual(check('src/test/java/TestProtocolRequirements.java', `final String authorization2 = "Basic ${weak}";\n`), []);
      const weakHere = check('src/client.ts', `const authorization = "Basic ${weak}";\n`);
      assert.deepEqual(weakHere.map((finding) => finding.severity), ['warning']);
      // The same login in base64 without its scheme, under a credential's name (Spring's tests: username:password).
      const standIn = Buffer.from(['username', 'password'].join(':')).toString('base64');
      assert.deepEqual(check('src/main/java/Client.java', `String base64Credentials = "${standIn}";\n`), []);
      assert.deepEqual(check('src/test/java/ClientTests.java', `String base64Credentials = "${weak}";\n`), []);
      assert.deepEqual(check('src/main/java/Client.java', `String base64Credentials = "${weak}";\n`).map((finding) => finding.severity), ['warning']);
      // Base64 of printable text that is no login is judged as the random value it is.
      const printable = Buffer.from(strongValue(24, 313)).toString('base64');
      assert.equal(check('src/main/java/Client.java', `String apiToken = "${printable}";\n`).length, 1);
      // A random password there is still an error, as it was.
      const strong = Buffer.from(`deploy:${strongValue(16, 312)}`).toString('base64');
      assert.deepEqual(check('src/test/java/ClientTests.java', `String base64Credentials = "${strong}";\n`).map((finding) => finding.severity ?? 'error'), ['error']);
      // RFC 5849's OAuth 1.0 header example (oauthlib quotes it in a docstring); another token in its place is reported.
      const oauth1 = (token: string) => `doc = """For example::\n    Authorization: OAuth realm="Example",\n        oauth_consumer_key="${['0685bd91', '84jfhq22'].join('')}",\n        oauth_token="${token}",\n"""\n`;
      assert.deepEqual(check('oauthlib/parameters.py', oauth1(['ad180jjd', '733klru7'].join(''))), []);
      assert.equal(check('oauthlib/parameters.py', oauth1(randomChars(BASE62, 16, 312))).length, 1);
    });

    it('Kubernetes Secret manifests: data decoded and judged, stringData as written', () => {
      const password = strongValue(16, 320);
      const encoded = Buffer.from(password).toString('base64');
      const manifest = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  # base64\n  password: ${encoded}\n`;
      expectOne('k8s/db.yaml', manifest, encoded, 'Kubernetes Secret value');
      expectOne('k8s/db.yaml', `kind: Secret\nstringData:\n  password: "${password}"\n`, password, 'Kubernetes Secret value');
      const docker = Buffer.from(JSON.stringify({ auths: { 'registry.acme.io': { auth: Buffer.from(`ci:${password}`).toString('base64') } } })).toString('base64');
      expectOne('k8s/pull.yaml', `kind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: |\n    ${docker}\n`, docker, 'Kubernetes Secret value');
      // Certificates, templates, placeholders and other kinds are not secrets.
      const cert = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');
      const quiet = `kind: Secret\ndata:\n  ca.crt: ${cert}\n  password: {{ .Values.password | b64enc }}\n  token: ${Buffer.from('changeme').toString('base64')}\n---\nkind: ConfigMap\ndata:\n  mode: ${encoded}\n`;
      assert.deepEqual(check('k8s/other.yaml', quiet), []);
    });

    it('Discord bot tokens in files that never name Discord, by their base64 id', () => {
      const id = Buffer.from('19' + randomChars('0123456789', 16, 330)).toString('base64url');
      const token = `${id}.${randomChars(BASE64URL, 6, 331)}.${randomChars(BASE64URL, 38, 332)}`;
      expectOne('src/bot.ts', `const value = "${token}";\n`, token, 'Discord bot token');
      // The same shape whose first part is not a numeric id is not a bot token.
      const other = `${Buffer.from('not-an-id-at-all-xyz').toString('base64url')}.${randomChars(BASE64URL, 6, 333)}.${randomChars(BASE64URL, 38, 334)}`;
      assert.deepEqual(check('src/bot.ts', `const value = "${other}";\n`), []);
    });

    it('passwords in connection strings, with info for a loopback host', () => {
      const cases: [string, string, string][] = [
        ['postgres', 'db.internal.acme.io:5432/orders', 'PostgreSQL'],
        ['postgresql', 'db.internal.acme.io/orders?sslmode=require', 'PostgreSQL'],
        ['mysql', 'mysql.acme.io:3306/shop', 'MySQL'],
        ['mongodb+srv', 'cluster0.ab1cd.mongodb.net/app?retryWrites=true', 'MongoDB'],
        ['amqp', 'rabbit.acme.io:5672/%2f', 'AMQP'],
        ['mssql', 'sql.acme.io:1433/reports', 'SQL Server'],
      ];
      cases.forEach(([scheme, rest, label], index) => {
        const password = strongValue(18, 70 + index);
        const text = `const pool = connect("${scheme}://app_user:${password}@${rest}");\n`;
        const finding = expectOne('src/db.ts', text, password, `${label} connection-string password`);
        assert.equal(finding.severity, undefined);
        assertNoLeak(finding.message, password);
      });
      const redisPassword = strongValue(20, 80);
      expectOne('docker/app.env', `REDIS_URL=redis://:${redisPassword}@cache.acme.io:6379/0\n`, redisPassword, 'Redis connection-string password');
      const local = strongValue(16, 81);
      const localFinding = expectOne('scripts/seed.py', `engine = create_engine("postgresql://dev:${local}@localhost:5432/dev")\n`, local, /PostgreSQL/);
      assert.equal(localFinding.severity, 'info');
      // Published examples: Oracle's demo account (SQLAlchemy's docs) and httpx's `a%20secret`; another
      // password for scott, or a random one in the same URL, is still reported.
      const examples = [
        'engine = create_engine("oracle+cx_oracle://scott:tiger@hostname:1521/dbname")',
        '"mssql+pyodbc://scott:tiger^5HHH@mssql2017:1433/test?driver=ODBC+Driver+17+for+SQL+Server"',
        'url = httpx.URL("HTTPS://jo%40email.com:a%20secret@example.com:1234/path")',
      ].join('\n');
      assert.deepEqual(check('sqlalchemy/dialects/oracle/cx_oracle.py', examples), []);
      const other = strongValue(16, 82);
      expectOne('app/db.py', `engine = create_engine("postgresql://scott:${other}@db.acme.io/app")\n`, other, /PostgreSQL/);
    });
  });

  describe('generic high-entropy values assigned to secret-like names', () => {
    const value = strongValue(24, 90);
    const cases: [string, string, string][] = [
      ['src/config.ts', `export const config = {\n  apiKey: "${value}",\n  timeoutMs: 5000,\n};\n`, 'secret key'],
      ['app/settings.py', `DEBUG = False\nSECRET_KEY = '${value}'\n`, 'secret'],
      ['deploy/values.yaml', `database:\n  host: db.acme.io\n  password: ${value}\n`, 'password'],
      ['.env', `NODE_ENV=production\nDB_PASSWORD=${value}\n`, 'password'],
      ['config/oauth.json', `{\n  "client_id": "web-app",\n  "client_secret": "${value}"\n}\n`, 'secret'],
      ['conf/app.ini', `[auth]\ntoken_secret = ${value}\n`, 'secret'],
      ['scripts/release.sh', `#!/bin/sh\nexport API_TOKEN="${value}"\n`, 'token'],
      ['src/main/resources/application.properties', `spring.datasource.password=${value}\n`, 'password'],
      ['src/Client.java', `private static final String AUTH_TOKEN = "${value}";\n`, 'token'],
      ['cmd/server.go', `\tpassword := "${value}"\n`, 'password'],
      ['src/http.ts', `const headers = { Authorization: \`Bearer ${value}\` };\n`, 'authorization credential'],
    ];
    for (const [path, text, kind] of cases) {
      it(`finds a ${kind} in ${path}`, () => {
        const finding = expectOne(path, text, value, kind);
        assert.match(finding.message, /high-entropy value/);
      });
    }

    it('in Makefiles, Go, PHP, XML, and .env lines held in JSON strings', () => {
      const value = randomChars(BASE62, 32, 180);
      for (const operator of ['?=', ':=', '::=', ':::=', '+=']) {
        expectOne('build.mk', `DEPLOY_TOKEN ${operator} "${value}"\n`, value, 'token');
      }
      expectOne('Makefile', `DEPLOY_TOKEN ?= ${value}\n`, value, 'token');
      expectOne('main.go', `var deployToken string = "${value}"\n`, value, 'token');
      expectOne('index.php', `$deployToken .= "${value}";\n`, value, 'token');
      expectOne('settings.xml', `<deployToken>\n    ${value}\n</deployToken>\n`, value, 'token');
      expectOne('config.json', `{"config.ini": "DEPLOY_TOKEN=${value}\\nBACKUP=true"}\n`, value, 'token');
      // A numbered or typed name is still a secret's name.
      expectOne('.env', `mySecretString=${value}\n`, value, 'secret');
      expectOne('app.py', `deploy_token_2 = "${value}"\n`, value, 'token');
      // The closing quote of one value and the next key are not a `"name", "value"` pair.
      assert.deepEqual(check('sa', `{"token_uri":"https://example.com/token","auth_provider_x509_cert_url":"x"}\n`), []);
    });

    it('respects entropyThreshold and minLength', () => {
      // Letters and digits only: a value with symbols scattered in it is also a shared secret a person wrote, at any entropy.
      const text = `const apiKey = "${randomChars(BASE62, 24, 90)}";\n`;
      assert.equal(check('a.ts', text, { entropyThreshold: 6 }).length, 0);
      assert.equal(check('a.ts', text, { minLength: 40 }).length, 0);
      const short = strongValue(10, 91);
      assert.equal(check('a.ts', `const apiKey = "${short}";\n`).length, 0);
      assert.equal(check('a.ts', `const apiKey = "${short}";\n`, { minLength: 8 }).length, 1);
    });

    it('ignores names whose last word is not a secret and values that are words', () => {
      const text = [
        `const tokenType = "${value}";`,
        `const passwordField = "${value}";`,
        `const publicKey = "${value}";`,
        `const STRIPE_PUBLISHABLE_KEY = "${value}";`,
        'const AUTH_HEADER = "Authorization";',
        'const accessToken = "accessTokenStorageKey";',
        'const ID_TOKEN = "id_token";',
        'const refreshToken = "my-app-refresh-token-v2";',
        'const password = "Enter your password";',
        'const secretPath = "/var/run/secrets/kubernetes.io/serviceaccount/token";',
        'if (token === "cGFzc3dvcmQxMjM0NTY3OA") {}',
      ].join('\n');
      assert.deepEqual(check('src/auth.ts', text), []);
    });

    it("takes a regular expression's named group for a pattern, not a credential (botocore's monitoring.py)", () => {
      const text = "_AUTH_REGEXS = {\n    'v4': re.compile(\n        r'AWS4-HMAC-SHA256 '\n        r'Credential=(?P<access_key>\\w+)/\\d+/'\n    ),\n}\n";
      assert.deepEqual(check('botocore/monitoring.py', text), []);
      assert.equal(check('app.ini', 'db_password=(?Pa55w0rd!x\n').length, 1, 'a parenthesis and a question mark are no group');
    });

    it("takes a token typed on the keyboard's home row for a stand-in (oauthlib's doctests), not a password or a random value", () => {
      const doc = ["'Authorization': 'OAuth oauth_token=lsdkfol23w54jlksdef'", "access_token = 'askfjh234as9sd8'"].join('\n');
      assert.deepEqual(check('oauthlib/oauth2/rfc6749/request_validator.py', `${doc}\n`), []);
      const random = 'k3x9q2mzw7rt5vbn';
      expectOne('config.py', `access_token = '${random}'\n`, random, 'token');
      // Built here so that this repository's own check does not read a password in its tests.
      const typed = ['askfjh', '234as9sd8'].join('');
      assert.equal(check('config.py', `db_password = '${typed}'\n`).length, 1, 'a password typed so is still a password');
    });

    it("takes a lexer's token names with a sigil for words (prettier 3.10's bundled scss tokenizer)", () => {
      const text = ['lastSignificantToken = "?InterpolationInTemplate";', 'nextLastSignificantToken = "?NonExpressionParenKeyword";'].join('\n');
      assert.deepEqual(check('src/tokenizer.js', `${text}\n`), []);
      // The sigil is no cover for random text around it.
      const secret = strongValue(24, 433);
      expectOne('src/tokenizer.js', `const apiToken = "?${secret}";\n`, `?${secret}`, 'token');
    });

    it('takes page cursors for what they are (botocore examples: NextContinuationToken), not a credential named beside one', () => {
      const value = strongValue(40, 432);
      const cursors = [`{"NextContinuationToken": "${value}"}`, `{"NextToken": "${value}"}`, `next_page_token = "${value}"`, `paginationToken = "${value}"`].join('\n');
      assert.deepEqual(check('data/s3/responses.json', `${cursors}\n`), []);
      expectOne('config.py', `next_auth_token = "${value}"\n`, value, 'token');
      expectOne('config.py', `FB_PAGE_TOKEN = "${value}"\n`, value, 'token');
      expectOne('config.py', `NEXT_AUTH_SECRET = "${value}"\n`, value, 'secret');
      // Square's payment version token, quoted back on update like an ETag (its SDK's doc comments and API reference).
      assert.deepEqual(check('legacy/doc/api/payments.md', `    versionToken: '${value}',\n    "version_token": "${value}"\n`), []);
      expectOne('config.py', `VERSION_AUTH_TOKEN = "${value}"\n`, value, 'token');
    });

    it("takes a field's name numbered for an API reference generator's example, not for a random value (Square's models)", () => {
      const examples = ['"version_token": "version_token8"', '"verification_token": "verification_token4"', '"migration_token": "migration_token6"', 'payment_source_token = "payment_source_token8"'];
      assert.deepEqual(check('legacy/doc/models/payment.md', `${examples.join('\n')}\n`), []);
      assert.deepEqual(check('src/models.js', `${examples.join('\n')}\n`), []);
      // The name with a random part after it is judged as any value is.
      const random = `verification_token${strongValue(16, 440)}`;
      expectOne('legacy/doc/models/card.md', `"verification_token": "${random}"\n`, random, 'token', 'verification_token'.length);
    });

    it('pairs by comma are two arguments or two items, not items of a longer list of names (Django 3.2 auth forms)', () => {
      const secret = strongValue(16, 430);
      expectOne('settings.py', `os.environ.setdefault('API_TOKEN', '${secret}')\n`, secret, 'token');
      expectOne('settings.py', `os.environ.setdefault(\n    'API_TOKEN', '${secret}',\n)\n`, secret, 'token');
      expectOne('src/headers.ts', `const pairs = new Map([['apiSecret', '${secret}']]);\n`, secret, 'secret');
      const django = [
        "field_order = ['old_password', 'new_password1', 'new_password2']",
        "fieldsets = ((None, {'classes': ('wide',), 'fields': ('username', 'password1', 'password2')}),)",
        'fields = [',
        "    'password',",
        "    'new_password1',",
        "    'new_password2',",
        ']',
      ].join('\n');
      assert.deepEqual(check('django/contrib/auth/forms.py', django), []);
    });
  });

  describe('filters', () => {
    const secretLike = strongValue(24, 100);

    it('placeholders', () => {
      const text = [
        "const apiKey = 'xxxxxxxxxxxxxxxxxxxxxxxx';",
        "const apiKey2 = '<your-api-key>';",
        "const apiKey3 = 'your-api-key-here';",
        "const password = 'changeme';",
        "const secret = '{{ vault_secret }}';",
        "const token = '%s';",
        "const clientSecret = 'example-client-secret-9f8e7d';",
        "const dbPassword = 'dummy-Pa55word-for-ci';",
        "const authToken = 'sample_9Xk2LmQ7pR4tV8wZ';",
        "const accessToken = 'test-9Xk2LmQ7pR4tV8wZ1';",
        "const jwtSecret = 'fake-9Xk2LmQ7pR4tV8wZ1';",
        "const mockToken = 'mock_9Xk2LmQ7pR4tV8wZ1';",
        "const apiSecret = '************************';",
        "const apiKey4 = 'REDACTED';",
        `const github = '${'ghp_' + 'x'.repeat(36)}';`,
        `const stripe = '${'sk_live_' + 'X'.repeat(24)}';`,
        `const slack = '${'xoxb-' + '0'.repeat(11) + '-' + '0'.repeat(12) + '-' + 'x'.repeat(24)}';`,
      ].join('\n');
      assert.deepEqual(check('src/config.ts', text), []);
      assert.deepEqual(check('.env.example', 'OPENAI_API_KEY=your-openai-api-key\nDB_PASSWORD=<password>\nSECRET_KEY=changeme\n'), []);
    });

    it('fillers: ascending runs and repeated pieces', () => {
      const text = [
        `const apiToken = "${'sk9' + 'abc123xyz-456def789ghij-klmnopqrstuvwx'}";`,
        `const apiSecret = "${'a1b2c3d4'.repeat(5)}";`,
      ].join('\n');
      assert.deepEqual(check('src/fillers.ts', text), []);
    });

    it('Google API keys in a Firebase web config are public by design', () => {
      const key = 'AIza' + randomChars(BASE64URL, 35, 185);
      const config = `const firebaseConfig = {\n  apiKey: "${key}",\n  authDomain: "acme.firebaseapp.com",\n  projectId: "acme",\n};\n`;
      assert.deepEqual(check('src/firebase.ts', config), []);
    });

    it('npm legacy UUID tokens only in a registry-scoped .npmrc line', () => {
      const uuid = [8, 4, 4, 4, 12].map((length, index) => randomChars(HEX, length, 190 + index)).join('-');
      expectOne('.npmrc', `//registry.npmjs.org/:_authToken=${uuid}\n`, uuid, 'token');
      assert.deepEqual(check('.env', `_authToken=${uuid}\nsessionToken=${uuid}\n`), []);
    });

    it('environment references', () => {
      assert.deepEqual(check('src/config.ts', 'const apiKey = process.env.API_KEY;\nconst token = process.env["GITHUB_TOKEN"] ?? "";\nconst secret = `${process.env.SECRET}`;\n'), []);
      assert.deepEqual(check('app/settings.py', 'SECRET_KEY = os.environ["SECRET_KEY"]\nAPI_TOKEN = os.getenv("API_TOKEN")\npassword = os.environ.get("DB_PASSWORD")\n'), []);
      assert.deepEqual(check('docker-compose.yml', 'services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n      API_TOKEN: $API_TOKEN\n'), []);
      assert.deepEqual(check('.env', 'DB_PASSWORD=${VAULT_DB_PASSWORD}\nAPI_TOKEN=$CI_API_TOKEN\n'), []);
      assert.deepEqual(check('run.sh', 'export GITHUB_TOKEN="$GH_TOKEN"\ncurl -H "Authorization: Bearer ${GITHUB_TOKEN}" https://api.github.com\n'), []);
      assert.deepEqual(check('.github/workflows/ci.yml', 'env:\n  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n'), []);
    });

    it('connection strings with placeholder or referenced passwords', () => {
      const text = [
        'const a = "postgres://user:password@localhost:5432/app";',
        'const b = "postgres://app:${DB_PASS}@db.acme.io/app";',
        'const c = "mongodb+srv://admin:<password>@cluster0.mongodb.net/test";',
        'const d = "postgres://postgres:postgres@localhost/app";',
        'const e = "amqp://guest:guest@rabbitmq:5672";',
        'const f = `mysql://root:${process.env.MYSQL_PASSWORD}@db/shop`;',
        'const g = "redis://:$REDIS_PASSWORD@cache:6379";',
        'const h = "https://user:${API_PASSWORD}@example.org/";',
      ].join('\n');
      assert.deepEqual(check('src/db.ts', text), []);
    });

    it('UUIDs, hex hashes and integrity values', () => {
      const uuid = '3f2b8c1e-9d4a-4e7b-a6c5-1b2d3e4f5a6b';
      const sha1 = createHash('sha1').update('commit').digest('hex');
      const sha256 = createHash('sha256').update('artifact').digest('hex');
      const integrity = 'sha512-' + createHash('sha512').update('pkg').digest('base64');
      const text = [
        `const requestId = "${uuid}";`,
        `const commitToken = "${sha1}";`,
        `const secretSha256 = "${sha256}";`,
        `const tokenHash = "${sha256}";`,
        `const authToken = "${integrity}";`,
        `const apiKey = "sha256:${sha256}";`,
        `const secret = "${'0123abcd'.repeat(4)}";`,
        // fastify 5's WebDAV UNLOCK test: a lock token is a UUID URN.
        `const headers = { 'Lock-Token': 'urn:uuid:a515cfa4-5da4-22e1-f5b5-00a0451e6bf7' };`,
      ].join('\n');
      assert.deepEqual(check('src/ids.ts', text), []);
    });

    it('hex and UUID values under a token, key or secret name', () => {
      // Many vendors issue 32- or 40-digit hex keys and UUID keys; under such a name they are keys.
      const hexKey = randomChars(HEX, 32, 140);
      expectOne('deploy.mk', `ALGOLIA_TOKEN ?= "${hexKey}"\n`, hexKey, 'token');
      expectOne('config/app.yaml', `facebook_token: ${hexKey}\n`, hexKey, 'token');
      const uuidKey = [8, 4, 4, 4, 12].map((length, index) => randomChars(HEX, length, 141 + index)).join('-');
      expectOne('settings.py', `HEROKU_API_KEY = "${uuidKey}"\n`, uuidKey, 'Heroku API key');
      // Too short to be a key (64 bits or more), or a digest by its name.
      assert.deepEqual(check('src/a.ts', `const apiToken = "${randomChars(HEX, 12, 147)}";\nconst tokenDigest = "${hexKey}";\n`), []);
    });

    it('lock files as a whole', () => {
      const token = 'ghp_' + randomChars(BASE62, 36, 101);
      for (const lockFile of ['package-lock.json', 'web/yarn.lock', 'pnpm-lock.yaml', 'Cargo.lock', 'poetry.lock', 'Gemfile.lock']) {
        assert.deepEqual(check(lockFile, `"resolved": "https://${token}@npm.pkg.github.com/x.tgz"\napi_key = "${secretLike}"\n`), [], lockFile);
      }
      assert.equal(check('package.json', `{ "config": { "token": "${token}" } }\n`).length, 1);
    });

    it('documented example keys', () => {
      const awsId = 'AKIA' + 'IOSFODNN7' + 'EXAMPLE';
      const awsDocPair = 'wJalrXUtnFEMI/K7MDENG/' + 'bPxRfiCYEXAMPLEKEY';
      const azurite = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/' + 'K1SZFPTOtr/KBHBeksoGMGw==';
      const stripeDocs = 'sk_test_' + '4eC39HqLyjWDarjtT1zdp7dc';
      const jwtIo = [
        Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url'),
        Buffer.from(JSON.stringify({ sub: '1234567890', name: 'John Doe', iat: 1516239022 })).toString('base64url'),
        randomChars(BASE64URL, 43, 102),
      ].join('.');
      const supabaseAnon = jwt({ iss: 'supabase', role: 'anon', iat: 1700000000 }, 103);
      const text = [
        `aws_access_key_id = ${awsId}`,
        `aws_secret_access_key = ${awsDocPair}`,
        `AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${azurite};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;`,
        `STRIPE_SECRET_KEY=${stripeDocs}`,
        `SAMPLE_JWT=${jwtIo}`,
        `NEXT_PUBLIC_SUPABASE_ANON_KEY=${supabaseAnon}`,
        // PyJWT's README example, as its PKG-INFO ships it.
        'PYJWT_EXAMPLE=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzb21lIjoicGF5bG9hZCJ9.4twFt5NiznN84AWoo1d7KO1T_yoc0Z6XOpOVswacPZg',
      ].join('\n');
      assert.deepEqual(check('.env', text), []);
      // The same shape with one more claim is a real token.
      const more = jwt({ some: 'payload', user: 'admin' }, 106);
      assert.equal(check('.env', `TOKEN=${more}\n`).length, 1);
      // jsonwebtoken's tests and benches: under a token's name, the sample, a header alone and a made-up
      // signature are not secrets either (the JWT format declines them, the generic detector leaves them).
      const [header, payload] = jwtIo.split('.');
      for (const value of [jwtIo, header, `${header}.`, `${header}.${payload}.S`, `${header}.${payload}.wrong`]) {
        assert.deepEqual(check('tests/hmac.rs', `let token = "${value}";\n`), [], value);
      }
      // An unsigned token (`"alg":"none"`) works as it is against a server that accepts one: still a secret under a key's name.
      const noneHeader = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url');
      const unsigned = `${noneHeader}.${Buffer.from('{"username":"morty","sub":"123"}').toString('base64url')}.`;
      assert.equal(check('req.ps1', `$headers = @{ 'X-API-KEY' = '${unsigned}' }\n`).length, 1);
      // Its header alone is still no token.
      assert.deepEqual(check('req.ps1', `$headers = @{ 'X-API-KEY' = '${noneHeader}.' }\n`), []);
    });

    it('the allow option silences values containing a listed substring', () => {
      const token = 'ghp_' + randomChars(BASE62, 36, 104);
      const text = `const token = '${token}';\nconst apiKey = "${secretLike}";\n`;
      assert.equal(check('src/a.ts', text).length, 2);
      assert.equal(check('src/a.ts', text, { allow: [token.slice(10, 20)] }).length, 1);
      assert.equal(check('src/a.ts', text, { allow: [token.slice(10, 20), secretLike.slice(0, 8)] }).length, 0);
      assert.equal(check('src/a.ts', text, { allow: 'not-a-list' }).length, 2);
    });

    it('binary content', () => {
      const token = 'ghp_' + randomChars(BASE62, 36, 105);
      assert.deepEqual(check('assets/logo.png', `\u0089PNG\r\n\u001a\n\u0000\u0000\u0000IHDR${token}`), []);
      assert.deepEqual(check('lib/native.node', `\ufffd\ufffd\ufffd\ufffdELF${'\ufffd'.repeat(40)}${token}`), []);
    });

    it('key-like constants in parsers and docs that are not keys', () => {
      const text = [
        "const PEM_HEADER = '-----BEGIN RSA PRIVATE KEY-----';",
        "const FOOTER = '-----END RSA PRIVATE KEY-----';",
        '// Paste your key: -----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC...\\n-----END PRIVATE KEY-----',
        "const task = 'sk-learn-model-training-pipeline';",
        "const header = 'eyJhbGciOiJIUzI1NiJ9';",
      ].join('\n');
      assert.deepEqual(check('src/pem.ts', text), []);
    });
  });

  describe('wrong findings seen on real repositories', () => {
    it('does not read dependency specs (npm aliases, workspace, file, link, git) as secrets, but keeps a git URL with a password', () => {
      const text = [
        '{',
        '  "dependencies": {',
        '    "next-auth": "npm:next-auth@^4.24.11",',
        '    "@auth/core": "npm:@auth/core@0.37.2",',
        '    "auth-core": "workspace:^1.2.0",',
        '    "token-utils": "file:../packages/token-utils-2.1.0.tgz",',
        '    "secret-lib": "link:../secret-lib",',
        '    "oauth-kit": "git+https://github.com/acme/oauth-kit.git#v1.2.3",',
        '    "passport-token": "^0.7.0-beta.3"',
        '  }',
        '}',
      ].join('\n');
      assert.deepEqual(check('package.json', text), []);
      const secret = randomChars(BASE62, 24, 321);
      const real = `{ "config": { "api-token": "${secret}" }, "dependencies": { "next-auth": "npm:next-auth@^4.24.11" } }\n`;
      const findings = check('package.json', real);
      assert.equal(findings.length, 1);
      assert.equal(covered(real, findings[0]), secret);
    });

    it('ignores placeholder credentials in READMEs and keeps a real key pasted into one', () => {
      const value = strongValue(24, 322);
      const text = [
        '# Setup',
        '```yaml',
        'database:',
        '  password: your-password-here',
        '```',
        '```sh',
        'export API_KEY=<your key>',
        'export OPENAI_API_KEY="sk-...xxxx"',
        'DB_PASSWORD="changeme"',
        'SECRET_TOKEN: "example-token-here"',
        '```',
        '```js',
        'new Client({ apiKey: "dummy_api_key_123456", password: "${DB_PASSWORD}" });',
        'const x = { token: "<token>", apiKey: "YOUR_API_KEY_HERE", password: "p@ssw0rd-here", adminPassword: "Passw0rd!2024" };',
        '```',
        `Then set \`SECRET_KEY = "${value}"\` in the environment.`,
      ].join('\n');
      const findings = check('README.md', text);
      assert.equal(findings.length, 1, JSON.stringify(findings.map((finding) => finding.message)));
      assert.equal(covered(text, findings[0]), value);
      assert.match(findings[0].message, /high-entropy value/);
    });

    it('calls a guessable password guessable, at warning, and does not report it in tests', () => {
      const text = [
        'const password = "password1234";',
        'const adminPassword = "Passw0rd!2024";',
        'const password2 = "Admin@2024#1";',
        `const realPassword = "${strongValue(20, 323)}";`,
      ].join('\n');
      const findings = check('src/seed.ts', text);
      assert.equal(findings.length, 4);
      for (const finding of findings.slice(0, 3)) {
        assert.equal(finding.severity, 'warning');
        assert.match(finding.message, /^Hardcoded password in `\w+` \(a guessable, low-entropy value\)/);
        assert.doesNotMatch(finding.message, /high-entropy/);
      }
      assert.equal(findings[3].severity, undefined);
      assert.match(findings[3].message, /\(high-entropy value\)/);
      for (const path of ['test/login.test.ts', 'src/auth.spec.ts', '__tests__/auth.js', 'tests/test_auth.py', 'pkg/auth_test.go', 'src/test/java/LoginTest.java']) {
        const inTest = check(path, text);
        assert.equal(inTest.length, 1, path);
        assert.match(inTest[0].message, /\(high-entropy value\)/);
      }
    });
  });

  describe('fix: replace with an environment variable read', () => {
    const value = strongValue(24, 110);

    function onlyFix(path: string, text: string): TextFix | undefined {
      const findings = check(path, text);
      assert.equal(findings.length, 1, JSON.stringify(findings.map((f) => f.message)));
      const fixes = findings[0].fixes ?? [];
      assert.ok(fixes.length <= 1);
      if (fixes[0]) {
        assert.equal(fixes[0].title, 'Replace with an environment variable read');
        assert.equal(fixes[0].preferred, true);
      }
      return fixes[0];
    }

    it('TypeScript: the whole literal becomes process.env.NAME derived from the name', () => {
      const text = `export const apiKey = "${value}";\n`;
      const fix = onlyFix('src/config.ts', text);
      assert.ok(fix);
      assert.deepEqual(fix.edits, [{ start: 22, end: 24 + value.length, newText: 'process.env.API_KEY' }]);
      assert.equal(applyFix(text, fix), 'export const apiKey = process.env.API_KEY;\n');
    });

    it('TypeScript: object properties, annotations and unnamed arguments', () => {
      const token = 'ghp_' + randomChars(BASE62, 36, 111);
      assert.equal(
        applyFix(`const gh = new Octokit({ githubToken: '${token}' });\n`, onlyFix('src/gh.ts', `const gh = new Octokit({ githubToken: '${token}' });\n`)!),
        'const gh = new Octokit({ githubToken: process.env.GITHUB_TOKEN });\n',
      );
      const annotated = `const dbPassword: string = '${value}';\n`;
      assert.equal(applyFix(annotated, onlyFix('src/db.ts', annotated)!), 'const dbPassword: string = process.env.DB_PASSWORD;\n');
      const argument = `const octokit = new Octokit({ auth: '${token}' });\nawait login('${token}');\n`;
      const fixes = check('src/gh.js', argument).map((finding) => finding.fixes?.[0]);
      assert.equal(fixes.length, 2);
      assert.equal(applyFix(argument, fixes[1]!), `const octokit = new Octokit({ auth: '${token}' });\nawait login(process.env.GITHUB_TOKEN);\n`);
      const member = `this.config.clientSecret = \`${value}\`;\n`;
      assert.equal(applyFix(member, onlyFix('src/c.mjs', member)!), 'this.config.clientSecret = process.env.CLIENT_SECRET;\n');
    });

    it('JSX: an attribute value gets braces, a comparison does not', () => {
      const key = 'AIza' + randomChars(BASE64URL, 35, 118);
      const jsx = `export const Map = () => (\n  <GoogleMap\n    zoom={12}\n    apiKey="${key}"\n  />\n);\n`;
      assert.equal(applyFix(jsx, onlyFix('src/Map.tsx', jsx)!), 'export const Map = () => (\n  <GoogleMap\n    zoom={12}\n    apiKey={process.env.API_KEY}\n  />\n);\n');
      const plain = `if (a < b) apiKey="${key}";\n`;
      assert.equal(applyFix(plain, onlyFix('src/a.js', plain)!), 'if (a < b) apiKey=process.env.API_KEY;\n');
    });

    it('TypeScript: a connection string literal becomes process.env.DATABASE_URL', () => {
      const password = strongValue(18, 112);
      const text = `const pool = new Pool({ connectionString: "postgres://orders:${password}@db.acme.io:5432/orders" });\n`;
      assert.equal(applyFix(text, onlyFix('src/db.ts', text)!), 'const pool = new Pool({ connectionString: process.env.CONNECTION_STRING });\n');
      const unnamed = `const pool = new Pool("postgres://orders:${password}@db.acme.io:5432/orders");\n`;
      assert.equal(applyFix(unnamed, onlyFix('src/db.ts', unnamed)!), 'const pool = new Pool(process.env.DATABASE_URL);\n');
    });

    it('no fix when the secret is only part of a literal or an object key', () => {
      const bearer = `const headers = { Authorization: "Bearer ${value}" };\n`;
      assert.equal(onlyFix('src/http.ts', bearer), undefined);
      const token = 'ghp_' + randomChars(BASE62, 36, 113);
      assert.equal(onlyFix('src/map.ts', `const owners = { '${token}': 'bot' };\n`), undefined);
    });

    it('Python: os.environ["NAME"], adding import os after the docstring and __future__ imports', () => {
      const text = `"""Settings."""\nfrom __future__ import annotations\n\nimport sys\n\nSECRET_KEY = '${value}'\n`;
      const fix = onlyFix('app/settings.py', text);
      assert.ok(fix);
      assert.equal(
        applyFix(text, fix),
        '"""Settings."""\nfrom __future__ import annotations\n\nimport os\nimport sys\n\nSECRET_KEY = os.environ["SECRET_KEY"]\n',
      );
      const imported = `import os, sys\n\nclient = OpenAI(api_key=r"${'sk-' + randomChars(BASE62, 48, 114)}")\n`;
      assert.equal(applyFix(imported, onlyFix('agent.py', imported)!), 'import os, sys\n\nclient = OpenAI(api_key=os.environ["API_KEY"])\n');
      assert.equal(onlyFix('agent.py', `TOKEN = b"${value}"\n`), undefined);
    });

    it('YAML: ${NAME} in Compose and Spring files, a secrets reference in GitHub workflows, none elsewhere', () => {
      const compose = `services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: ${value}\n      - API_KEY=${value}\n`;
      const composeFindings = check('docker-compose.yml', compose);
      assert.equal(composeFindings.length, 2);
      assert.equal(
        applyFix(compose, composeFindings[0].fixes![0]),
        `services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: \${POSTGRES_PASSWORD}\n      - API_KEY=${value}\n`,
      );
      assert.equal(
        applyFix(compose, composeFindings[1].fixes![0]),
        `services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: ${value}\n      - API_KEY=\${API_KEY}\n`,
      );
      const spring = `spring:\n  datasource:\n    password: "${value}"\n`;
      assert.equal(applyFix(spring, onlyFix('src/main/resources/application-prod.yml', spring)!), 'spring:\n  datasource:\n    password: "${PASSWORD}"\n');
      const hook = `https://hooks.slack.com/services/T${randomChars(BASE32, 8, 115)}/B${randomChars(BASE32, 10, 116)}/${randomChars(BASE62, 24, 117)}`;
      const workflow = `jobs:\n  notify:\n    steps:\n      - uses: slackapi/slack-github-action@v1\n        with:\n          webhook: ${hook}\n`;
      assert.equal(
        applyFix(workflow, onlyFix('.github/workflows/notify.yml', workflow)!),
        'jobs:\n  notify:\n    steps:\n      - uses: slackapi/slack-github-action@v1\n        with:\n          webhook: ${{ secrets.WEBHOOK }}\n',
      );
      assert.equal(onlyFix('k8s/deployment.yaml', `env:\n  - name: DB\n    password: ${value}\n`), undefined);
    });

    it('.properties for Spring keep the dotted key as the variable name', () => {
      const text = `spring.datasource.password=${value}\n`;
      assert.equal(applyFix(text, onlyFix('src/main/resources/application.properties', text)!), 'spring.datasource.password=${SPRING_DATASOURCE_PASSWORD}\n');
    });

    it('no fix in .env, JSON or shell, where no env read is a correct replacement', () => {
      assert.equal(onlyFix('.env', `API_KEY=${value}\n`), undefined);
      assert.equal(onlyFix('config/app.json', `{ "apiKey": "${value}" }\n`), undefined);
      assert.equal(onlyFix('deploy.sh', `API_KEY="${value}"\n`), undefined);
    });
  });

  describe('messages and fingerprints', () => {
    it('never contain the secret, for any kind', () => {
      const tokens = [
        'ghp_' + randomChars(BASE62, 36, 120),
        'AKIA' + randomChars(BASE32, 16, 121),
        'sk_live_' + randomChars(BASE62, 30, 122),
        'glpat-' + randomChars(BASE62, 20, 123),
        'hf_' + randomChars(BASE62, 34, 124),
        strongValue(30, 125),
      ];
      const text = tokens.map((token, index) => `const secret${index} = "${token}";`).join('\n');
      const result = evaluate('src/all.ts', text, { policy: defaultPolicy(), rules: [rule] });
      assert.equal(result.findings.length, tokens.length);
      result.findings.forEach((finding, index) => {
        const token = tokens[index];
        const prefix = /^(?:ghp_|AKIA|sk_live_|glpat-|hf_)/.exec(token)?.[0].length ?? 0;
        assertNoLeak(finding.message, token, prefix);
        assertNoLeak(finding.fingerprintSource!, token);
        assert.ok(!finding.fingerprint.includes(token.slice(prefix, prefix + 6)));
      });
    });

    it('fingerprints survive moved lines and differ between secrets', () => {
      const first = 'ghp_' + randomChars(BASE62, 36, 130);
      const second = 'ghp_' + randomChars(BASE62, 36, 131);
      const text = `const a = 1;\nconst token = '${first}';\nconst backup = '${second}';\n`;
      const moved = `// header\n\nconst a = 1;\n\nconst token = '${first}';\nconst backup = '${second}';\n`;
      const options = { policy: defaultPolicy(), rules: [rule] };
      const before = evaluate('src/a.ts', text, options).findings.map((finding) => finding.fingerprint);
      const after = evaluate('src/renamed.ts', moved, options).findings.map((finding) => finding.fingerprint);
      assert.equal(before.length, 2);
      assert.deepEqual(after, before);
      assert.notEqual(before[0], before[1]);
      const twice = `send('${first}');\nsend('${second}');\n`;
      const [one, two] = evaluate('src/b.ts', twice, options).findings.map((finding) => finding.fingerprint);
      assert.notEqual(one, two);
    });
  });

  describe('robustness and speed', () => {
    const PATHS = ['src/a.ts', 'app.py', 'docker-compose.yml', '.env', 'config.json', 'application.properties', '.github/workflows/ci.yml', 'README.md', 'run.sh'];
    const FRAGMENTS = [
      'ghp_', 'AKIA', 'AIza', 'sk-', 'sk-ant-', 'sk-proj-', 'xoxb-', 'hooks.slack.com/services/', 'discord', ':AA', 'eyJ', '.ey', '-----BEGIN ',
      ' PRIVATE KEY-----', '-----END ', 'AccountKey=', 'postgres://', 'mongodb+srv://', ':', '@', '=', ': ', ', ', '"', "'", '`', '\\', '\n', '\r\n',
      'password', 'apiKey', 'SECRET_KEY', 'token', 'Bearer ', '${', '}', 'os.environ', 'import os\n', '"""', 'hf_', 'npm_', 'SG.', 'pypi-AgE',
    ];
    const piece = fc.oneof(
      fc.constantFrom(...FRAGMENTS),
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: 1, maxLength: 90 }),
    );

    it('never throws on arbitrary text, and findings stay inside it and do not leak', () => {
      fc.assert(
        fc.property(fc.constantFrom(...PATHS), fc.array(piece, { maxLength: 60 }), (path, pieces) => {
          const text = pieces.join('');
          for (const finding of check(path, text)) {
            assert.ok(finding.start >= 0 && finding.start < finding.end && finding.end <= text.length);
            const secret = text.slice(finding.start, finding.end);
            if (secret.length >= 24) assert.ok(!finding.message.includes(secret.slice(-16)));
            for (const fix of finding.fixes ?? []) {
              for (const edit of fix.edits) assert.ok(edit.start >= 0 && edit.start <= edit.end && edit.end <= text.length);
            }
          }
        }),
        { numRuns: 400 },
      );
    });

    it('never throws on random unicode and very long lines', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 1, max: 400 }), (chunk, times) => {
          check('dist/bundle.min.js', chunk.repeat(times));
        }),
        { numRuns: 60 },
      );
    });

    it('finishes on adversarial inputs, each finding at most its bounded number of candidates (their cost per megabyte: bench/adversarial.bench.ts)', () => {
      for (const [name, text] of Object.entries(ADVERSARIAL_SECRETS)) {
        const findings = check('dist/x.js', text);
        assert.ok(findings.length <= 500, `${name}: ${findings.length} findings`);
        for (const finding of findings) assert.ok(finding.start >= 0 && finding.end <= text.length, name);
      }
    });

    it('finds a token at the end of a 2 MB minified line', () => {
      const token = 'ghp_' + randomChars(BASE62, 36, 140);
      const line = 'var a=function(b){return b.key+"x"};'.repeat(55_000) + `var t="${token}";`;
      const findings = check('dist/app.min.js', line);
      assert.equal(findings.length, 1);
      assert.equal(covered(line, findings[0]), token);
    });
  });

  describe('vendor credentials by name and shape, filler bodies, and every config file type', () => {
    const LOWER36 = 'abcdefghijklmnopqrstuvwxyz0123456789';
    /** Exactly one finding covering `value`, at `info`, whose message asks to confirm a placeholder. */
    function expectFillerNote(path: string, text: string, value: string, kind: string): void {
      const findings = check(path, text);
      assert.equal(findings.length, 1, `expected one note in ${path}, got ${JSON.stringify(findings.map((f) => f.message))}`);
      assert.equal(covered(text, findings[0]), value);
      assert.equal(findings[0].severity, 'info');
      assert.ok(findings[0].message.includes(kind), findings[0].message);
      assert.match(findings[0].message, /looks like a placeholder: confirm it is not a real credential/);
    }

    it('SoftLayer, IBM COS HMAC, IBM Cloud IAM, Cloudant, Snyk, MessageBird and Sonar by the vendor in the name', () => {
      const softlayer = randomChars(LOWER36, 64, 901);
      expectOne('deploy/values.yaml', `sl_api_key: ${softlayer}\n`, softlayer, 'IBM SoftLayer API key');
      expectOne('.env', `SOFTLAYERAPIKEY=${softlayer}\n`, softlayer, 'IBM SoftLayer API key');
      expectOne('provision.sh', `slcli setup --softlayer-api-key "${softlayer}"\n`, softlayer, 'IBM SoftLayer API key');
      const hmac = randomChars(HEX, 48, 902);
      expectOne('cos.py', `ibm_cos_secret_access_key = "${hmac}"\n`, hmac, 'IBM Cloud Object Storage HMAC secret key');
      const iam = randomChars(BASE64URL, 44, 903);
      expectOne('cloud.ini', `ibm_cloud_iam_key = ${iam}\n`, iam, 'IBM Cloud IAM API key');
      const cloudant = randomChars(HEX, 64, 904);
      expectOne('db.py', `cloudant_password = '${cloudant}'\n`, cloudant, 'IBM Cloudant credential');
      const url = `https://acme-admin:${cloudant}@acme-admin.cloudant.com/_api/v2/`;
      expectOne('src/db.ts', `export const couch = "${url}";\n`, cloudant, 'IBM Cloudant connection-string password');
      const uuid = [8, 4, 4, 4, 12].map((length, i) => randomChars(HEX, length, 905 + i)).join('-');
      expectOne('ci.yml', `env:\n  SNYK_TOKEN: ${uuid}\n`, uuid, 'Snyk API token');
      expectOne('sms.go', `MessageBirdToken := "${uuid}"\n`, uuid, 'MessageBird API token');
      const sonar = randomChars(BASE62, 40, 911);
      // `login` is not a secret's name on its own; under Sonar it is the analysis token.
      expectOne('sonar.mk', `SONAR_LOGIN ?= "${sonar}"\n`, sonar, 'SonarQube token');
      expectOne('sonar.js', `const SONAR_TOKEN = "squ_${sonar}"\n`, `squ_${sonar}`, 'SonarQube token');
      // A secret noun glued to its qualifier, the way environment names are written.
      const accessKey = randomChars(BASE62, 64, 912);
      expectOne('.env', `SUMOLOGIC_ACCESSKEY=${accessKey}\n`, accessKey, 'secret key');
    });

    it('a vendor-named shape unquoted in code or as a name:value inside a string; never a generic value there', () => {
      const softlayer = randomChars(LOWER36, 64, 980);
      expectOne('main.go', `\tslapikey := ${softlayer}\n`, softlayer, 'IBM SoftLayer API key');
      expectOne('src/cfg.ts', `export const arg = "softlayer-key:${softlayer}";\n`, softlayer, 'IBM SoftLayer API key');
      const iam = randomChars(BASE64URL, 44, 981);
      expectOne('src/cfg.ts', `export const arg = "ibm-cloud_api_key:=${iam}";\n`, iam, 'IBM Cloud IAM API key');
      // The same places with a generic name hold expressions and prose, not literals.
      const value = randomChars(BASE62, 32, 982);
      assert.deepEqual(check('main.go', `\tapiKey := ${value}\n\ttoken = ${value};\n`), []);
      assert.deepEqual(check('src/cfg.ts', `export const header = "x-api-key:${value}";\n`), []);
    });

    it('a long base64 JSON body is not a counting-sequence filler for a mixed-case run', () => {
      const claims = Buffer.from(JSON.stringify({ signInAddress: 'acme.1password.com', userAuth: { method: 'SRPg-4096', alg: 'PBES2g-HS256', iterations: 650000, salt: randomChars(BASE64URL, 22, 983) }, email: 'svc@acme.io', srpX: randomChars(HEX, 64, 984), muk: { k: randomChars(BASE64URL, 43, 985) } })).toString('base64').replace(/=+$/, '');
      // A run that is ascending only once lowercased (`JKLmn`), inside the body.
      const token = `ops_${claims.slice(0, 40)}JKLmn${claims.slice(40)}`;
      expectOne('.env', `OP_SERVICE_ACCOUNT_TOKEN=${token}\n`, token, '1Password service account token', 4);
    });

    it('a typed filler in a vendor shape is a note at info; after a generic name or as an explicit stand-in it is nothing', () => {
      const periodic = 'fe21c0d9'.repeat(8);
      expectFillerNote('values.yaml', `softlayer_api_key: ${periodic}\n`, periodic, 'IBM SoftLayer API key');
      expectFillerNote('cos.env', `COS_HMAC_SECRET_ACCESS_KEY=${'9d0e1f2a3b4c'.repeat(4)}\n`, '9d0e1f2a3b4c'.repeat(4), 'HMAC');
      const countingUuid = '23456789-BCDE-BCDE-BCDE-234567890ABC';
      expectFillerNote('ci.js', `const SNYK_TOKEN = "${countingUuid}"\n`, countingUuid, 'Snyk API token');
      const awsFiller = 'AKIA' + 'W'.repeat(16);
      expectFillerNote('src/aws.ts', `export const id = "${awsFiller}";\n`, awsFiller, 'AWS access key ID');
      const ageFiller = 'AGE-SECRET-KEY-1' + 'P'.repeat(58);
      expectFillerNote('keys.mk', `AGE_KEY := "${ageFiller}"\n`, ageFiller, 'age secret key');
      const tailscaleFiller = `tskey-auth-${'M'.repeat(12)}-${'N'.repeat(24)}`;
      expectFillerNote('notes.txt', `${tailscaleFiller}\n`, tailscaleFiller, 'Tailscale key');
      const figmaFiller = `figd_${'qRsTuV'.repeat(7)}`;
      expectFillerNote('.env', `FIGMA_TOKEN=${figmaFiller}\n`, figmaFiller, 'Figma personal access token');
      const cloudantFiller = `https://acme:${'0a1b2c3d'.repeat(8)}@acme.cloudant.com`;
      expectFillerNote('src/db.ts', `export const couch = "${cloudantFiller}";\n`, '0a1b2c3d'.repeat(8), 'Cloudant');
      // The message never repeats the value, only the public prefix.
      const [note] = check('src/aws.ts', `export const id = "${awsFiller}";\n`);
      assertNoLeak(note.message, awsFiller, 4);
      // Explicit stand-ins say themselves they are not real: `x` runs, `your`, `example`, templating, env reads.
      const quiet = [
        `AWS_KEY_ID = "AKIA${'X'.repeat(16)}"`,
        `softlayer_api_key: ${'x'.repeat(64)}`,
        'SNYK_TOKEN = "${SNYK_TOKEN}"',
        `sl_api_key = "your${'a'.repeat(60)}"`,
        `tskey = "tskey-auth-${'x'.repeat(12)}-${'x'.repeat(24)}"`,
      ].join('\n');
      assert.deepEqual(check('config.py', `${quiet}\n`), []);
      // A generic name with a filler body is nothing at all, at any severity.
      assert.deepEqual(check('config.py', `api_key = "${periodic}"\nDB_PASSWORD = "${periodic}"\n`), []);
      // The vendor's word without its shape, and its shape without the word, are left to the generic rules.
      assert.deepEqual(check('values.yaml', `softlayer_api_key: ${periodic.slice(0, 40)}\nsession_id: ${periodic}\n`), []);
      // An https URL with a password to a host that is not Cloudant is not a connection string here.
      assert.deepEqual(check('src/a.ts', `export const u = "https://acme:${'0a1b2c3d'.repeat(8)}@files.acme.io";\n`), []);
    });

    it('Fly.io, Square, Facebook app tokens, Sidekiq under a quoted key, Mailgun, Cloudflare, Sourcegraph, HubSpot, Flutterwave test keys', () => {
      const fly = `fo1_${randomChars(BASE64URL, 43, 950)}`;
      expectOne('deploy.txt', `Fly access token: ${fly}\n`, fly, 'Fly.io access token', 4);
      const macaroon = `FlyV1 fm2_${randomChars(BASE64, 160, 951)}`;
      expectOne('Dockerfile', `ENV FLY_API_TOKEN="${macaroon}"\n`, macaroon, 'Fly.io macaroon token');
      // Base64 of binary data writes zero bytes as runs of `A` (gitleaks' own sample: `fm1r_lJPECAAAAAAAAMqcx…`).
      const zeroBytes = `fm1r_${randomChars(BASE64, 40, 971)}AAAAAAAA${randomChars(BASE64, 120, 972)}`;
      expectOne('Dockerfile', `ENV FLY_API_TOKEN="FlyV1 ${zeroBytes}"\n`, `FlyV1 ${zeroBytes}`, 'Fly.io macaroon token');
      // Any other run in a long body is still typed filler.
      assert.deepEqual(check('Dockerfile', `ENV FLY_API_TOKEN="FlyV1 fm1r_${randomChars(BASE64, 40, 971)}xxxxxxxx${randomChars(BASE64, 120, 972)}"\n`), []);
      const square = `EAAA${randomChars(BASE64URL, 60, 952)}`;
      expectOne('Dockerfile', `ARG token=${square}\n`, square, 'Square access token', 4);
      const appToken = `${randomChars('123456789', 16, 953)}|${randomChars(BASE64URL, 27, 954)}`;
      expectOne('graph.json', `{"access_token":"${appToken}","token_type":"bearer"}\n`, appToken, 'Facebook app access token');
      // A long number before the `||` operator is not an app id.
      assert.deepEqual(check('src/a.ts', `if (id === 100000000000000 || ${randomChars(BASE62, 30, 955)}) run();\n`), []);
      const sidekiq = `${randomChars(HEX, 8, 956)}:${randomChars(HEX, 8, 957)}`;
      expectOne('bundle.json', `{\n  "BUNDLE_GEMS__CONTRIBSYS__COM_token": "${sidekiq}"\n}\n`, sidekiq, 'Sidekiq Enterprise credentials');
      const signing = `${randomChars(HEX, 32, 958)}-${randomChars(HEX, 8, 959)}-${randomChars(HEX, 8, 960)}`;
      expectOne('mail.ini', `mailgunToken=${signing}\n`, signing, 'Mailgun key');
      const globalKey = randomChars(HEX, 37, 961);
      expectOne('dns.yaml', `cloudflare: "${globalKey}"\n`, globalKey, 'Cloudflare API key');
      // A slug of words in the shape is a name.
      assert.deepEqual(check('dns.yaml', 'cloudflare: "acme-production-worker-for-the-edge-site"\n'), []);
      const sourcegraph = randomChars(HEX, 40, 962);
      expectOne('src.yaml', `sourcegraph: ${sourcegraph}\n`, sourcegraph, 'Sourcegraph access token');
      const uuid = [8, 4, 4, 4, 12].map((length, i) => randomChars(HEX, length, 963 + i)).join('-');
      expectOne('crm.js', `const hubspotKey = "${uuid}"\n`, uuid, 'HubSpot API key');
      const flutterwave = `FLWSECK_TEST-${randomChars('abcdefgh0123456789', 12, 970)}`;
      expectOne('pay.go', `flutterwaveKey := "${flutterwave}"\n`, flutterwave, 'Flutterwave secret key', 7);
    });

    it('NuGet clear-text feed passwords; curl users with a quoted password or an API key as the user', () => {
      const feed = strongValue(18, 990);
      const nuget = `<configuration>\n  <packageSourceCredentials>\n    <acme>\n      <add key="Username" value="ci" />\n      <add key="ClearTextPassword" value="${feed}" />\n    </acme>\n  </packageSourceCredentials>\n</configuration>\n`;
      expectOne('NuGet.Config', nuget, feed, 'NuGet feed password');
      // An environment read or a stand-in is not one.
      assert.deepEqual(check('NuGet.Config', nuget.replace(feed, '%ACME_FEED_PASSWORD%')), []);
      assert.deepEqual(check('NuGet.Config', nuget.replace(feed, 'your-feed-password')), []);
      const password = randomChars(BASE62, 16, 991);
      expectOne('api.sh', `curl --user kevin:'${password}' -X PATCH https://api.acme.io/v1/items\n`, password, 'password in a curl command');
      const key = randomChars(BASE62, 24, 992);
      expectOne('api.sh', `curl -u "${key}:" https://api.acme.io/v1/charges\n`, key, 'API key as the user in a curl command');
      // A user name with an empty password is a name, not a key.
      assert.deepEqual(check('api.sh', 'curl -u "deploy-bot-account:" https://api.acme.io/v1/charges\n'), []);
    });

    it('a typed filler after Vercel, Groq, Notion and Grafana prefixes is a note', () => {
      for (const [value, kind] of [
        [`vcp_${'aBcDeFgHiJkLmNoPqRsT'.repeat(2)}`, 'Vercel token'],
        [`gsk_${'QwXy'.repeat(13)}`, 'Groq API key'],
        [`ntn_${'4'.repeat(11)}${'RsTu'.repeat(8)}RsT`, 'Notion integration token'],
        [`glsa_${'JkLm'.repeat(8)}_${'abcdef01'}`, 'Grafana service account token'],
      ] as const) {
        expectFillerNote('.env', `TOKEN=${value}\n`, value, kind);
      }
    });

    it('Mailchimp API keys by their data-centre suffix, read backwards', () => {
      const key = `${randomChars(HEX, 32, 930)}-us14`;
      expectOne('newsletter.py', `client.set_config({"api_key": "${key}", "server": "us14"})\n`, key, 'Mailchimp API key');
      // A commit hash before a `-us` word is not one: the hex must stand alone and end at the digits.
      assert.deepEqual(check('CHANGELOG.md', `* ${randomChars(HEX, 40, 931)}-used by the build\n`), []);
    });

    it('Slack xoxe- user tokens, legacy workspace tokens and http webhooks', () => {
      const ids = () => randomChars('0123456789', 13, 921);
      const xoxe = `xoxe-${ids()}-${randomChars('0123456789', 13, 922)}-${randomChars('0123456789', 13, 923)}-${randomChars(HEX, 32, 924)}`;
      expectOne('export.json', `{"url": "https://files.slack.com/x.png?t=${xoxe}"}\n`, xoxe, 'Slack token', 5);
      const workspace = `xoxa-2-${randomChars(LOWER36, 16, 925)}`;
      expectOne('tokens.yaml', `access_token: "${workspace}"\n`, workspace, 'Slack legacy workspace token', 5);
      const hook = `http://hooks.slack.com/services/T${randomChars(BASE62, 8, 926).toUpperCase()}/B${randomChars(BASE62, 8, 927).toUpperCase()}/${randomChars(BASE62, 24, 928)}`;
      expectOne('notify.ts', `export const hook = "${hook}";\n`, hook, 'Slack webhook URL');
    });

    describe('generic name = value in every config file type', () => {
      const value = strongValue(28, 940);
      const filler = 'k3m9'.repeat(7);
      const cases: [string, (v: string) => string][] = [
        ['app/settings.py', (v) => `API_TOKEN = "${v}"\n`],
        ['.env.production', (v) => `API_TOKEN=${v}\n`],
        ['deploy/values.yaml', (v) => `api:\n  token: ${v}\n`],
        ['config/app.json', (v) => `{ "apiToken": "${v}" }\n`],
        ['conf/app.ini', (v) => `[api]\ntoken = ${v}\n`],
        ['src/main/resources/app.properties', (v) => `api.token=${v}\n`],
        ['pyproject.toml', (v) => `[tool.deploy]\napi_token = "${v}"\n`],
        ['infra/main.tf', (v) => `provider "datadog" {\n  api_key = "${v}"\n}\n`],
        ['Dockerfile', (v) => `FROM node:22\nENV API_TOKEN=${v}\n`],
        ['scripts/release.sh', (v) => `export API_TOKEN='${v}'\n`],
        ['Makefile', (v) => `API_TOKEN ?= ${v}\n`],
      ];
      for (const [path, write] of cases) {
        it(`${path}: a random value is found, a typed filler is not`, () => {
          expectOne(path, write(value), value, /Hardcoded (token|secret key)/);
          assert.deepEqual(check(path, write(filler)), []);
        });
      }
    });
  });

  describe('passwords a person wrote, comparisons, web URLs, curl headers (round 2)', () => {
    // Assembled at run time so that this file holds no password literal a scanner would report.
    const punctuated = ['m{', 'q)p', '$', '{e]n', 'ob(', 'dy[f>', '-_$#', 'k9}}'].join('');
    const policy = ['this', 'Is', 'Dog', '11'].join('');

    it('finds a written password at any entropy under a password or secret name, in code and config', () => {
      expectOne('src/db.go', `password = "${punctuated}"\n`, punctuated, 'password');
      expectOne('src/Login.m', `password = @"${punctuated}";\n`, punctuated, 'password');
      expectOne('infra/main.tf', `administrator_login_password = "${policy}"\n`, policy, 'password');
      expectOne('conf/app.cls', `db_pass: 'A,.:-¨@*¿?!'\n`, 'A,.:-¨@*¿?!', 'password');
      const weak = check('deploy/vault.hcl', `password = "${['root', 'passwd'].join('')}"\n`);
      assert.equal(weak.length, 1);
      assert.equal(weak[0].severity, 'warning');
      assert.match(weak[0].message, /guessable/);
      const secret = check('src/app.py', `JWT_SECRET = "${punctuated}"\n`);
      assert.equal(secret.length, 1);
    });

    it('under a key or token name, a shared secret a person wrote with symbols scattered in it, in code and config', () => {
      expectOne('src/client.go', `api_key := "${punctuated}"\n`, punctuated, 'secret key');
      expectOne('conf/app.conf', `db_pass: ${punctuated}\n`, punctuated, 'password');
      expectOne('src/client.ts', `if (apiKey === "${punctuated}") {}\n`, punctuated, 'secret key');
      // Letters and digits alone under a key name are the generic detector's (entropy), never a written secret.
      assert.deepEqual(check('src/client.ts', `const apiKey = "${policy}";\n`), []);
      // Replacement markers, and code read between a closing and an opening quote, are not values.
      assert.deepEqual(check('src/client.ts', 'const apiKey = "@@API_KEY@@";\nconst token = "__TOKEN__";\n'), []);
      assert.deepEqual(check('dist/db.js', 'this.log_("Failed to get token: "+e),t||(this.repo.admin&&m(e),a())}}}interrupt(e){u("x")}\n'), []);
      // In C and Objective-C, 'abcd' is a character constant, not a string.
      assert.deepEqual(check('src/Client.m', `api_key = '${punctuated}';\n`), []);
    });

    it('finds a literal compared with a password or secret name, either side', () => {
      expectOne('src/auth.c', `if (passwd == "${punctuated}") {}\n`, punctuated, 'password');
      expectOne('src/auth.ts', `if ("${punctuated}" !== db_pass) {}\n`, punctuated, 'password');
      expectOne('src/auth.go', `if (secret === "${punctuated}") {}\n`, punctuated, 'secret');
      // A token or key compared with a random-looking literal is a protocol value as often as a secret.
      assert.deepEqual(check('src/auth.ts', `if (apiKey === "${randomChars(BASE62, 24, 1210)}") {}\n`), []);
      assert.deepEqual(check('src/auth.ts', 'if (password === "") {}\nif (password !== confirmPassword) {}\nif (password == null) {}\n'), []);
    });

    it('leaves labels, messages, field names, templates, regexes, rules, paths and stand-ins alone', () => {
      const text = [
        'const a = { password: "Enter your password", passwordLabel: "Password", password1: "Passwort" };',
        'const b = { secret: "密码", pass: "shadow", password2: "Kennwort:", password3: "hidden" };',
        'const c = { password: "user_password", password4: "new-password", pwd: "#login-password", secret: "DB_PASSWORD" };',
        'const d = { password: "${DB_PASS}", secret: "{user}:{pass}", password5: ":password", password6: "%s" };',
        'const e = { password: "^(?=.*\\\\d).{8,}$", password7: "required|min:8|confirmed", password8: "input[type=password]" };',
        'const f = { password: "********", secret: "changeme", password9: "auth/wrong-password", password10: "mypassword" };',
        'const g = { RESET_PASSWORD: "/v1/accounts:resetPassword", password: ",.:-¨@*¿?!", pwd: "1111" };',
        'const h = { password: "{{ .Values.db.password }}", secret: "<%= ENV[\'X\'] %>", password11: "v2.1.0-rc1" };',
        'enum Kind { VerifyPassword = "identitytoolkit#VerifyPasswordResponse" }',
      ].join('\n');
      assert.deepEqual(check('src/forms.ts', text), []);
    });

    it('does not read an interpolation cut at its first blank as a written secret (create-payload-app)', () => {
      // The env line a generator writes: the value is `${payloadSecret || …}`, code read up to its blank.
      const generator = "line = `PAYLOAD_SECRET=${payloadSecret || 'YOUR_SECRET_HERE'}`;\nout = `DB_PASSWORD=$(openssl rand -hex 16)`;\n";
      assert.deepEqual(check('src/lib/manage-env-files.ts', generator), []);
      assert.deepEqual(check('dist/lib/manage-env-files.js.map', JSON.stringify({ sourcesContent: [generator] })), []);
      // A written secret in the same line shape is still one.
      expectOne('src/lib/manage-env-files.ts', `line = \`PAYLOAD_SECRET=${punctuated}\`;\n`, punctuated, 'secret');
    });

    it('in tests, docs and examples a written password is a fixture or an illustration', () => {
      const text = `password = "${punctuated}"\n`;
      assert.deepEqual(check('test/login.test.ts', text), []);
      assert.deepEqual(check('docs/setup.md', text), []);
      assert.deepEqual(check('apis/iam.examples.json', `{"Password": "${punctuated}"}\n`), []);
      assert.deepEqual(check('.env.example', `DB_PASSWORD=${['admin', '123'].join('')}\n`), []);
      assert.deepEqual(check('url/test.js', `password = "${punctuated}"\n`), []);
    });

    it('a documentation folder is documentation, whatever its files\' format (Tomcat\'s XML guides, a gem\'s HTML reference)', () => {
      const user = `<user username="test" password="${punctuated}" roles="admin-script"/>\n`;
      for (const path of ['webapps/docs/host-manager-howto.xml', 'doc/index.html', 'usr/share/doc/ruby-rotp/index.html', 'Documentation/setup.xml']) assert.deepEqual(check(path, user), [], path);
      // A random key there is still one, and a folder whose name only starts like one is no documentation folder.
      const key = randomChars(BASE62, 40, 1262);
      expectOne('webapps/docs/config.xml', `<Realm apiKey="${key}"/>\n`, key, 'secret key');
      for (const path of ['conf/tomcat-users.xml', 'docker/tomcat-users.xml', 'doctor/users.xml', 'src/docs.xml']) assert.equal(check(path, user).length, 1, path);
    });

    it('Java and C# constants that name a secret rather than hold one (log4j2\'s property keys, KeePass\'s element names)', () => {
      const keys = [
        'private static final String trustStorePassword = "log4j2.trustStorePassword";',
        'public static final String CONFIG_PASSWORD = "log4j2.configurationPassword";',
        'static final String SECRET_PROPERTY = "oauth2.client.clientSecret";',
      ].join('\n');
      assert.deepEqual(check('log4j-core/src/main/java/SslConfigurationFactory.java', `${keys}\n`), []);
      const elements = ['private const string ElemPassword1 = "Passwort1";', 'private const string ElemPassword2 = "Passwort2";', 'public static final String FIELD_PASSWORD = "Kennwort9";'].join('\n');
      assert.deepEqual(check('KeePass/DataExchange/Formats/AmpXml250.cs', `${elements}\n`), []);
      // A dotted password, a password under a longer name that starts the same way, and a key for fields are still reported.
      for (const line of [`String password = "my.Passw0rd";`, `String password = "my.Password1";`, `String password = "${['Summer', 'Holiday2024'].join('.')}";`, `String ELEM_USER_PASSWORD = "${punctuated}";`]) {
        assert.equal(check('src/main/java/Setup.java', `${line}\n`).length, 1, line);
      }
      const fernet = randomChars(BASE62, 43, 1264);
      expectOne('settings.py', `FIELD_ENCRYPTION_KEY = "${fernet}"\n`, fernet, 'secret key');
    });

    it('names where values go: theme scopes, namespaced token types, capitalised stand-ins, spliced shell variables, FreeRADIUS hashes', () => {
      // Monaco's TextMate themes (node-red's editor): a `token` is the scope it colours.
      assert.deepEqual(check('public/vendor/monaco/dist/theme/amy.json', '{ "fontStyle": "bold", "token": "constant.numeric.integer.int32" },\n{ "token": "meta.tag.sgml.doctype.html5" }\n'), []);
      // octokit's README, Django's form tests: a slug or a constant's name whose last word carries a number.
      assert.deepEqual(check('README.md', 'const octokit = new Octokit({ auth: `personal-access-token123` });\n'), []);
      assert.deepEqual(check('tests/forms_tests/tests/test_forms.py', "data = {'password1': 'FORBIDDEN_VALUE2', 'password2': 'FORBIDDEN_VALUE2'}\n"), []);
      // Keystone's OAuth1 token types, and OpenStack's install guides' name for the database password.
      assert.deepEqual(check('keystone/oauth1/core.py', '_ACCESS_TOKEN = "OS-OAUTH1:access_token"\n_REQUEST_TOKEN = "OS-OAUTH1:request_token"\n'), []);
      assert.deepEqual(check('setup/install.py', 'connection = "mysql+pymysql://keystone:KEYSTONE_DBPASS@controller/keystone"\nbroker = "amqp://openstack:RABBIT_PASS@controller"\n'), []);
      // A curl guide's JSON body, single-quoted for the shell, with the shell's variable spliced in.
      assert.deepEqual(check('doc/source/api_curl_examples.rst', `  -d '{ "user": {"password": "'$NEW_PASS'", "original_password": "'$ORIG_PASS'"} }'\n`), []);
      // FreeRADIUS's test vectors hold the PBKDF2 hash a server stores, not a password.
      const hash = `HMACSHA2+256:AAAD6A:${randomChars(BASE64, 22, 1270)}==:${randomChars(BASE64, 43, 1271)}=`;
      assert.deepEqual(check('src/tests/modules/pap/pbkfd2_iter1000.unlang', `\t&PBKDF2-Password := '${hash}'\n`), []);
      assert.deepEqual(check('src/tests/modules/pap/pbkfd2_salt0.unlang', `\t&PBKDF2-Password := '${hash.replace(/:[^:]+==:/, '::')}'\n`), []);
      // Still reported: a dotted token that mixes case or digits all along, a password of dotted
      // words with a number, a single capitalised word, a spliced value that is no variable alone.
      const dotted = [randomChars(BASE62, 12, 1272), randomChars(BASE62, 12, 1273), randomChars(BASE62, 12, 1274)].join('.');
      expectOne('theme.json', `{ "token": "${dotted}" }\n`, dotted, 'token');
      const lowerDotted = [1278, 1279, 1280].map((seed) => randomChars('abcdefghijklmnopqrstuvwxyz0123456789', 12, seed)).join('.');
      expectOne('theme.json', `{ "token": "${lowerDotted}" }\n`, lowerDotted, 'token');
      // Random text with digits inside its parts, or one part alone, is no name.
      const digitsInside = [1281, 1282, 1283].map((seed) => `${randomChars('abcdefghijklmnopqrstuvwxyz0123456789', 10, seed)}7`).join('-');
      expectOne('src/client.py', `api_token = "${digitsInside}"\n`, digitsInside, 'token');
      const oneWord = `${randomChars('abcdefghijklmnopqrstuvwxyz', 18, 1284)}42`;
      expectOne('src/client.py', `api_key = "${oneWord}"\n`, oneWord, 'secret key');
      // One word with a number is no name of several: `hunter22` under a password name is still judged a password.
      assert.equal(check('src/db.py', `password = "${['hunter', '22'].join('')}"\n`).length, 1);
      assert.equal(check('src/db.py', `password = "${['FORBIDDEN', 'VALUE2'].join('_')}"\n`).length, 1, 'outside tests a written password');
      assert.equal(check('src/db.py', `password = "${['winter', 'holiday', 'pass123'].join('.')}"\n`).length, 1);
      assert.equal(check('src/db.py', `password = "${['SECRET', 'PASS'].join('')}"\n`).length, 1);
      assert.equal(check('src/db.py', `url = "amqp://openstack:${['RABBIT', 'PASS'].join('_').toLowerCase()}9@controller"\n`).length, 1);
      assert.equal(check('scripts/curl.sh', `curl -d '{"password": "'$PASS'${randomChars(BASE62, 16, 1277)}"}'\n`).length, 1);
      assert.equal(check('src/session.py', `TOKEN = "OS-OAUTH1:${randomChars(BASE62, 32, 1275)}"\n`).length, 1);
    });

    it('the default of a shell or Compose variable is a literal: judged as an assignment, the variable itself is not', () => {
      const key = randomChars(BASE62, 32, 1276);
      expectOne('docker-compose.yml', `services:\n  api:\n    environment:\n      JWT_SECRET: \${JWT_SECRET:-${key}}\n`, key, 'secret');
      expectOne('scripts/run.sh', `JWT_SECRET="\${JWT_SECRET:-${key}}"\n`, key, 'secret');
      expectOne('.env', `API_TOKEN=\${API_TOKEN:="${key}"}\n`, key, 'token');
      // devstack's sample data: a guessable default is a weak password (a warning), as when assigned.
      const guessable = ['hunter', '2'].join('');
      const findings = check('tools/sample_data.sh', `ADMIN_PASSWORD=\${ADMIN_PASSWORD:-${guessable}}\nNOVA_PASSWORD=\${NOVA_PASSWORD:-\${SERVICE_PASSWORD:-${guessable}}}\n`);
      assert.deepEqual(findings.map((finding) => [finding.severity, finding.message.includes('guessable')]), [['warning', true], ['warning', true]]);
      // An expansion left open is no default; a required variable's message, an alternate value and a bare reference hold no value.
      assert.deepEqual(check('scripts/run.sh', `JWT_SECRET=\${JWT_SECRET:-${key}\n`), []);
      assert.deepEqual(check('docker-compose.yml', `environment:\n  API_TOKEN: "\${API_TOKEN:?API_TOKEN must be set}"\n  DB_PASSWORD: \${DB_PASSWORD:+${key}}\n  SECRET: \${SECRET}\n`), []);
    });

    it('JSDoc, Javadoc, PHPDoc and Doxygen comments are documentation; a glob or an empty comment opens none', () => {
      const jsdoc = `/**\n * Connects to the database.\n * @example\n * connect({ user: "app", password: "${punctuated}" });\n */\nexport function connect(options) {}\n`;
      assert.deepEqual(check('src/db.ts', jsdoc), []);
      const javadoc = `    /**\n     * <pre>\n     * String password = "${punctuated}";\n     * </pre>\n     */\n    public void setPassword(String password) {}\n`;
      assert.deepEqual(check('src/main/java/Config.java', javadoc), []);
      assert.deepEqual(check('lib/Client.php', `<?php\n/**\n * $client = new Client(['password' => '${punctuated}']);\n */\nclass Client {}\n`), []);
      // Code after the comment, after an empty comment and after a glob in a string is code; a random key in a doc comment is still one.
      assert.equal(check('src/db.ts', `${jsdoc}const password = "${punctuated}";\n`).length, 1);
      assert.equal(check('src/db.ts', `/**/ const password = "${punctuated}";\n`).length, 1);
      assert.equal(check('src/build.ts', `const files = glob('lib/**'); const password = "${punctuated}"; // */\n`).length, 1);
      assert.equal(check('src/db.ts', `const x = 1; /** inline */ const password = "${punctuated}";\n`).length, 1);
      const key = randomChars(BASE62, 40, 1265);
      expectOne('src/db.ts', `/**\n * @example connect({ apiKey: "${key}" })\n */\n`, key, 'secret key');
    });

    it('markup an HTML or JSP page escapes is text for a reader (Tomcat\'s manager pages show the user line to add)', () => {
      const shown = (password: string) => `<pre>\n&lt;role rolename="manager-gui"/&gt;\n&lt;user username="tomcat" password="${password}" roles="manager-gui"/&gt;\n</pre>\n`;
      const guessable = ['s3', 'cret'].join('');
      assert.deepEqual(check('webapps/manager/WEB-INF/jsp/401.jsp', shown(guessable)), []);
      assert.deepEqual(check('site/setup.html', shown(punctuated)), []);
      // Over lines, up to its &gt;.
      assert.deepEqual(check('site/jndi.html', `&lt;Resource name="jdbc/db"\n          username="app"\n          password="${punctuated}"/&gt;\n`), []);
      // The same markup unescaped, a password after the escaped tag and the same text in code are still reported.
      assert.equal(check('webapps/manager/WEB-INF/jsp/401.jsp', `<user username="tomcat" password="${punctuated}" roles="manager-gui"/>\n`).length, 1);
      assert.equal(check('site/setup.html', `&lt;br/&gt; <user password="${punctuated}"/>\n`).length, 1);
      assert.equal(check('src/setup.txt', `&lt;user password="${punctuated}"/&gt;\n`).length, 1);
      // A random key shown on a page is still one.
      const key = randomChars(BASE62, 40, 1263);
      expectOne('site/setup.html', `&lt;Realm apiKey="${key}"/&gt;\n`, key, 'secret key');
    });

    it('passwords in web URLs: random ones are errors, guessable ones warnings, stand-ins and references nothing', () => {
      const random = randomChars(BASE62, 14, 1201);
      expectOne('src/api.ts', `const PROD_API = "https://svc:${random}@api.acme.io/v2";\n`, random, /Hardcoded password in a URL/);
      const weak = check('src/api.ts', `const API = "https://user:${['secret', '123'].join('')}@api.acme.io/";\n`);
      assert.equal(weak.length, 1);
      assert.equal(weak[0].severity, 'warning');
      const text = [
        'const a = "https://user:pass@example.com";',
        'const b = "https://username:password@api.acme.io";',
        'const c = "https://x-access-token:${TOKEN}@github.com/o/r.git";',
        'const d = "http://user:****@proxy:8080";',
        'const e = "https://{USER}:{PASS}@template.example.com";',
        'const f = "https://user:mypassword@test.com/endpoint";',
      ].join('\n');
      assert.deepEqual(check('src/urls.ts', text), []);
      // In a URL parser's tests and a proxy guide, a guessable or loopback password is an example.
      assert.deepEqual(check('test/url.test.js', `parse("http://atpass:${['foo', 'bar'].join('%40')}@127.0.0.1/");\n`), []);
      assert.deepEqual(check('docs/proxy.md', `proxy: "http://deploy:${['Summer', '2024'].join('')}@proxy.acme.io:8080"\n`), []);
      assert.deepEqual(check('CHANGELOG.md', 'Credentials in a URL (e.g. `https://user:p%40ss@host`) are now decoded.\n'), []);
    });

    it('calls a password with the word password in it guessable, however decorated (botocore\'s API examples)', () => {
      const examples = `{"input": {"Password": "${['SomeKind', 'Of', 'Password', '123!@#'].join('')}", "LocalConsolePassword": "${['PassWord', 'MustBeAtLeast6Chars.'].join('')}"}}\n`;
      assert.deepEqual(check('botocore/data/iam/2010-05-08/examples-1.json', examples), []);
      const code = check('src/iam.ts', `const password = "${['SomeKind', 'Of', 'P@ssw0rd', '123!@#'].join('')}";\n`);
      assert.deepEqual(code.map((finding) => [finding.severity, /guessable/.test(finding.message)]), [['warning', true]]);
      // Separators inside the word are decoration too: curl's tests log in as user:pass;word.
      const split = ['pass', 'word'].join(';');
      assert.deepEqual(check('tests/data/test1259', `Authorization: Basic ${Buffer.from(`user:${split}`).toString('base64')}\n`), []);
      assert.deepEqual(check('src/client.c', `const char *url = "http://user:${split}@files.acme.io/file";\n`).map((finding) => finding.severity), ['warning']);
    });

    it("takes a value typed on the home row for a stand-in under a secret name too (requests-oauthlib's doctests)", () => {
      const doctest = "    {\n        'oauth_token': 'sdf0o9823sjdfsdf',\n        'oauth_token_secret': '2kjshdfp92i34asdasd',\n    }\n";
      assert.deepEqual(check('requests_oauthlib/oauth1_session.py', doctest), []);
      // A secret a person wrote with symbols in it is still one; under a password name, as for random
      // values, a run along the home row is a weak password, not a stand-in.
      expectOne('src/client.py', `oauth_token_secret = '${punctuated}'\n`, punctuated, 'secret');
      assert.equal(check('src/db.py', `db_password = '${['2kjshdfp92i34', 'asdasd'].join('')}'\n`).length, 1);
    });

    it('calls a password under eight characters guessable, whatever it is made of (pip\'s authentication guide)', () => {
      const guide = 'password `he//o` accessing a repository:\n\n```\nhttps://user:he%2F%2Fo@pypi.company.com/simple\n```\n';
      assert.deepEqual(check('docs/topics/authentication.md', guide), []);
      const url = check('src/index.ts', 'const INDEX = "https://user:he%2F%2Fo@pypi.company.com/simple";\n');
      assert.deepEqual(url.map((finding) => [finding.severity, /guessable/.test(finding.message)]), [['warning', true]]);
      const written = check('src/db.go', `password = "${['x9', '#k', 'Q2'].join('')}"\n`);
      assert.deepEqual(written.map((finding) => finding.severity), ['warning']);
      // Eight characters and more are judged as before: a random one is an error.
      const random = randomChars(BASE62, 8, 1211);
      assert.deepEqual(check('src/index.ts', `const INDEX = "https://user:${random}@pypi.company.com/simple";\n`).map((finding) => finding.severity ?? 'error'), ['error']);
    });

    it('Go, PHP and Ruby auth libraries: what a name is from or for, SigV4 scopes, algorithm names, base64 sentences, interpolations, RFC and playground examples', () => {
      const random = randomChars(BASE62, 32, 1301);
      // The thing a name holds is named before `from`, `of`, `by` or `for` (aws-sdk-go-v2's STS tests).
      assert.deepEqual(check('sts_test.go', `<SubjectFromWebIdentityToken>amzn1.account.${randomChars(BASE32, 26, 1302)}</SubjectFromWebIdentityToken>\n`), []);
      expectOne('deploy.sh', `AWS_SECRET_FOR_CI="${random}"\n`, random, 'secret');
      // A Signature Version 4 credential scope names the public key id, a date, region and service.
      assert.deepEqual(check('v4_test.go', 'expectedCred := "AKID/19700101/us-east-1/dynamodb/aws4_request"\nexpectedCredential := "AKISORANDOMAASORANDOM/19700101/dynamodb/aws4_request"\n'), []);
      const slashed = `${randomChars(BASE62, 12, 1303)}/${randomChars(BASE62, 14, 1304)}/${randomChars(BASE62, 12, 1305)}`;
      expectOne('v4_test.go', `expectedCred := "${slashed}"\n`, slashed, 'credential');
      // An algorithm's name says how a request is signed; upper-case segments without one are a key.
      assert.deepEqual(check('endpoint_test.go', 'wantAuth = "AWS4-ECDSA-P256-SHA256"\nauthScheme := "AWS4-HMAC-SHA256"\n'), []);
      const segmented = [1306, 1307, 1308, 1309].map((seed) => randomChars(BASE32, 6, seed)).join('-');
      expectOne('license.go', `apiToken = "${segmented}"\n`, segmented, 'token');
      // Base64 of a sentence is a stand-in ("this is not a real value"); base64 of random bytes is not.
      const sentence = Buffer.from('this is not a real value').toString('base64');
      assert.deepEqual(check('sso_test.go', `AccessToken:  "${sentence}",\n`), []);
      const bytes = Buffer.from(Buffer.from(randomChars(BASE62, 24, 1310), 'latin1').map((byte, i) => (byte * 7 + i * 131) & 0xff)).toString('base64');
      expectOne('sso_test.go', `AccessToken:  "${bytes}",\n`, bytes, 'token');
      // Interpolations with nothing literal between them are code (phpseclib's `"\\0$secret"`); a password holding a `$` is not.
      assert.deepEqual(check('DH.php', '$secret = "\\0$secret";\n$auth = "$user$pass";\n'), []);
      const dollar = `${strongValue(12, 1311)}$x`;
      expectOne('db.php', `$password = "${dollar}";\n`, dollar, 'password');
      // RFC 8555's example challenge token, alone and as the literal part of a key authorization.
      const acme = ['evaGxfADs6pSRb2L', 'Av9IZf17Dt3juxGJ-PCt92wr-oA'].join('');
      assert.deepEqual(check('acme_test.go', `token = "${acme}"\nkeyAuth = "${acme}." + thumbprint\n`), []);
      const challenge = randomChars(BASE64URL, 43, 1312);
      expectOne('acme_test.go', `keyAuth = "${challenge}." + thumbprint\n`, `${challenge}.`, 'credential');
      // MinIO's public playground key, in its SDKs' sample configs.
      assert.deepEqual(check('config.json', `{ "secretKey": "${['zuf+tfteSlswRu7BJ86w', 'ekitnifILbZam1KYY3TG'].join('')}" }\n`), []);
      // Square's API reference example application secret (its SDK's doc comments), Contentful's README preview token.
      const square = ['sq0csp-30a-4C_tVOnTh14Piza2', 'BfTPBXyLafLPWSzY1qAjeBfM'].join('');
      assert.deepEqual(check('api/resources/oAuth/client/Client.js', ` *         clientSecret: "${square}",\n`), []);
      assert.deepEqual(check('README.md', `  accessToken: '${['preview_0b7f', '6x59a0'].join('')}',\n`), []);
      const other = `sq0csp-${randomChars(BASE64URL, 43, 1313)}`;
      assert.equal(check('api/resources/oAuth/client/Client.js', ` *         clientSecret: "${other}",\n`).length, 1);
      // AWS's API examples in botocore's data: IAM ChangePassword's old password; another such password is reported.
      const example = '{\n  "input": {\n    "NewPassword": "]35d/{pB9Fo9wJ",\n    "OldPassword": "' + ['3s0K_;x', 'h4~8XXI'].join('') + '"\n  }\n}\n';
      assert.deepEqual(check('botocore/data/iam/2010-05-08/examples-1.json', example), []);
      assert.equal(check('botocore/data/iam/2010-05-08/examples-1.json', example.replace(['3s0K_;x', 'h4~8XXI'].join(''), ['7tQ_;zw', 'e5~9YPK'].join(''))).length, 1);
    });

    it("a password's hash is not the password (passlib's and Django's test vectors); an enum value spelling its name is no secret (the Azure SDK)", () => {
      const vectors = [
        ['("password", "$sha1$19703$', 'iVdJqfSE$v4qYKl1zqYThwpjJAoKX6UvlHq/a"),'],
        ["(\"secret\", '$5$rounds=1004$nacl$", "oiWPbm.kQ7.jTCZoOtdv7/tO5mWv/vxw5yTqlBagVR7'),"],
        ["(\"password\", '$argon2i$v=19$m=256,t=1,p=1$c29tZXNhbHQ$", "AJFIsNZTMKTAewB4+ETN1A'),"],
        ["(\"MyPassword\",  'sha1$54123$893cf12e134c3c215f", "3a76bd50d13f92404a54d3'),"],
        ["('verysecretpassword', '*2C905879F74F28F857", "0989947D06A8429FB943E6'),"],
        ['admin_password_hash = "$2b$12$R9h/cIPz0gi.URNNX3kh2O', 'PST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"'],
        ['ldap_password = "{SSHA}', 'W6ph5Mm5Pz8GgiULbPgzG37mj9g="'],
      ].map((parts) => parts.join(''));
      assert.deepEqual(check('passlib/tests/test_handlers.py', `${vectors.join('\n')}\n`), []);
      assert.deepEqual(check('app/settings.py', `${vectors.join('\n')}\n`), []);
      // Under a token or key name a hash's shape is the key itself.
      const bcrypt = ['$2b$12$R9h/cIPz0gi.URNNX3kh2O', 'PST9/PgBkqquzi.Ss7KIUgO2t0jWMUW'].join('');
      expectOne('app/settings.py', `api_token = "${bcrypt}"\n`, bcrypt, 'token');
      // A key with dollar signs in it, or a digest cut short, is no hash.
      const key = strongValue(24, 1350);
      expectOne('app/settings.py', `api_secret = "$${key}$x"\n`, `$${key}$x`, 'secret');
      const short = ['kQ7xR', 'm2Lp9'].join('');
      expectOne('app/settings.py', `api_secret = "$1$salt$${short}"\n`, `$1$salt$${short}`, 'secret');
      // Generated enums whose values spell their names in another case (the Azure SDK's models).
      const enums = ['    O_AUTH2_CLIENT_CREDENTIAL = "OAuth2ClientCredential"', '    IO_T_SHARED_CREDENTIALS = "IoT_SharedCredentials"'].join('\n');
      assert.deepEqual(check('azure/mgmt/datafactory/models/_enums.py', `${enums}\n`), []);
      expectOne('app/settings.py', `O_AUTH2_CLIENT_CREDENTIAL = "${key}"\n`, key, 'credential');
      // An enumeration's member spelling its one-word name (the Azure SDK's PasswordName, a TypeScript enum);
      // the same line in a class that is no enumeration, or in an object, is a guessable password.
      const member = ['    PASSWORD = "password"', '    PASSWORD2 = "password2"'].join('\n');
      const header = 'class PasswordName(with_metaclass(CaseInsensitiveEnumMeta, str, Enum)):\n    """The password name."""\n\n';
      assert.deepEqual(check('azure/mgmt/containerregistry/models/_enums.py', `${header}${member}\n`), []);
      assert.deepEqual(check('src/models.ts', 'export enum PasswordName {\n  PASSWORD1 = "password1",\n\n  Password2 = "password2",\n}\n'), []);
      const settings = `class Settings:\n${member}\n`;
      assert.deepEqual(lineNumbers(settings, check('app/settings.py', settings)), [3]);
      assert.equal(check('src/config.ts', 'const config = {\n  PASSWORD1: "password1",\n};\n').length, 1);
      assert.equal(check('app/settings.py', 'PASSWORD2 = "password2"\n').length, 1);
      // OAuth 1.0's temporary credentials in RFC 5849's walk-through (authlib's OAuth 1 server docs).
      assert.deepEqual(check('authlib/oauth1/rfc5849/authorization_server.py', `    oauth_token="${['hh5s93j4', 'hdidpola'].join('')}",\n    oauth_token_secret="${['hdhd0244', 'k9j7ao03'].join('')}",\n`), []);
    });

    it("Python's __all__ lists the names a module exports, not a name and its value", () => {
      // keystoneauth1's extras/_saml2/__init__.py.
      assert.deepEqual(check('keystoneauth1/extras/_saml2/__init__.py', "__all__ = ('V3Saml2Password', 'V3ADFSPassword')\n__all__ += ['V3Saml2Password', 'V3ADFSPassword']\n"), []);
      // The same two strings as a call's pair are still a name and its value.
      assert.equal(check('auth.py', "settings.set('V3Saml2Password', 'V3ADFSPassword')\n").length, 1);
      assert.equal(check('auth.py', "cache__all__ = ('V3Saml2Password', 'V3ADFSPassword')\n").length, 1);
    });

    it('Rust, Go and Ruby doc comments are documentation; credentials for reserved example names are illustrations', () => {
      // sequoia-openpgp's crypto/mod.rs: a password a person wrote, in a doc comment's example; a random key beside it is still reported.
      const written = ['hun', 'ter2'].join('');
      const key = randomChars(BASE62, 32, 1330);
      const source = [
        '/// Holds a password.',
        '///',
        '/// ```',
        `/// let p: Password = "${written}".into();`,
        `/// let api_key = "${key}";`,
        '/// ```',
        'pub struct Password;',
        '/**',
        ` * let p: Password = "${written}".into();`,
        ' */',
        '//! Module docs.',
        `//! let p: Password = "${written}".into();`,
        `//// let p: Password = "${written}".into();`,
        `fn main() { let p: Password = "${written}".into(); }`,
      ].join('\n');
      const findings = check('src/crypto/mod.rs', `${source}\n`);
      // The key in the doc comment (line 5), the password in an ordinary `////` comment (13) and in code (14).
      assert.deepEqual(
        lineNumbers(source, findings),
        [5, 13, 14],
      );
      // The same lines in a C file are code: doc comments count as documentation in Rust only.
      assert.equal(check('src/crypto.c', `/// const char *password = "${written}";\n`).length, 1);


      // Go: gophercloud's doc.go files and viper's type comment show credentials in examples.
      const goSource = [
        '// Package users manages users.',
        '//',
        '//\tpassword := "' + written + '"',
        '//\tapiKey := "' + key + '"',
        'package users',
        '/*',
        'Example to rescue a server',
        '  rescueOpts := RescueOpts{',
        '    AdminPass: "' + written + '",',
        '  }',
        '*/',
        'func Rescue() {}',
        '// A comment set apart from the code by a blank line.',
        '// password := "' + written + '"',
        '',
        'func other() {',
        '\t// password := "' + written + '"',
        '\tpassword := "' + written + '"',
        '}',
        '/* password := "' + written + '" */ var x = 1',
        'func third() {}',
      ].join('\n');
      // The key in the package's doc comment (line 4); the password in a comment above a blank line
      // (14), in a comment inside a function (17), in code (18) and in a comment with code after it (20).
      assert.deepEqual(lineNumbers(goSource, check('openstack/users/doc.go', `${goSource}\n`)), [4, 14, 17, 18, 20]);
      // A package comment of one line, at the file's start.
      assert.deepEqual(check('doc.go', `// Example: password := "${written}"\npackage users\n`), []);

      // Ruby: net-http-persistent's and net-ldap's RDoc show passwords in examples above the method.
      const rubySource = [
        'class Persistent',
        '  # In order to use a URI for the proxy:',
        '  #',
        `  #   proxy.password = '${written}'`,
        `  #   api_key = '${key}'`,
        '  def proxy=(proxy)',
        '  end',
        '=begin',
        `  auth = { password: '${written}' }`,
        '=end',
        '  attr_reader :pool',
        `  # password: '${written}'`,
        '',
        '  def other',
        `    # password = '${written}'`,
        `    password = '${written}'`,
        '  end',
        'end',
      ].join('\n');
      // The key in the method's comment (line 5); the password above a blank line (12), in a
      // comment inside the method (15) and in code (16).
      assert.deepEqual(lineNumbers(rubySource, check('lib/net/http/persistent.rb', `${rubySource}\n`)), [5, 12, 15, 16]);
      assert.deepEqual(check('lib/auth.rb', `=begin\n  password: '${written}'\n=end\ndef login; end\n`), []);

      // The url crate's docs and reqwest's tests: a password for example.com, a `.test` or `.example` name.
      const password = strongValue(14, 1331);
      for (const host of ['example.com', 'proxy.example.com:8080', 'db.test', 'ftp.example/']) {
        const [finding] = check('src/lib.rs', `let url = Url::parse("ftp://rms:${password}@${host}");\n`);
        assert.equal(finding?.severity, 'info', host);
        assert.deepEqual(check('src/lib.rs', `/// let url = Url::parse("ftp://rms:${password}@${host}");\n`), [], `${host} in docs`);
        assert.deepEqual(check('tests/url.rs', `let url = Url::parse("ftp://rms:${password}@${host}");\n`), [], `${host} in tests`);
      }
      // reqwest's src/proxy.rs and sequoia's userid.rs: unit tests in a `#[cfg(test)]` module, a fixture as under tests/.
      const url = `http://ldap%5Cgremlin:${password}@127.0.0.1:8080`;
      const lib = [
        'pub fn parse() {}',
        `const DEFAULT: &str = "${url}";`,
        '#[cfg(test)]',
        '#[allow(unused)]',
        'mod tests {',
        "    const OPEN: char = '{';",
        "    fn first<'a>(s: &'a str) -> &'a str { s }",
        '    const RAW: &str = r#"a "}" b"#;',
        '    const ESCAPED: &str = "\\"}";',
        '    const PAIR: (&[u8], &str) = (br"\\", "}");',
        '    // }',
        '    /* } */',
        `    fn proxy() { Proxy::http("${url}"); }`,
        '}',
        `fn after() { Proxy::http("${url}"); }`,
      ].join('\n');
      const libFindings = check('src/proxy.rs', `${lib}\n`);
      assert.deepEqual(
        lineNumbers(lib, libFindings).map((line, index) => [line, libFindings[index].severity]),
        [
          [2, 'info'],
          [15, 'info'],
        ],
      );
      // HTTP Basic's example credential (RFC 7617: Aladdin, open sesame) in a proxy test; another credential is reported.
      const aladdin = ['QWxhZGRpbjpv', 'cGVuIHNlc2FtZQ=='].join('');
      assert.deepEqual(check('src/connect.rs', `const AUTH: &str = "Proxy-Authorization: Basic ${aladdin}";\n`), []);
      const other = Buffer.from(`deploy:${password}`).toString('base64');
      assert.equal(check('src/connect.rs', `const AUTH: &str = "Proxy-Authorization: Basic ${other}";\n`).length, 1);
      // A name that only starts like one is a real host, and a path is not a host.
      for (const host of ['example.com.acme.io', 'example.company.io', 'test.acme.io', 'db.acme.io/backups/nightly.test']) {
        const [finding] = check('src/lib.rs', `let url = Url::parse("ftp://rms:${password}@${host}");\n`);
        assert.equal(finding?.severity, undefined, host);
      }
    });

    it("n8n's bundles: a conditional's branch is not a key's value; PostHog's project key is public by design", () => {
      // n8n-nodes-base's SharePoint transport, as tsc and a minifier write it.
      const branch = ['microsoft', 'OAuth2Api'].join('');
      assert.deepEqual(check('dist/transport/index.js', `return selected === constants_1.SERVICE_PRINCIPAL_AUTH ? constants_1.SERVICE_PRINCIPAL_AUTH : '${branch}';\n`), []);
      assert.deepEqual(check('dist/transport/index.min.js', `return s===c.SERVICE_PRINCIPAL_AUTH?c.SERVICE_PRINCIPAL_AUTH:"${branch}"\n`), []);
      assert.deepEqual(check('src/auth.php', `$name = $ok ? 'auth_token' : '${branch}';\n`), []);
      // The same value as an object's key is still judged: a key, a label, a TypeScript annotation.
      const key = randomChars(BASE62, 32, 1350);
      assert.equal(check('src/auth.ts', `const config = { SERVICE_PRINCIPAL_AUTH: '${key}' };\n`).length, 1);
      assert.equal(check('src/auth.ts', `const auth = enabled ? { token: '${key}' } : undefined;\n`).length, 1);
      // n8n's PostHog telemetry config: a project key ships to every browser; a personal key is a secret.
      const body = randomChars(BASE62, 43, 1351);
      assert.deepEqual(check('dist/configs/diagnostics.config.js', `this.apiKey = 'phc_${body}';\n`), []);
      assert.equal(check('dist/configs/diagnostics.config.js', `this.apiKey = 'phx_${body}';\n`).length, 1);
    });

    it("Perl's POD is documentation, t/*.t are tests; a loopback host ends where its name does", () => {
      // MongoDB's MongoClient.pm and Mojo::IOLoop::Client: a password a person wrote, in POD and in Pod::Weaver's `#pod` lines.
      const written = ['trust', 'no1'].join('');
      const key = randomChars(BASE62, 32, 1340);
      const module = [
        'package MongoDB::MongoClient;',
        '=head1 SYNOPSIS',
        '',
        `    my $client = MongoDB->connect(password => "${written}");`,
        `    my $api_key = "${key}";`,
        '',
        '=cut',
        `my %defaults = (password => "${written}");`,
        '#pod =attr password',
        '#pod',
        `#pod     password => "${written}",`,
        `# password => "${written}",`,
        '1;',
        '__END__',
        '=pod',
        `  socks_pass => '${written}'`,
      ].join('\n');
      const findings = check('lib/MongoDB/MongoClient.pm', `${module}\n`);
      // The key in POD (line 5), the password in code (8) and in an ordinary comment (12).
      assert.deepEqual(
        lineNumbers(module, findings),
        [5, 8, 12],
      );
      assert.deepEqual(check('Guides/Growing.pod', `  my $pass = '${written}';\n`), []);
      assert.deepEqual(check('t/mojo/url.t', `my $pass = '${written}';\n`), []);
      assert.equal(check('lib/Mojo/t.pm', `my $pass = '${written}';\n`).length, 1);
      // `@localhost` at a line's end, in a quote or before a space is a loopback host; `localhost.acme.io` is not.
      const password = strongValue(16, 1341);
      for (const after of ['\n', '"', ' and', '']) {
        const [finding] = check('lib/db.py', `url = "mongodb://mulder:${password}@localhost${after}`);
        assert.equal(finding?.severity, 'info', JSON.stringify(after));
      }
      assert.equal(check('lib/db.py', `url = "mongodb://mulder:${password}@localhost.acme.io"\n`)[0]?.severity, undefined);
      // Mojo::URL's POD: a password spelt out a character at a time (`secret` in leetspeak) is as guessable as
      // the word, so an illustration in docs and a warning in code; random characters spelt out are not.
      const spelt = ['s:3:c', ':r:e:t'].join('');
      assert.deepEqual(check('lib/Mojo/URL.pm', `=head1 SYNOPSIS\n\n  Mojo::URL->new('http://isabel:${spelt}@mojolicious.org')->password;\n\n=cut\n`), []);
      assert.equal(check('lib/app.js', `const url = 'http://isabel:${spelt}@mojolicious.org';\n`)[0]?.severity, 'warning');
      for (const separator of [':', '-', '.']) {
        const random = randomChars(BASE62, 10, 1342).split('').join(separator);
        const findings = check('lib/Mojo/URL.pm', `=head1 SYNOPSIS\n\n  Mojo::URL->new('http://isabel:${random}@mojolicious.org');\n\n=cut\n`);
        assert.deepEqual(findings.map((finding) => finding.severity ?? 'error'), ['error'], random);
      }
      // OAuth 1.0's walk-through (RFC 5849): Net::OAuth's documented shared secrets.
      const consumerSecret = ['kd94hf93', 'k423kf44'].join('');
      const tokenSecret = ['pfkkdhi9', 'sl3r4s00'].join('');
      assert.deepEqual(check('lib/Net/OAuth/Client.js', `const oauth = { consumer_secret: '${consumerSecret}', token_secret: '${tokenSecret}' };\n`), []);
    });

    it('Python documentation strings are documentation: Ansible EXAMPLES, docstrings and doctests, not a string passed on its own line', () => {
      // A password a person wrote (fortinet's example), and a random key.
      const written = ['Fort', 'inet1!e'].join('');
      const key = randomChars(BASE62, 32, 1321);
      const module = [
        '#!/usr/bin/python',
        'DOCUMENTATION = r"""',
        'options:',
        '  password:',
        '    description: The password.',
        '"""',
        "EXAMPLES = r'''",
        '- name: Log in',
        '  acme.cloud.login:',
        `    password: "${written}"`,
        "'''",
        'def login(password=None):',
        '    """Logs in.',
        '',
        `    >>> login(password='${written}')`,
        `    >>> client.api_key = '${key}'`,
        '    """',
        `    run("""UPDATE users SET password = '${written}'""")`,
        '    query = (',
        `        """password = '${written}'"""`,
        '    )',
      ].join('\n');
      const findings = check('plugins/modules/login.py', `${module}\n`);
      // The random key is reported in a docstring as in a README; the written password only outside them.
      assert.deepEqual(
        lineNumbers(module, findings),
        [16, 18, 20],
      );
      // A client secret a person typed (`Password123!`) is a guessable one: a warning in code, nothing in docs and tests.
      const typed = ['Pass', 'word123!'].join('');
      const [guessable] = check('app/settings.py', `client_secret = "${typed}"\n`);
      assert.equal(guessable?.severity, 'warning');
      assert.match(guessable!.message, /guessable/);
      assert.deepEqual(check('docs/aks.md', `client_secret: "${typed}"\n`), []);
      // Generated clients' type names under secret names (kubernetes' openapi_types) are names; a password with a digit for a letter is not.
      const types = "openapi_types = {\n    'secret': 'V1SecretVolumeSource',\n    'service_account_token': 'V1ServiceAccountTokenProjection',\n    'manage_own_s3_credentials': 'manageOwnS3Credentials',\n}\n";
      assert.deepEqual(check('kubernetes/client/models/v1_volume.py', types), []);
      // PHP class names, namespaced with backslashes (Predis' command table; escaped in a double-quoted string).
      const commands = "return array(\n    'PING' => 'Predis\\Command\\ConnectionPing',\n    'AUTH' => 'Predis\\Command\\ConnectionAuth',\n    'TOKEN' => \"App\\\\Auth\\\\TokenGuard\",\n);\n";
      assert.deepEqual(check('Predis/Profile/RedisVersion200.php', commands), []);
      assert.equal(check('config/app.php', `'auth' => 'Predis\\${randomChars(BASE62, 24, 1650)}',\n`).length, 1);
      const leet = ['Passw0rd', 'Admin'].join('');
      assert.equal(check('app/settings.py', `admin_password = "${leet}"\n`).length, 1);
      // Random keys almost never read as such names: of 20,000 seeded base62 keys of 10 to 39 characters with a digit, at most a couple.
      let named = 0;
      for (let seed = 0; seed < 20000; seed++) {
        const random = randomChars(BASE62, 10 + (seed % 30), 50000 + seed);
        if (/\d/.test(random) && isWordLike(random)) named++;
      }
      assert.ok(named <= 2, `${named} random keys were taken for names`);
    });

    it('PHP and JavaScript applications (WordPress, MediaWiki, phpMyAdmin): addresses, escapes, concatenations, query strings, self-named keys, PHP interpolation, Sphinx sources', () => {
      const quiet = [
        // An anonymous FTP login's password is an e-mail address (WordPress' class-ftp.php).
        '$this->_password="anon@ftp.com";',
        // An emoji shortcode's character, written as escapes (WordPress' blocks.js).
        "var emoji = {'secret':'\\u3299\\ufe0f'};",
        // A CSS selector built around a variable (wp-embed.min.js).
        `d.querySelectorAll('iframe[data-secret="'+t.secret+'"]');`,
        // A query string of parameters (MediaWiki's ApiLogin.php).
        "$this->addDeprecation( 'apiwarn-deprecation-login-token', 'action=login&!lgtoken' );",
        // A config key spelled out as its own value (MediaWiki's MainConfigNames.php).
        "public const DBpassword = 'DBpassword';",
        // PHP's complex interpolation (MediaWiki's password provider).
        '$row->user_password = ":B:{$row->user_id}:{$row->user_password}";',
        // A template naming the fields of a login, in prose (MediaWiki's BotPassword.php doc comment).
        '\t * There are two ways to login with a bot password: "username@appId", "password" and',
      ].join('\n');
      assert.deepEqual(check('includes/app.php', `${quiet}\n`), []);
      // What each rule leaves: a password with an @ that is no address, one concatenated in the middle of a string, a value that is not the name.
      const withAt = ['Pl@ce', 'Holder!9x'].join('');
      assert.equal(check('includes/app.php', `$this->_password="${withAt}";\n`).length, 1);
      const joined = ['Q7r!x', 'Lm2#p'].join('');
      assert.equal(check('includes/app.php', `$pw = "${joined}" + suffix;\n$db_password = "${joined}";\n`).length, 1);
      assert.equal(check('config.php', "public const DBpassword = 'DBpassword1';\n").length, 1);
      // Field words with a value among them: a random id after the user name is a secret.
      const appId = ['kQ7x', 'Rm2Lp9'].join('');
      assert.equal(check('includes/app.php', ` * a bot password: "username@${appId}", and\n`).length, 1);
      // Sphinx copies each page's source beside its HTML as `_sources/page.rst.txt`: documentation.
      const typed = ['Fort', 'inet1!e'].join('');
      assert.deepEqual(check('doc/html/_sources/config.rst.txt', `    $cfg['password'] = '${typed}';\n`), []);
      assert.equal(check('config/config.txt', `    $cfg['password'] = '${typed}';\n`).length, 1);
      // phpMyAdmin's documented example blowfish secret.
      assert.deepEqual(check('config.inc.php', `$cfg['blowfish_secret'] = '${['JOFw435365IScA&Q!c', 'Dugr!lSfuAz*OW'].join('')}';\n`), []);
    });

    it('header values on a curl command line are literals', () => {
      const hex = randomChars(HEX, 16, 1202);
      expectOne('scripts/call.sh', `curl -H "Content-Type: application/json" -H "Token: ${hex}" https://api.acme.io\n`, hex, /Hardcoded Token header credential/);
      assert.deepEqual(check('scripts/call.sh', 'curl -H "Authorization: Bearer $TOKEN" -H "X-Api-Key: YOUR_API_KEY" https://x\n'), []);
    });

    it('a Discord bot token whose id part was edited in a few places, but not one whose id is not a number', () => {
      const id = Buffer.from(randomChars('0123456789', 18, 1203).replace(/^0/, '1')).toString('base64url');
      const edited = `${id.slice(0, 10)}X${id.slice(11)}`;
      const token = `${edited}.${randomChars(BASE64URL, 6, 1204)}.${randomChars(BASE64URL, 38, 1205)}`;
      expectOne('bot.ts', `export const value = "${token}";\n`, token, 'Discord bot token');
      const garbage = `M${randomChars(BASE64URL, 23, 1206)}.${randomChars(BASE64URL, 6, 1207)}.${randomChars(BASE64URL, 38, 1208)}`;
      assert.deepEqual(check('bot.ts', `export const value = "${garbage}";\n`), []);
    });

    it('Sumo Logic access IDs under a Sumo Logic name; Stripe keys only from 24 characters, fillers as notes', () => {
      const accessId = `su${randomChars(BASE62, 12, 1209)}`;
      expectOne('jobs/sumo.py', `SUMO_ACCESS_ID = "${accessId}"\n`, accessId, 'Sumo Logic access ID');
      assert.deepEqual(check('jobs/other.py', `ACCESS_ID = "${accessId}"\n`), []);
      const prefix = ['sk', 'live', ''].join('_');
      assert.deepEqual(check('keys.txt', `${prefix}${'A'.repeat(23)}\n`), []);
      const note = check('keys.txt', `${prefix}${'A'.repeat(24)}\n`);
      assert.equal(note.length, 1);
      assert.equal(note[0].severity, 'info');
    });
  });
});
