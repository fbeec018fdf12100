import * as assert from 'node:assert/strict';
import { loadGrammars } from '../../../src/core/languages/tree-sitter';
import { answerFactProblem, type ContainerFact, type ImageUserFact, type KnownFact, type PolicyFact, type UncheckedDownloadFact } from '../../../src/core/notes/fact-check';
import { languageBlockFacts, languageBlockQuestions } from '../../../src/core/notes/language-notes';

const ask = (path: string, text: string, startLine = 1, endLine = text.split('\n').length) =>
  (languageBlockQuestions(path, text, { startLine, endLine }, 10) ?? []).map((question) => [question.kind, question.line, question.text]);

describe('block questions for infrastructure files', () => {
  before(async () => loadGrammars(['terraform']));

  it('Terraform: what a policy allows and why `*`, who can reach a security group or a bucket', () => {
    const text = [
      'resource "aws_iam_policy" "deploy" {',
      '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })',
      '}',
      'resource "aws_security_group" "web" {',
      '  ingress {',
      '    from_port   = 22',
      '    to_port     = 22',
      '    protocol    = "tcp"',
      '    cidr_blocks = ["0.0.0.0/0"]',
      '  }',
      '}',
      'resource "aws_s3_bucket_acl" "site" {',
      '  acl = "public-read"',
      '}',
      'resource "aws_iam_role" "lambda" {',
      '  assume_role_policy = data.aws_iam_policy_document.assume.json',
      '}',
    ].join('\n');
    assert.deepEqual(ask('main.tf', text), [
      ['permissions', 2, 'What does `aws_iam_policy.deploy` allow, on which resources, and why does it need `*`?'],
      ['permissions', 15, 'Who can assume `aws_iam_role.lambda`, and what stops anyone else from doing so?'],
      ['exposure', 4, 'Who can reach what through `aws_security_group.web`, on which ports, and why from the whole internet?'],
      ['exposure', 12, 'Who can read or change the objects of the bucket behind `aws_s3_bucket_acl.site`, and is any of them private?'],
    ]);
    assert.deepEqual(ask('main.tf', text, 4, 11).map(([kind]) => kind), ['exposure'], 'only constructs that start in the block');
  });

  it('Kubernetes: which privileges and node mounts a container gets, and who reaches a public Service', () => {
    const text = `apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent }
spec:
  template:
    spec:
      hostPID: true
      containers:
        - name: agent
          image: agent:2
          securityContext: { privileged: true }
          volumeMounts: [{ name: sock, mountPath: /var/run/docker.sock }]
        - name: web
          image: web:1
      volumes:
        - name: sock
          hostPath: { path: /var/run/docker.sock }
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  type: LoadBalancer
`;
    assert.deepEqual(ask('agent.yaml', text), [
      ['exposure', 19, 'Who can reach Service "web" (`type: LoadBalancer`) from outside the cluster, and should they?'],
      ['container', 9, 'Why does container "agent" of DaemonSet "agent" need `privileged: true`, `hostPID: true`, the node\'s `/var/run/docker.sock`, and what could it do on its node if it were compromised?'],
      ['container', 13, 'Why does container "web" of DaemonSet "agent" need `hostPID: true`, and what could it do on its node if it were compromised?'],
    ]);
  });

  it('Dockerfile: the downloaded script, the secret, and the user the image runs as', () => {
    const text = [
      'FROM node:20',
      'ARG NPM_TOKEN',
      'RUN curl -fsSL https://get.pnpm.io/install.sh | sh -',
      'ADD https://example.com/tool /usr/local/bin/tool',
      'CMD ["node", "server.js"]',
    ].join('\n');
    assert.deepEqual(ask('Dockerfile', text), [
      ['shell', 3, 'What does the script from `https://get.pnpm.io/install.sh` do, and how do you know it is the version you reviewed?'],
      ['auth', 2, 'Where does `NPM_TOKEN` come from, and who can read it from the image\'s history?'],
      ['container', 1, 'Which user does the image from `node:20` run as, and does anything in it need root?'],
      ['dependency', 4, 'What is in `https://example.com/tool`, and how do you know the build gets the file you reviewed?'],
    ]);
    assert.deepEqual(ask('Dockerfile', `${text}\nUSER node`, 6, 6).map(([kind, , question]) => [kind, question]), [
      ['container', 'The image ends as `USER node`: which steps need root, and can the running process change its own files?'],
    ]);
  });

  it('Terraform facts: what a policy allows, so "read-only" for a policy that writes is a wrong fact and an unmentioned wildcard a missing one', () => {
    const text = [
      'resource "aws_iam_policy" "deploy" {',
      '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })',
      '}',
      'resource "aws_iam_policy" "reader" {',
      '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "s3:ListBucket"], Resource = ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"] }] })',
      '}',
      'resource "aws_iam_policy" "uploader" {',
      '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["s3:PutObject"], Resource = "arn:aws:s3:::uploads/*" }] })',
      '}',
    ].join('\n');
    const range = { startLine: 1, endLine: 9 };
    const facts = (languageBlockFacts('main.tf', text, range) ?? []).filter((fact): fact is PolicyFact => fact.kind === 'policy');
    assert.deepEqual(
      facts.map((fact) => [fact.owner, fact.wildcardActions, fact.everyResource, fact.writes]),
      [
        ['aws_iam_policy.deploy', ['s3:*'], true, ['s3:*']],
        ['aws_iam_policy.uploader', [], false, ['s3:PutObject']],
      ],
      'nothing to check about a read-only policy on named buckets',
    );
    const questions = languageBlockQuestions('main.tf', text, range, 10) ?? [];
    for (const fact of facts) assert.ok(questions.some((question) => question.id === fact.questionId), fact.owner);
    const [deploy, uploader] = facts;
    const wrong = answerFactProblem('Read-only access to the logs bucket for the deploy job.', deploy);
    assert.equal(wrong?.code, 'wrong-fact');
    assert.equal(wrong?.message, '`aws_iam_policy.deploy` allows `s3:*` on every resource (`*`), which changes or deletes things; the answer says it is read-only.');
    assert.equal(answerFactProblem('Every S3 action on all buckets: the deploy script syncs the site and prunes old releases.', deploy), undefined);
    assert.equal(answerFactProblem('It lets the deploy job upload the site.', deploy)?.code, 'missing-fact');
    assert.equal(answerFactProblem('It is read-only.', uploader)?.code, 'wrong-fact');
    assert.equal(answerFactProblem('s3:PutObject on uploads/* for the form handler; everything else stays read-only.', uploader), undefined, 'an honest "read-only" naming the write');
    assert.equal(answerFactProblem('The form handler puts files under uploads/.', uploader), undefined);
  });

  it('Kubernetes facts: a container with powers called unprivileged or non-root is a wrong fact, a power left out a missing one', () => {
    const text = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: { name: agent }',
      'spec:',
      '  containers:',
      '    - name: agent',
      '      image: agent:2',
      '      securityContext: { runAsUser: 0, capabilities: { add: [NET_ADMIN, SYS_TIME] } }',
      '      volumeMounts: [{ name: sock, mountPath: /var/run/docker.sock }]',
      '    - name: web',
      '      image: web:1',
      '  volumes:',
      '    - name: sock',
      '      hostPath: { path: /var/run/docker.sock }',
    ].join('\n');
    const range = { startLine: 1, endLine: 14 };
    const facts = (languageBlockFacts('pod.yaml', text, range) ?? []).filter((fact): fact is ContainerFact => fact.kind === 'container');
    assert.deepEqual(
      facts.map((fact) => [fact.container, fact.powers.map((power) => power.source)]),
      [['container "agent" of Pod "agent"', ['the capability `NET_ADMIN`', 'the capability `SYS_TIME`', '`runAsUser: 0`', "the node's `/var/run/docker.sock`"]]],
      'no fact about the container without powers',
    );
    const questions = languageBlockQuestions('pod.yaml', text, range, 10) ?? [];
    const question = questions.find((candidate) => candidate.id === facts[0].questionId);
    assert.match(question?.text ?? '', /need the capabilities `NET_ADMIN`, `SYS_TIME`, `runAsUser: 0`, the node's `\/var\/run\/docker\.sock`/);
    const fact = facts[0];
    const wrong = answerFactProblem('It runs as a non-root, unprivileged agent that only reads metrics.', fact);
    assert.equal(wrong?.code, 'wrong-fact');
    assert.match(wrong!.message, /the answer says it is non-root\.$/);
    assert.equal(
      answerFactProblem('NET_ADMIN and SYS_TIME let it set routes and the clock; it runs as root (uid 0) to read docker.sock, so a compromise owns the node.', fact),
      undefined,
    );
    const missing = answerFactProblem('NET_ADMIN lets it set routes; it runs as root to read docker.sock.', fact);
    assert.equal(missing?.code, 'missing-fact');
    assert.match(missing!.message, /does not say why it needs the capability `SYS_TIME`\.$/);
  });

  it('Dockerfile facts: "verified" for a download nothing checks, "non-root" for an image that ends as root, are wrong facts', () => {
    const text = [
      'FROM node:20 AS build',
      'RUN curl -fsSL https://get.pnpm.io/install.sh | sh -',
      'ADD https://example.com/tool /usr/local/bin/tool',
      'ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/pinned /pinned',
      'FROM build',
      'USER root',
      'CMD ["node", "server.js"]',
    ].join('\n');
    const range = { startLine: 1, endLine: 7 };
    const facts = languageBlockFacts('Dockerfile', text, range) ?? [];
    const questions = languageBlockQuestions('Dockerfile', text, range, 10) ?? [];
    const questionOf = (fact: KnownFact) => questions.find((question) => 'questionId' in fact && question.id === fact.questionId);
    const downloads = facts.filter((fact): fact is UncheckedDownloadFact => fact.kind === 'unchecked-download');
    assert.deepEqual(downloads.map((fact) => [fact.url, questionOf(fact)?.kind]), [['https://get.pnpm.io/install.sh', 'shell'], ['https://example.com/tool', 'dependency']], 'not the ADD with --checksum');
    const [user] = facts.filter((fact): fact is ImageUserFact => fact.kind === 'image-user');
    assert.deepEqual([user.user, questionOf(user)?.kind], ['root', 'container']);

    const download = downloads[0];
    for (const wrong of ['The script is verified by its checksum before it runs.', 'curl checks the sha256 of the installer.', 'Its sha256 is checked against the pnpm release.', "It's verified before it runs."]) {
      const problem = answerFactProblem(wrong, download);
      assert.equal(problem?.code, 'wrong-fact', wrong);
      assert.match(problem!.message, /^Nothing checks `https:\/\/get\.pnpm\.io\/install\.sh`: it is piped straight into an interpreter; the answer says "/);
    }
    for (const honest of [
      'It installs pnpm. Nothing verifies it yet; TODO: add a sha256 check.',
      'It is not verified: the URL is the official installer, and the version is pinned by PNPM_VERSION.',
      'Unchecked, it trusts get.pnpm.io over HTTPS; we should pin a checksum.',
      'It installs pnpm; the script is never checked, which is the risk.',
      "It isn't verified: nothing checks the installer yet.",
    ]) {
      assert.equal(answerFactProblem(honest, download), undefined, honest);
    }

    assert.equal(answerFactProblem('It runs as a non-root user, so a compromise cannot change the app.', user)?.code, 'wrong-fact');
    for (const denial of ['It does not run as root.', "It doesn't run as root, so the app is safe.", 'It never runs as root.']) {
      assert.equal(answerFactProblem(denial, user)?.code, 'wrong-fact', denial);
    }
    assert.equal(answerFactProblem('It runs as root because the entrypoint binds port 80; the app itself drops to an unprivileged worker.', user), undefined);
    assert.equal(answerFactProblem('Root: the final USER is root for apt; nothing else needs it.', user), undefined, 'no claim of non-root');

    // A script saved, then run unchecked, is asked about and known to be unchecked the same way.
    const saved = 'FROM debian:12\nRUN curl -fsSL https://get.example.dev/install.sh > install.sh\nRUN sh install.sh --yes';
    const savedRange = { startLine: 1, endLine: 3 };
    const savedQuestions = (languageBlockQuestions('Dockerfile', saved, savedRange, 10) ?? []).filter((question) => question.kind === 'shell');
    assert.deepEqual(savedQuestions.map((question) => [question.line, question.text]), [[3, 'What does the script from `https://get.example.dev/install.sh` do, and how do you know it is the version you reviewed?']]);
    const [savedFact] = (languageBlockFacts('Dockerfile', saved, savedRange) ?? []).filter((fact): fact is UncheckedDownloadFact => fact.kind === 'unchecked-download');
    assert.equal(savedFact.questionId, savedQuestions[0].id);
    assert.match(answerFactProblem('It installs the agent; the script is verified against its published sha256.', savedFact)?.message ?? '', /it is saved and run with no checksum or signature checked first/);

    // A URL held in a build argument is named by its variable.
    const fromArg = (languageBlockFacts('Dockerfile', 'FROM debian:12\nARG INSTALL_URL\nRUN curl -fsSL "$INSTALL_URL" | bash', { startLine: 1, endLine: 3 }) ?? []).filter(
      (fact): fact is UncheckedDownloadFact => fact.kind === 'unchecked-download',
    );
    assert.deepEqual(fromArg.map((fact) => fact.url), ['$INSTALL_URL']);

    // No USER at all: the base image's user decides, so "non-root" must say which.
    const bare = 'FROM node:20\nCMD ["node", "server.js"]';
    const [noUser] = (languageBlockFacts('Dockerfile', bare, { startLine: 1, endLine: 2 }) ?? []).filter((fact): fact is ImageUserFact => fact.kind === 'image-user');
    assert.deepEqual([noUser.user, noUser.base], ['none', 'node:20']);
    assert.equal(answerFactProblem('It is unprivileged.', noUser)?.code, 'missing-fact');
    assert.equal(answerFactProblem('Non-root: the node image runs as uid 1000 (user node).', noUser), undefined);
    // A base that sets its own user, or a final non-root USER: nothing to contradict.
    assert.deepEqual((languageBlockFacts('Dockerfile', 'FROM gcr.io/distroless/nodejs20-debian12:nonroot\nCMD ["a.js"]', { startLine: 1, endLine: 2 }) ?? []).map((fact) => fact.kind), []);
    assert.deepEqual((languageBlockFacts('Dockerfile', 'FROM node:20\nUSER node', { startLine: 1, endLine: 2 }) ?? []).map((fact) => fact.kind), []);
  });
});
