import { squash } from '../../text/spelling';
import { isDocumentedExample, isEnvReference, isMechanicalFiller, isPlaceholder, isWordLike } from './filters';
import { shannonEntropy } from './entropy';

/**
 * Vendor credentials with no prefix of their own, recognised by a vendor's name in the assigned
 * name plus the exact shape the vendor issues: `SOFTLAYER_API_KEY` and 64 alphanumerics,
 * `ibm_cos_secret_key` and 48 hex digits, `SNYK_TOKEN` and a UUID. The name and the exact length
 * together are as specific as a prefix, so a typed filler body (`abcd1234abcd1234…`) is reported at
 * `info` with a request to confirm it is not real; a value of any other shape is left to the generic
 * detector. A name without the vendor's word never gets here.
 */
export interface VendorNamedFormat {
  readonly id: string;
  readonly kind: string;
  readonly defaultEnvName: string;
  /** Lowercase words that, anywhere in an identifier, may name this vendor (also scan triggers). */
  readonly triggers: readonly string[];
  /** Tests the assigned name with its separators removed, lowercased (`sl_api_key` → `slapikey`). */
  readonly name: RegExp;
  /** The whole value's shape. */
  readonly value: RegExp;
}

const UUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;

/** Formats after detect-secrets' and gitleaks' vendor plugins, each name test anchored to the whole name. */
export const VENDOR_NAMED_FORMATS: readonly VendorNamedFormat[] = [
  {
    id: 'softlayer-api-key',
    kind: 'IBM SoftLayer API key',
    defaultEnvName: 'SOFTLAYER_API_KEY',
    triggers: ['softlayer', 'key', 'pass', 'pwd'],
    name: /^(?:softlayer|sl)(?:api)?(?:key|apikey|pass|password|pwd|passwd)$/,
    value: /^[a-z0-9]{64}$/,
  },
  {
    id: 'ibm-cos-hmac-secret',
    kind: 'IBM Cloud Object Storage HMAC secret key',
    defaultEnvName: 'COS_HMAC_SECRET_ACCESS_KEY',
    triggers: ['key'],
    // `secret_access_key` alone with 48 hex digits is the S3-compatible HMAC secret IBM COS issues (AWS's are 40 base64).
    name: /^(?:(?:ibm)?(?:cloud)?(?:cos)?(?:hmac)?)secret(?:access)?key$/,
    value: /^[0-9a-f]{48}$/i,
  },
  {
    id: 'ibm-cloud-iam-key',
    kind: 'IBM Cloud IAM API key',
    defaultEnvName: 'IBMCLOUD_API_KEY',
    triggers: ['ibm'],
    name: /^ibm(?:cloud)?(?:iam)?(?:api)?key$/,
    value: /^[A-Za-z0-9_-]{44}$/,
  },
  {
    id: 'cloudant-credential',
    kind: 'IBM Cloudant credential',
    defaultEnvName: 'CLOUDANT_PASSWORD',
    triggers: ['cloudant'],
    name: /^(?:cloudant|clou)(?:api)?(?:key|apikey|pass|password|pw|pwd|passwd|secret)$/,
    // The account password (64 hex digits) or an API key (24 lowercase letters).
    value: /^(?:[0-9a-f]{64}|[a-z]{24})$/,
  },
  {
    id: 'snyk-token',
    kind: 'Snyk API token',
    defaultEnvName: 'SNYK_TOKEN',
    triggers: ['snyk'],
    name: /^snyk(?:api|oauth)?(?:token|key|apikey|apitoken|authtoken)$/,
    value: UUID,
  },
  {
    id: 'messagebird-token',
    kind: 'MessageBird API token',
    defaultEnvName: 'MESSAGEBIRD_ACCESS_KEY',
    triggers: ['messagebird', 'message_bird', 'message-bird'],
    name: /^message(?:bird)(?:api)?(?:token|key|apikey|accesskey|apitoken|authtoken)$/,
    value: /^(?:[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|[A-Za-z0-9]{25})$/,
  },
  {
    id: 'heroku-api-key',
    kind: 'Heroku API key',
    defaultEnvName: 'HEROKU_API_KEY',
    triggers: ['heroku'],
    name: /^heroku(?:api)?(?:key|token|apikey|apitoken|authtoken)$/,
    value: UUID,
  },
  {
    id: 'hubspot-api-key',
    kind: 'HubSpot API key',
    defaultEnvName: 'HUBSPOT_API_KEY',
    triggers: ['hubspot'],
    name: /^hubspot(?:api)?(?:key|token|apikey|apitoken)$/,
    value: UUID,
  },
  {
    id: 'mailgun-key',
    kind: 'Mailgun key',
    defaultEnvName: 'MAILGUN_API_KEY',
    triggers: ['mailgun'],
    name: /^mailgun(?:signing|webhook|private)?(?:api)?(?:token|key|apikey|secret|signingkey)$/,
    // A private API key (`key-` + 32 hex) or a webhook signing key (32 hex, then two 8-hex parts).
    value: /^(?:key-[0-9a-f]{32}|[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})$/,
  },
  {
    id: 'cloudflare-api-key',
    kind: 'Cloudflare API key',
    defaultEnvName: 'CLOUDFLARE_API_KEY',
    triggers: ['cloudflare'],
    name: /^cloudflare(?:global)?(?:api)?(?:key|token|apikey|apitoken)?$/,
    // An API token (40 characters) or a global API key (37 hex digits).
    value: /^(?:[A-Za-z0-9_-]{40}|[0-9a-f]{37})$/,
  },
  {
    id: 'sourcegraph-token',
    kind: 'Sourcegraph access token',
    defaultEnvName: 'SRC_ACCESS_TOKEN',
    triggers: ['sourcegraph'],
    name: /^sourcegraph(?:access)?(?:token|key|accesstoken)?$/,
    value: /^[0-9a-fA-F]{40}$/,
  },
  {
    id: 'sonar-token',
    kind: 'SonarQube token',
    defaultEnvName: 'SONAR_TOKEN',
    triggers: ['sonar'],
    name: /^sonar(?:qube|cloud)?(?:login|token|authtoken|apikey|key)$/,
    value: /^(?:sq[uap]_)?[A-Za-z0-9]{40}$/,
  },
  {
    id: 'sumologic-access-id',
    kind: 'Sumo Logic access ID',
    defaultEnvName: 'SUMOLOGIC_ACCESS_ID',
    triggers: ['sumo'],
    // The user half of an access key pair, like AWS's `AKIA…` id: it names the key the secret belongs to.
    name: /^sumo(?:logic)?accessid$/,
    value: /^su[A-Za-z0-9]{12}$/,
  },
];

/** Every literal that may start a vendor-named assignment's name. */
export const VENDOR_NAME_TRIGGERS: readonly string[] = [...new Set(VENDOR_NAMED_FORMATS.flatMap((format) => format.triggers))];

/** A vendor-named credential: which format, and whether its body is typed filler. */
export interface VendorNamedMatch {
  format: VendorNamedFormat;
  filler: boolean;
}

/**
 * The vendor format that `value` assigned to `name` has, if any. A value that is an environment
 * read, an explicit stand-in (`your-key`, `xxxx`) or a documented example is none; a value with the
 * vendor's shape and a random body is a live credential; with a typed filler body it is a note.
 */
export function matchVendorNamed(name: string, value: string): VendorNamedMatch | undefined {
  const compact = squash(name);
  for (const format of VENDOR_NAMED_FORMATS) {
    if (!format.name.test(compact) || !format.value.test(value)) continue;
    // A slug of words in the shape (`my-cloudflare-worker-name-…`) is a name, not a key.
    if (isEnvReference(value) || isDocumentedExample(value) || isWordLike(value)) return undefined;
    const body = value.replace(/^sq[uap]_/, '');
    if (!isPlaceholder(body) && shannonEntropy(body.replace(/-/g, '')) >= 3) return { format, filler: false };
    return isMechanicalFiller(body) ? { format, filler: true } : undefined;
  }
  return undefined;
}
