import { isDocumentedExample, isEnvReference, isPlaceholder, isWordLike, printableBase64 } from './filters';
import { type CredentialFormat, glued, midTriggerFormat, plausibleToken, sticky, tokenFormat } from './format-kit';
import { classifySecretName, splitWords } from './names';

/**
 * Vendor tokens recognised by a documented prefix, length and alphabet. Each is one literal
 * trigger plus an anchored expression; the random part must pass the shared placeholder and
 * entropy checks, so a filler after a real prefix (`ntn_xxxx…`) is not reported.
 */

/** `prefix` + a random body, with the prefix shown in the message. */
function prefixed(
  id: string,
  kind: string,
  defaultEnvName: string,
  triggers: string[],
  pattern: RegExp,
  prefixLength: number,
  extra: { minimumEntropy?: number; blockedBefore?: string; bodyStart?: (found: RegExpExecArray) => number; info?: boolean; fillerInfo?: boolean } = {},
): CredentialFormat {
  return tokenFormat({
    id,
    triggers,
    defaultEnvName,
    pattern,
    kind: () => kind,
    prefixLength: () => prefixLength,
    minimumEntropy: extra.minimumEntropy,
    blockedBefore: extra.blockedBefore,
    bodyStart: extra.bodyStart,
    severity: extra.info ? () => 'info' : undefined,
    fillerInfo: extra.fillerInfo,
  });
}

/** After `tskey-<type>-`: the key id and the secret are both judged. */
function tailscaleBody(found: RegExpExecArray): number {
  return found[0].indexOf('-', 6) + 1;
}

/** Start of the last `-`-separated part: ids come first in Slack tokens, the random part last. */
function afterLastDash(found: RegExpExecArray): number {
  return found[0].lastIndexOf('-') + 1;
}

/**
 * Azure AD (Entra ID) client secrets: three characters, a digit, `Q~`, then 31 to 34 more, 40 in
 * all. The trigger is the `Q~` in the middle, so the first four characters are read backwards.
 */
const azureClientSecretTail = /Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/y;
const AZURE_SECRET_HEAD = /^[A-Za-z0-9_~.]{3}\d$/;

const azureAdClientSecret = midTriggerFormat({
  id: 'azure-ad-client-secret',
  kind: 'Azure AD client secret',
  triggers: ['q~'],
  defaultEnvName: 'AZURE_CLIENT_SECRET',
  headLength: 4,
  head: AZURE_SECRET_HEAD,
  tail: azureClientSecretTail,
  blockedBefore: '~.-',
  // The whole secret is random, its `Q~` included.
  judged: (head, tail) => head + tail,
  minimumEntropy: 3.5,
});

/** Sidekiq Enterprise/Pro credentials: `hex8:hex8`, under `BUNDLE_…__CONTRIBSYS__COM` or in a gems URL. */
const sidekiqAssignment = /contribsys__com[A-Za-z_]{0,20}["']?[ \t]*(?:=>|[:=])[ \t]*["']?([0-9a-f]{8}:[0-9a-f]{8})(?![0-9A-Za-z])/iy;
const sidekiqUrlCredentials = /([0-9a-f]{8}:[0-9a-f]{8})@$/i;

const sidekiqCredentials: CredentialFormat = {
  id: 'sidekiq-credentials',
  triggers: ['contribsys__com', 'contribsys.com'],
  defaultEnvName: 'BUNDLE_GEMS__CONTRIBSYS__COM',
  match(text, at) {
    if (text[at + 10] === '_') {
      const found = sticky(sidekiqAssignment, text, at);
      if (!found) return undefined;
      const start = at + found[0].length - found[1].length;
      if (!plausibleToken(found[1], found[1], 2.5)) return undefined;
      return { start, end: start + found[1].length, kind: 'Sidekiq Enterprise credentials' };
    }
    // `https://hex8:hex8@gems.contribsys.com` or `@enterprise.contribsys.com`.
    const host = /(?:gems|enterprise)\.$/.exec(text.slice(Math.max(0, at - 11), at));
    if (!host) return undefined;
    const hostStart = at - host[0].length;
    const credentials = sidekiqUrlCredentials.exec(text.slice(Math.max(0, hostStart - 18), hostStart));
    if (!credentials || !plausibleToken(credentials[1], credentials[1], 2.5)) return undefined;
    const start = hostStart - 18;
    return { start, end: start + 17, kind: 'Sidekiq Enterprise credentials' };
  },
};

/**
 * Mailchimp API keys: 32 hex digits, then the data centre (`-us6`). The trigger is the `-us` suffix,
 * so the key is read backwards from it.
 */
const mailchimpDataCentre = /-us\d{1,2}(?![A-Za-z0-9])/y;

const mailchimpApiKey = midTriggerFormat({
  id: 'mailchimp-api-key',
  kind: 'Mailchimp API key',
  triggers: ['-us'],
  defaultEnvName: 'MAILCHIMP_API_KEY',
  headLength: 32,
  head: /^[0-9a-f]{32}$/,
  tail: mailchimpDataCentre,
  judged: (head) => head,
});

/**
 * Facebook app access tokens: the app id (15 or 16 digits), `|` (or `%7C` in a URL), then the app
 * secret-derived part. The trigger is the separator, so the id is read backwards from it.
 */
const facebookAppTokenTail = /(?:\||%7C)[A-Za-z0-9_-]{27,40}(?![A-Za-z0-9_-])/iy;

const facebookAppToken: CredentialFormat = {
  id: 'facebook-app-access-token',
  // A digit and the separator: a bare `|` is in every other line of code (`||`), which made it the
  // scan's most frequent trigger by far; the id always ends in a digit right before it.
  triggers: [...'0123456789'].flatMap((digit) => [`${digit}|`, `${digit}%7c`]),
  defaultEnvName: 'FACEBOOK_ACCESS_TOKEN',
  match(text, digitAt) {
    const at = digitAt + 1;
    let start = at;
    while (start > 0 && at - start < 17 && text.charCodeAt(start - 1) >= 48 && text.charCodeAt(start - 1) <= 57) start--;
    const digits = at - start;
    if (digits < 15 || digits > 16 || glued(text, start)) return undefined;
    const found = sticky(facebookAppTokenTail, text, at);
    if (!found) return undefined;
    const secret = found[0].slice(found[0].startsWith('|') ? 1 : 3);
    if (!plausibleToken(text.slice(start, at + found[0].length), secret, 3.5)) return undefined;
    return { start, end: at + found[0].length, kind: 'Facebook app access token' };
  },
};

/**
 * `<add key="ClearTextPassword" value="…" />` in a NuGet.config (and `key="Password"` in its package
 * source credentials): a password stored in clear by definition, whatever it looks like, unless it
 * reads the environment (`%FEED_PASSWORD%`) or is a stand-in.
 */
const nugetPasswordPattern = /<add[ \t]+key=["'](?:ClearTextPassword|Password)["'][ \t]+value=["']([^"'<>\r\n]{1,256})["']/iy;

const nugetConfigPassword: CredentialFormat = {
  id: 'nuget-config-password',
  triggers: ['<add key="cleartextpassword"', "<add key='cleartextpassword'", '<add key="password"', "<add key='password'"],
  defaultEnvName: 'NUGET_PASSWORD',
  match(text, at) {
    const found = sticky(nugetPasswordPattern, text, at);
    if (!found) return undefined;
    const password = found[1];
    if (password.length < 6 || isPlaceholder(password) || isEnvReference(password) || /%\w+%/.test(password) || isDocumentedExample(password)) return undefined;
    const start = at + found[0].length - 1 - password.length;
    return { start, end: start + password.length, kind: 'NuGet feed password' };
  },
};

/** Microsoft Teams incoming webhook URLs (the URL is the credential). */
const teamsWebhookPattern = /webhook\.office\.com\/webhookb2\/[A-Za-z0-9-]{36}@[A-Za-z0-9-]{36}\/IncomingWebhook\/[A-Za-z0-9]{32}\/[A-Za-z0-9-]{36}(?:\/[A-Za-z0-9_-]{20,80})?(?![A-Za-z0-9_-])/y;

const teamsWebhook: CredentialFormat = {
  id: 'microsoft-teams-webhook',
  triggers: ['webhook.office.com/'],
  defaultEnvName: 'TEAMS_WEBHOOK_URL',
  match(text, at) {
    const found = sticky(teamsWebhookPattern, text, at);
    if (!found) return undefined;
    const path = found[0].slice(found[0].indexOf('IncomingWebhook/') + 16);
    if (!plausibleToken(found[0], path)) return undefined;
    let start = at;
    while (start > 0 && at - start < 64 && /[A-Za-z0-9.-]/.test(text[start - 1])) start--;
    if (text.startsWith('https://', start - 8)) start -= 8;
    return { start, end: at + found[0].length, kind: 'Microsoft Teams webhook URL' };
  },
};

/** How far back a `curl` may start before an option on its (backslash-continued) command line. */
const MAX_COMMAND = 2000;

/** True when the logical command line holding `at` (joined across `\` line ends) runs `curl`. */
function inCurlCommand(text: string, at: number): boolean {
  // The nearest `curl` before the option, then no unescaped line end between them: each call
  // reads at most MAX_COMMAND characters, however many options a line has.
  const curl = text.lastIndexOf('curl', at);
  if (curl < 0 || at - curl > MAX_COMMAND) return false;
  if (curl > 0 && !/[\s;&|(`$'"#]/.test(text[curl - 1])) return false;
  if (!/\s/.test(text[curl + 4] ?? '')) return false;
  for (let i = curl + 4; i < at; i++) {
    if (text[i] === '\n' && text[i - 1] !== '\\' && !(text[i - 1] === '\r' && text[i - 2] === '\\')) return false;
  }
  return true;
}

const curlUserPattern = /(?:-u|--user)[ \t]+(['"]?)([^\s'":]{0,128}):(['"]?)([^\s'"]{1,256})\3\1(?=[\s'"]|$)/y;
/** `-u "TOKEN:"`: an API key as the user name with an empty password (Stripe's and many APIs' convention). */
const curlTokenUserPattern = /(?:-u|--user)[ \t]+(['"]?)([A-Za-z0-9_!@#%^*+=.~-]{12,256}):\1(?=[\s'"]|$)/y;
const curlHeaderPattern = /(?:-H|--header)[ \t]+(['"])([A-Za-z][A-Za-z0-9-]{1,40}):[ \t]*(?:(Bearer|Basic|Token|Bot|Api-Token)[ \t]+)?([^\s'"]{8,2048})\1/y;

function plainCredential(value: string): boolean {
  return !isPlaceholder(value) && !isEnvReference(value) && !/^[$<{]|[<>]/.test(value);
}

/**
 * Credentials on a `curl` command line: `-u user:password` / `--user`, and `-H 'Authorization: …'`
 * (or another header whose name says it carries a token or key). Placeholders, `$VARS` and
 * `${VARS}` are left alone; a Basic credential must decode to `user:password`.
 */
const curlCredential: CredentialFormat = {
  id: 'curl-credential',
  triggers: ['-u ', '--user ', '-h ', '--header '],
  contextual: true,
  defaultEnvName: 'API_TOKEN',
  match(text, at) {
    if (glued(text, at, '-') || !inCurlCommand(text, at)) return undefined;
    const user = sticky(curlUserPattern, text, at);
    if (user) {
      // `kevin:'secret'`: the password may carry its own quotes inside the word.
      const password = user[4];
      if (password === user[2] || !plainCredential(password) || /^[$<{]/.test(user[2])) return undefined;
      const end = at + user[0].length - user[1].length - user[3].length;
      return { start: end - password.length, end, kind: 'password in a curl command' };
    }
    const tokenUser = sticky(curlTokenUserPattern, text, at);
    if (tokenUser) {
      const token = tokenUser[2];
      if (!plainCredential(token) || isWordLike(token) || !plausibleToken(token, token, 3.5)) return undefined;
      const start = at + tokenUser[0].length - tokenUser[1].length - 1 - token.length;
      return { start, end: start + token.length, kind: 'API key as the user in a curl command' };
    }
    const header = sticky(curlHeaderPattern, text, at);
    if (!header) return undefined;
    const [, , name, scheme, value] = header;
    const nameClass = name.toLowerCase() === 'authorization' ? 'authorization' : classifySecretName(splitWords(name));
    if (!nameClass || !plainCredential(value)) return undefined;
    if (scheme?.toLowerCase() === 'basic') {
      const decoded = printableBase64(value);
      const colon = decoded?.indexOf(':') ?? -1;
      if (decoded === undefined || colon < 0 || colon === decoded.length - 1) return undefined;
    } else if (!plausibleToken(value, value, 3)) return undefined;
    const end = at + header[0].length - 1;
    return { start: end - value.length, end, kind: `${name} header credential in a curl command` };
  },
};

/** Every vendor format with a documented prefix (tried after the core catalogue at a shared trigger). */
export const VENDOR_FORMATS: readonly CredentialFormat[] = [
  prefixed('notion-token', 'Notion integration token', 'NOTION_TOKEN', ['ntn_'], /ntn_\d{11}[A-Za-z0-9]{35}(?![A-Za-z0-9_])/y, 4, { minimumEntropy: 3.5, fillerInfo: true }),
  prefixed('sourcegraph-token', 'Sourcegraph access token', 'SRC_ACCESS_TOKEN', ['sgp_'], /sgp_(?:[A-Fa-f0-9]{16}_|local_)?[A-Fa-f0-9]{40}(?![A-Za-z0-9_])/y, 4),
  prefixed('tailscale-key', 'Tailscale key', 'TS_AUTHKEY', ['tskey-'], /tskey-[a-z]{3,12}-[A-Za-z0-9]{8,24}-[A-Za-z0-9]{16,64}(?![A-Za-z0-9_-])/y, 6, { blockedBefore: '-', fillerInfo: true, bodyStart: tailscaleBody }),
  prefixed('vercel-token', 'Vercel token', 'VERCEL_TOKEN', ['vcp_', 'vci_', 'vca_', 'vcr_', 'vck_'], /vc[pciark]_[A-Za-z0-9]{40,64}(?![A-Za-z0-9_])/y, 4, { minimumEntropy: 3.5, fillerInfo: true }),
  prefixed('figma-token', 'Figma personal access token', 'FIGMA_TOKEN', ['figd_'], /figd_[A-Za-z0-9_-]{40,64}(?![A-Za-z0-9_-])/y, 5, { minimumEntropy: 3.5, fillerInfo: true }),
  prefixed('docker-token', 'Docker Hub access token', 'DOCKER_TOKEN', ['dckr_pat_', 'dckr_oat_'], /dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,64}(?![A-Za-z0-9_-])/y, 9, { minimumEntropy: 3.5 }),
  prefixed('groq-api-key', 'Groq API key', 'GROQ_API_KEY', ['gsk_'], /gsk_[A-Za-z0-9]{52}(?![A-Za-z0-9_])/y, 4, { minimumEntropy: 3.5, fillerInfo: true }),
  prefixed('duffel-token', 'Duffel access token', 'DUFFEL_TOKEN', ['duffel_test_', 'duffel_live_'], /duffel_(?:test|live)_[A-Za-z0-9_=-]{43}(?![A-Za-z0-9_=-])/y, 12),
  prefixed('easypost-api-key', 'EasyPost API key', 'EASYPOST_API_KEY', ['ezak', 'eztk'], /EZ[AT]K[A-Za-z0-9]{54}(?![A-Za-z0-9])/y, 4, { minimumEntropy: 3.5 }),
  prefixed('flutterwave-secret-key', 'Flutterwave secret key', 'FLUTTERWAVE_SECRET_KEY', ['flwseck'], /FLWSECK(?:_TEST)?-[a-h0-9]{12,32}(?:-X)?(?![A-Za-z0-9_-])/y, 7, { bodyStart: (found) => found[0].indexOf('-') + 1 }),
  prefixed('flutterwave-public-key', 'Flutterwave public key', 'FLUTTERWAVE_PUBLIC_KEY', ['flwpubk'], /FLWPUBK(?:_TEST)?-[a-h0-9]{32}-X(?![A-Za-z0-9_-])/y, 7, { info: true }),
  prefixed('shippo-token', 'Shippo API token', 'SHIPPO_API_TOKEN', ['shippo_test_', 'shippo_live_'], /shippo_(?:test|live)_[a-fA-F0-9]{40}(?![A-Za-z0-9_])/y, 12),
  prefixed('age-secret-key', 'age secret key', 'AGE_SECRET_KEY', ['age-secret-key-1'], /AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}(?![A-Za-z0-9])/y, 16, { fillerInfo: true }),
  prefixed('1password-secret-key', '1Password secret key', 'OP_SECRET_KEY', ['a3-'], /A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}(?![A-Za-z0-9-])/y, 3),
  prefixed('1password-service-account-token', '1Password service account token', 'OP_SERVICE_ACCOUNT_TOKEN', ['ops_eyj'], /ops_eyJ[A-Za-z0-9+/]{250,}={0,3}(?![A-Za-z0-9+/=])/y, 4),
  prefixed('sentry-org-token', 'Sentry organization token', 'SENTRY_AUTH_TOKEN', ['sntrys_eyj'], /sntrys_eyJ[A-Za-z0-9+/=]{60,}_[A-Za-z0-9+/]{43}(?![A-Za-z0-9+/=_])/y, 7),
  prefixed('sentry-user-token', 'Sentry user token', 'SENTRY_AUTH_TOKEN', ['sntryu_'], /sntryu_[a-f0-9]{64}(?![A-Za-z0-9_])/y, 7),
  prefixed('grafana-cloud-token', 'Grafana Cloud token', 'GRAFANA_CLOUD_TOKEN', ['glc_'], /glc_[A-Za-z0-9+/]{32,400}={0,2}(?![A-Za-z0-9+/=_])/y, 4),
  prefixed('grafana-service-account-token', 'Grafana service account token', 'GRAFANA_TOKEN', ['glsa_'], /glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}(?![A-Za-z0-9_])/y, 5, { fillerInfo: true }),
  prefixed('huggingface-org-token', 'Hugging Face organization token', 'HF_TOKEN', ['api_org_'], /api_org_[A-Za-z]{34}(?![A-Za-z0-9_])/y, 8, { minimumEntropy: 3.5 }),
  prefixed('facebook-page-token', 'Facebook page access token', 'FACEBOOK_ACCESS_TOKEN', ['eaam', 'eaac'], /EAA[MC][A-Za-z0-9]{96,}(?![A-Za-z0-9+/=_-])/y, 4, { blockedBefore: '+/', minimumEntropy: 3.5 }),
  prefixed('twitter-bearer-token', 'Twitter bearer token', 'TWITTER_BEARER_TOKEN', ['aaaaaaaaaaaaaaaaaaaaaa'], /A{22}[A-Za-z0-9%]{80,100}(?![A-Za-z0-9%])/y, 0, { bodyStart: () => 22, minimumEntropy: 3.5 }),
  prefixed('openshift-token', 'OpenShift user token', 'OPENSHIFT_TOKEN', ['sha256~'], /sha256~[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/y, 7, { minimumEntropy: 3.5 }),
  prefixed('vault-token', 'HashiCorp Vault token', 'VAULT_TOKEN', ['hvs.', 'hvb.', 'hvr.'], /hv[sbr]\.[A-Za-z0-9_-]{90,400}(?![A-Za-z0-9_-])/y, 4, { minimumEntropy: 3.5 }),
  prefixed('intra42-client-secret', '42 Intra client secret', 'FT_CLIENT_SECRET', ['s-s4t2'], /s-s4t2(?:ud|af)-[a-f0-9]{64}(?![A-Za-z0-9])/y, 9),
  prefixed('cloudflare-origin-ca-key', 'Cloudflare Origin CA key', 'CLOUDFLARE_ORIGIN_CA_KEY', ['v1.0-'], /v1\.0-[a-f0-9]{24}-[a-f0-9]{146}(?![A-Za-z0-9])/y, 5),
  prefixed('cloudflare-token', 'Cloudflare API token', 'CLOUDFLARE_API_TOKEN', ['cfat_', 'cfut_', 'cfk_'], /cf(?:at|ut|k)_[A-Za-z0-9]{40,48}(?![A-Za-z0-9_])/y, 5, { minimumEntropy: 3.5 }),
  prefixed('heroku-api-key', 'Heroku API key', 'HEROKU_API_KEY', ['hrku-aa'], /HRKU-AA[A-Za-z0-9_-]{58}(?![A-Za-z0-9_-])/y, 5),
  prefixed('alibaba-access-key-id', 'Alibaba Cloud AccessKey ID', 'ALIBABA_CLOUD_ACCESS_KEY_ID', ['ltai'], /LTAI[A-Za-z0-9]{20}(?![A-Za-z0-9])/y, 4, { minimumEntropy: 3.2 }),
  prefixed('adobe-client-secret', 'Adobe client secret', 'ADOBE_CLIENT_SECRET', ['p8e-'], /p8e-[A-Za-z0-9]{32}(?![A-Za-z0-9])/y, 4),
  prefixed('perplexity-api-key', 'Perplexity API key', 'PERPLEXITY_API_KEY', ['pplx-'], /pplx-[A-Za-z0-9]{48}(?![A-Za-z0-9])/y, 5, { minimumEntropy: 3.5 }),
  prefixed('databricks-token', 'Databricks access token', 'DATABRICKS_TOKEN', ['dapi'], /dapi[a-h0-9]{32}(?:-\d)?(?![A-Za-z0-9])/y, 4),
  prefixed('slack-config-token', 'Slack configuration token', 'SLACK_CONFIG_TOKEN', ['xoxe.', 'xoxe-'], /xoxe(?:\.xox[bp])?-\d-[A-Za-z0-9]{140,170}(?![A-Za-z0-9])/y, 5, { minimumEntropy: 3.5 }),
  // Ids first, then a short hex part: the ids make the shape specific, so the hex part needs less variety.
  prefixed('slack-legacy-token', 'Slack legacy token', 'SLACK_TOKEN', ['xoxs-', 'xoxo-', 'xoxa-'], /xox[soa]-(?:\d-)?(?:\d{6,15}-){2,3}[0-9a-f]{10,64}(?![0-9A-Za-z-])/y, 5, { bodyStart: afterLastDash, minimumEntropy: 2.5 }),
  // Legacy workspace access and refresh tokens: `xoxa-` / `xoxr-`, an optional digit, then one random part.
  prefixed('slack-legacy-workspace-token', 'Slack legacy workspace token', 'SLACK_TOKEN', ['xoxa-', 'xoxr-'], /xox[ar]-(?:\d-)?[0-9A-Za-z]{8,48}(?![0-9A-Za-z-])/y, 5, { bodyStart: afterLastDash, minimumEntropy: 2.5 }),
  prefixed('flyio-access-token', 'Fly.io access token', 'FLY_API_TOKEN', ['fo1_'], /fo1_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/y, 4, { minimumEntropy: 3.5 }),
  // Macaroon tokens: `FlyV1 fm2_…` (the scheme word is part of what `fly tokens` prints) or bare `fm1r_`/`fm1a_`/`fm2_`.
  prefixed('flyio-macaroon-token', 'Fly.io macaroon token', 'FLY_API_TOKEN', ['flyv1 fm', 'fm1a_', 'fm1r_', 'fm2_'], /(?:FlyV1 )?fm(?:1[ar]|2)_[A-Za-z0-9+/]{100,4000}={0,3}(?![A-Za-z0-9+/=])/y, 0, { minimumEntropy: 3.5, bodyStart: (found) => found[0].indexOf('_') + 1 }),
  // Square access tokens; `EAAA` + 60 is Square's (Facebook's user tokens continue with other letters).
  prefixed('square-access-token', 'Square access token', 'SQUARE_ACCESS_TOKEN', ['eaaa', 'sq0atp-'], /(?:EAAA[A-Za-z0-9_-]{60}|sq0atp-[A-Za-z0-9_-]{22})(?![A-Za-z0-9_-])/y, 4, { minimumEntropy: 3.5, blockedBefore: '+/' }),
  facebookAppToken,
  // The SOAP endpoint takes the API key as the last path part.
  prefixed('softlayer-api-key', 'IBM SoftLayer API key in a URL', 'SOFTLAYER_API_KEY', ['api.softlayer.com/soap/v3'], /api\.softlayer\.com\/soap\/v3(?:\.1)?\/[a-z0-9]{64}(?![A-Za-z0-9])/y, 0, { fillerInfo: true, bodyStart: (found) => found[0].length - 64 }),
  azureAdClientSecret,
  mailchimpApiKey,
  nugetConfigPassword,
  sidekiqCredentials,
  teamsWebhook,
  curlCredential,
];
