import * as assert from 'node:assert/strict';
import { NOTE_RULE_RATIONALE } from '../../src/core/notes/diagnostics';
import { BUILTIN_RULES } from '../../src/core/rules/index';
import { ruleHoverMarkdown, shortRationale, SHOW_RULE_RATIONALE_COMMAND } from '../../src/core/rules/hover';

describe('rule hover', () => {
  it('keeps the first paragraph, at most two sentences, of a long rationale', () => {
    const short = shortRationale('One problem here. It matters because of `a.b()` and e.g. Foo. A third sentence.\n\nImplementation detail.');
    assert.equal(short.text, 'One problem here. It matters because of `a.b()` and e.g. Foo.');
    assert.equal(short.complete, false);
  });

  it('never splits inside a code span and says when the paragraph is the whole rationale', () => {
    const short = shortRationale('Use `x. Y` here.');
    assert.deepEqual(short, { text: 'Use `x. Y` here.', complete: true });
  });

  it('gives every built-in and note rule a short paragraph with the full text one click away', () => {
    const rules = [...BUILTIN_RULES.map((rule) => [rule.id, rule] as const), ...Object.entries(NOTE_RULE_RATIONALE)];
    for (const [id, rule] of rules) {
      const short = shortRationale(rule.rationale);
      assert.ok(short.text.length >= 40, `${id}: ${short.text}`);
      assert.ok(short.text.length <= 420, `${id} is short (${short.text.length} characters): ${short.text}`);
      assert.ok(!short.text.includes('\n'), `${id} is one paragraph`);
      assert.ok(rule.rationale.replace(/\s+/g, ' ').startsWith(short.text.slice(0, 30)), `${id} starts like its rationale`);
    }
  });

  it('renders a title, the short paragraph and a More… link that carries the full rationale', () => {
    const rule = BUILTIN_RULES.find((candidate) => candidate.id === 'reliability/missing-timeout')!;
    const markdown = ruleHoverMarkdown({ ruleId: rule.id, rule, severityReasons: ['raised: inside an AI block'] });
    const paragraphs = markdown.split('\n\n');
    assert.equal(paragraphs.length, 3, markdown);
    assert.equal(paragraphs[0], `**${rule.id}** — ${rule.summary}`);
    assert.equal(paragraphs[1], shortRationale(rule.rationale).text);
    const link = new RegExp(`\\[More…\\]\\(command:${SHOW_RULE_RATIONALE_COMMAND.replace('.', '\\.')}\\?([^ )]+) `).exec(paragraphs[2]);
    assert.ok(link, paragraphs[2]);
    assert.deepEqual(JSON.parse(decodeURIComponent(link[1])), [rule.id, rule.summary, rule.rationale]);
    assert.match(paragraphs[2], /_Severity raised: inside an AI block\._/);
    assert.match(paragraphs[2], /`comprehension-ignore reliability\/missing-timeout -- <why>`/);
  });

  it('has no More… link when the paragraph is all there is, and copes with an unknown rule', () => {
    const known = ruleHoverMarkdown({ ruleId: 'custom/x', rule: { summary: 'No console', rationale: 'Use the logger.' }, severityReasons: [] });
    assert.doesNotMatch(known, /More…/);
    const unknown = ruleHoverMarkdown({ ruleId: 'custom/gone', severityReasons: [] });
    assert.equal(unknown, '**custom/gone**\n\nSilence with a reason: `comprehension-ignore custom/gone -- <why>`');
  });
});
