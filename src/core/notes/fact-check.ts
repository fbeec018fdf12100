/**
 * Checking an answer against a fact the tool knows (facts.ts finds them in the syntax tree). Plain
 * text work, so the note checks can use it without a parser.
 * (Regular expressions are run with RE2, which needs no parser either.)
 */

import { RE2JS } from 're2js';
import { squash } from '../text/spelling';

/** A timeout the code sets on one network call. */
export interface TimeoutFact {
  kind: 'timeout';
  /** The id of the network question about that call (`questionId('network', call text)`). */
  questionId: string;
  /** The timeout in milliseconds. */
  milliseconds: number;
  /** Where the value is written, as code: `AbortSignal.timeout(5_000)`, `timeout: WEBHOOK_TIMEOUT_MS`. */
  source: string;
}

const UNIT_MILLISECONDS: ReadonlyArray<[RegExp, number]> = [
  [/^(?:ms|msec|millis|milliseconds?)$/i, 1],
  [/^(?:s|secs?|seconds?)$/i, 1000],
  [/^(?:m|mins?|minutes?)$/i, 60_000],
];

/** Durations an answer states ("5 s", "5000 ms", "5_000ms", "two minutes" is not read), in milliseconds. */
export function statedDurations(answer: string): number[] {
  const durations: number[] = [];
  for (const match of answer.matchAll(/(\d[\d_,]*(?:\.\d+)?)\s*([a-z]+)\b/gi)) {
    const value = Number(match[1].replace(/[_,]/g, ''));
    const unit = UNIT_MILLISECONDS.find(([pattern]) => pattern.test(match[2]));
    if (unit && Number.isFinite(value)) durations.push(value * unit[1]);
  }
  return durations;
}

/** "5 s", "1.5 s", "250 ms", "2 min": how the tool says a duration back. */
export function formatDuration(milliseconds: number): string {
  if (milliseconds >= 60_000 && milliseconds % 60_000 === 0) return `${milliseconds / 60_000} min`;
  if (milliseconds >= 1000) return `${milliseconds / 1000} s`;
  return `${milliseconds} ms`;
}

/**
 * What is wrong with an answer about a known timeout: undefined when it states the value (with a
 * unit), otherwise the plain-words message ("the timeout is 5 s (`AbortSignal.timeout(5_000)`);
 * the answer says 10 s").
 */
export function timeoutAnswerProblem(answer: string, fact: TimeoutFact): { code: 'wrong-fact' | 'missing-fact'; message: string } | undefined {
  const stated = statedDurations(answer);
  if (stated.includes(fact.milliseconds)) return undefined;
  const known = `the timeout is ${formatDuration(fact.milliseconds)} (\`${fact.source}\`)`;
  if (stated.length > 0) return { code: 'wrong-fact', message: `${capitalise(known)}; the answer says ${stated.map(formatDuration).join(', ')}.` };
  if (/\bno timeout\b|\bwithout (?:a )?timeout\b|\bnever times? out\b/i.test(answer)) {
    return { code: 'wrong-fact', message: `${capitalise(known)}; the answer says there is none.` };
  }
  return { code: 'missing-fact', message: `${capitalise(known)}; the answer does not say how long, with its unit.` };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * What bounds one loop, as the syntax tree shows it: a comparison against a bound (a constant, a
 * parameter, a length), or nothing at all (`while (true)` with no `break`, `return` or `throw`).
 */
export type LoopFact = {
  kind: 'loop';
  /** The id of the loop question about it (`questionId('loop', loop text)`). */
  questionId: string;
  /** The loop's head as code: `while (true)`, `attempt < MAX_ATTEMPTS`. */
  source: string;
} & (
  | { bounded: false }
  | {
      bounded: true;
      /** Names an answer may give for the bound: `MAX_ATTEMPTS`, `maxAttempts`, `items` (of `items.length`). */
      names: string[];
      /** Its value when the file fixes it (a const, a parameter default); off-by-one counts are accepted too. */
      value?: number;
    }
);

/** What a `catch` does with the error: throw again (maybe wrapped), return, or carry on as if nothing happened. */
export interface CatchFact {
  kind: 'catch';
  questionId: string;
  behaviour: 'rethrows' | 'returns' | 'swallows';
  /** The statement that decides it (`throw new Error(...)`), or the catch's head when it swallows. */
  source: string;
}

/** A regular expression written literally in the block; claims about what it accepts are checked by running it. */
export interface RegexFact {
  kind: 'regex';
  questionId: string;
  pattern: string;
  flags: string;
  /** `/^[a-z]+$/` as the tool shows it. */
  display: string;
}

/** The environment variables a block reads by name (`process.env.NAME`, `process.env['NAME']`, destructuring). */
export interface EnvFact {
  kind: 'env';
  names: string[];
}

/**
 * What a shell command, SQL text or evaluated code is built from: the values put into its first
 * argument (`name` in ``exec(`tar -czf ${name}.tgz`)``, `req.query.id` in `'… WHERE id = ' + req.query.id`).
 */
export interface BuiltFromFact {
  kind: 'built-from';
  /** The id of the shell, SQL or eval question about the call. */
  questionId: string;
  /** `command`, `SQL` or `code`: what the call runs. */
  what: string;
  /** Each value as code, with the names an answer may call it by (`req.query.id`: also `id`). */
  inputs: { source: string; names: string[] }[];
}

/** Events that let people outside the repository start a workflow (`issues`, `pull_request_target`…). */
export interface TriggerFact {
  kind: 'trigger';
  questionId: string;
  events: string[];
  /** Who each event lets start it, in words: "anyone who can open an issue". */
  who: string[];
  /** True when a job or step has an `if:`: it may admit only some people, so "only maintainers" is not contradicted. */
  guarded: boolean;
}

/** The write scopes a workflow's or job's token gets (`contents`, `pull-requests`, or `write-all`). */
export interface PermissionsFact {
  kind: 'permissions';
  questionId: string;
  writes: string[];
}

/** What an IAM policy allows, read from its Allow statements (Terraform). */
export interface PolicyFact {
  kind: 'policy';
  questionId: string;
  /** `aws_iam_policy.deploy`. */
  owner: string;
  /** Wildcard actions it allows (`*`, `s3:*`, `ec2:Describe*`), and `NotAction` as `every action but …`. */
  wildcardActions: string[];
  /** True when a statement allows its actions on every resource (`*`). */
  everyResource: boolean;
  /** Actions it allows that change or delete things (`s3:PutObject`, `s3:*`), at most a few, for the message. */
  writes: string[];
}

/** The powers a Kubernetes container gets beyond the default (`privileged: true`, a capability, a node path). */
export interface ContainerFact {
  kind: 'container';
  questionId: string;
  /** `container "web" of Deployment/api`. */
  container: string;
  /** Each power as code, with the words an answer may name it by (`privileged`; `docker.sock`). */
  powers: { source: string; names: string[] }[];
}

/** The user a Dockerfile's image runs as, when it is root or may well be (no `USER` over a base that sets none). */
export interface ImageUserFact {
  kind: 'image-user';
  questionId: string;
  /** `USER root` in the final stage (or a stage it builds on); `none` when no stage sets a user. */
  user: 'root' | 'none';
  /** The base image whose default user applies when no `USER` is set (`node:20`). */
  base: string;
}

/** A download a Dockerfile runs or adds with nothing checking it: piped into a shell, or `ADD`ed without `--checksum`. */
export interface UncheckedDownloadFact {
  kind: 'unchecked-download';
  questionId: string;
  /** `https://get.example.dev/install.sh`. */
  url: string;
  /** How it reaches the build, for the message: `is piped straight into a shell`. */
  how: string;
}

/** Every fact the tool knows about a block. Question facts are checked at their answer; env facts against the whole note. */
export type KnownFact =
  | TimeoutFact
  | LoopFact
  | CatchFact
  | RegexFact
  | EnvFact
  | BuiltFromFact
  | TriggerFact
  | PermissionsFact
  | PolicyFact
  | ContainerFact
  | ImageUserFact
  | UncheckedDownloadFact;

/** A problem an answer has with a fact. */
export interface FactProblem {
  code: 'wrong-fact' | 'missing-fact';
  message: string;
}

/** Checks an answer against the fact about its question (timeouts, loop bounds, catches, regexes). */
export function answerFactProblem(answer: string, fact: Exclude<KnownFact, EnvFact>): FactProblem | undefined {
  switch (fact.kind) {
    case 'timeout':
      return timeoutAnswerProblem(answer, fact);
    case 'loop':
      return loopAnswerProblem(answer, fact);
    case 'catch':
      return catchAnswerProblem(answer, fact);
    case 'regex':
      return regexAnswerProblem(answer, fact);
    case 'built-from':
      return builtFromAnswerProblem(answer, fact);
    case 'trigger':
      return triggerAnswerProblem(answer, fact);
    case 'permissions':
      return permissionsAnswerProblem(answer, fact);
    case 'policy':
      return policyAnswerProblem(answer, fact);
    case 'container':
      return containerAnswerProblem(answer, fact);
    case 'image-user':
      return imageUserAnswerProblem(answer, fact);
    case 'unchecked-download':
      return uncheckedDownloadAnswerProblem(answer, fact);
  }
}

/** An answer that says the process is root (so a mention of an unprivileged part is no claim about the image). */
const SAYS_ROOT = /\b(?:(?:as|is|runs?|running|stays?|remains?|ends as) root|(?<!non-)root user|uid 0|user 0)\b/i;

/**
 * What is wrong with an answer about the user a Dockerfile's image runs as: calling an image whose
 * final `USER` is root non-root is a wrong fact; with no `USER` at all, the base image's user
 * decides (root for most), so a non-root claim that never names that user is a missing fact. An
 * answer that says it runs as root anywhere makes no such claim.
 */
export function imageUserAnswerProblem(answer: string, fact: ImageUserFact): FactProblem | undefined {
  const claim = firstPositiveMention(answer, SAYS_UNPRIVILEGED);
  if (claim === undefined || positiveMention(answer, SAYS_ROOT)) return undefined;
  if (fact.user === 'root') return { code: 'wrong-fact', message: `The image ends as \`USER root\`; the answer says it runs ${claim.toLowerCase()}.` };
  const base = fact.base.split(/[:@]/)[0];
  const baseName = base.slice(base.lastIndexOf('/') + 1);
  const namesBaseUser = new RegExp(`\\b(?:${escapeRegExp(baseName)}|base image|image's (?:default )?user|uid \\d+|\\d{3,}(?::\\d+)?)\\b`, 'i').test(answer);
  if (namesBaseUser) return undefined;
  return {
    code: 'missing-fact',
    message: `No stage sets a \`USER\`, so the image runs as \`${fact.base}\`'s default user, root unless that image sets another; the answer says it runs ${claim.toLowerCase()} without saying which user.`,
  };
}

/**
 * An answer that claims a download is checked: `is verified`, `verified against a pinned hash`,
 * `curl checks its checksum`, `the sha256 is checked`. Mentions without a claim (`TODO: add a
 * checksum`, `nothing verifies it`) are not claims.
 */
const CLAIMS_CHECKED = new RegExp(
  [
    String.raw`(?:\b(?:is|are|gets?|was|were|been|being)|['’]s)\s+(?:(?!not\b|never\b)\w+\s+)?(?:verified|checked|checksummed|signed|validated)\b`,
    String.raw`\bverified\s+(?:by|with|against|via|using)\b`,
    String.raw`\b(?:we|it|the build|docker|curl|wget|this)\s+(?:(?!not\b|never\b|don't\b|doesn't\b)\w+\s+)?(?:verif(?:y|ies)|checks?|validates?)\s+(?:the\s+|its\s+|a\s+)?(?:checksum|hash|signature|sha-?\d*|digest|integrity)\b`,
    String.raw`\b(?:checksum|hash|signature|sha-?\d+|digest)\s+(?:is\s+|are\s+)?(?:checked|verified|validated|matches|matched)\b`,
  ].join('|'),
  'i',
);

/**
 * What is wrong with an answer about a download nothing checks: claiming it is verified (by a
 * checksum, hash or signature) is a wrong fact. Saying it is not, or that the URL pins a version,
 * is an honest answer.
 */
export function uncheckedDownloadAnswerProblem(answer: string, fact: UncheckedDownloadFact): FactProblem | undefined {
  const claim = firstPositiveMention(answer, CLAIMS_CHECKED);
  if (claim === undefined) return undefined;
  return { code: 'wrong-fact', message: `Nothing checks \`${fact.url}\`: it ${fact.how}; the answer says "${claim}".` };
}

/** An answer that says the container has no special powers. */
const SAYS_UNPRIVILEGED =
  /\b(?:unprivileged|non-?privileged|no (?:special |extra |elevated )?(?:privileges|capabilities|permissions)|least[- ]privilege|not privileged|without (?:any )?privileges|non-?root|not (?:as )?root)\b|(?:\bnot|\bnever|n't)\s+(?:runs?|running)\s+as\s+root\b/i;

/**
 * What is wrong with an answer about a container's powers: calling it unprivileged or non-root
 * while naming none of them, or leaving one out (the question asks why each is needed).
 */
export function containerAnswerProblem(answer: string, fact: ContainerFact): FactProblem | undefined {
  const missing = unnamed(answer, fact.powers, (power) => power.names);
  if (missing.length === 0) return undefined;
  const all = fact.powers.map((power) => power.source).join(', ');
  const unprivileged = missing.length === fact.powers.length ? SAYS_UNPRIVILEGED.exec(answer) : null;
  if (unprivileged) return { code: 'wrong-fact', message: `The ${fact.container} gets ${all}; the answer says it is ${unprivileged[0].toLowerCase()}.` };
  return { code: 'missing-fact', message: `The ${fact.container} gets ${all}; the answer does not say why it needs ${missing.map((power) => power.source).join(', ')}.` };
}

/** An answer that acknowledges a wildcard: the `*` itself, or words for "all of them". */
const SAYS_WILDCARD = /\*|\b(?:every|all|any)\b|\bwildcard\b|\bunrestricted\b|\bfull (?:access|admin)/i;

/**
 * What is wrong with an answer about what a policy allows: calling a policy that can change or
 * delete things read-only, or not acknowledging its wildcards (`s3:*`, every resource).
 */
export function policyAnswerProblem(answer: string, fact: PolicyFact): FactProblem | undefined {
  const allows = [
    fact.wildcardActions.length > 0 ? fact.wildcardActions.map((action) => `\`${action}\``).join(', ') : fact.writes.map((action) => `\`${action}\``).join(', '),
    fact.everyResource ? 'on every resource (`*`)' : '',
  ].filter((part) => part !== '').join(' ');
  const known = `\`${fact.owner}\` allows ${allows}`;
  if (fact.writes.length > 0) {
    const readOnly = readOnlyClaim(answer);
    if (readOnly && !fact.writes.some((action) => answer.includes(action))) {
      return { code: 'wrong-fact', message: `${known}, which changes or deletes things; the answer says it ${readOnly}.` };
    }
  }
  if ((fact.wildcardActions.length > 0 || fact.everyResource) && !SAYS_WILDCARD.test(answer)) {
    return { code: 'missing-fact', message: `${known}; the answer does not say so, nor why it needs the wildcard.` };
  }
  return undefined;
}

/** An answer that says outsiders can start it. */
const SAYS_OUTSIDERS =
  /\b(?:any(?:one|body)|outsiders?|forks?|forked|external(?: (?:users|people|contributors))?|strangers?|the public|any (?:github )?(?:user|account)s?|(?:first-time |outside )?contributors?|third[- ]part(?:y|ies)|not (?:just|only) (?:maintainers|members|collaborators))\b/i;
/** An answer that says only insiders can. */
const SAYS_INSIDERS_ONLY =
  /\bonly (?:the )?(?:maintainers?|collaborators?|members?|admins?|owners?|team(?: members)?|us|we|our team|people with (?:write|push|admin) access|repo(?:sitory)? (?:members|owners|admins|collaborators))\b|\b(?:no ?one|nobody) (?:else|outside)\b|\binternal(?:ly)?(?: use)? only\b|\b(?:outsiders?|forks?|external (?:users|people|contributors)) (?:cannot|can't|can ?not)\b/i;

/**
 * What is wrong with an answer to "who can trigger this workflow?" when outsiders can: saying only
 * insiders can (unless an `if:` may make it true), or not saying who at all.
 */
export function triggerAnswerProblem(answer: string, fact: TriggerFact): FactProblem | undefined {
  const known = `This workflow can be started by ${fact.events.map((event, index) => `${fact.who[index]} (\`${event}\`)`).join(' and ')}`;
  if (fact.guarded || SAYS_OUTSIDERS.test(answer)) return undefined;
  // "Only the team can merge, but anyone can comment" says who: an "only" next to outsiders is about something else.
  const insiders = SAYS_INSIDERS_ONLY.exec(answer);
  if (insiders) return { code: 'wrong-fact', message: `${known}; the answer says ${insiders[0].toLowerCase()} can.` };
  return { code: 'missing-fact', message: `${known}; the answer does not say who can.` };
}

/** An answer that says a token or a policy cannot write. */
const SAYS_READ_ONLY = /\bread[- ]only\b|\bonly reads?\b|\bcan(?:'t| ?not) (?:write|push|modify|change)\b|\bno write\b|\bdoes(?:n't| not) (?:write|push|modify|change)\b/i;

/** How an answer claims no writing, for a message ("is read-only", "cannot write"), if it does. */
function readOnlyClaim(answer: string): string | undefined {
  const claim = SAYS_READ_ONLY.exec(answer)?.[0];
  return claim === undefined ? undefined : /only|read/i.test(claim) ? 'is read-only' : claim;
}

/** The items an answer names by none of their names (compared squashed: `tenantName` is "tenant name"). */
function unnamed<T>(answer: string, items: readonly T[], namesOf: (item: T) => readonly string[]): T[] {
  const squashed = squash(answer);
  return items.filter((item) => !namesOf(item).some((name) => squash(name).length > 0 && squashed.includes(squash(name))));
}

/** What is wrong with an answer about a token's write permissions: calling it read-only, or leaving a scope out. */
export function permissionsAnswerProblem(answer: string, fact: PermissionsFact): FactProblem | undefined {
  const scopes = fact.writes.map((scope) => `\`${scope}\``).join(', ');
  const missing = unnamed(answer, fact.writes.filter((scope) => scope !== 'write-all'), (scope) => [scope]);
  if (fact.writes.includes('write-all') && !/\bwrite-all\b|\b(?:every|all)(?:thing| scopes| permissions)?\b/i.test(answer)) missing.push('write-all');
  if (missing.length === 0) return undefined;
  // "contents: write pushes the tag, the rest is read-only" names the scope: only a read-only claim that names none is wrong.
  const readOnly = missing.length === fact.writes.length ? readOnlyClaim(answer) : undefined;
  if (readOnly) return { code: 'wrong-fact', message: `The token may write ${scopes}; the answer says it ${readOnly}.` };
  return { code: 'missing-fact', message: `The token may write ${scopes}; the answer does not say what ${missing.map((scope) => `\`${scope}\``).join(', ')} ${missing.length === 1 ? 'is' : 'are'} for.` };
}

/**
 * What is wrong with an answer about what a command, query or evaluated code is built from: every
 * value put into it must be named (by its code name, or the same words: `tenantName` as "tenant
 * name"), since where each comes from is the question. Only a missing value is flagged; whether it
 * is safe is the reviewer's call.
 */
export function builtFromAnswerProblem(answer: string, fact: BuiltFromFact): FactProblem | undefined {
  const missing = unnamed(answer, fact.inputs, (input) => input.names);
  if (missing.length === 0) return undefined;
  const list = missing.map((input) => `\`${input.source}\``).join(', ');
  const all = fact.inputs.map((input) => `\`${input.source}\``).join(', ');
  return {
    code: 'missing-fact',
    message: `The ${fact.what} is built from ${all}; the answer does not say where ${list} ${missing.length === 1 ? 'comes' : 'come'} from.`,
  };
}

/** An answer that says nothing ends the loop. */
const SAYS_UNBOUNDED =
  /\b(?:nothing (?:bounds|stops|ends|limits)|unbounded|infinite(?:ly)?|endless(?:ly)?|forever|no (?:upper )?(?:limit|bound|exit|cap)|never (?:stops|ends|exits|terminates|gives up)|until the (?:process|server|app|service) (?:is )?(?:killed|stopped|exits|shuts down))\b/i;
/** An answer that gives the loop a count ("at most 5", "3 attempts"). */
const SAYS_COUNT = /\b(?:(?:at most|up to|after|maximum of|max(?:imum)?|limit(?:ed)? (?:to|of))\s+(\d[\d_,]*)|(\d[\d_,]*)\s+(?:times|attempts|retries|tries|iterations|rounds|passes))\b/i;

/** What is wrong with an answer to "what bounds this loop?", given what the code says. */
export function loopAnswerProblem(answer: string, fact: LoopFact): FactProblem | undefined {
  if (!fact.bounded) {
    if (SAYS_UNBOUNDED.test(answer)) return undefined;
    const count = SAYS_COUNT.exec(answer);
    const known = `Nothing in the loop ends it (\`${fact.source}\` with no \`break\`, \`return\` or \`throw\` inside)`;
    if (count) return { code: 'wrong-fact', message: `${known}; the answer says it stops after ${count[1] ?? count[2]}.` };
    return { code: 'missing-fact', message: `${known}; the answer should say that nothing bounds it, and why that is safe.` };
  }
  const known = `The loop is bounded by \`${fact.source}\`${fact.value !== undefined && !fact.names.includes(String(fact.value)) ? ` (${fact.names[0]} is ${fact.value})` : ''}`;
  const mentionsName = fact.names.some((name) => new RegExp(`(?<![\\w$])${escapeRegExp(name)}(?![\\w$])`).test(answer));
  const numbers = [...answer.matchAll(/\b\d[\d_,]*\b/g)].map((match) => Number(match[0].replace(/[_,]/g, '')));
  const statesValue = fact.value !== undefined && numbers.some((number) => Math.abs(number - fact.value!) <= 1);
  if (SAYS_UNBOUNDED.test(answer) && !negatedBefore(answer, SAYS_UNBOUNDED)) {
    return { code: 'wrong-fact', message: `${known}; the answer says nothing bounds it.` };
  }
  // The cheapest wrong answer names the bound and gives it another value ("MAX_ATTEMPTS, which is 10").
  if (fact.value !== undefined) {
    const claimed = claimedBoundValues(answer, fact.names);
    if (claimed.length > 0 && !claimed.some((number) => Math.abs(number - fact.value!) <= 1)) {
      return { code: 'wrong-fact', message: `${known}; the answer says ${claimed[0]}.` };
    }
  }
  if (mentionsName || statesValue) return undefined;
  return { code: 'missing-fact', message: `${known}; the answer does not name the bound.` };
}

/** Numbers an answer gives as the loop's bound: in a count phrase, or right after the bound's name. */
function claimedBoundValues(answer: string, names: readonly string[]): number[] {
  const values: number[] = [];
  for (const match of answer.matchAll(new RegExp(SAYS_COUNT.source, 'gi'))) values.push(Number((match[1] ?? match[2]).replace(/[_,]/g, '')));
  for (const name of names) {
    const near = new RegExp(`(?<![\\w$])${escapeRegExp(name)}(?![\\w$])[^.;\\d]{0,24}?(\\d[\\d_,]*)`, 'g');
    for (const match of answer.matchAll(near)) values.push(Number(match[1].replace(/[_,]/g, '')));
  }
  return values;
}

const SAYS_RETHROW = /\b(?:re-?throws?|re-?thrown|re-?raises?d?|propagates?|propagated|bubbles? up|passes (?:it|the error) (?:on|up))\b/i;
const SAYS_SWALLOW = /\b(?:swallow(?:s|ed|ing)?|ignor(?:es|ed|ing)|suppress(?:es|ed|ing)?|silently|discard(?:s|ed|ing)?)\b/i;

/** What is wrong with an answer about a catch: only a plain contradiction (rethrows vs swallows) is flagged. */
export function catchAnswerProblem(answer: string, fact: CatchFact): FactProblem | undefined {
  const rethrow = positiveMention(answer, SAYS_RETHROW);
  const noRethrow = negatedMention(answer, SAYS_RETHROW);
  const swallow = positiveMention(answer, SAYS_SWALLOW);
  if (fact.behaviour === 'rethrows' && (swallow || noRethrow) && !rethrow) {
    return { code: 'wrong-fact', message: `The catch throws again (\`${fact.source}\`); the answer says the error is ${swallow ? 'swallowed' : 'not rethrown'}.` };
  }
  if (fact.behaviour !== 'rethrows' && rethrow && !noRethrow) {
    const what = fact.behaviour === 'returns' ? `returns (\`${fact.source}\`)` : 'carries on: nothing in it throws or returns';
    return { code: 'wrong-fact', message: `The catch does not throw again, it ${what}; the answer says the error propagates.` };
  }
  return undefined;
}

const SAYS_REJECTS = /\b(?:rejects?|rejected|refuses?|refused|does(?:n't| not) match|not matched|fails?|disallows?|blocks?|is invalid|are invalid)\b/i;
const SAYS_ACCEPTS = /\b(?:accepts?|accepted|allows?|allowed|matches|matched|passes|lets? through|is valid|are valid)\b/i;

/**
 * Checks what an answer claims a regular expression accepts or rejects, by running the pattern (RE2,
 * linear time: the pattern comes from the repository) on each example the answer quotes after an
 * "accepts" or "rejects" in the same clause. Patterns RE2 cannot run (look-around, back-references)
 * are not checked; an answer with no quoted example is not checked either (words like "empty
 * strings" are not examples the tool can run).
 */
export function regexAnswerProblem(answer: string, fact: RegexFact): FactProblem | undefined {
  const regex = compileForCheck(fact.pattern, fact.flags);
  if (!regex) return undefined;
  for (const clause of answer.split(/[.;]\s+|\n/)) {
    // Each example takes the claim of the nearest "accepts"/"rejects" before it in its clause.
    const verbs = [...clause.matchAll(new RegExp(`${SAYS_REJECTS.source}|${SAYS_ACCEPTS.source}`, 'gi'))].map((match) => {
      const negated = /\b(?:not|never|n't)\s*$/i.test(clause.slice(Math.max(0, (match.index ?? 0) - 12), match.index));
      const accepts = SAYS_ACCEPTS.test(match[0]) && !SAYS_REJECTS.test(match[0]);
      return { at: match.index ?? 0, end: (match.index ?? 0) + match[0].length, claimsMatch: accepts !== negated };
    });
    for (const example of quotedExamples(clause)) {
      const verb = verbs.filter((candidate) => candidate.end <= example.at).pop();
      if (!verb) continue;
      const matches = regex.matcher(example.text).find();
      if (matches !== verb.claimsMatch) {
        return {
          code: 'wrong-fact',
          message: `\`${fact.display}\` ${matches ? 'accepts' : 'rejects'} ${quote(example.text)} (the tool ran it); the answer says it ${verb.claimsMatch ? 'accepts' : 'rejects'} it.`,
        };
      }
    }
  }
  return undefined;
}

/** Environment variables the block reads that the note never names, as a problem for the whole note. */
export function envNoteProblem(noteProse: string, fact: EnvFact): FactProblem | undefined {
  const missing = fact.names.filter((name) => !new RegExp(`(?<![\\w$])${escapeRegExp(name)}(?![\\w$])`).test(noteProse));
  if (missing.length === 0) return undefined;
  const list = missing.map((name) => `\`${name}\``).join(', ');
  return {
    code: 'missing-fact',
    message: `The code reads the environment variable${missing.length === 1 ? '' : 's'} ${list}; the note never names ${missing.length === 1 ? 'it' : 'them'} (say what happens when ${missing.length === 1 ? 'it is' : 'they are'} unset).`,
  };
}

function compileForCheck(pattern: string, flags: string): RE2JS | undefined {
  let re2Flags = 0;
  if (flags.includes('i')) re2Flags |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) re2Flags |= RE2JS.MULTILINE;
  if (flags.includes('s')) re2Flags |= RE2JS.DOTALL;
  try {
    return RE2JS.compile(pattern, re2Flags);
  } catch {
    return undefined;
  }
}

/** Strings quoted in `text` (backticks, double quotes, or single quotes not used as apostrophes), with where each starts. */
function quotedExamples(text: string): { text: string; at: number }[] {
  const examples: { text: string; at: number }[] = [];
  for (const match of text.matchAll(/`([^`\n]*)`|"([^"\n]*)"|(?<![\w])'([^'\n]*)'(?![\w])/g)) {
    examples.push({ text: match[1] ?? match[2] ?? match[3] ?? '', at: match.index ?? 0 });
  }
  return examples;
}

function quote(example: string): string {
  return example.includes('`') ? `"${example}"` : `\`${example}\``;
}

/** A mention not preceded by a negation ("does not rethrow"). */
/** The first match of `pattern` in `text` that no `not`/`never` just before negates. */
function firstPositiveMention(text: string, pattern: RegExp): string | undefined {
  const global = new RegExp(pattern.source, 'gi');
  for (const match of text.matchAll(global)) if (!isNegatedAt(text, match.index ?? 0)) return match[0];
  return undefined;
}

function positiveMention(text: string, pattern: RegExp): boolean {
  const global = new RegExp(pattern.source, 'gi');
  for (const match of text.matchAll(global)) if (!isNegatedAt(text, match.index ?? 0)) return true;
  return false;
}

function negatedMention(text: string, pattern: RegExp): boolean {
  const global = new RegExp(pattern.source, 'gi');
  for (const match of text.matchAll(global)) if (isNegatedAt(text, match.index ?? 0)) return true;
  return false;
}

function negatedBefore(text: string, pattern: RegExp): boolean {
  const match = pattern.exec(text);
  return match !== null && isNegatedAt(text, match.index);
}

function isNegatedAt(text: string, index: number): boolean {
  // `n't` ends a word (`doesn't`, `isn't`): no word boundary before it.
  return /(?:\b(?:not|never|no longer|nothing is)|n't)\s+(?:\w+\s+)?$/i.test(text.slice(Math.max(0, index - 24), index));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
