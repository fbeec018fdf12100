import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { locateEdits, parseCopilotHook } from '../../../src/cli/commands/hook-payloads';
import { lineHashes } from '../../../src/core/provenance/hash';
import { cli, git, ranges, records, tempRepo, write } from './run-cli';
import { SERVER } from './agent-hooks-fixture';
import { claudeInput } from './agent-hooks-fixture';

/** What Claude Code's Edit tool does to the file: replace `old` by `neu` once. */
function applyEdit(root: string, path: string, old: string, neu: string): void {
  const text = readFileSync(join(root, path), 'utf8');
  assert.ok(text.includes(old), 'the edit applies');
  write(root, path, text.replace(old, neu));
}


function snapshots(root: string): string[] {
  const folder = join(root, '.comprehension/.cache/hooks');
  return existsSync(folder) ? readdirSync(folder).filter((name) => !name.startsWith('.')) : [];
}

describe('CLI hooks', () => {
  let root: string;

  beforeEach(() => {
    root = tempRepo('cf-hooks-');
    write(root, 'src/server.ts', `${SERVER.join('\n')}\n`);
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  describe('hooks install', () => {
    it('merges Claude Code hooks into .claude/settings.json, keeping what is there, and installing twice adds nothing', async () => {
      const existing = {
        permissions: { allow: ['Bash(npm test:*)'] },
        hooks: {
          PostToolUse: [{ matcher: 'Write|Edit', hooks: [{ type: 'command', command: 'npx prettier --write "$CLAUDE_FILE"' }] }],
          Stop: [{ hooks: [{ type: 'command', command: 'say done' }] }],
        },
      };
      write(root, '.claude/settings.json', JSON.stringify(existing, null, 2));
      const first = await cli(root, ['hooks', 'install', 'claude']);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /^Wrote the hook launcher \.comprehension\/bin\/comprehension-hook .*\nInstalled claude hooks in \.claude\/settings\.json \(runs 'sh "\$\{CLAUDE_PROJECT_DIR:-\.\}\/\.comprehension\/bin\/comprehension-hook" hook claude'\)\.\n/);
      const settings = JSON.parse(readFileSync(join(root, '.claude/settings.json'), 'utf8'));
      assert.deepEqual(settings.permissions, existing.permissions);
      assert.deepEqual(settings.hooks.Stop, existing.hooks.Stop);
      const ours = { matcher: 'Write|Edit|MultiEdit|Bash', hooks: [{ type: 'command', command: 'sh "${CLAUDE_PROJECT_DIR:-.}/.comprehension/bin/comprehension-hook" hook claude', timeout: 30 }] };
      assert.deepEqual(settings.hooks.PreToolUse, [ours]);
      assert.deepEqual(settings.hooks.PostToolUse, [existing.hooks.PostToolUse[0], ours]);

      const before = readFileSync(join(root, '.claude/settings.json'), 'utf8');
      const second = await cli(root, ['hooks', 'install', 'claude']);
      assert.match(second.stdout, /^Already installed: claude hooks/);
      assert.equal(readFileSync(join(root, '.claude/settings.json'), 'utf8'), before, 'byte for byte the same');

      // Another way of starting the CLI replaces our command; it is not added a second time.
      const bundled = await cli(root, ['hooks', 'install', 'claude', '--command', 'node /opt/ext/dist/cli.js']);
      assert.match(bundled.stdout, /^Updated claude hooks/);
      const updated = JSON.parse(readFileSync(join(root, '.claude/settings.json'), 'utf8'));
      assert.equal(updated.hooks.PreToolUse.length, 1);
      assert.equal(updated.hooks.PostToolUse.length, 2);
      assert.equal(updated.hooks.PostToolUse[1].hooks[0].command, 'node /opt/ext/dist/cli.js hook claude');
    });

    it('writes Cursor and Copilot hook files in their formats, keeping other hooks', async () => {
      write(root, '.cursor/hooks.json', JSON.stringify({ version: 1, hooks: { beforeShellExecution: [{ command: './guard.sh' }], afterFileEdit: [{ command: './format.sh' }] } }));
      const run = await cli(root, ['hooks', 'install', 'cursor', 'copilot']);
      assert.equal(run.code, 0, run.stderr);
      const cursor = JSON.parse(readFileSync(join(root, '.cursor/hooks.json'), 'utf8'));
      assert.deepEqual(cursor, {
        version: 1,
        hooks: {
          beforeShellExecution: [{ command: './guard.sh' }],
          afterFileEdit: [{ command: './format.sh' }, { command: 'sh .comprehension/bin/comprehension-hook hook cursor' }],
          afterTabFileEdit: [{ command: 'sh .comprehension/bin/comprehension-hook hook cursor' }],
          preToolUse: [{ command: 'sh .comprehension/bin/comprehension-hook hook cursor' }],
          postToolUse: [{ command: 'sh .comprehension/bin/comprehension-hook hook cursor' }],
        },
      });
      const copilot = JSON.parse(readFileSync(join(root, '.github/hooks/comprehension.json'), 'utf8'));
      // The launcher is POSIX sh; PowerShell starts the CLI from PATH.
      const entry = { type: 'command', bash: 'sh .comprehension/bin/comprehension-hook hook copilot', powershell: 'comprehension hook copilot', cwd: '.', timeoutSec: 30 };
      assert.deepEqual(copilot, { version: 1, hooks: { preToolUse: [entry], postToolUse: [entry] } });
      const again = await cli(root, ['hooks', 'install', 'cursor', 'copilot']);
      assert.match(again.stdout, /^Already installed: cursor hooks.*\nAlready installed: copilot hooks/);
      assert.equal(JSON.parse(readFileSync(join(root, '.cursor/hooks.json'), 'utf8')).hooks.afterFileEdit.length, 2);
    });

    it('makes git ignore the snapshot cache', async () => {
      write(root, '.comprehension/.gitignore', 'local-notes/');
      await cli(root, ['hooks', 'install', 'claude']);
      assert.equal(readFileSync(join(root, '.comprehension/.gitignore'), 'utf8'), 'local-notes/\n.cache/\n');
      write(root, '.comprehension/.cache/hooks/x.json', '{}');
      assert.equal(git(root, ['check-ignore', '.comprehension/.cache/hooks/x.json']).trim(), '.comprehension/.cache/hooks/x.json');
      await cli(root, ['hooks', 'install', 'cursor']);
      assert.equal(readFileSync(join(root, '.comprehension/.gitignore'), 'utf8'), 'local-notes/\n.cache/\n', 'added once');
    });

    it('leaves a broken settings file alone and exits 2', async () => {
      write(root, '.claude/settings.json', '{ "hooks": { ');
      const run = await cli(root, ['hooks', 'install', 'claude']);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /\.claude\/settings\.json is not valid JSON/);
      assert.equal(readFileSync(join(root, '.claude/settings.json'), 'utf8'), '{ "hooks": { ');
      assert.equal((await cli(root, ['hooks', 'install', 'windsurf'])).code, 2);
      assert.equal((await cli(root, ['hooks', 'uninstall', 'claude'])).code, 2);
      assert.equal((await cli(root, ['hooks'])).code, 2);
    });
  });

  describe('hook claude', () => {
    it('PreToolUse then PostToolUse of an Edit records exactly the lines the edit added', async () => {
      const old = "  res.json({ status: 'ok' });";
      const neu = ["  const uptime = process.uptime();", "  res.json({ status: 'ok', uptime });"].join('\n');
      const input = { file_path: join(root, 'src/server.ts'), old_string: old, new_string: neu, replace_all: false };
      const pre = await cli(root, ['hook', 'claude'], claudeInput(root, 'PreToolUse', 'Edit', input));
      assert.deepEqual([pre.code, pre.stdout, pre.stderr], [0, '', '']);
      assert.equal(snapshots(root).length, 1, 'the file was saved before the edit');
      assert.match(readFileSync(join(root, '.comprehension/.gitignore'), 'utf8'), /^\.cache\/$/m);

      applyEdit(root, 'src/server.ts', old, neu);
      const post = await cli(root, ['hook', 'claude'], claudeInput(root, 'PostToolUse', 'Edit', input));
      assert.deepEqual([post.code, post.stdout, post.stderr], [0, '', '']);
      assert.deepEqual(ranges(root), ['src/server.ts:6-7']);
      const [record] = records(root);
      const meta = record.metadata.comprehension;
      assert.deepEqual([meta.agent, meta.source, meta.confidence, meta.editKind], ['claude-code', 'agent-write', 'certain', 'agent-hook']);
      assert.deepEqual(meta.lineHashes, lineHashes(neu.split('\n')));
      assert.deepEqual(snapshots(root), [], 'the snapshot is removed once used');

      // A later edit two lines below is a block of its own; one right below grows the first block.
      const edit = async (id: string, oldText: string, newText: string): Promise<void> => {
        const toolInput = { file_path: join(root, 'src/server.ts'), old_string: oldText, new_string: newText };
        await cli(root, ['hook', 'claude'], claudeInput(root, 'PreToolUse', 'Edit', toolInput, id));
        applyEdit(root, 'src/server.ts', oldText, newText);
        await cli(root, ['hook', 'claude'], claudeInput(root, 'PostToolUse', 'Edit', toolInput, id));
      };
      await edit('toolu_01B', '});\n\napp.listen(3000);', '});\n\napp.use(express.json());\napp.listen(3000);');
      assert.deepEqual(ranges(root), ['src/server.ts:6-7', 'src/server.ts:10-10'], 'lines 8-9 are unchanged, so the blocks stay apart');
      await edit('toolu_01C', "  res.json({ status: 'ok', uptime });\n", "  res.json({ status: 'ok', uptime });\n  res.end();\n");
      assert.deepEqual(ranges(root), ['src/server.ts:6-8', 'src/server.ts:11-11']);
      assert.equal(records(root)[0].id, record.id, 'the first block grew');
    });

    it('a Write that creates a file records all of its lines; the model is kept when the input has one', async () => {
      const content = "export function add(a: number, b: number): number {\n  return a + b;\n}\n";
      const input = { file_path: join(root, 'src/math.ts'), content };
      await cli(root, ['hook', 'claude'], claudeInput(root, 'PreToolUse', 'Write', input));
      write(root, 'src/math.ts', content);
      const post = JSON.parse(claudeInput(root, 'PostToolUse', 'Write', input)) as Record<string, unknown>;
      post.model = 'claude-opus-4-1';
      const run = await cli(root, ['hook', 'claude', '--verbose'], JSON.stringify(post));
      assert.equal(run.code, 0);
      assert.match(run.stderr, /^comprehension hook: added src\/math\.ts:1-3 /m);
      assert.deepEqual(ranges(root), ['src/math.ts:1-3']);
      assert.equal(records(root)[0].files[0].conversations[0].contributor.model_id, 'claude-opus-4-1');
    });

    it('an edit that only deletes lines records nothing but moves the blocks below it', async () => {
      await cli(root, ['mark', '--file', 'src/server.ts', '--lines', '5-7', '--agent', 'cursor']);
      const input = { file_path: join(root, 'src/server.ts'), old_string: "import express from 'express';\n\n", new_string: "import express from 'express';\n" };
      await cli(root, ['hook', 'claude'], claudeInput(root, 'PreToolUse', 'Edit', input));
      applyEdit(root, 'src/server.ts', input.old_string, input.new_string);
      await cli(root, ['hook', 'claude'], claudeInput(root, 'PostToolUse', 'Edit', input));
      assert.deepEqual(ranges(root), ['src/server.ts:4-6']);
      assert.equal(records(root)[0].metadata.comprehension.agent, 'cursor');
    });

    it('without a snapshot (no PreToolUse hook) it finds the new text in the file', async () => {
      const old = 'app.listen(3000);';
      const neu = "const port = Number(process.env.PORT ?? 3000);\napp.listen(port);";
      applyEdit(root, 'src/server.ts', old, neu);
      const run = await cli(root, ['hook', 'claude'], claudeInput(root, 'PostToolUse', 'Edit', { file_path: join(root, 'src/server.ts'), old_string: old, new_string: neu }));
      assert.equal(run.code, 0);
      assert.deepEqual(ranges(root), ['src/server.ts:9-10']);
    });

    it('ignores other tools and the product\'s own files', async () => {
      const read = await cli(root, ['hook', 'claude', '--verbose'], claudeInput(root, 'PreToolUse', 'Read', { file_path: join(root, 'src/server.ts') }));
      assert.match(read.stderr, /ignored: tool Read does not write files/);
      const note = { file_path: join(root, '.comprehension/notes/x.md'), content: '# note\n' };
      await cli(root, ['hook', 'claude'], claudeInput(root, 'PreToolUse', 'Write', note));
      write(root, '.comprehension/notes/x.md', '# note\n');
      await cli(root, ['hook', 'claude'], claudeInput(root, 'PostToolUse', 'Write', note));
      assert.deepEqual(records(root), []);
      assert.deepEqual(snapshots(root), []);
    });

    it('never fails the agent: bad input, unknown agents and internal errors exit 0 with a message', async () => {
      for (const [args, stdin, message] of [
        [['hook', 'claude'], 'not json', /not JSON/],
        [['hook', 'claude'], '', /no hook input/],
        [['hook', 'windsurf'], '{}', /which agent\?/],
        [['hook', 'claude', '--bogus'], '{}', /unknown option --bogus/],
      ] as [string[], string, RegExp][]) {
        const run = await cli(root, args, stdin);
        assert.equal(run.code, 0, args.join(' '));
        assert.equal(run.stdout, '');
        assert.match(run.stderr, message);
      }
      // A record file that cannot be read makes the store refuse to write it: still exit 0.
      write(root, '.comprehension/provenance/broken.json', '{ nope');
      write(root, 'src/server.ts', `${SERVER.join('\n')}\n// added\n`);
      const run = await cli(root, ['hook', 'claude'], claudeInput(root, 'PostToolUse', 'Edit', { file_path: join(root, 'src/server.ts'), old_string: '', new_string: '// added\n' }));
      assert.equal(run.code, 0);
    });
  });

  describe('hook cursor', () => {
    it('afterFileEdit records the changed lines of each edit, found in the file, with the model', async () => {
      const old = "app.get('/health', (_req, res) => {\n  res.json({ status: 'ok' });\n});";
      const neu = "app.get('/health', (_req, res) => {\n  res.set('Cache-Control', 'no-store');\n  res.json({ status: 'ok' });\n});";
      applyEdit(root, 'src/server.ts', old, neu);
      const input = {
        conversation_id: '668320d2-2fd8-4888-b33c-2a466fec86e7',
        generation_id: '490b90b7-a2ce-4c2c-bb76-cb77b125df2f',
        hook_event_name: 'afterFileEdit',
        workspace_roots: [root],
        model: 'gpt-5',
        cursor_version: '1.7.2',
        file_path: join(root, 'src/server.ts'),
        edits: [
          { old_string: old, new_string: neu },
          { old_string: '', new_string: '});' }, // occurs twice after the edit: which one is unknown
        ],
      };
      const run = await cli(root, ['hook', 'cursor', '--verbose'], JSON.stringify(input));
      assert.equal(run.code, 0);
      assert.match(run.stderr, /1 edit\(s\) of src\/server\.ts wrote text found more than once; not recorded/);
      assert.deepEqual(ranges(root), ['src/server.ts:6-6'], 'only the added line, not the context around it');
      const [record] = records(root);
      assert.equal(record.metadata.comprehension.agent, 'cursor');
      assert.equal(record.files[0].conversations[0].contributor.model_id, 'gpt-5');
    });
  });

  describe('hook copilot', () => {
    it('preToolUse then postToolUse of an edit records the changed lines; failed tools and other tools record nothing', async () => {
      const path = join(root, 'src/server.ts');
      const args = JSON.stringify({ path, old_str: 'app.listen(3000);', new_str: "app.listen(3000, () => console.log('listening'));" });
      const pre = { timestamp: 1704614600000, cwd: root, toolName: 'edit', toolArgs: args };
      assert.equal((await cli(root, ['hook', 'copilot'], JSON.stringify(pre))).code, 0);
      applyEdit(root, 'src/server.ts', 'app.listen(3000);', "app.listen(3000, () => console.log('listening'));");
      const post = { ...pre, timestamp: 1704614700000, toolResult: { resultType: 'success', textResultForLlm: 'File edited' } };
      assert.equal((await cli(root, ['hook', 'copilot'], JSON.stringify(post))).code, 0);
      assert.deepEqual(ranges(root), ['src/server.ts:9-9']);
      assert.equal(records(root)[0].metadata.comprehension.agent, 'github-copilot');

      const create = JSON.stringify({ path: join(root, 'src/config.ts'), file_text: 'export const PORT = 3000;\n' });
      await cli(root, ['hook', 'copilot'], JSON.stringify({ cwd: root, toolName: 'create', toolArgs: create }));
      await cli(root, ['hook', 'copilot'], JSON.stringify({ cwd: root, toolName: 'create', toolArgs: create, toolResult: { resultType: 'denied', textResultForLlm: 'denied' } }));
      const view = await cli(root, ['hook', 'copilot', '--verbose'], JSON.stringify({ cwd: root, toolName: 'view', toolArgs: JSON.stringify({ path }) }));
      assert.match(view.stderr, /ignored: tool view does not write files/);
      assert.deepEqual(ranges(root), ['src/server.ts:9-9']);
      assert.deepEqual(snapshots(root), []);
    });

    it('reads VS Code\'s form of the input too', () => {
      const parsed = parseCopilotHook({ hook_event_name: 'PostToolUse', tool_name: 'replace_string_in_file', tool_input: { filePath: '/w/a.ts', oldString: 'a', newString: 'b' }, tool_use_id: 't1', cwd: '/w' });
      assert.deepEqual(parsed, { kind: 'event', event: { phase: 'after', files: [{ path: '/w/a.ts', edits: [{ oldText: 'a', newText: 'b' }] }], cwd: '/w', callId: 't1' } });
    });
  });

  describe('locating edits without a snapshot', () => {
    it('counts only lines that differ from the old text, and skips text that is gone or repeated', () => {
      const file = 'a\nb\nNEW1\nNEW2\nc\nd\nx\nx\n';
      assert.deepEqual(locateEdits(file, [{ oldText: 'b\nold\nc', newText: 'b\nNEW1\nNEW2\nc' }]), { ranges: [{ startLine: 3, endLine: 4 }], ambiguous: 0, missing: 0 });
      assert.deepEqual(locateEdits(file, [{ oldText: '', newText: 'x' }, { oldText: 'y', newText: 'zzz' }, { oldText: 'gone', newText: '' }]), { ranges: [], ambiguous: 1, missing: 1 });
    });
  });

  it('each command has --help text and is listed by --help', async () => {
    const help = await cli(root, ['--help']);
    for (const name of ['mark', 'hooks', 'hook', 'import', 'report']) assert.match(help.stdout, new RegExp(`^  ${name} +\\S`, 'm'), name);
    assert.match((await cli(root, ['hooks', '--help'])).stdout, /node <extension folder>\/dist\/cli\.js/);
    assert.match((await cli(root, ['hook', '--help'])).stdout, /Always exits 0/);
  });
});
