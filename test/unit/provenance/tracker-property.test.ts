import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { BlockTracker, type TextChange } from '../../../src/core/provenance/tracker';

/**
 * A reference model of the document: every line carries a unique id, and each edit says which ids
 * survive, which are new and which had their text changed, following the line rules documented on
 * `lineEffectOf` — but line by line on real text, with no interval arithmetic. The tracker must
 * agree with it: each block spans exactly from the first to the last surviving line that descends
 * from its lines (its original lines, plus lines later inserted between them), and `modified` is
 * set exactly when an edit deleted or changed one of those lines or put new lines between them.
 */
interface ModelLine {
  id: number;
  text: string;
}

interface ModelEdit {
  lines: ModelLine[];
  /** Ids of lines that were there before and are gone. */
  deleted: Set<number>;
  /** Ids of surviving lines whose text the edit changed. */
  touched: Set<number>;
  /** Ids of the lines the edit created. */
  created: Set<number>;
}

let nextId = 1_000;

function applyToModel(lines: ModelLine[], change: TextChange): ModelEdit {
  const { start, end } = change.range;
  const text = change.text;
  const unchanged: ModelEdit = { lines, deleted: new Set(), touched: new Set(), created: new Set() };
  if (start.line === end.line && start.character === end.character && text.length === 0) return unchanged;
  const segments = text.split(/\r\n|\n/);
  const breaks = segments.length - 1;
  const prefix = lines[start.line].text.slice(0, start.character);
  const suffix = lines[end.line].text.slice(end.character);
  const texts = segments.slice();
  texts[0] = prefix + texts[0];
  texts[breaks] = texts[breaks] + suffix;

  const fresh = (): number => nextId++;
  const replaced = lines.slice(start.line, end.line + 1);
  let ids: number[];
  let touched: number[] = [];
  const endsWithBreak = text.endsWith('\n');
  const isInsertion = start.line === end.line && start.character === end.character;
  if (start.character === 0 && end.character === 0 && (text.length === 0 || endsWithBreak) && (end.line > start.line || breaks > 0)) {
    // Whole lines at column 0: the new lines replace lines [start, end); line `end` is untouched.
    ids = [...Array.from({ length: breaks }, fresh), lines[end.line].id];
  } else if (isInsertion && breaks > 0 && start.character > 0 && (text.startsWith('\n') || text.startsWith('\r\n'))) {
    ids = [lines[start.line].id, ...Array.from({ length: breaks }, fresh)];
  } else if (end.line > start.line && text.length === 0 && start.character > 0 && end.character === 0) {
    // Delete at the end of a line: the later lines go, the first line counts as untouched.
    ids = [lines[start.line].id];
  } else if (end.line > start.line && breaks > 0) {
    ids = [lines[start.line].id, ...Array.from({ length: breaks - 1 }, fresh), lines[end.line].id];
    touched = [lines[start.line].id, lines[end.line].id];
  } else {
    ids = [lines[start.line].id, ...Array.from({ length: breaks }, fresh)];
    touched = [lines[start.line].id];
  }
  assert.equal(ids.length, texts.length);
  const result = ids.map((id, index) => ({ id, text: texts[index] }));
  const kept = new Set(ids);
  const before = new Set(replaced.map((line) => line.id));
  return {
    lines: [...lines.slice(0, start.line), ...result, ...lines.slice(end.line + 1)],
    deleted: new Set([...before].filter((id) => !kept.has(id))),
    touched: new Set(touched),
    created: new Set(ids.filter((id) => !before.has(id))),
  };
}

/** Applies a change to plain text by offsets: checks that the model edits text correctly. */
function applyToText(text: string, change: TextChange): string {
  const lines = text.split('\n');
  const offset = (line: number, character: number) => lines.slice(0, line).reduce((sum, l) => sum + l.length + 1, 0) + character;
  const from = offset(change.range.start.line, change.range.start.character);
  const to = offset(change.range.end.line, change.range.end.character);
  return text.slice(0, from) + change.text.replace(/\r\n/g, '\n') + text.slice(to);
}

type EditKind = 'any' | 'wholeLines' | 'enterAtEnd' | 'deleteAtEnd' | 'typing' | 'aroundBlock';
interface EditSpec {
  kind: EditKind;
  line: number;
  span: number;
  c1: number;
  c2: number;
  pieces: string[];
}

const editSpec: fc.Arbitrary<EditSpec> = fc.record({
  kind: fc.constantFrom<EditKind>('any', 'any', 'wholeLines', 'enterAtEnd', 'deleteAtEnd', 'typing', 'aroundBlock'),
  line: fc.nat(60),
  span: fc.nat(3),
  c1: fc.nat(40),
  c2: fc.nat(40),
  pieces: fc.array(fc.constantFrom('x', 'if (a) {', ' ', '\n', '\r\n', '  ', '}'), { maxLength: 6 }),
});

/** Turns an abstract edit into a valid change on the current model (positions clamped to real lines). */
function concreteChange(lines: ModelLine[], spec: EditSpec, blockLines: number[]): TextChange {
  const count = lines.length;
  let startLine = spec.line % count;
  if (spec.kind === 'aroundBlock' && blockLines.length > 0) {
    // Aim at a block boundary: one line before/at/after the first or last block line.
    const edges = [blockLines[0] - 1, blockLines[0], blockLines[0] + 1, blockLines[blockLines.length - 1] - 1, blockLines[blockLines.length - 1], blockLines[blockLines.length - 1] + 1];
    startLine = Math.min(count - 1, Math.max(0, edges[spec.line % edges.length]));
  }
  const length = (line: number) => lines[line].text.length;
  const position = (line: number, character: number) => ({ line, character });
  let text = spec.pieces.join('');
  switch (spec.kind) {
    case 'wholeLines': {
      const endLine = Math.min(count - 1, startLine + spec.span);
      if (!text.endsWith('\n') && (text.length > 0 || endLine === startLine)) text += '\n';
      return { range: { start: position(startLine, 0), end: position(endLine, 0) }, text };
    }
    case 'enterAtEnd': {
      const end = length(startLine);
      return { range: { start: position(startLine, end), end: position(startLine, end) }, text: `\n${text}` };
    }
    case 'deleteAtEnd': {
      const endLine = Math.min(count - 1, startLine + 1 + (spec.span % 2));
      if (endLine === startLine) return { range: { start: position(startLine, 0), end: position(startLine, 0) }, text: 'x' };
      return { range: { start: position(startLine, length(startLine)), end: position(endLine, 0) }, text: '' };
    }
    case 'typing': {
      const character = spec.c1 % (length(startLine) + 1);
      return { range: { start: position(startLine, character), end: position(startLine, character) }, text: 'x' };
    }
    default: {
      const endLine = Math.min(count - 1, startLine + (spec.span % 3));
      const startCharacter = spec.c1 % (length(startLine) + 1);
      let endCharacter = spec.c2 % (length(endLine) + 1);
      if (endLine === startLine) endCharacter = Math.max(startCharacter, endCharacter);
      return { range: { start: position(startLine, startCharacter), end: position(endLine, endCharacter) }, text };
    }
  }
}

describe('provenance: tracker property', () => {
  it('keeps each block on exactly the lines that descend from it, and flags edits inside', () => {
    fc.assert(
      fc.property(fc.array(editSpec, { minLength: 1, maxLength: 30 }), fc.boolean(), (specs, adjacent) => {
        // Twelve lines; block A on 0-based lines 3-5, block B on 7-9 (or 6-8, adjacent to A).
        let lines: ModelLine[] = Array.from({ length: 12 }, (_, i) => ({ id: i, text: i % 4 === 0 ? '' : `  line ${i} = value(${i});` }));
        let text = lines.map((line) => line.text).join('\n');
        const bStart = adjacent ? 6 : 7;
        const model = [
          { ids: new Set([3, 4, 5]), modified: false, dropped: false },
          { ids: new Set([bStart, bStart + 1, bStart + 2]), modified: false, dropped: false },
        ];
        const tracker = new BlockTracker({ mergeWindowMs: 0 });
        const idA = tracker.addBlock(4, 6, { source: 'agent-write', confidence: 'certain' }).block.id;
        const idB = tracker.addBlock(bStart + 1, bStart + 3, { source: 'chat-edit', confidence: 'likely' }).block.id;
        const trackerIds = [idA, idB];

        const positionsOf = (ids: Set<number>) => lines.flatMap((line, index) => (ids.has(line.id) ? [index] : []));
        specs.forEach((spec, step) => {
          const change = concreteChange(lines, spec, positionsOf(model[step % 2].ids));
          const edit = applyToModel(lines, change);
          lines = edit.lines;
          text = applyToText(text, change);
          assert.equal(lines.map((line) => line.text).join('\n'), text, 'the model edits text like an editor');
          const result = tracker.applyChanges([change]);

          model.forEach((block, which) => {
            if (block.dropped) return;
            const positions = positionsOf(block.ids);
            const id = trackerIds[which];
            if (positions.length === 0) {
              block.dropped = true;
              assert.ok(result.dropped.some((dropped) => dropped.id === id), `block ${which} dropped`);
              assert.equal(tracker.get(id), undefined);
              return;
            }
            const first = positions[0];
            const last = positions[positions.length - 1];
            // New lines between a block's lines join the block: it grew by an edit inside.
            const insertedInside = lines.filter((line, index) => edit.created.has(line.id) && index > first && index < last);
            for (const line of insertedInside) block.ids.add(line.id);
            const touched = [...block.ids].some((lineId) => edit.deleted.has(lineId) || edit.touched.has(lineId));
            block.modified ||= insertedInside.length > 0 || touched;
            const tracked = tracker.get(id);
            assert.ok(tracked, `block ${which} still tracked`);
            assert.deepEqual(
              { start: tracked.startLine, end: tracked.endLine, modified: tracked.modified },
              { start: first + 1, end: last + 1, modified: block.modified },
              `block ${which} after ${JSON.stringify(change)}`,
            );
          });
        });
      }),
      { numRuns: 200 },
    );
  });
});
