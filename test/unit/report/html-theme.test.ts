import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderHtml } from '../../../src/core/report/render-html';
import { buildScorecard, type ReportInputs } from '../../../src/core/report/scorecard';

const root = join(__dirname, '../../../..');
const inputs = JSON.parse(readFileSync(join(root, 'test/fixtures/report/inputs.json'), 'utf8')) as ReportInputs;

/** The custom properties of each `:root{…}` rule in the page's style, by rule. */
function rootRules(html: string): Map<string, string>[] {
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
  return [...style.matchAll(/:root\{([^}]*)\}/g)].map(
    (match) => new Map(match[1].split(';').filter(Boolean).map((declaration) => {
      const colon = declaration.indexOf(':');
      return [declaration.slice(0, colon), declaration.slice(colon + 1)] as [string, string];
    })),
  );
}

/** The value a custom property takes when no `--vscode-*` variable is defined (the CLI's standalone file). */
function standalone(value: string): string {
  let current = value.trim();
  while (current.startsWith('var(')) current = current.slice(current.indexOf(',') + 1, current.lastIndexOf(')')).trim();
  return current;
}

describe('report HTML theming', () => {
  const html = renderHtml(buildScorecard(inputs));
  const [light, dark] = rootRules(html);

  it('takes every colour from the VS Code theme when the webview defines --vscode-* variables', () => {
    assert.ok(light && dark, 'a light and a dark :root rule');
    for (const rule of [light, dark]) {
      assert.ok(rule.size >= 10, [...rule.keys()].join(','));
      for (const [name, value] of rule) {
        assert.match(value, /^var\(--vscode-[\w-]+, /, `${name} reads a theme variable`);
        const opened = value.split('(').length - 1;
        const closed = value.split(')').length - 1;
        assert.equal(opened, closed, `${name}: balanced parentheses in ${value}`);
      }
    }
    assert.match(light.get('--bg') ?? '', /^var\(--vscode-editor-background, #ffffff\)$/);
    assert.match(html, /font-family:var\(--vscode-font-family,/);
  });

  it('falls back to a light palette and, for a dark preference, a dark one when standalone', () => {
    assert.equal(standalone(light.get('--bg')!), '#ffffff');
    assert.equal(standalone(dark.get('--bg')!), '#0d1117');
    assert.equal(standalone(light.get('--border')!), '#d1d9e0');
    assert.match(html, /@media \(prefers-color-scheme: dark\)\{:root\{/);
    // Every colour used by a class is one of the themed properties.
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    for (const used of new Set([...style.matchAll(/var\((--[a-z]+)\)/g)].map((match) => match[1]))) {
      assert.ok(light.has(used) && dark.has(used), `${used} is defined in both palettes`);
    }
  });
});
