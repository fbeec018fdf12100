/**
 * Reviewer sign-off of AI blocks in critical paths: who may sign a block's note (someone other than
 * its author; where a CODEOWNERS file exists, an owner of the block's path), whether a recorded
 * sign-off still holds (it names the content hash it signed, so it goes stale when the block
 * changes), and the note text with a new sign-off. The check, the language server and
 * `comprehension review` all decide with these functions.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import type { Policy } from '../policy/policy';
import { readBoundedTextFileSync } from '../workspace/fs';
import { type GitIdentity, lastCommitAuthor } from '../workspace/git';
import { notePathFor } from '../workspace/layout';
import type { BlockNoteState } from './assess';
import { blockContentHash } from './content-hash';
import { type NoteFrontMatter, updateNoteText } from './note-file';
import type { NoteRequirement } from './template';

/** One reviewer's sign-off of a block, as recorded in the note's front matter (`signOffs`). */
export interface SignOff {
  /** `Name <email>` of the reviewer, from their git identity. */
  by: string;
  /** ISO time of the sign-off. */
  at: string;
  /** {@link blockContentHash} of the block as the reviewer saw it. */
  contentHash: string;
}

/** A person as a note or sign-off names them (`Name <email>`); either part may be missing. */
export interface Person {
  name?: string;
  email?: string;
}

/** `Jane Doe <jane@x.org>`, `<jane@x.org>`, `jane@x.org` or `Jane Doe` as a {@link Person}. */
export function parsePerson(text: string): Person {
  const trimmed = text.trim();
  const angled = /^(.*?)\s*<([^<>]*)>\s*$/.exec(trimmed);
  if (angled) {
    const name = angled[1].trim();
    const email = angled[2].trim();
    return { ...(name ? { name } : {}), ...(email ? { email } : {}) };
  }
  if (/^[^\s@]+@[^\s@]+$/.test(trimmed)) return { email: trimmed };
  return trimmed ? { name: trimmed } : {};
}

/** The same person: emails compared without case; names only when neither has an email. */
function samePerson(a: Person, b: Person): boolean {
  if (a.email && b.email) return a.email.toLowerCase() === b.email.toLowerCase();
  if (a.email || b.email) return false;
  return !!a.name && !!b.name && a.name.toLowerCase() === b.name.toLowerCase();
}

/** Where GitHub looks for CODEOWNERS, in its order: the first one found is the one in force. */
export const CODEOWNERS_PATHS: readonly string[] = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'];

/** A CODEOWNERS file is refused above this size (GitHub itself ignores files over 3 MB). */
const MAX_CODEOWNERS_BYTES = 3 * 1024 * 1024;

/** One line of a CODEOWNERS file. */
export interface CodeOwnersRule {
  pattern: string;
  /** `@user`, `@org/team` or an email; empty when the line removes ownership. */
  owners: string[];
  /** 1-based line in the file. */
  line: number;
  matches: (path: string) => boolean;
}

/** A workspace's CODEOWNERS file, parsed. */
export interface CodeOwners {
  /** Workspace-relative path of the file. */
  file: string;
  rules: CodeOwnersRule[];
  /** Why the file could not be used (a link out of the workspace, too large): no sign-off is accepted then. */
  problem?: string;
}

/**
 * Parses CODEOWNERS text. Patterns follow gitignore as GitHub applies them: a pattern without a
 * slash (other than a trailing one) matches at any depth, a leading slash anchors it to the root, a
 * trailing slash or a folder name covers everything below.
 */
export function parseCodeOwners(text: string, file: string): CodeOwners {
  const rules: CodeOwnersRule[] = [];
  text.split(/\r\n|\r|\n/).forEach((raw, index) => {
    // `#` starts a comment at the start of a line or after a space; `\#` is a literal `#`.
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') return;
    const [pattern, ...owners] = line.split(/\s+/);
    const glob = codeOwnersGlob(pattern.replace(/\\#/g, '#'));
    if (glob === undefined) return;
    let matcher: (path: string) => boolean;
    try {
      matcher = picomatch(glob, { dot: true });
    } catch {
      return;
    }
    rules.push({ pattern, owners, line: index + 1, matches: matcher });
  });
  return { file, rules };
}

/** The picomatch globs for one CODEOWNERS pattern; undefined for patterns GitHub does not support (`!`). */
function codeOwnersGlob(pattern: string): string[] | undefined {
  if (pattern.startsWith('!')) return undefined;
  const folderOnly = pattern.endsWith('/');
  let body = pattern.replace(/\/+$/, '');
  const anchored = body.startsWith('/') || body.includes('/');
  body = body.replace(/^\/+/, '');
  if (body === '' || body === '*' || body === '**') return ['**'];
  const base = anchored || body.startsWith('**/') ? body : `**/${body}`;
  // A name also matches a folder and so everything under it; `docs/*` stays one level deep.
  if (folderOnly) return [`${base}/**`];
  return base.endsWith('/*') ? [base] : [base, `${base}/**`];
}

/** The owners of `path` (workspace-relative POSIX): the last matching rule wins. */
export function codeOwnersOf(codeOwners: CodeOwners, path: string): { owners: string[]; rule?: CodeOwnersRule } {
  for (let index = codeOwners.rules.length - 1; index >= 0; index--) {
    const rule = codeOwners.rules[index];
    if (rule.matches(path)) return { owners: rule.owners, rule };
  }
  return { owners: [] };
}

/** Reads the workspace's CODEOWNERS file (the first of {@link CODEOWNERS_PATHS}); undefined when there is none. */
export function readCodeOwners(root: string): CodeOwners | undefined {
  for (const file of CODEOWNERS_PATHS) {
    const read = readBoundedTextFileSync(join(root, file), { root, maxBytes: MAX_CODEOWNERS_BYTES });
    if (read.kind === 'missing') continue;
    if (read.kind === 'refused') return { file, rules: [], problem: read.reason };
    return parseCodeOwners(read.text, file);
  }
  return undefined;
}

/**
 * The CODEOWNERS file of one workspace, read again only when a candidate file's size or time
 * changes: the language server asks on every check of a file with AI blocks in critical paths.
 */
export class CodeOwnersCache {
  private key: string | undefined;
  private value: CodeOwners | undefined;

  constructor(private readonly root: string) {}

  /** The CODEOWNERS in force now; undefined when the workspace has none. */
  current(): CodeOwners | undefined {
    const key = CODEOWNERS_PATHS.map((file) => {
      try {
        const stats = statSync(join(this.root, file));
        return `${stats.size}:${stats.mtimeMs}:${stats.ino}`;
      } catch {
        return '-';
      }
    }).join('|');
    if (key !== this.key) {
      this.value = readCodeOwners(this.root);
      this.key = key;
    }
    return this.value;
  }
}

/** Whether a person may sign, and on what basis (for messages). */
export type Eligibility = { ok: true; basis: string } | { ok: false; reason: string };

/** Inputs of {@link signerEligibility}. */
export interface EligibilityInput {
  /** The signer (their git identity, or a recorded sign-off's `by`). */
  signer: Person;
  /** The note's `author` front matter field; undefined when the author is not known. */
  author: string | undefined;
  /** Workspace-relative POSIX path of the block's file. */
  path: string;
  codeOwners: CodeOwners | undefined;
}

const isTeam = (owner: string): boolean => /^@[^/\s]+\/\S+$/.test(owner);

/** Whether a CODEOWNERS owner (`@user` or an email) names the signer; teams never do here. */
function ownerNames(owner: string, signer: Person): boolean {
  if (isTeam(owner)) return false;
  if (owner.startsWith('@')) {
    const user = owner.slice(1).toLowerCase();
    const local = signer.email?.split('@')[0]?.toLowerCase();
    return signer.name?.toLowerCase() === user || local === user;
  }
  return !!signer.email && owner.toLowerCase() === signer.email.toLowerCase();
}

/**
 * Whether `signer` may sign off a block of `path` whose note `author` wrote: never the author (by
 * email, case-insensitive); where CODEOWNERS names owners of the path, one of them. A `@user` owner
 * matches the signer's name or the local part of their email. Teams cannot be resolved without the
 * host's API: when every owner of the path is a team, anyone but the author may sign, and the basis
 * says so.
 */
export function signerEligibility(input: EligibilityInput): Eligibility {
  const { signer, path, codeOwners } = input;
  if (!signer.email) return { ok: false, reason: 'the signer has no email (set git config user.email), so they cannot be told from the author' };
  if (input.author === undefined || input.author.trim() === '') {
    return {
      ok: false,
      reason:
        'the note records no author, so a sign-off cannot be told from the author\'s own: add `author: Name <email>` to its front matter, ' +
        'or commit the note and sign with `comprehension review`, which records the author from git',
    };
  }
  const author = parsePerson(input.author);
  if (samePerson(author, signer)) return { ok: false, reason: `${input.author} wrote this note; a sign-off must come from someone else` };
  if (!codeOwners) return { ok: true, basis: 'anyone but the note\'s author may sign (no CODEOWNERS file)' };
  if (codeOwners.problem) return { ok: false, reason: `${codeOwners.file} cannot be used (${codeOwners.problem}), so the owners of ${path} are unknown` };
  const { owners, rule } = codeOwnersOf(codeOwners, path);
  if (owners.length === 0) return { ok: true, basis: `anyone but the note's author may sign (${codeOwners.file} names no owner of ${path})` };
  const owner = owners.find((candidate) => ownerNames(candidate, signer));
  if (owner) return { ok: true, basis: `${owner} owns ${path} (${codeOwners.file}:${rule?.line})` };
  if (owners.every(isTeam)) {
    return {
      ok: true,
      basis: `${codeOwners.file}:${rule?.line} names only teams (${owners.join(', ')}) for ${path}; team membership cannot be checked locally, so anyone but the note's author may sign`,
    };
  }
  return { ok: false, reason: `${formatPerson(signer)} is not an owner of ${path} in ${codeOwners.file}:${rule?.line} (${owners.join(' ')})` };
}

/** `Name <email>`, or whichever part is known. */
export function formatPerson(person: Person): string {
  if (person.name && person.email) return `${person.name} <${person.email}>`;
  return person.email ? `<${person.email}>` : (person.name ?? 'someone unknown');
}

/** Who may sign a block's note off, in one phrase for messages. */
export function whoMaySign(author: string | undefined, path: string, codeOwners: CodeOwners | undefined): string {
  const notAuthor = author ? `someone other than ${author}` : 'someone other than the note\'s author';
  if (!codeOwners || codeOwners.problem) return notAuthor;
  const { owners, rule } = codeOwnersOf(codeOwners, path);
  if (owners.length === 0) return notAuthor;
  const people = owners.filter((owner) => !isTeam(owner));
  if (people.length === 0) return `${notAuthor} (${codeOwners.file}:${rule?.line} names only teams, ${owners.join(', ')}, which cannot be checked locally)`;
  return `${notAuthor} who owns ${path} in ${codeOwners.file}: ${owners.join(', ')}`;
}

/** Where a block stands with its reviewer sign-off. Plain data: it crosses the language server connection. */
export interface SignOffState {
  /** Whether the policy asks for a sign-off of this block (critical path, a level in `notes.signOffLevels`). */
  required: boolean;
  /** The sign-off that holds for the block's current code, when there is one. */
  valid?: SignOff;
  /** Why no sign-off holds, in one sentence; undefined when one does or none is required. */
  problem?: string;
  /** Who may sign, in one phrase. */
  whoMaySign?: string;
  /** The command that signs: `comprehension review FILE:LINE`. */
  reviewCommand?: string;
}

/**
 * Whether the policy asks for a sign-off of a block: in a critical path, at a level listed in
 * `notes.signOffLevels`, and the block is one the policy asks a note for (or, at level 0, flags).
 * A block too small for a note needs no sign-off either: a reviewer signs an explained note.
 */
export function signOffRequired(policy: Pick<Policy, 'level' | 'notes'>, inCriticalPath: boolean, requirement: NoteRequirement): boolean {
  if (!inCriticalPath || !policy.notes.signOffLevels.includes(policy.level)) return false;
  return requirement.required || requirement.flagOnly === true;
}

/** Inputs of {@link assessSignOff}. */
export interface AssessSignOffInput {
  required: boolean;
  /** The note's front matter; undefined when there is no note or it is unreadable. */
  frontMatter: NoteFrontMatter | undefined;
  /** The block's current text. */
  blockText: string;
  /** Workspace-relative POSIX path of the block's file. */
  path: string;
  /** The block's first line (for the review command). */
  startLine: number;
  codeOwners: CodeOwners | undefined;
}

/**
 * The sign-off state of a block: a recorded sign-off holds when it signed the block's current
 * content hash and its signer may sign now (not the author, an owner where CODEOWNERS says).
 */
export function assessSignOff(input: AssessSignOffInput): SignOffState {
  if (!input.required) return { required: false };
  const author = input.frontMatter?.author;
  const base = { required: true, whoMaySign: whoMaySign(author, input.path, input.codeOwners), reviewCommand: `comprehension review ${input.path}:${input.startLine}` };
  if (!input.frontMatter) return { ...base, problem: 'the block has no readable note yet; a reviewer signs an explained note' };
  const signOffs = input.frontMatter.signOffs ?? [];
  if (signOffs.length === 0) return { ...base, problem: 'nobody has signed it off yet' };
  const hash = blockContentHash(input.blockText);
  const current = signOffs.filter((signOff) => signOff.contentHash === hash);
  if (current.length === 0) {
    const last = signOffs[signOffs.length - 1];
    return { ...base, problem: `the sign-off by ${last.by} (${last.at.slice(0, 10)}) is for an earlier version of the block; it changed since` };
  }
  let refusal = '';
  for (const signOff of current) {
    const eligibility = signerEligibility({ signer: parsePerson(signOff.by), author, path: input.path, codeOwners: input.codeOwners });
    if (eligibility.ok) return { required: true, valid: signOff };
    refusal ||= eligibility.reason;
  }
  return { ...base, problem: `the recorded sign-off does not count: ${refusal}` };
}

/**
 * The note text with `signOff` added to its `signOffs` (an earlier sign-off by the same person is
 * replaced: one entry per reviewer, the latest) and, when given, `author` recorded. Everything else
 * in the note is kept as written. Throws when the note has no valid front matter.
 */
export function addSignOff(noteText: string, frontMatter: NoteFrontMatter, signOff: SignOff, author?: string): string {
  const signer = parsePerson(signOff.by);
  const kept = (frontMatter.signOffs ?? []).filter((earlier) => !samePerson(parsePerson(earlier.by), signer));
  return updateNoteText(noteText, {
    frontMatter: { ...(author !== undefined ? { author } : {}), signOffs: [...kept, { by: signOff.by, at: signOff.at, contentHash: signOff.contentHash }] },
  });
}

/**
 * The note's author: its `author` field, else the author of the note file's last commit (undefined
 * when the note was never committed or git is missing). `fromGit` says the author came from git and
 * should be recorded with the sign-off, so the check (which runs no git) knows it too.
 */
export async function noteAuthor(root: string, blockId: string, frontMatter: NoteFrontMatter): Promise<{ author?: string; fromGit: boolean }> {
  if (frontMatter.author && frontMatter.author.trim() !== '') return { author: frontMatter.author, fromGit: false };
  const author = await lastCommitAuthor(root, notePathFor(blockId));
  return author ? { author, fromGit: true } : { fromGit: false };
}

/** Inputs of {@link prepareSignOff}. */
export interface PrepareSignOffInput {
  /** Workspace root (git runs there to find an unrecorded author). */
  root: string;
  /** The block's assessment against its current code and note (`assessBlockNote`). */
  state: BlockNoteState;
  /** The note file's text the state was assessed from. */
  noteText: string | undefined;
  /** Workspace-relative POSIX path of the block's file. */
  path: string;
  /** The signer: the current git identity. */
  signer: GitIdentity;
  codeOwners: CodeOwners | undefined;
  now?: Date;
}

/** A sign-off ready to write, or why it is refused. */
export type PreparedSignOff =
  | {
      ok: true;
      /** The note text with the sign-off (and an author found in git) recorded. */
      noteText: string;
      signOff: SignOff;
      /** Why this signer may sign (for the confirmation and the output). */
      basis: string;
      /** Set when the policy asks no sign-off of this block: it is recorded all the same. */
      notRequired?: string;
    }
  | { ok: false; reason: string };

/**
 * Decides whether the current git identity may sign a block off now and, when it may, the note
 * text with the sign-off: a configured identity, an explained note (a reviewer signs an explanation,
 * not a draft or a note about other code), a known author who is not the signer, and (where
 * CODEOWNERS names people for the path) an owner. Writes nothing: the caller confirms, then writes.
 */
export async function prepareSignOff(input: PrepareSignOffInput): Promise<PreparedSignOff> {
  const { state, signer, path } = input;
  const where = `${path}:${state.block.startLine}`;
  if (!signer.name || !signer.email) {
    return { ok: false, reason: 'no git identity is configured: set `git config user.name` and `git config user.email` (the sign-off records who signed)' };
  }
  const frontMatter = state.status.note?.frontMatter;
  switch (state.status.kind) {
    case 'none':
      return { ok: false, reason: `the block at ${where} has no note; its author writes one first (\`comprehension note ${where}\`): a reviewer signs an explained note` };
    case 'stale':
      return { ok: false, reason: `the note of the block at ${where} is stale: the block changed after the note was written; its author reviews the note first` };
    case 'draft':
      return {
        ok: false,
        reason: `the note of the block at ${where} does not pass its checks yet (${state.status.quality?.problems.length ?? 0} problem(s)): a reviewer signs an explained note`,
      };
  }
  if (!frontMatter || input.noteText === undefined) return { ok: false, reason: `the note of the block at ${where} has no readable front matter` };
  const { author, fromGit } = await noteAuthor(input.root, state.block.id, frontMatter);
  if (author === undefined) {
    return {
      ok: false,
      reason:
        'the note records no author and its file has no commit yet, so a sign-off cannot be told from the author\'s own: ' +
        'add `author: Name <email>` to its front matter, or commit it, then sign',
    };
  }
  const eligibility = signerEligibility({ signer, author, path, codeOwners: input.codeOwners });
  if (!eligibility.ok) return { ok: false, reason: eligibility.reason };
  const signOff: SignOff = { by: formatPerson(signer), at: (input.now ?? new Date()).toISOString(), contentHash: blockContentHash(state.blockText) };
  return {
    ok: true,
    noteText: addSignOff(input.noteText, frontMatter, signOff, fromGit ? author : undefined),
    signOff,
    basis: eligibility.basis,
    ...(state.signOff.required ? {} : { notRequired: 'the policy asks no sign-off of this block (not in a critical path, or its level is not in notes.signOffLevels)' }),
  };
}
