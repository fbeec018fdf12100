/**
 * How the editor shows a block's note state (CodeLens, hover, AI Blocks view, status): pure
 * presentation of the {@link BlockNoteState} the language server computed with the core
 * assessment. No `vscode` import and no note checks of its own, so it is unit-tested in plain Node
 * and the extension bundle holds no note-quality or question code.
 */
import type { BlockNoteState } from '../../core/notes/assess';
import { sectionsForNote } from '../../core/notes/template';

export type { BlockNoteState } from '../../core/notes/assess';

/** Whether the block waits for its writer: a required note missing or failing its checks, or a stale note. */
export function isAwaiting(state: BlockNoteState): boolean {
  if (state.status.kind === 'stale') return true;
  return state.requirement.required && (state.status.kind === 'none' || state.status.kind === 'draft');
}

/** Short status for the AI Blocks view. */
export function describeNoteStatus(state: BlockNoteState): string {
  switch (state.status.kind) {
    case 'explained':
      if (state.signOff?.required) return state.signOff.valid ? 'explained ✓ signed off' : 'explained, awaiting sign-off';
      return 'explained ✓';
    case 'stale':
      return 'note stale';
    case 'draft':
      return 'note draft';
    case 'none':
      if (state.requirement.flagOnly) return 'discouraged here';
      return state.requirement.required ? 'no note' : 'no note needed';
  }
}

/** What a CodeLens on the block's first line offers, or undefined when it stays quiet. */
export interface NoteLens {
  title: string;
  tooltip: string;
  command: 'comprehension.notes.write' | 'comprehension.notes.open' | 'comprehension.notes.markReviewed';
}

/** The CodeLens of a block: a prompt when a note is wanted, nothing once it is explained. */
export function noteLenses(state: BlockNoteState): NoteLens[] {
  const problems = state.status.quality?.problems.length ?? 0;
  switch (state.status.kind) {
    case 'stale':
      return [
        {
          title: '$(note) Note is stale: still true?',
          tooltip: 'The block changed after its note was written. Open the note to check it (the hover shows what changed).',
          command: 'comprehension.notes.open',
        },
        { title: 'Mark reviewed', tooltip: 'The note is still true: record the current code as reviewed.', command: 'comprehension.notes.markReviewed' },
      ];
    case 'draft':
      if (!state.requirement.required) return [];
      return [
        {
          title: `$(note) Finish the note (${problems} to fix)`,
          tooltip: 'The note does not pass its checks yet; the problems are marked in the note file.',
          command: 'comprehension.notes.open',
        },
      ];
    case 'none':
      if (!state.requirement.required) return [];
      return [{ title: '$(note) Explain this AI block', tooltip: state.requirement.reason, command: 'comprehension.notes.write' }];
    case 'explained':
      return [];
  }
}

/** Longest first answer in an explained block's hover: about two lines of a hover's width. */
const HOVER_FIRST_ANSWER_CHARS = 160;
/** Longest diff shown in a hover, in lines. */
const HOVER_DIFF_LINES = 30;

/** A command link for a hover: `[label](command:id?args)`. */
export function commandLink(label: string, command: string, args: readonly unknown[]): string {
  return `[${label}](command:${command}?${encodeURIComponent(JSON.stringify(args))})`;
}

/**
 * The note part of the block hover (Markdown): the status; for an explained note its first answer,
 * trimmed to about two lines; for a stale one the diff of the code since the note (a `diff` code
 * block, which VS Code colours with the theme); and a link to write, continue or open it.
 */
export function noteHoverMarkdown(state: BlockNoteState, uri: string): string | undefined {
  const args = [uri, state.block.id];
  const { status, requirement } = state;
  const note = status.note;
  switch (status.kind) {
    case 'none':
      if (requirement.flagOnly) return `**Comprehension** · ${requirement.reason}`;
      if (!requirement.required) return `Comprehension note: not needed. ${requirement.reason}`;
      return `**Comprehension note:** none yet. ${requirement.reason}\n\n${commandLink('Explain this AI block', 'comprehension.notes.write', args)}`;
    case 'draft': {
      const problems = status.quality?.problems ?? [];
      const first = problems[0] ? ` First: ${problems[0].message}` : '';
      return `**Comprehension note:** draft, ${problems.length} problem${problems.length === 1 ? '' : 's'} to fix.${first}\n\n${commandLink('Continue the note', 'comprehension.notes.open', args)}`;
    }
    case 'stale': {
      const diff = trimLines(status.diff ?? '', HOVER_DIFF_LINES);
      const fence = fenceFor(diff);
      return [
        '**Comprehension note:** stale. The block changed after the note was written; is the note still true?',
        diff ? `${fence}diff\n${diff}\n${fence}` : '',
        commandLink('Open the note', 'comprehension.notes.open', args),
      ]
        .filter(Boolean)
        .join('\n\n');
    }
    case 'explained': {
      const by = note?.frontMatter?.author ? ` by ${escapeMarkdown(note.frontMatter.author.replace(/\s*<[^>]*>\s*$/, ''))}` : '';
      const when = note?.frontMatter?.updatedAt ? `, ${note.frontMatter.updatedAt.slice(0, 10)}` : '';
      const parts = [`**Comprehension note** ✓ explained${by}${when}`];
      // Only the first answer, short: the hover sits over the code it explains.
      const first = firstAnswer(state);
      if (first) parts.push(`**${first.title}** ${hoverAnswer(first.text, HOVER_FIRST_ANSWER_CHARS)}`);
      const signOff = signOffLine(state);
      if (signOff) parts.push(signOff);
      parts.push(commandLink('Open note', 'comprehension.notes.open', args));
      return parts.join('\n\n');
    }
  }
}

/** The reviewer sign-off of a block that needs one: who signed, or who may and how. */
function signOffLine(state: BlockNoteState): string | undefined {
  const signOff = state.signOff;
  if (!signOff?.required) return undefined;
  if (signOff.valid) return `**Signed off** by ${escapeMarkdown(signOff.valid.by.replace(/\s*<[^>]*>\s*$/, ''))}, ${signOff.valid.at.slice(0, 10)}`;
  const who = signOff.whoMaySign ? ` by ${escapeMarkdown(signOff.whoMaySign)}` : '';
  const how = signOff.reviewCommand ? `: \`${signOff.reviewCommand}\` or *Review and Sign Off AI Block*` : '';
  return `**Needs a sign-off**${who}${how}. ${escapeMarkdown(signOff.problem ?? '')}`.trimEnd();
}

/** The first answered section (in the note's order), or else the first answered block question. */
function firstAnswer(state: BlockNoteState): { title: string; text: string } | undefined {
  const note = state.status.note;
  for (const section of sectionsForNote(state.requirement, state.inCriticalPath)) {
    const text = note?.sections.get(section.id)?.text;
    if (text) return { title: `${section.title}.`, text };
  }
  for (const question of note?.frontMatter?.questions ?? []) {
    const text = note?.questions.get(question.id)?.text;
    if (text) return { title: escapeMarkdown(question.text), text };
  }
  return undefined;
}

/**
 * An answer as one hover paragraph: line breaks folded, shortened, and with command links made
 * inert (the hover trusts a few of our commands; a note from the repository must not run them).
 */
function hoverAnswer(answer: string, maxChars: number): string {
  const folded = answer.replace(/```[\s\S]*?(```|$)/g, ' (code) ').replace(/\s+/g, ' ').trim();
  const short = folded.length > maxChars ? `${folded.slice(0, maxChars - 1).trimEnd()}…` : folded;
  return short.replace(/\]\(\s*command:/gi, '](#');
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>])/g, '\\$1');
}

function trimLines(text: string, max: number): string {
  const lines = text.split('\n');
  return lines.length <= max ? text : [...lines.slice(0, max), `… ${lines.length - max} more lines`].join('\n');
}

function fenceFor(text: string): string {
  const longest = Math.max(0, ...(text.match(/`{3,}/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longest + 1));
}
