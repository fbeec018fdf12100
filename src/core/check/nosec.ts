/**
 * Bandit's `# nosec` comment: the line was reviewed with Bandit, Python's security linter, and its
 * finding accepted (`# nosec`, or `# nosec B602, B607` naming Bandit's tests). A Python check that
 * finds what one of Bandit's tests finds says which ({@link LanguageCheck.banditTests}); its finding
 * on such a line is lowered to information, never dropped, and not lowered at all in an AI-written
 * block (a marker an assistant wrote is no review).
 */

/** `# nosec`, then maybe Bandit test ids (`B602`, `B602,B607`, `: B602`), in a comment. */
const NOSEC = /#[^\S\n]*nosec\b(?::?[^\S\n]*([A-Z]\d{3}(?:[^\S\n]*,?[^\S\n]*[A-Z]\d{3})*))?/;

/**
 * True when `lineText` carries a `# nosec` that covers one of `banditTests`: a bare marker covers
 * every test, one with ids only the tests it names.
 */
export function markedNosec(lineText: string, banditTests: readonly string[]): boolean {
  const marker = NOSEC.exec(lineText);
  if (marker === null) return false;
  if (marker[1] === undefined) return true;
  const named = marker[1].match(/[A-Z]\d{3}/g) ?? [];
  return named.some((id) => banditTests.includes(id));
}

/** The severity reason given to a finding lowered by the marker. */
export const NOSEC_REASON = 'lowered to info: its line is marked `# nosec`, reviewed with Bandit';
