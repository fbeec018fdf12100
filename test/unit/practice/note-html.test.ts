import * as assert from 'node:assert/strict';
import { renderNoteHtml } from '../../../src/core/practice/note-html';

describe('Practice client: note HTML', () => {
  it('renders the note as Markdown', () => {
    const html = renderNoteHtml('# Rewrite from your note\n\n## What it does\n\n`retryDelay` doubles the **wait** per attempt.\n');
    assert.match(html, /<h1>Rewrite from your note<\/h1>/);
    assert.match(html, /<code>retryDelay<\/code> doubles the <strong>wait<\/strong>/);
  });

  it('drops the template hints and shows other raw HTML as text', () => {
    const html = renderNoteHtml('## Failure modes\n\n<!-- Your answer, in your own words. -->\n\nSee <img src=x onerror=alert(1)> and <script>alert(1)</script>\n');
    assert.doesNotMatch(html, /Your answer, in your own words/);
    assert.doesNotMatch(html, /<img|<script/);
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  });

  it('keeps web links and turns other links and images into text', () => {
    const html = renderNoteHtml('[docs](https://example.com/retry) [run](javascript:alert(1)) [file](command:workbench.action.quit) ![diagram](https://example.com/d.png)');
    assert.match(html, /<a href="https:\/\/example\.com\/retry">docs<\/a>/);
    assert.doesNotMatch(html, /javascript:|command:/);
    assert.doesNotMatch(html, /<img/);
    assert.match(html, /run file diagram/);
  });
});
