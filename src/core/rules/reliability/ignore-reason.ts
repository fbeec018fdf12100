/** Whether a comment beside a dropped error explains the drop (TypeScript and Python handlers alike). */

/**
 * Words that say an error is dropped without saying why (`// ignore`, `/* noop *\/`, `// TODO`);
 * they do not count towards an explanation.
 */
const NON_REASON_WORDS = new Set([
  'ignore', 'ignored', 'ignoring', 'ignores', 'intentionally', 'intentional', 'deliberately', 'empty', 'noop',
  'nothing', 'swallow', 'swallowed', 'silence', 'silent', 'error', 'errors', 'err', 'todo', 'fixme', 'xxx', 'hack',
  'eslint', 'disable', 'next', 'line', 'no', 'empty-catch', 'catch', 'do', 'here',
]);

/** A comment explains the ignore when it has at least this many words beyond the non-reason ones. */
const EXPLANATION_MIN_WORDS = 3;

/**
 * True when a comment gives a reason for dropping the error rather than only saying that it is
 * dropped: the difference between `// ignore` and `// ENOENT is expected: the file is optional`.
 */
export function explainsIgnore(comment: string | undefined): boolean {
  if (comment === undefined) return false;
  const words = comment.toLowerCase().match(/[a-z][a-z'-]*/g) ?? [];
  if (words.some((word) => word === 'todo' || word === 'fixme')) return false;
  return words.filter((word) => !NON_REASON_WORDS.has(word)).length >= EXPLANATION_MIN_WORDS;
}

/** Words about a failure: a comment above a statement is about its error handling only when it has one. */
const FAILURE_WORD = /\b(?:errors?|fail(?:s|ed|ing|ures?)?|reject(?:s|ed|ions?)?|unhandled|throws?|thrown|raise[sd]?|exceptions?|catch|caught|swallow(?:s|ed)?|suppress(?:es|ed)?|ignored?|crash(?:es)?)\b/i;

/**
 * True when a comment written above a statement explains why the statement's error is dropped: it
 * explains ({@link explainsIgnore}) and speaks of the failure. Comments there mostly say what the
 * statement does (`// Ensure any pending flush is completed`), which is no reason to drop its error.
 */
export function explainsIgnoreAbove(comment: string | undefined): boolean {
  return comment !== undefined && FAILURE_WORD.test(comment) && explainsIgnore(comment);
}
