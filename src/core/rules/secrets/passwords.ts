import { commonPasswordWords, isEnvReference, isHexHash, isPasswordHash, isPropertyKeyPath, isStandIn, isUuid, isWordSegment, passwordLetters } from './filters';

/**
 * Passwords a person wrote, whatever their entropy: `m{p)a$s]w#r`, `thisIsDog11`, `rootpasswd`. The
 * generic detector wants random text and rejects these (symbols read as structure, letters as words);
 * under a password or secret name they are still the credential. What is excluded is everything else
 * such a name is given in real code: labels and messages (`"Enter your password"`, `"Passwort"`,
 * `"密码"`), field and input names (`"user_password"`, `"new-password"`, `"#password"`), environment
 * variable names, templates and references (`${DB_PASS}`, `{{ .Values.pw }}`, `{user}:{pass}`,
 * `:password`), regular expressions and validation rules (`^(?=.*\d).{8,}$`, `required|min:8`),
 * hashes, and stand-ins (`changeme`, `********`).
 */
export function isWrittenPassword(value: string): boolean {
  if (value.length < MIN_LENGTH || value.length > MAX_LENGTH || isStandIn(value)) return false;
  // Prose, labels and messages have spaces; translated labels have letters of other scripts.
  if (/\s/.test(value) || /[^\x00-\x7f]/.test(value.replace(NON_ASCII_SYMBOLS, ''))) return false;
  // `"Failed: "+e),t||(a())…"`, `'+t.secret+'`: code between two strings, read from a closing quote to the next opening one.
  if (/^['"`]?[+),;]|[+(,;]['"`]?$|&&|\|\|/.test(value)) return false;
  // `anon@ftp.com`: an anonymous FTP login's e-mail address, a user's identity rather than a secret.
  if (/^[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/.test(value)) return false;
  // `\u3299\ufe0f`: a character written as escapes (an emoji shortcode's), not text a person typed.
  if (/^(?:\\u[0-9A-Fa-f]{4}|\\u\{[0-9A-Fa-f]+\}|\\x[0-9A-Fa-f]{2})+$/.test(value)) return false;
  // `,.:-*`, `-----`: separators and masks; a password has some letter or digit.
  if (!/[A-Za-z0-9]/.test(value)) return false;
  // `Password:`, `Kennwort *`: a label with its colon or required marker.
  if (/^[A-Za-z]+[:*]$/.test(value)) return false;
  if (isTemplateOrReference(value) || isStructuredText(value)) return false;
  // Paths and URLs (`/v1/accounts:resetPassword`, `~/.pgpass`); a URL's password is the connection-string format's.
  if (/^(?:\.{0,2}\/|~\/|[A-Za-z]:\\)/.test(value) || value.includes('://')) return false;
  if (isHexHash(value) || isUuid(value) || /^\$\d[a-z]?\$/.test(value) || isPasswordHash(value)) return false;
  // `V1SecretVolumeSource`: a generated client's type name; digits between words are its tags, not decoration.
  if (/\d/.test(value) && isIdentifierLike(value)) return false;
  if (isPropertyKeyPath(value)) return false;
  const letters = passwordLetters(value);
  if (letters !== undefined) return isCommonWordPassword(value, letters);
  // `user_password`, `auth/wrong-password`, `#login-password`, `DB_PASSWORD`: names of things.
  return !isIdentifierLike(value.replace(/^[#.@:$%-]+/, ''));
}

/** Shorter values are more often abbreviations, codes and enum values than passwords. */
const MIN_LENGTH = 6;
/** Longer values without spaces are tokens and blobs, the generic detector's part. */
const MAX_LENGTH = 64;

/** Symbols outside ASCII that a password may hold (`¨`, `¿`, `¡`, `§`, `£`, `€`, `°`); letters of other scripts are labels. */
const NON_ASCII_SYMBOLS = /[\u00a1-\u00bf\u00d7\u00f7\u20ac]/g;

/**
 * A value that is letters around decoration (`rootpasswd`, `admin123`, `P@ssw0rd!`, `thisIsDog11`):
 * a password when built from the words people build passwords from, two of them or with digits, or
 * when it meets the usual policy of upper and lower case and a digit (`shadow` alone is a render
 * pass's name, `Passwort` a label, `hidden` a state).
 */
function isCommonWordPassword(value: string, letters: string): boolean {
  const digits = /\d/.test(value);
  const words = commonPasswordWords(letters);
  if (words !== undefined) return words >= 2 || digits;
  return digits && /[a-z]/.test(value) && /[A-Z]/.test(value);
}

/**
 * Well-formed templates, format fields and references: balanced brackets are structure (`{user}:{pass}`,
 * `${DB_PASS}`, `(?=.*\d)`, `input[type=password]`); a person's password puts its symbols anywhere
 * (`m{p)a$s]w`), so only brackets that nest are read as structure.
 */
function isTemplateOrReference(value: string): boolean {
  if (/[(){}[\]<>]/.test(value) && bracketsNest(value)) return true;
  // `PAYLOAD_SECRET=${payloadSecret || 'x'}` in a template literal, read up to its first blank:
  // an interpolation opened and cut short is code, not a literal.
  if (/^(?:\$\{|\$\(|#\{|\{\{)/.test(value) && !bracketsNest(value)) return true;
  if (isEnvReference(value) && !/\$\{(?![A-Za-z_][\w.]*(?:[:?=+-][^{}]*)?\})/.test(value)) return true;
  // `%s`, `%(name)s`, `%DB_PASS%`, `$1`, `:password` / `@password` bind parameters, `$PASS`, and
  // replacement markers around a name (`@@API_KEY@@`, `__TOKEN__`, `$SECRET$`).
  return /%[sd]|%\(|%[A-Za-z_]\w*%|^\$\d+$|^[:@$][A-Za-z_]\w*$/.test(value) || /^([^\w\s]{1,3})[A-Za-z_][\w.-]*\1$/.test(value);
}

const OPENERS: Readonly<Record<string, string>> = { ')': '(', '}': '{', ']': '[', '>': '<' };

/** True when every bracket in `value` closes the last one opened, and all are closed. */
function bracketsNest(value: string): boolean {
  const stack: string[] = [];
  for (const char of value) {
    if (char === '(' || char === '{' || char === '[' || char === '<') stack.push(char);
    else if (char in OPENERS && stack.pop() !== OPENERS[char]) return false;
  }
  return stack.length === 0;
}

/**
 * Regular expressions (`^…$`, `\d`, `.*`, `{8,}`), validation rule lists (`required|min:8|confirmed`)
 * and selectors or references to a named thing (`#login-password`, `:password`): text about a
 * password, never one, whatever its entropy.
 */
export function isStructuredText(value: string): boolean {
  if (/^[#.@:$%-]/.test(value) && isIdentifierLike(value.replace(/^[#.@:$%-]+/, ''))) return true;
  // Regular expressions: escapes, repeats, anchors and groups (`(?P<access_key>` in botocore's `Credential=(?P<access_key>\w+)`).
  if (/\\[dDwWsSbB.]|\.\*|\.\+|\{\d+,?\d*\}|^\^|\(\?(?:P?<|[:=!])/.test(value)) return true;
  // A query string (`action=login&!lgtoken`) is parameters, not their values' secret.
  if (/^[a-z_]+=[^&\s]*(?:&!?[a-z_]+(?:=[^&\s]*)?)+$/i.test(value)) return true;
  return /^[a-z_]+(?:[:=][\w.,]+)?(?:[|,;][a-z_]+(?:[:=][\w.,]+)?)+$/.test(value);
}

/**
 * Identifiers, keys and paths: every part between `_ - . / : | , = #` is digits, one-case letters, or
 * camelCase words of three letters or more on average (`user_password`, `DB_PASSWORD`, `auth.login.pw`).
 */
function isIdentifierLike(value: string): boolean {
  const parts = value.split(/[-_./:|,=#]+/).filter((part) => part.length > 0);
  return parts.length > 0 && parts.every(isWordSegment);
}
