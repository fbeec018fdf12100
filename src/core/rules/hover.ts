/**
 * The hover on a policy finding: one short paragraph (what is wrong and why it matters), with the
 * rule's full rationale one click away. The rationale texts stay as written; the short form is
 * their opening, cut at a sentence boundary.
 */

/** Sentences kept in the hover's paragraph. */
const SHORT_SENTENCES = 2;
/** Past this many characters the paragraph is cut at the last sentence that fits (one at least). */
const SHORT_MAX_CHARS = 360;

/**
 * Command behind the hover's "More…" link: opens the rule's full rationale. Its arguments are
 * `[ruleId, summary, rationale]`: the server knows every rule's text (custom rules included), so the
 * link carries it (under 2 KB for the longest built-in rule) and the client needs no rule registry.
 */
export const SHOW_RULE_RATIONALE_COMMAND = 'comprehension.showRuleRationale';

/**
 * The first paragraph of a rationale, at most two sentences (and about 360 characters, never less
 * than one sentence); `complete` says whether it is the whole rationale. A code span (`` `a. b` ``)
 * never ends a sentence, nor does a full stop inside a word (`e.g.`, `axios.get`).
 */
export function shortRationale(rationale: string): { text: string; complete: boolean } {
  const trimmed = rationale.trim();
  const paragraph = trimmed.split(/\n\s*\n/)[0].replace(/\s*\n\s*/g, ' ').trim();
  const sentences = splitSentences(paragraph);
  let text = sentences[0] ?? '';
  for (const sentence of sentences.slice(1, SHORT_SENTENCES)) {
    if (text.length + 1 + sentence.length > SHORT_MAX_CHARS) break;
    text = `${text} ${sentence}`;
  }
  const whole = trimmed.replace(/\s+/g, ' ');
  return { text, complete: text === whole };
}

/** Splits prose at `. ! ?` followed by a space and a capital, a `*` or a backtick, outside code spans. */
function splitSentences(paragraph: string): string[] {
  const sentences: string[] = [];
  let inCode = false;
  let start = 0;
  for (let i = 0; i < paragraph.length; i++) {
    const char = paragraph[i];
    if (char === '`') inCode = !inCode;
    if (inCode || !'.!?'.includes(char)) continue;
    const rest = paragraph.slice(i + 1);
    const next = /^\s+([A-Z*`_(])/.exec(rest);
    // "e.g. Foo" and "i.e. Bar": an abbreviation, not an end.
    const word = /(\S+)$/.exec(paragraph.slice(start, i + 1))?.[1] ?? '';
    if (!next || /^(e\.g|i\.e|etc|vs)\.$/i.test(word.replace(/^[(*_]+/, ''))) continue;
    sentences.push(paragraph.slice(start, i + 1).trim());
    start = i + 1;
  }
  const tail = paragraph.slice(start).trim();
  if (tail) sentences.push(tail);
  return sentences;
}

/** What the hover shows for the findings of one rule at the cursor. */
export interface RuleHoverInput {
  ruleId: string;
  /** Summary and rationale of the rule, when the rule is known. */
  rule?: { summary: string; rationale: string };
  /** Why the severity was raised (inside an AI block, in a critical path), without duplicates. */
  severityReasons: readonly string[];
}

/**
 * Markdown for one rule's part of the hover: a title line, the short paragraph, and a line with
 * "More…" (a command link, when the rationale is longer than the paragraph), the raised severity
 * and how to silence the finding.
 */
export function ruleHoverMarkdown(input: RuleHoverInput): string {
  const { ruleId, rule } = input;
  const lines = [`**${ruleId}**${rule ? ` — ${rule.summary}` : ''}`];
  const footer: string[] = [];
  if (rule) {
    const short = shortRationale(rule.rationale);
    lines.push('', short.text);
    if (!short.complete) footer.push(`[More…](command:${SHOW_RULE_RATIONALE_COMMAND}?${encodeCommandArguments([ruleId, rule.summary, rule.rationale])} "The rule's full rationale")`);
  }
  if (input.severityReasons.length) footer.push(`_Severity ${input.severityReasons.join('; ')}._`);
  footer.push(`Silence with a reason: \`comprehension-ignore ${ruleId} -- <why>\``);
  lines.push('', footer.join(' · '));
  return lines.join('\n');
}

/**
 * Command-link arguments for Markdown: `encodeURIComponent` leaves `( ) ' * !` as they are, and an
 * unbalanced parenthesis in a rationale would end the link early.
 */
export function encodeCommandArguments(args: readonly unknown[]): string {
  return encodeURIComponent(JSON.stringify(args)).replace(/[()'*!]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}
