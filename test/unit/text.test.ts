import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineIndex } from '../../src/core/text/line-index';

describe('LineIndex', () => {
  it('maps offsets to positions across \\n, \\r\\n and \\r line breaks', () => {
    const index = new LineIndex('ab\ncd\r\nef\rg');
    assert.equal(index.lineCount, 4);
    assert.deepEqual(index.positionAt(0), { line: 0, character: 0 });
    assert.deepEqual(index.positionAt(4), { line: 1, character: 1 });
    assert.deepEqual(index.positionAt(7), { line: 2, character: 0 });
    assert.deepEqual(index.positionAt(10), { line: 3, character: 0 });
    assert.equal(index.lineText(1), 'cd');
    assert.equal(index.lineText(2), 'ef');
  });

  it('starts a line after every line break, with or without a \\r in the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\n', '\r', '\r\n', 'é') }), (text) => {
        const index = new LineIndex(text);
        const lines = text.split(/\r\n|\r|\n/);
        assert.equal(index.lineCount, lines.length);
        let offset = 0;
        for (let line = 0; line < lines.length; line++) {
          assert.equal(index.lineStart(line), offset);
          assert.equal(index.lineText(line), lines[line]);
          offset += lines[line].length + (text.startsWith('\r\n', offset + lines[line].length) ? 2 : 1);
        }
      }),
    );
  });

  it('round-trips every offset of any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', '\n', '\r', '\r\n', 'é', '😀') }), (text) => {
        const index = new LineIndex(text);
        for (let offset = 0; offset <= text.length; offset++) {
          const position = index.positionAt(offset);
          const back = index.offsetAt(position);
          // Offsets inside a \r\n pair map to the end of the line; all others round-trip exactly.
          if (!(text[offset - 1] === '\r' && text[offset] === '\n')) assert.equal(back, offset);
        }
      }),
    );
  });
});
