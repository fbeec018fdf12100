import * as assert from 'node:assert/strict';
import { workflowsSecretEchoed as rule } from '../../../src/core/rules/workflows/secret-echoed';
import { covered, findingLines, runWorkflow, yaml } from './workflows-harness';

describe('rule workflows/secret-echoed', () => {
  it('declares itself as a warning on workflows', () => {
    assert.equal(rule.id, 'workflows/secret-echoed');
    assert.equal(rule.kind, 'language');
    assert.equal(rule.defaultSeverity, 'warning');
  });

  it('reports secrets echoed to the log, encoded on the way, written to the summary or traced by set -x', () => {
    const text = yaml(
      'on: push',
      'jobs:',
      '  deploy:',
      '    runs-on: ubuntu-latest',
      '    env:',
      '      API_KEY: ${{ secrets.API_KEY }}',
      '    steps:',
      '      - run: echo "token is ${{ secrets.DEPLOY_TOKEN }}"',
      '      - run: |',
      '          echo "$API_KEY" | base64',
      '          printf "%s\\n" "${API_KEY}" >> "$GITHUB_STEP_SUMMARY"',
      '      - env:',
      '          SSH_KEY: ${{ secrets.SSH_KEY }}',
      '        run: |',
      '          set -eux',
      '          ssh-add - <<< "$SSH_KEY"',
      '      - run: |',
      '          cat <<EOF',
      '          key=${{ secrets.SIGNING_KEY }}',
      '          EOF',
      '      - run: if [ -n "$API_KEY" ]; then echo "key $API_KEY"; fi',
    );
    const findings = runWorkflow(rule, text);
    assert.deepEqual(findingLines(findings), [8, 10, 11, 15, 18, 21]);
    assert.equal(covered(text, findings[0]!), 'echo "token is ${{ secrets.DEPLOY_TOKEN }}"');
    assert.equal(findings[0]!.message, '`${{ secrets.DEPLOY_TOKEN }}` is written to the log. Anyone who can read the run reads it once it is transformed; do not print secrets.');
    assert.match(findings[1]!.message, /^`\$API_KEY` is written to the log, changed by `base64` so the log cannot mask it/);
    assert.match(findings[2]!.message, /^`\$\{API_KEY\}` is written to the job summary/);
    assert.match(findings[3]!.message, /^`set -eux` prints every following command with its variables expanded, `\$SSH_KEY` included/);
    assert.equal(covered(text, findings[4]!), 'cat <<EOF');
  });

  it('reports a file written with a secret and printed back by the same script', () => {
    const text = yaml(
      'on: push',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - name: Create .env development for CI',
      '        run: |',
      '          pwd',
      '          echo "${{ secrets.ENV_DEVELOPMENT }}" > .env.development',
      '          cat .env.development',
      '          cat package.json',
    );
    const findings = runWorkflow(rule, text);
    assert.deepEqual(findings.map((finding) => covered(text, finding)), ['cat .env.development']);
    assert.match(findings[0]!.message, /^`cat \.env\.development` prints `\.env\.development`, which holds `\$\{\{ secrets\.ENV_DEVELOPMENT \}\}`, to the log/);
  });

  it('reports toJSON(secrets) wherever it is', () => {
    const text = yaml(
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: some/action@0123456789abcdef0123456789abcdef01234567',
      '        with:',
      '          secrets: ${{ toJSON(secrets) }}',
    );
    const findings = runWorkflow(rule, text);
    assert.deepEqual(findingLines(findings), [8]);
    assert.equal(covered(text, findings[0]!), '${{ toJSON(secrets) }}');
  });

  it('accepts secrets passed as arguments, piped into the command that reads them, written to files or masked', () => {
    const text = yaml(
      'on: push',
      'jobs:',
      '  publish:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - env:',
      '          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}',
      '          DOCKER_PASSWORD: ${{ secrets.DOCKER_PASSWORD }}',
      '        run: |',
      '          echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc',
      '          echo "$DOCKER_PASSWORD" | docker login -u bot --password-stdin',
      '          echo "${{ secrets.GH_PAT }}" | gh auth login --with-token',
      '          curl -fsS -H "Authorization: Bearer $NPM_TOKEN" https://example.com/hook',
      '          echo "TOKEN=${{ secrets.TOKEN }}" >> "$GITHUB_ENV"',
      '          echo "::add-mask::${{ secrets.DERIVED }}"',
      '          echo "NPM_TOKEN is set: ${NPM_TOKEN:+yes}" 2>/dev/null > /dev/null',
      '          echo "publishing"  # uses $NPM_TOKEN below',
      '          npm publish',
      '          echo "${{ secrets.KUBE_CONFIG_STAGING }}" | base64 -d > kubeconfig',
      '          if [ -n "${{ secrets.KEYSTORE_BASE64 }}" ]; then echo "${{ secrets.KEYSTORE_BASE64 }}" | base64 -d > keystore.jks; fi',
      '          echo "${{ secrets.DEPLOY_KEY }}" > ~/.ssh/id_ed25519 && chmod 600 ~/.ssh/id_ed25519',
      '          cat ~/.ssh/known_hosts',
      '      - run: |',
      "          cat <<'EOF' > deploy.sh",
      '          key=${{ secrets.SIGNING_KEY }}',
      '          EOF',
      '          set -x',
      '          make build',
    );
    assert.deepEqual(runWorkflow(rule, text), []);
  });
});
