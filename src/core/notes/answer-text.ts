/**
 * Text measures behind the note checks that cannot be gamed by word count: content words, overlap
 * between two texts, filler, what is specific to a block, and the code an answer names. Plain
 * string work (no parser), so it is cheap enough to run on every keystroke in a note file.
 */

/** Function words of English: they carry no claim about the code. */
const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a an the and or but if then else so than that this these those there here it its it\'s is are was were be been being am ' +
    'do does did done to of in on at by for from with without into onto over under about as up down out off again once ' +
    'i we you he she they them their our your my me us his her who whom which what when where why how all any both each ' +
    'few more most other some such only own same too very can could will would shall should may might must just also not ' +
    'no nor yes has have had having get gets got one'
  ).split(' '),
);

/**
 * Stock words that say nothing about a particular piece of code ("it works, it is fine, errors are
 * handled, logs"). A word here never makes an answer informative or specific on its own.
 */
const VAGUE_WORDS: ReadonlySet<string> = new Set(
  (
    'work works worked working fine ok okay good well great nice properly proper correctly correct expected expect normal ' +
    'normally usual usually standard handle handles handled handling stuff thing things etc various whatever something ' +
    'anything everything nothing issue issues problem problems fail fails failed failure failures error errors log logs ' +
    'logging logged code function functions method methods data value values result results make makes made need needs ' +
    'needed simply simple basic basically generally appropriate appropriately necessary case cases way ways robust reliable ' +
    'safe clean best practice practices logic implementation implemented implements feature features tbd todo n/a na none ' +
    'sure obviously straightforward trivial see above below same thing stuff fine really always never everywhere ok-ish ' +
    'lorem ipsum dolor sit amet consectetur adipiscing elit sed tempor incididunt labore dolore magna aliqua ' +
    'tested test tests covered coverage monitored monitor monitoring production prod system systems application app ' +
    'expected-ly usual-ly happen happens happy path paths standard-ly like etc. purpose purposes intended'
  ).split(' '),
);

/** Lower-cased word tokens of prose and code names (identifiers split off their punctuation). */
export function words(text: string): string[] {
  return (text.match(/[\p{L}_$][\p{L}\p{N}_$'-]*|\p{N}[\p{N}_.]*/gu) ?? []).map((word) => word.toLowerCase().replace(/^'+|'+$/g, ''));
}

/** A light stem so "retries", "retried" and "retry" compare equal. */
export function stem(word: string): string {
  if (word.length <= 4) return word;
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('ied')) return `${word.slice(0, -3)}y`;
  for (const suffix of ['ing', 'ed', 'es', 's']) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) return word.slice(0, -suffix.length);
  }
  return word;
}

/** Distinct stems of the words that are not function words: what a text talks about. */
export function contentStems(text: string): Set<string> {
  return new Set(words(text).filter((word) => !STOPWORDS.has(word)).map(stem));
}

/** Distinct stems that are neither function words nor stock phrases: what a text actually says. */
export function informativeStems(text: string): Set<string> {
  return new Set(
    words(text)
      .filter((word) => !STOPWORDS.has(word) && !VAGUE_WORDS.has(word) && !VAGUE_WORDS.has(stem(word)))
      .map(stem),
  );
}

/** Jaccard similarity of two sets (0..1; 0 when both are empty). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let shared = 0;
  for (const item of a) if (b.has(item)) shared++;
  return shared / (a.size + b.size - shared);
}

/** The share of `part`'s items that are also in `whole` (0..1; 0 when `part` is empty). */
export function containment(part: ReadonlySet<string>, whole: ReadonlySet<string>): number {
  if (part.size === 0) return 0;
  let shared = 0;
  for (const item of part) if (whole.has(item)) shared++;
  return shared / part.size;
}

/** Distinct words over all words (low when an answer repeats itself to reach a word count). */
export function lexicalDiversity(text: string): number {
  const all = words(text);
  return all.length === 0 ? 1 : new Set(all).size / all.length;
}

/**
 * The share of alphabetic words that are not words of any language: keyboard mash ("asdf qwer
 * zxcv"), no vowel, or a long run of consonants. Names from the code are exempt.
 */
export function nonWordShare(text: string, codeNames: ReadonlySet<string>): number {
  const alphabetic = (text.match(/\p{L}+/gu) ?? []).filter((word) => word.length >= 3);
  if (alphabetic.length === 0) return 0;
  const lowerNames = new Set([...codeNames].map((name) => name.toLowerCase()));
  const nonWords = alphabetic.filter((word) => {
    const lower = word.toLowerCase();
    if (lowerNames.has(lower)) return false;
    return !/[aeiouy]/.test(lower) || /[bcdfghjklmnpqrstvwxz]{5,}/.test(lower) || /(.)\1\1/.test(lower) || KEYBOARD_RUNS.some((run) => lower.includes(run));
  });
  return nonWords.length / alphabetic.length;
}

const KEYBOARD_RUNS = ['qwer', 'asdf', 'zxcv', 'hjkl', 'uiop', 'wasd', 'jkl;'];

/**
 * What only this block has: its identifiers (and the word parts of camelCase and snake_case names,
 * e.g. "retry" in `maxRetries`), its numeric literals and the words of its string literals. The
 * block's own declared name is left out: naming the function proves nothing about its body.
 */
export function blockSpecificTerms(blockText: string, identifiers: ReadonlySet<string>): Set<string> {
  const declared = declaredName(blockText);
  const terms = new Set<string>();
  const addWord = (word: string): void => {
    const lower = word.toLowerCase();
    if (lower.length < 3 || STOPWORDS.has(lower) || VAGUE_WORDS.has(lower) || VAGUE_WORDS.has(stem(lower))) return;
    terms.add(stem(lower));
  };
  for (const name of identifiers) {
    if (name === declared) continue;
    addWord(name);
    for (const part of nameParts(name)) if (part.length >= 4) addWord(part);
  }
  for (const literal of blockText.match(/\b\d[\d_]*(?:\.\d+)?\b/g) ?? []) {
    const number = literal.replace(/_/g, '');
    if (number !== '0' && number !== '1') terms.add(number);
  }
  for (const string of blockText.match(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g) ?? []) {
    for (const word of string.match(/\p{L}{4,}/gu) ?? []) addWord(word);
  }
  return terms;
}

/** Whether an answer names one of the block's specific terms. */
export function mentionsTerm(answer: string, terms: ReadonlySet<string>): boolean {
  for (const word of words(answer)) {
    const number = word.replace(/_/g, '').replace(/[.,]$/, '');
    if (terms.has(stem(word)) || terms.has(number)) return true;
  }
  for (const match of answer.matchAll(/[\p{L}_$][\p{L}\p{N}_$]*/gu)) {
    for (const part of nameParts(match[0])) if (terms.has(stem(part.toLowerCase()))) return true;
  }
  return false;
}

/** The name a block declares first (`function name`, `const name =`, `class Name`), if any. */
export function declaredName(blockText: string): string | undefined {
  return /\b(?:function\*?|class|const|let|var|def|fn|func)\s+([\p{L}_$][\p{L}\p{N}_$]*)/u.exec(blockText)?.[1];
}

/** `maxRetries` → max, retries; `MAX_RETRIES` → max, retries. */
function nameParts(name: string): string[] {
  return name
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
    .split(/[\s_$]+/)
    .filter((part) => part !== '')
    .map((part) => part.toLowerCase());
}

/** Names that are language or library vocabulary, never a claim that the block contains them. */
const COMMON_NAMES: ReadonlySet<string> = new Set(
  'null undefined true false string number boolean object promise error void any unknown never async await ms utf8 utf-8 json http https node.js error typeerror rangeerror syntaxerror timeouterror aborterror aborterror'.split(' '),
);

/** A name the answer says the code has: in backticks, camelCase, snake_case or called as `name()`. */
export interface CodeReference {
  name: string;
  /** Offset in the answer text. */
  index: number;
}

/**
 * The code an answer names: identifiers inside backticks, camelCase and snake_case words, calls
 * (`name(`), and file names (`config.yaml`). Plain English words are not references.
 */
export function codeReferences(answer: string): CodeReference[] {
  const found: CodeReference[] = [];
  const seen = new Set<string>();
  const add = (name: string, index: number): void => {
    if (name.length < 3 || COMMON_NAMES.has(name.toLowerCase()) || seen.has(name)) return;
    seen.add(name);
    found.push({ name, index });
  };
  // Link targets are where a link goes, not a claim about the code.
  answer = answer.replace(/\]\([^)\s]*\)/g, (target) => `]${' '.repeat(target.length - 1)}`);
  for (const span of answer.matchAll(/`([^`\n]+)`/g)) {
    for (const token of span[1].matchAll(/[\p{L}_$][\p{L}\p{N}_$]*/gu)) add(token[0], (span.index ?? 0) + 1 + (token.index ?? 0));
  }
  const prose = answer.replace(/`[^`\n]+`/g, (span) => ' '.repeat(span.length));
  for (const match of prose.matchAll(/(?<![\p{L}\p{N}_$.])([\p{L}_$][\p{L}\p{N}_$]*(?:\.[\p{L}_$][\p{L}\p{N}_$]*)*)(\(?)/gu)) {
    const [whole, dotted, call] = match;
    const at = match.index ?? 0;
    const file = /^[\w-]+\.(?:ts|tsx|js|mjs|cjs|json|ya?ml|sql|sh|py|env|toml|md)$/i.test(dotted);
    if (file && call === '') {
      add(dotted, at);
      continue;
    }
    for (const part of dotted.split('.')) {
      // camelCase starts lower-case: PascalCase prose words (TypeScript, TimeoutError) are names of things, not claims.
      const looksLikeCode = call !== '' || /^\p{Ll}+\p{Lu}/u.test(part) || /\p{L}_\p{L}/u.test(part) || dotted.includes('.');
      if (looksLikeCode && whole.length > 0) add(part, at + dotted.indexOf(part));
    }
  }
  return found;
}

/** Whether the code (block or file) contains this name as a whole word, or a file name as text. */
export function codeContains(code: string, name: string): boolean {
  if (name.includes('.')) return code.includes(name);
  const escaped = name.replace(/[$]/g, '\\$');
  return new RegExp(`(?<![\\p{L}\\p{N}_$])${escaped}(?![\\p{L}\\p{N}_$])`, 'u').test(code);
}
