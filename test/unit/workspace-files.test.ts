import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { compileGlobs } from '../../src/core/policy/paths';
import { isProbablyBinary, listWorkspaceFiles, readWorkspaceTextFile, readWorkspaceTextFileSync } from '../../src/core/workspace/files';

function write(root: string, relativePath: string, content: string | Buffer): void {
  const path = join(root, relativePath);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

function git(root: string, ...args: string[]): void {
  execFileSync('git', args, {
    cwd: root,
    stdio: 'ignore',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid' },
  });
}

/** A small project: sources, a build output, installed packages and a local env file. */
function scaffold(root: string): void {
  write(root, 'src/index.ts', 'export const a = 1;\n');
  write(root, 'src/auth/login.ts', 'export function login() {}\n');
  write(root, 'src/generated/api.ts', '// generated\n');
  write(root, 'dist/index.js', 'exports.a = 1;\n');
  write(root, 'node_modules/left-pad/index.js', 'module.exports = 1;\n');
  write(root, '.env.local', 'TOKEN=x\n');
  write(root, '.github/workflows/ci.yml', 'on: push\n');
  write(root, 'docs/guide with space.md', '# Guide\n');
  write(root, 'docs/ünïcode.md', '# Ü\n');
  write(root, '.gitignore', 'dist/\nnode_modules/\n.env.local\n');
}

describe('workspace files', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'comprehension-files-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lets the event loop run while it lists a large tree, in git and by walking (a server keeps answering)', async () => {
    // A folder per file: a walk reads each folder once (and stats no file), git's listing is stat'ed file by file.
    for (let folder = 0; folder < 1200; folder++) write(root, `pkg${folder}/f.js`, 'x\n');
    for (const inGit of [false, true]) {
      if (inGit) git(root, 'init', '-q');
      let listed = false;
      let turnsDuringListing = 0;
      const count = (): void => {
        if (listed) return;
        turnsDuringListing++;
        setImmediate(count);
      };
      setImmediate(count);
      const list = await listWorkspaceFiles(root, { respectGitignore: true });
      listed = true;
      assert.equal(list.files.length, 1200);
      assert.equal(list.source, inGit ? 'git' : 'walk');
      // 1,200 folders read (a walk) or files stat'ed (git) in slices of 256: the loop turns between them (and while git runs).
      assert.ok(turnsDuringListing >= 4, `the event loop turned ${turnsDuringListing} times`);
    }
  });

  it('lists tracked and untracked files in a git repository, leaving out what .gitignore ignores', async () => {
    scaffold(root);
    git(root, 'init', '-q');
    git(root, 'add', 'src/index.ts', '.gitignore');
    git(root, 'commit', '-q', '-m', 'init');
    const list = await listWorkspaceFiles(root, { respectGitignore: true });
    assert.equal(list.source, 'git');
    assert.deepEqual(list.files, [
      '.github/workflows/ci.yml',
      '.gitignore',
      'docs/guide with space.md',
      'docs/ünïcode.md',
      'src/auth/login.ts',
      'src/generated/api.ts',
      'src/index.ts',
    ]);
  });

  it('drops files deleted from the working tree and applies the policy ignore globs', async () => {
    scaffold(root);
    git(root, 'init', '-q');
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'init');
    unlinkSync(join(root, 'src/auth/login.ts'));
    const list = await listWorkspaceFiles(root, { respectGitignore: true, isIgnored: compileGlobs(['src/generated', '**/*.md']) });
    assert.deepEqual(list.files, ['.github/workflows/ci.yml', '.gitignore', 'src/index.ts']);
  });

  it('lists only the subtree when the root is a folder inside a repository', async () => {
    scaffold(root);
    git(root, 'init', '-q');
    const list = await listWorkspaceFiles(join(root, 'src'), { respectGitignore: true });
    assert.equal(list.source, 'git');
    assert.deepEqual(list.files, ['auth/login.ts', 'generated/api.ts', 'index.ts']);
  });

  it('walks the folder outside git, skipping .git and node_modules and ignored folders', async () => {
    scaffold(root);
    write(root, '.git/config', '[core]\n'); // not a real repository: git refuses it, the walk must skip it
    const list = await listWorkspaceFiles(root, { respectGitignore: true, isIgnored: compileGlobs(['dist']) });
    assert.equal(list.source, 'walk');
    assert.deepEqual(list.files, [
      '.env.local',
      '.github/workflows/ci.yml',
      '.gitignore',
      'docs/guide with space.md',
      'docs/ünïcode.md',
      'src/auth/login.ts',
      'src/generated/api.ts',
      'src/index.ts',
    ]);
  });

  it('walks instead of asking git when respectGitignore is off', async () => {
    scaffold(root);
    git(root, 'init', '-q');
    const list = await listWorkspaceFiles(root, { respectGitignore: false });
    assert.equal(list.source, 'walk');
    assert.ok(list.files.includes('dist/index.js'), 'gitignored files are listed');
    assert.ok(list.files.includes('.env.local'));
    assert.ok(!list.files.some((path) => path.startsWith('node_modules/') || path.startsWith('.git/')));
  });

  it('skips files over the size limit and says which', async () => {
    write(root, 'small.ts', 'x');
    write(root, 'big.min.js', 'x'.repeat(2048));
    const list = await listWorkspaceFiles(root, { respectGitignore: false, maxFileSizeBytes: 1024 });
    assert.deepEqual(list.files, ['small.ts']);
    assert.deepEqual(list.skipped, [{ path: 'big.min.js', reason: 'too-large', size: 2048 }]);
  });

  it('leaves out symbolic links in both modes', async function () {
    write(root, 'real.ts', 'x');
    try {
      symlinkSync(join(root, 'real.ts'), join(root, 'link.ts'));
      symlinkSync(root, join(root, 'loop'));
    } catch {
      this.skip(); // No permission to create links on this system.
    }
    // Without a size to filter on, a walk takes each entry's kind from its folder's listing: a FIFO is no regular file either.
    execFileSync('mkfifo', [join(root, 'pipe.ts')]);
    assert.deepEqual((await listWorkspaceFiles(root, { respectGitignore: false })).files, ['real.ts']);
    assert.deepEqual((await listWorkspaceFiles(root, { respectGitignore: false, maxFileSizeBytes: 1024 })).files, ['real.ts']);
    git(root, 'init', '-q');
    assert.deepEqual((await listWorkspaceFiles(root, { respectGitignore: true })).files, ['real.ts']);
  });

  it('tells binary from text', () => {
    assert.equal(isProbablyBinary(Buffer.from('const a = "héllo wörld 😀";\n', 'utf8')), false);
    assert.equal(isProbablyBinary(Buffer.alloc(0)), false);
    assert.equal(isProbablyBinary(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00])), true, 'PNG header');
    assert.equal(isProbablyBinary(Buffer.from('\0\0\0\x01text\0\0more', 'latin1')), true, 'mostly NUL and control bytes');
    assert.equal(isProbablyBinary(Buffer.from('const key = "x";\0 // a stray NUL in a config file\n'.repeat(3), 'latin1')), false, 'one NUL a line stays text');
    // Latin-1 text has a few invalid UTF-8 bytes: still text.
    assert.equal(isProbablyBinary(Buffer.from('Le café est très bon, merci beaucoup pour la soirée.\n'.repeat(10), 'latin1')), false);
    const noise = Buffer.alloc(4096);
    for (let index = 0; index < noise.length; index++) noise[index] = 0x80 + ((index * 37) % 0x7f);
    assert.equal(isProbablyBinary(noise), true, 'high bytes without valid sequences');
  });

  it('does not count a multi-byte character cut at the 8 KiB edge, and looks no further than 8 KiB', () => {
    const text = Buffer.concat([Buffer.from('a'.repeat(8 * 1024 - 1)), Buffer.from('é', 'utf8')]);
    assert.equal(isProbablyBinary(text), false);
    const lateNul = Buffer.concat([Buffer.from('a'.repeat(9000)), Buffer.from([0])]);
    assert.equal(isProbablyBinary(lateNul), false);
  });

  it('reads text files, and refuses binary and oversized ones', async () => {
    write(root, 'a.ts', '\ufeffconst a = 1;\n');
    write(root, 'image.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));
    write(root, 'huge.txt', 'x'.repeat(100));
    assert.deepEqual(await readWorkspaceTextFile(join(root, 'a.ts')), { kind: 'text', text: 'const a = 1;\n' });
    assert.deepEqual(await readWorkspaceTextFile(join(root, 'image.png')), { kind: 'binary' });
    assert.deepEqual(await readWorkspaceTextFile(join(root, 'huge.txt'), { maxFileSizeBytes: 10 }), { kind: 'too-large', size: 11 });
  });

  it('reads one file after another into a reused buffer without mixing them up, whatever their sizes', () => {
    // Sizes around the first read's buffer (64 KiB), a multi-byte character across it, and past the
    // largest read served from the reused buffer (4 MiB), in an order that shrinks and grows it.
    const contents = [
      'a'.repeat(70_000),
      'short',
      'é'.repeat(40_000),
      `${'b'.repeat(65_535)}€${'c'.repeat(10)}`,
      '',
      'd'.repeat(4 * 1024 * 1024 + 3),
      'tail',
      'e'.repeat(65_536),
    ];
    contents.forEach((text, index) => write(root, `f${index}.txt`, text));
    const texts = contents.map((_, index) => readWorkspaceTextFileSync(join(root, `f${index}.txt`), { maxFileSizeBytes: 8 * 1024 * 1024 }));
    texts.forEach((read, index) => assert.ok(read.kind === 'text' && read.text === contents[index], `f${index}.txt read back as written`));
    // The same files once more, each text still whole after the reads that followed it.
    const again = contents.map((_, index) => readWorkspaceTextFileSync(join(root, `f${index}.txt`), { maxFileSizeBytes: 8 * 1024 * 1024 }));
    assert.deepEqual(again, texts);
    assert.equal(readWorkspaceTextFileSync(join(root, 'f5.txt'), { maxFileSizeBytes: 4 * 1024 * 1024 }).kind, 'too-large');
  });
});
