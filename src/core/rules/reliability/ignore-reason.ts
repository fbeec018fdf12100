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
