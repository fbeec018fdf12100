import { type Document, type Scalar, visit } from 'yaml';
import type { RuleFinding } from '../../check/findings';
import type { LanguageRuleContext, Rule } from '../rule';
import { inlineCode } from '../../text/markdown';
import { nodeSpan } from '../shared-yaml/nodes';
import { commandName, logicalLines, pipelines } from './shell-lines';
import { allSteps, classifyExpressions, expressionsInText, expressionsOf, type Job, normaliseExpression, readWorkflowFiles, spanOfPiece, type Step, variablesSetFrom, type WorkflowFile } from './workflow';

/** Commands that print their arguments. */
const PRINTERS: ReadonlySet<string> = new Set(['echo', 'printf', 'write-host', 'write-output']);
/** Filters that pass a secret through changed (so the log's masking no longer recognises it) to their output. */
const TRANSFORMERS: ReadonlySet<string> = new Set(['base64', 'xxd', 'od', 'hexdump', 'rev', 'sed', 'tr', 'cut', 'awk', 'head', 'tail', 'fold', 'cat', 'tee', 'jq', 'openssl']);
/** Commands that print a file they are given. */
const FILE_PRINTERS: ReadonlySet<string> = new Set(['cat', 'head', 'tail', 'less', 'more', 'type', 'get-content']);
const SECRET_EXPRESSION = /\bsecrets\.\w|\bsecrets\s*\[|\bgithub\.token\b/;
const ALL_SECRETS = /\btojson\(\s*secrets\s*\)/;
const XTRACE = /^\s*set\s+(-[a-wyz]*x[a-z]*|-o\s+xtrace)\b/;
const HEREDOC = /<<-?\s*(["']?)(\w+)\1/;

/**
 * Flags secrets written to the job's log in `run:` scripts (`echo`, `printf`, a here-document to
 * standard output, `set -x` with a secret in the environment), to the job summary, a file the
 * script wrote a secret to printed back (`cat .env`), and every `toJSON(secrets)`.
 */
export const workflowsSecretEchoed: Rule = {
  id: 'workflows/secret-echoed',
  kind: 'language',
  defaultSeverity: 'warning',
  summary: 'Secret printed to the workflow log or summary',
  rationale:
    'GitHub masks a secret\'s exact value in logs, and nothing else: once encoded (`| base64`), cut, ' +
    'or split over lines (a multi-line key is masked as a whole, not line by line), it appears in ' +
    'clear for everyone who can read the run, which for a public repository is everyone. `set -x` ' +
    'prints every command with its variables expanded. `toJSON(secrets)` hands every secret of the ' +
    'repository to one step instead of the one it needs.\n\n' +
    'Passing a secret through `env:` and using it as `"$TOKEN"` in a command\'s arguments, piping it ' +
    'into a command that reads it (`echo "$TOKEN" | docker login --password-stdin`) or writing it to ' +
    'a file the job uses (`~/.npmrc`, `$GITHUB_ENV`) is the normal way and is not reported.',
  check: () => [],
  languages: {
    'github-actions': {
      textTriggers: ['secrets', 'github.token'],
      check: (context) => checkSecretsEchoed(context),
    },
  },
};

function checkSecretsEchoed(context: LanguageRuleContext): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const file of readWorkflowFiles(context.document)) {
    findings.push(...allSecretsHandedOver(file, context.text));
    for (const { step, job } of allSteps(file)) {
      if (step.run === undefined) continue;
      findings.push(...echoedInScript(step.run, secretVariables(file, job, step), file.document, context.text));
    }
  }
  return findings;
}

/** Every `toJSON(secrets)` in any scalar of the file. */
function allSecretsHandedOver(file: WorkflowFile, text: string): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const scalars: Scalar[] = [];
  visit(file.document, {
    Scalar: (_key, node) => {
      if (typeof node.value === 'string' && node.value.includes('${{')) scalars.push(node);
    },
  });
  for (const scalar of scalars) {
    for (const expression of expressionsOf(scalar, text, file.document)) {
      if (!ALL_SECRETS.test(normaliseExpression(expression.body))) continue;
      findings.push({
        start: expression.start,
        end: expression.end,
        message: '`toJSON(secrets)` gives this step every secret of the repository (and prints them if it logs its input). Pass only the secrets it needs, one by one.',
      });
    }
  }
  return findings;
}

/** `env:` variables (workflow, job, step) set from a secret or the token. */
function secretVariables(file: WorkflowFile, job: Job | undefined, step: Step): ReadonlySet<string> {
  return new Set(variablesSetFrom([file.env, job?.env, step.env], file.document, (value) => classifyExpressions(value, secretExpression)).keys());
}

function secretExpression(body: string): string | undefined {
  return SECRET_EXPRESSION.test(normaliseExpression(body)) ? body : undefined;
}

/** The secret a piece of script uses, as written (`${{ secrets.X }}` or `$X`), or undefined. */
function secretIn(text: string, variables: ReadonlySet<string>): string | undefined {
  const expression = expressionsInText(text).find((candidate) => secretExpression(candidate.body) !== undefined);
  if (expression !== undefined) return expression.text;
  for (const match of text.matchAll(/\$\{?([A-Za-z_]\w*)/g)) if (variables.has(match[1]!)) return match[0].startsWith('${') ? `\${${match[1]}}` : match[0];
  for (const match of text.matchAll(/\$env:([A-Za-z_]\w*)/gi)) if (variables.has(match[1]!)) return match[0];
  return undefined;
}

function echoedInScript(run: Scalar, variables: ReadonlySet<string>, document: Document.Parsed, text: string): RuleFinding[] {
  const script = String(run.value);
  const span = nodeSpan(run, document);
  if (span === undefined) return [];
  const locate = (piece: string): { start: number; end: number } => spanOfPiece(run, piece, text, document) ?? span;
  const findings: RuleFinding[] = [];
  const lines = logicalLines(script);
  let xtraceReported = false;
  const secretFiles = new Map<string, string>();
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.text;
    if (!xtraceReported && XTRACE.test(line)) {
      const later = lines.slice(index + 1).map((next) => next.text).join('\n');
      const secret = secretIn(later, variables);
      if (secret !== undefined) {
        xtraceReported = true;
        findings.push({ ...locate(line.trim()), message: `\`${line.trim()}\` prints every following command with its variables expanded, ${inlineCode(secret)} included; the log masks only its exact value. Turn tracing off (\`set +x\`) around commands that use secrets.` });
      }
    }
    if (line.includes('::add-mask::')) continue;
    for (const pipeline of pipelines(line)) {
      const [first, ...rest] = pipeline.commands;
      if (first === undefined) continue;
      const name = commandName(first)?.toLowerCase();
      const heredoc = name === 'cat' ? HEREDOC.exec(first) : null;
      let secret: string | undefined;
      if (name !== undefined && PRINTERS.has(name)) secret = secretIn(first, variables);
      else if (heredoc) {
        const body: string[] = [];
        for (let next = index + 1; next < lines.length && lines[next]!.text.trim() !== heredoc[2]; next++) body.push(lines[next]!.text);
        // A quoted delimiter (`<<'EOF'`) keeps `$X` literal; `${{ }}` is replaced by GitHub either way.
        secret = secretIn(body.join('\n'), heredoc[1] ? new Set() : variables);
      }
      const summary = pipeline.outputFile !== undefined && /GITHUB_STEP_SUMMARY/.test(pipeline.outputFile);
      const toLog = pipeline.outputFile === undefined && rest.every((command) => TRANSFORMERS.has(commandName(command)?.toLowerCase() ?? ''));
      if (secret !== undefined && pipeline.outputFile !== undefined && !summary) secretFiles.set(pipeline.outputFile, secret);
      if (!summary && !toLog) continue;
      const where = summary ? 'the job summary' : 'the log';
      const changed = rest.length > 0 ? `, changed by ${inlineCode(rest.join(' | '))} so the log cannot mask it` : '';
      if (secret !== undefined) {
        const what = heredoc ? `This here-document writes ${inlineCode(secret)}` : `${inlineCode(secret)} is written`;
        findings.push({ ...locate(first), message: `${what} to ${where}${changed}. Anyone who can read the run reads it once it is transformed; do not print secrets.` });
        continue;
      }
      // A file this script wrote a secret to, printed back (`echo "$ENV" > .env` then `cat .env`).
      const printed = name !== undefined && FILE_PRINTERS.has(name) ? first.split(/\s+/).slice(1).find((word) => secretFiles.has(word.replace(/^["']|["']$/g, ''))) : undefined;
      if (printed !== undefined) {
        const file = printed.replace(/^["']|["']$/g, '');
        findings.push({ ...locate(first), message: `${inlineCode(first)} prints ${inlineCode(file)}, which holds ${inlineCode(secretFiles.get(file)!)}, to ${where}${changed}; a multi-line file is not masked line by line. Do not print files that hold secrets.` });
      }
    }
  }
  return findings;
}
