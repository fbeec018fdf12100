import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
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

  it('contributes one walkthrough whose steps have media that exist and ship, and completion events', () => {
    const full = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      publisher: string;
      name: string;
      contributes: {
        commands: Array<{ command: string }>;
        views: Record<string, Array<{ id: string }>>;
        walkthroughs: Array<{ id: string; title: string; steps: Array<{ id: string; title: string; description: string; media: { markdown?: string; image?: string | Record<string, string>; svg?: string }; completionEvents?: string[] }> }>;
      };
    };
    const { walkthroughs } = full.contributes;
    assert.equal(walkthroughs.length, 1);
    assert.equal(walkthroughs[0].title, 'Get started with Comprehension First');
    assert.deepEqual(walkthroughs[0].steps.map((step) => step.title), ['See an AI block', 'Explain it', 'Fix a finding', 'Start practice']);
    const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n');
    assert.ok(ignore.includes('!media/**'), 'media/** ships');
    const commands = new Set(full.contributes.commands.map((command) => command.command));
    const views = new Set(Object.values(full.contributes.views).flat().map((view) => view.id));
    for (const step of walkthroughs[0].steps) {
      const media = [step.media.markdown, step.media.svg, ...(typeof step.media.image === 'string' ? [step.media.image] : Object.values(step.media.image ?? {}))].filter((path): path is string => Boolean(path));
      assert.ok(media.length > 0, `${step.id} has media`);
      for (const path of media) {
        assert.match(path, /^media\//, `${step.id}: ${path} is under media/ (shipped)`);
        assert.ok(existsSync(join(root, path)), `${step.id}: ${path} exists`);
        assert.ok(statSync(join(root, path)).size < 64 * 1024, `${step.id}: ${path} is small`);
      }
      assert.ok(/\]\(command:/.test(step.description), `${step.id} has a command link`);
      // Links and completion events name our commands (or the workbench's) and our views.
      for (const [, command] of step.description.matchAll(/\]\(command:([\w.]+)/g)) {
        assert.ok(commands.has(command) || command === 'comprehension.aiBlocks.focus' || command.startsWith('workbench.'), `${step.id}: ${command} exists`);
      }
      assert.ok((step.completionEvents ?? []).length > 0, `${step.id} has a completion event`);
      for (const event of step.completionEvents ?? []) {
        const [kind, id] = event.split(':');
        if (kind === 'onCommand') assert.ok(commands.has(id) || id.startsWith('workbench.'), `${step.id}: ${event}`);
        else if (kind === 'onView') assert.ok(views.has(id), `${step.id}: ${event}`);
        else assert.fail(`${step.id}: unexpected completion event ${event}`);
      }
    }
  });

  it('inline actions of the AI Blocks view have icons, so their titles do not crowd the rows', () => {
    const full = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      contributes: { commands: Array<{ command: string; icon?: string }>; menus: Record<string, Array<{ command: string; group?: string }>> };
    };
    const inline = full.contributes.menus['view/item/context'].filter((item) => item.group?.startsWith('inline'));
    assert.ok(inline.length > 0);
    for (const item of inline) {
      const command = full.contributes.commands.find((candidate) => candidate.command === item.command);
      assert.match(command?.icon ?? '', /^\$\([\w-]+\)$/, `${item.command} has a codicon`);
    }
  });

  it('.vscodeignore is an allow-list', () => {
    const lines = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n').filter((line) => line && !line.startsWith('#'));
    assert.equal(lines[0], '**');
    assert.ok(lines.slice(1).every((line) => line.startsWith('!')));
  });
});
