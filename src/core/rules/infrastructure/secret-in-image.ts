import type { RuleFinding } from '../../check/findings';
import { isEnvReference, isPlaceholder } from '../secrets/filters';
import type { Rule } from '../rule';
import { instructionsOf, keyValues, stagesOf } from './dockerfile-stages';
import { spanIn } from './pipe-to-shell';
import { withoutReportedSecrets } from './secret-overlap';

/** Words of a variable name that make it a secret (`DB_PASSWORD`, `NPM_TOKEN`, `STRIPE_API_KEY`). */
const SECRET_WORDS = /(^|_)(PASSWORD|PASSWD|PASS|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|SECRET_?KEY|CLIENT_?SECRET|CREDENTIALS?)(_|$)/;
/** Names that hold where a secret is or something about it, not the secret (`TOKEN_URL`, `PASSWORD_FILE`). */
const ABOUT_A_SECRET = /_(FILE|PATH|DIR|URL|URI|ENDPOINT|HOST|NAME|ID|LENGTH|TTL|EXPIRY|EXPIRES|HEADER|TYPE|VERSION|ENABLED|REQUIRED|PROVIDER|ALGORITHM|ARN|REF|SOURCE)$/;
/** Values that are flags or sizes, never credentials. */
const NOT_A_CREDENTIAL = /^(true|false|yes|no|on|off|none|null|\d{1,4})$/i;

export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase().replace(/[-.]/g, '_');
  return SECRET_WORDS.test(upper) && !ABOUT_A_SECRET.test(upper);
}

/**
 * Flags secrets baked into an image: `ENV` or `ARG` with a secret-like name (PASSWORD, TOKEN,
 * SECRET, API_KEY, PRIVATE_KEY…) and a literal value, and secret `ARG`s used by a `RUN` without a
 * secret mount. Values the secrets rule already reports (a vendor token, a high-entropy key) are
 * left to it.
 */
export const infrastructureSecretInImage: Rule = {
  id: 'infrastructure/secret-in-image',
  kind: 'language',
  defaultSeverity: 'warning',
  summary: 'Dockerfile baking a secret into the image (`ENV`/`ARG`)',
  rationale:
    '`ENV` values are stored in the image\'s configuration and `ARG` values in its history: anyone who can pull the image ' +
    'reads them with `docker inspect` or `docker history`, long after the Dockerfile changed. AI assistants pass tokens as ' +
    'build arguments because it works. Pass secrets at build time with `RUN --mount=type=secret,id=npm_token` (`docker build ' +
    '--secret`) and at run time from the orchestrator\'s secret store. Values from other variables (`${TOKEN}`) and flags ' +
    'are not reported; values the secrets rule already reports are left to it.',
  check: () => [],
  languages: {
    dockerfile: {
      check: (context) => {
        const candidates: RuleFinding[] = [];
        for (const stage of stagesOf(instructionsOf(context.document))) {
          const secretArgs = new Map<string, boolean>();
          for (const instruction of stage.instructions) {
            if (instruction.keyword === 'ENV' || instruction.keyword === 'ARG') {
              for (const pair of keyValues(instruction, context.text)) {
                if (!isSecretName(pair.key)) continue;
                if (instruction.keyword === 'ARG') secretArgs.set(pair.key, false);
                const value = pair.value?.trim();
                if (value === undefined || value === '' || isEnvReference(value) || NOT_A_CREDENTIAL.test(value)) continue;
                const stored = instruction.keyword === 'ENV' ? 'the image\'s configuration (`docker inspect`)' : 'the image\'s history (`docker history`)';
                candidates.push({
                  start: pair.start,
                  end: pair.end,
                  ...(isPlaceholder(value) ? { severity: 'info' as const } : {}),
                  message: `\`${instruction.keyword} ${pair.key}\` writes a literal secret into ${stored}. Pass it with \`RUN --mount=type=secret\` at build time, or from a secret store at run time.`,
                  fingerprintSource: `infrastructure/secret-in-image|${instruction.keyword}|${pair.key}`,
                });
              }
            } else if (instruction.keyword === 'RUN' && !/--mount=[^\s]*type=secret/.test(instruction.arguments)) {
              for (const [name, reported] of secretArgs) {
                if (reported) continue;
                const use = new RegExp(String.raw`\$\{?${name.replace(/[.-]/g, '\\$&')}\b`).exec(instruction.arguments);
                if (use === null) continue;
                secretArgs.set(name, true);
                candidates.push({
                  ...spanIn(context.text, instruction, use[0]),
                  message: `\`RUN\` uses the build argument \`${name}\`: build arguments are kept in the image's history, where anyone who pulls it can read them. Use \`RUN --mount=type=secret,id=${name.toLowerCase()}\` and \`docker build --secret\`.`,
                  fingerprintSource: `infrastructure/secret-in-image|RUN|${name}`,
                });
              }
            }
          }
        }
        return withoutReportedSecrets(context, candidates);
      },
    },
  },
};
