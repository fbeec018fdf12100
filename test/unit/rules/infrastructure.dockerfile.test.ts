import * as assert from 'node:assert/strict';
import { infrastructureAddFromUrl as addFromUrl } from '../../../src/core/rules/infrastructure/add-from-url';
import { infrastructureContainerRootUser as rootUser } from '../../../src/core/rules/infrastructure/container-root-user';
import { infrastructurePipeToShell as pipeToShell, pipeToShellMatches } from '../../../src/core/rules/infrastructure/pipe-to-shell';
import { infrastructureSecretInImage as secretInImage } from '../../../src/core/rules/infrastructure/secret-in-image';
import { secretsHardcodedSecret } from '../../../src/core/rules/secrets/hardcoded-secret';
import { check, covered, where } from './infrastructure-harness';

describe('infrastructure rules on Dockerfiles', () => {
  describe('infrastructure/pipe-to-shell', () => {
    it('reports the usual one-liners, continued lines and here-documents included', () => {
      const text = [
        'FROM debian:12',
        'RUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash -',
        'RUN wget -qO- https://get.example.dev/install.sh | sudo -E sh -s -- --version 1.2',
        'RUN apt-get update && \\',
        '    curl -sSL https://install.python-poetry.org | python3 -',
        'RUN bash <(curl -s https://raw.githubusercontent.com/x/y/main/install.sh)',
        'RUN sh -c "$(curl -fsSL https://raw.githubusercontent.com/ohmyzsh/ohmyzsh/master/tools/install.sh)"',
        'RUN <<EOF',
        'set -e',
        'curl https://sh.rustup.rs | sh -s -- -y',
        'EOF',
      ].join('\n');
      const findings = check(pipeToShell, 'Dockerfile', text);
      assert.deepEqual(where(findings), [[2, 'warning'], [3, 'warning'], [5, 'warning'], [6, 'warning'], [7, 'warning'], [10, 'warning']]);
      assert.equal(covered(text, findings[0]), 'curl -fsSL https://deb.nodesource.com/setup_20.x | bash');
      assert.match(findings[0].message, /`https:\/\/deb\.nodesource\.com\/setup_20\.x`/);
    });

    it('does not report a download checked before it runs, `||`, or pipes into other tools', () => {
      const text = [
        'FROM debian:12',
        'RUN curl -fsSLo install.sh https://get.example.dev/install.sh \\',
        '    && echo "4f2a...  install.sh" | sha256sum -c - && sh install.sh',
        'RUN curl -fsSL https://example.com/key.gpg | gpg --dearmor -o /usr/share/keyrings/x.gpg',
        'RUN curl -fsSL https://example.com/x.tar.gz | tar -xz -C /opt',
        'RUN curl -f http://localhost/health || sh -c "exit 1"',
        'RUN curl -fsSL https://example.com/a | shasum -a 256',
        'RUN curl -s https://api.github.com/repos/x/y/releases/latest | python3 -c "import sys, json; print(json.load(sys.stdin)[\'tag_name\'])"',
        'RUN wget -qO- https://example.com/list.txt | perl -ne \'print if /x/\'',
      ].join('\n');
      assert.deepEqual(check(pipeToShell, 'Dockerfile', text), []);
    });

    it('sees through stages that pass the download on: tee, cat, line-end fixes, decompression, base64', () => {
      const text = [
        'FROM debian:12',
        'RUN curl -fsSL https://get.example.dev/install.sh | tee /tmp/install.sh | sh',
        'RUN wget -qO- https://get.example.dev/i.sh.gz | gunzip | sudo bash -s -- --yes',
        "RUN curl -s https://get.example.dev/i.b64 | base64 -d | tr -d '\\r' | bash",
        'RUN curl -fsSL https://get.example.dev/a | tee a.json | jq .version',
        'RUN curl -fsSL https://get.example.dev/b | tee b.sh | sha256sum -c sums.txt',
        'RUN curl -fsSL https://get.example.dev/c | sed -n 1p | python3 -c "import sys; print(sys.stdin.read())"',
      ].join('\n');
      assert.deepEqual(where(check(pipeToShell, 'Dockerfile', text)), [[2, 'warning'], [3, 'warning'], [4, 'warning']]);
      assert.equal(pipeToShellMatches('curl x | tee y | sh')[0]?.text, 'curl x | tee y | sh');
    });
  });

  describe('infrastructure/pipe-to-shell: a script saved, then run unchecked', () => {
    it('reports the run of a downloaded file, in the same RUN or a later one of the stage (the cheapest input that fooled the pipe check)', () => {
      const text = [
        'FROM debian:12',
        'RUN curl -fsSLo install.sh https://get.example.dev/install.sh && sh install.sh',
        'RUN wget "https://cmake.org/files/v3.21/cmake-3.21.3-linux-x86_64.sh" \\',
        '&& chmod a+x cmake-3.21.3-linux-x86_64.sh \\',
        '&& ./cmake-3.21.3-linux-x86_64.sh --prefix=/usr/local/ --skip-license',
        'RUN curl -LO https://bootstrap.pypa.io/get-pip.py',
        'RUN sudo -E python3 get-pip.py --user',
        'RUN curl --output /tmp/setup.sh https://example.com/setup.sh; bash -e /tmp/setup.sh',
        'RUN wget -qO /opt/tool https://example.com/tool && chmod +x /opt/tool && /opt/tool --install',
        'RUN curl -fsSL https://get.example.dev/r.sh > r.sh && sh r.sh',
        'RUN wget -qO- https://get.example.dev/w.sh 2>/dev/null >/tmp/w.sh; bash /tmp/w.sh',
      ].join('\n');
      const findings = check(pipeToShell, 'Dockerfile', text);
      assert.deepEqual(where(findings), [[2, 'warning'], [5, 'warning'], [7, 'warning'], [8, 'warning'], [9, 'warning'], [10, 'warning'], [11, 'warning']]);
      assert.equal(covered(text, findings[0]), 'sh install.sh');
      assert.match(findings[0].message, /downloaded from `https:\/\/get\.example\.dev\/install\.sh` with no checksum/);
      assert.equal(covered(text, findings[2]), 'sudo -E python3 get-pip.py --user');
    });

    it('does not report a download checked before it runs, one unpacked or installed, or one of another stage', () => {
      const text = [
        'FROM debian:12 AS build',
        'RUN curl -fsSLo install.sh https://get.example.dev/install.sh',
        'RUN echo "4f2a0c  install.sh" | sha256sum -c - && sh install.sh',
        'RUN wget https://example.com/tool.sh && gpg --verify tool.sh.asc tool.sh && bash tool.sh',
        'RUN curl -fsSLo /tmp/go.tgz https://go.dev/dl/go1.22.linux-amd64.tar.gz && tar -C /usr/local -xzf /tmp/go.tgz',
        'RUN wget https://example.com/x.deb && dpkg -i x.deb',
        'RUN curl -o- https://example.com/a.sh > /dev/null',
        'RUN curl -fsSL https://example.com/r.sh 2> err.log && sh err.log',
        'RUN wget https://example.com/w.sh > wget.log && sh wget.log',
        'RUN curl -fsSLo kubectl https://dl.k8s.io/release/v1.30.0/bin/linux/amd64/kubectl && install kubectl /usr/local/bin/ && kubectl version --client',
        'RUN curl -o setup.sh https://example.com/setup.sh',
        'FROM debian:12',
        'RUN sh setup.sh',
      ].join('\n');
      assert.deepEqual(check(pipeToShell, 'Dockerfile', text), []);
    });
  });

  describe('infrastructure/pipe-to-shell: a download carried into another stage', () => {
    it('follows it into a stage built FROM the one that downloaded it, and through COPY --from (by name, by index, JSON form)', () => {
      const text = [
        'FROM alpine:3.20 AS fetch',
        'RUN curl -fsSLo /install.sh https://get.example.dev/install.sh',
        'RUN wget -O /tools/setup.py https://example.com/setup.py',
        'FROM fetch AS build',
        'RUN sh /install.sh',
        'FROM debian:12',
        'COPY --from=fetch /install.sh /usr/local/bin/installer',
        'RUN /usr/local/bin/installer --yes',
        'COPY --from=0 ["/tools/setup.py", "/opt/"]',
        'RUN python3 /opt/setup.py install',
      ].join('\n');
      const findings = check(pipeToShell, 'Dockerfile', text);
      assert.deepEqual(where(findings), [[5, 'warning'], [8, 'warning'], [10, 'warning']]);
      assert.match(findings[1].message, /downloaded from `https:\/\/get\.example\.dev\/install\.sh`/);
      assert.equal(covered(text, findings[2]), 'python3 /opt/setup.py install');
    });

    it('does not follow a file checked before it runs, another file, an image of that name, or a stage that was not copied from', () => {
      const text = [
        'FROM alpine:3.20 AS fetch',
        'RUN curl -fsSLo /install.sh https://get.example.dev/install.sh',
        'FROM debian:12',
        'COPY --from=fetch /install.sh /install.sh',
        'RUN echo "4f2a0c  /install.sh" | sha256sum -c - && sh /install.sh',
        'FROM debian:12',
        'COPY --from=fetch /etc/os-release /install-notes',
        'COPY --from=alpine:3.20 /install.sh /install.sh',
        'RUN sh /install.sh',
      ].join('\n');
      assert.deepEqual(check(pipeToShell, 'Dockerfile', text), []);
    });
  });

  describe('infrastructure/container-root-user', () => {
    it('warns on a final USER root, notes a final stage without USER, follows stage aliases', () => {
      assert.deepEqual(where(check(rootUser, 'Dockerfile', 'FROM node:20\nUSER node\nRUN npm ci\nUSER root\nCMD ["node", "."]\n')), [[4, 'warning']]);
      assert.deepEqual(where(check(rootUser, 'Dockerfile', 'FROM node:20 AS build\nUSER node\nFROM python:3.12\nCMD ["python"]\n')), [[3, 'info']]);
      assert.deepEqual(check(rootUser, 'Dockerfile', 'FROM node:20 AS base\nUSER 10001:10001\nFROM base AS final\nCMD ["node", "."]\n'), []);
      assert.deepEqual(where(check(rootUser, 'Dockerfile', 'FROM node:20 AS base\nUSER 0:0\nFROM base\nCMD ["node", "."]\n')), [[2, 'warning']]);
    });

    it('needs no USER on scratch, distroless nonroot or Chainguard bases, and does not judge a USER from an argument', () => {
      assert.deepEqual(check(rootUser, 'Dockerfile', 'FROM golang:1.22 AS build\nRUN go build -o /app\nFROM scratch\nCOPY --from=build /app /app\n'), []);
      assert.deepEqual(check(rootUser, 'Dockerfile', 'FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /\n'), []);
      assert.deepEqual(check(rootUser, 'Dockerfile', 'FROM cgr.dev/chainguard/node\nCOPY . .\n'), []);
      assert.deepEqual(check(rootUser, 'Dockerfile', 'FROM alpine:3\nARG UID\nUSER ${UID}\n'), []);
      assert.deepEqual(check(rootUser, 'Dockerfile', '# no FROM at all\nRUN true\n'), []);
    });
  });

  describe('infrastructure/add-from-url', () => {
    it('reports ADD of a URL without --checksum; local files, git sources and checksummed URLs pass', () => {
      const text = [
        'FROM alpine:3',
        'ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini',
        'ADD --checksum=sha256:93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini',
        'ADD app.tar.gz /opt/',
        'ADD https://github.com/moby/buildkit.git#v0.14.1 /src',
        'ADD ["http://example.com/a.txt", "/a.txt"]',
        'ADD --chown=app:app https://example.com/b.txt /b.txt',
      ].join('\n');
      const findings = check(addFromUrl, 'Dockerfile', text);
      assert.deepEqual(where(findings), [[2, 'warning'], [6, 'warning'], [7, 'warning']]);
      const verified = [
        'FROM debian:12',
        'ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini',
        'ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini.asc /tini.asc',
        'RUN gpg --batch --verify /tini.asc /tini && chmod +x /tini',
        'ADD https://example.com/tool-1.2.tar.gz /tmp/',
        'RUN echo "$TOOL_SHA256  /tmp/tool-1.2.tar.gz" | sha256sum -c -',
        'ADD https://example.com/other.tar.gz /tmp/',
        'RUN echo "$SUM  /tmp/another.tar.gz" | sha256sum -c -',
        'FROM debian:12',
        'RUN sha256sum -c tini.sha256',
      ].join('\n');
      assert.deepEqual(where(check(addFromUrl, 'Dockerfile', verified)), [[7, 'warning']], 'checked later by name (the signature too, which the check reads): not reported; a file checked under another name is');
      assert.equal(covered(text, findings[0]), 'https://github.com/krallin/tini/releases/download/v0.19.0/tini');
    });
  });

  describe('infrastructure/secret-in-image', () => {
    it('reports literal secrets in ENV and ARG and secret ARGs used by RUN; references, flags and names about secrets pass', () => {
      const text = [
        'FROM node:20',
        'ARG NPM_TOKEN',
        'ENV DB_PASSWORD=Sunday-Roast-42 LOG_LEVEL=info',
        'ENV API_KEY changeme',
        'ENV PASSWORD_FILE=/run/secrets/db TOKEN_URL=https://auth.example.com/token',
        'ENV SECRET_KEY=${SECRET_KEY} REQUIRE_TOKEN=true',
        'ARG GITHUB_TOKEN=""',
        'RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci',
        'RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci',
      ].join('\n');
      const findings = check(secretInImage, 'Dockerfile', text);
      const secrets = check(secretsHardcodedSecret, 'Dockerfile', text);
      const mine = where(findings);
      const theirLines = where(secrets).map(([line]) => line);
      for (const [line] of mine) assert.ok(!theirLines.includes(line) || line === 8, `line ${line} reported by both rules`);
      assert.ok(mine.some(([line]) => line === 3) || theirLines.includes(3), 'the DB password is reported');
      assert.deepEqual(mine.filter(([line]) => line !== 3), [[4, 'info'], [8, 'warning']]);
      assert.match(findings.find((finding) => finding.startPosition.line === 7)!.message, /RUN --mount=type=secret,id=npm_token/);
      assert.equal(check([secretInImage, secretsHardcodedSecret], 'Dockerfile', 'FROM alpine\nENV DB_PASS=Sunday-Roast-42 PASS_MAX_DAYS=90\n').length, 1, 'DB_PASS (a short name that fooled it) once; a number under PASS_ is no credential');
    });
  });
});
