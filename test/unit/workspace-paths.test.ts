import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { workspaceRelativePath } from '../../src/core/workspace/paths';

describe('workspace-relative paths', () => {
  const root = join('/tmp', 'project');

  it('gives POSIX paths inside the root and the empty path for the root itself', () => {
    assert.equal(workspaceRelativePath(root, join(root, 'src', 'a.ts')), 'src/a.ts');
    assert.equal(workspaceRelativePath(root, join(root, 'src', '..', 'b.ts')), 'b.ts');
    assert.equal(workspaceRelativePath(`${root}/`, join(root, 'c.ts')), 'c.ts');
    assert.equal(workspaceRelativePath(root, root), '');
  });

  it('gives undefined outside the root, including a sibling sharing its name as a prefix', () => {
    assert.equal(workspaceRelativePath(root, join('/tmp', 'other.ts')), undefined);
    assert.equal(workspaceRelativePath(root, join('/tmp', 'project-two', 'a.ts')), undefined);
    assert.equal(workspaceRelativePath(root, '/'), undefined);
  });

  it('keeps a file whose name starts with two dots inside the root', () => {
    assert.equal(workspaceRelativePath(root, join(root, '..notes.md')), '..notes.md');
  });
});
