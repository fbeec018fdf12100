import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  engines: { vscode: string };
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string; description: string }; virtualWorkspaces: { supported: boolean; description: string } };
  contributes: { commands: Array<{ command: string; category?: string; title: string }>; configuration: { properties: Record<string, { default?: unknown; markdownDescription?: string }> } };
};

describe('extension manifest', () => {
  it('every setting has a default and a markdownDescription, and the README documents it', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const [key, setting] of Object.entries(manifest.contributes.configuration.properties)) {
      assert.ok(key.startsWith('comprehension.'), key);
      assert.ok('default' in setting, `${key} has a default`);
      assert.ok((setting.markdownDescription ?? '').length > 10, `${key} has a markdownDescription`);
      assert.ok(readme.includes(`\`${key}\``), `README documents ${key} (node scripts/readme-settings.mjs)`);
    }
  });

  it('every command is in the Comprehension category', () => {
    for (const command of manifest.contributes.commands) assert.equal(command.category, 'Comprehension', command.command);
  });

  it('targets VS Code no newer than the test host (1.139) and declares trust honestly', () => {
    const minimum = /\^1\.(\d+)\./.exec(manifest.engines.vscode);
    assert.ok(minimum && Number(minimum[1]) <= 139, manifest.engines.vscode);
    assert.deepEqual(manifest.activationEvents, ['onStartupFinished']);
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.match(manifest.capabilities.untrustedWorkspaces.description, /custom rules/);
    assert.equal(manifest.capabilities.virtualWorkspaces.supported, false);
  });

  it('.vscodeignore is an allow-list', () => {
    const lines = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n').filter((line) => line && !line.startsWith('#'));
    assert.equal(lines[0], '**');
    assert.ok(lines.slice(1).every((line) => line.startsWith('!')));
  });
});
