import * as assert from 'node:assert/strict';
import { evaluate } from '../../../src/core/check/engine';
import type { Finding } from '../../../src/core/check/findings';
import { loadGrammars } from '../../../src/core/languages/tree-sitter';
import { pathMatchersFor } from '../../../src/core/policy/paths';
import { defaultPolicy } from '../../../src/core/policy/policy';
import { reliabilityMissingTimeout } from '../../../src/core/rules/reliability/missing-timeout';
import { reliabilitySwallowedError } from '../../../src/core/rules/reliability/swallowed-error';
import { reliabilityUnboundedRetry } from '../../../src/core/rules/reliability/unbounded-retry';
import type { Rule } from '../../../src/core/rules/rule';
import { securityEval } from '../../../src/core/rules/security/eval';
import { securityShellInjection } from '../../../src/core/rules/security/shell-injection';
import { securitySqlInjection } from '../../../src/core/rules/security/sql-injection';
import { securityTlsDisabled } from '../../../src/core/rules/security/tls-disabled';

/** Findings of one rule on a Python file (`path` decides test severities). */
function check(rule: Rule, text: string, path = 'app/service.py'): Finding[] {
  const policy = defaultPolicy();
  return evaluate(path, text, { policy, rules: [rule], inTestPath: pathMatchersFor(policy).isTest(path) }).findings;
}

/** The code each finding covers. */
function flagged(rule: Rule, text: string): string[] {
  return check(rule, text).map((finding) => text.slice(finding.start, finding.end));
}

function applyFix(text: string, finding: Finding): string {
  const edits = [...finding.fixes![0]!.edits].sort((a, b) => b.start - a.start);
  return edits.reduce((result, edit) => result.slice(0, edit.start) + edit.newText + result.slice(edit.end), text);
}

describe('Python rules (reliability and security)', () => {
  before(async () => {
    await loadGrammars(['python']);
  });

  describe('reliability/missing-timeout', () => {
    it('follows a name assigned an imported function (`get = requests.get`: the cheapest input that fooled it), not one assigned two things', () => {
      const text = [
        'import requests',
        'import subprocess as sp',
        'get = requests.get',
        'fetch = get',
        'run = sp.run',
        'e = eval',
        'def load(url, cmd, code):',
        '    get(url)',
        '    fetch(url, timeout=5)',
        '    run(f"ls {cmd}", shell=True)',
        '    e(code)',
        'post = requests.post',
        'post = lambda url: None',
        'post(url)',
        'requests = None',
      ].join('\n');
      assert.deepEqual(flagged(reliabilityMissingTimeout, text), ['get']);
      assert.deepEqual(flagged(securityShellInjection, text).length, 1);
      assert.deepEqual(flagged(securityEval, text), ['e(code)']);
    });

    it('flags requests calls, Session methods and socket-level clients without a timeout', () => {
      const text = [
        'import requests',
        'import socket, http.client',
        'from urllib.request import urlopen',
        'from requests import get as fetch',
        'def load(url):',
        '    requests.get(url)',
        '    requests.post(url, json={"a": 1})',
        '    fetch(url)',
        '    with requests.Session() as s:',
        '        s.get(url)',
        '    urlopen(url)',
        '    http.client.HTTPSConnection("example.com")',
        '    socket.create_connection(("example.com", 443))',
        'class Client:',
        '    def __init__(self):',
        '        self.session = requests.Session()',
        '    def ping(self):',
        '        return self.session.head("https://x")',
        '',
      ].join('\n');
      assert.deepEqual(flagged(reliabilityMissingTimeout, text), [
        'requests.get',
        'requests.post',
        'fetch',
        's.get',
        'urlopen',
        'http.client.HTTPSConnection',
        'socket.create_connection',
        'self.session.head',
      ]);
    });

    it('leaves bounded calls alone: timeout given (keyword or position), **kwargs, library defaults, socket.setdefaulttimeout', () => {
      const text = [
        'import requests, httpx, aiohttp, socket',
        'from urllib.request import urlopen',
        'def load(url, **kwargs):',
        '    requests.get(url, timeout=5)',
        '    requests.get(url, **kwargs)',
        '    urlopen(url, None, 10)',
        '    socket.create_connection(("h", 1), 3)',
        '    httpx.get(url)',
        '    httpx.Client(base_url=url)',
        '    aiohttp.ClientSession()',
        '    aiohttp.ClientTimeout(total=30)',
        '    session.get(url)  # not a requests Session: unknown',
        '    cache.get(url)',
        '',
      ].join('\n');
      assert.deepEqual(flagged(reliabilityMissingTimeout, text), []);
      const global = 'import socket, requests\nsocket.setdefaulttimeout(30)\nrequests.get("https://x")\n';
      assert.deepEqual(flagged(reliabilityMissingTimeout, global), []);
    });

    it("takes a call without a timeout beside the same call with one as the caller's choice (imaplib), not one alone", () => {
      const text = [
        'import socket',
        'def _create_socket(self, timeout):',
        '    address = (self.host, self.port)',
        '    if timeout is not None:',
        '        return socket.create_connection(address, timeout)',
        '    return socket.create_connection(address)',
        'def connect(self):',
        '    return socket.create_connection((self.host, self.port))',
        'def reconnect(self, timeout):',
        '    socket.create_connection(self.address, None)',
        '    return socket.create_connection(self.address)',
        'def both(self):',
        '    socket.create_connection(self.primary, 5)',
        '    return socket.create_connection(self.backup)',
        '',
      ].join('\n');
      assert.deepEqual(flagged(reliabilityMissingTimeout, text), ['socket.create_connection', 'None', 'socket.create_connection', 'socket.create_connection']);
    });

    it('flags httpx and aiohttp only where their default bound is switched off', () => {
      const text = [
        'import httpx, aiohttp',
        'httpx.get(url, timeout=None)',
        'httpx.AsyncClient(timeout=None)',
        'aiohttp.ClientTimeout()',
        'aiohttp.ClientTimeout(total=None, connect=5)',
        'aiohttp.ClientTimeout(total=None, sock_read=30)',
        '',
      ].join('\n');
      assert.deepEqual(flagged(reliabilityMissingTimeout, text), ['None', 'None', 'aiohttp.ClientTimeout()', 'aiohttp.ClientTimeout(total=None, connect=5)']);
    });

    it('flags timeout=None where it means "block forever", with a fix to a number', () => {
      const text = 'import requests, socket\nrequests.get(url, timeout=None)\nsocket.create_connection(addr, None)\n';
      assert.deepEqual(flagged(reliabilityMissingTimeout, text), ['None', 'None']);
      assert.equal(applyFix(text, check(reliabilityMissingTimeout, text)[0]!), 'import requests, socket\nrequests.get(url, timeout=10)\nsocket.create_connection(addr, None)\n');
    });

    it('offers `timeout=10` as a quick fix, after the last argument', () => {
      const text = 'import requests\nrequests.get(\n    url,\n    headers=h,\n)\n';
      const [finding] = check(reliabilityMissingTimeout, text);
      assert.equal(applyFix(text, finding!), 'import requests\nrequests.get(\n    url,\n    headers=h, timeout=10,\n)\n');
    });

    it('does not mistake a local `requests` object for the library', () => {
      assert.deepEqual(flagged(reliabilityMissingTimeout, 'requests = Queue()\nrequests.get(block=True)\n'), []);
    });

    it('gives Python test files the test severity', () => {
      const text = 'import requests\nrequests.get(url)\n';
      assert.equal(check(reliabilityMissingTimeout, text, 'tests/test_api.py')[0]!.severity, 'info');
      assert.equal(check(reliabilityMissingTimeout, text, 'pkg/conftest.py')[0]!.severity, 'info');
      assert.equal(check(reliabilityMissingTimeout, text, 'pkg/api.py')[0]!.severity, 'warning');
    });
  });

  describe('reliability/swallowed-error', () => {
    it('flags catch-everything handlers that only pass, continue or hold a comment', () => {
      const text = [
        'try:',
        '    a()',
        'except:',
        '    pass',
        'try:',
        '    b()',
        'except Exception as error:',
        '    ...',
        'for x in xs:',
        '    try:',
        '        c(x)',
        '    except (ValueError, BaseException):',
        '        # ignore',
        '        continue',
        '',
      ].join('\n');
      const findings = check(reliabilitySwallowedError, text);
      assert.deepEqual(findings.map((finding) => finding.severity), ['warning', 'warning', 'warning']);
      assert.match(findings[0]!.message, /`except:` that does nothing drops every exception \(`KeyboardInterrupt`/);
      assert.match(findings[2]!.message, /`except BaseException` with only a comment/);
    });

    it('leaves narrow, logging, re-raising and fallback handlers alone', () => {
      const text = [
        'try:',
        '    a()',
        'except KeyError:',
        '    pass',
        'except Exception:',
        '    log.debug("lookup failed", exc_info=True)',
        'except BaseException:',
        '    cleanup()',
        '    raise',
        'try:',
        '    b()',
        'except Exception:',
        '    return None',
        '',
      ].join('\n');
      assert.deepEqual(flagged(reliabilitySwallowedError, text), []);
    });

    it('turns an ignore explained by its comment into information', () => {
      const text = 'try:\n    os.remove(path)\nexcept Exception:\n    pass  # the file may already be gone after a crash\n';
      const [finding] = check(reliabilitySwallowedError, text);
      assert.equal(finding!.severity, 'info');
    });

    it('accepts fallbacks as TypeScript does (setuptools, pdb, importlib.metadata), and takes clean-up and a step before a raise for information', () => {
      const fallbacks = [
        'def has_cython():',
        '    try:',
        '        __import__("Cython.Distutils.build_ext")',
        '        return True',
        '    except Exception:',
        '        pass',
        '    return False',
        'def describe(value):',
        '    code = None',
        '    try:',
        '        code = value.__code__',
        '    except Exception:',
        '        pass',
        '    if code:',
        '        print(code.co_name)',
        'def children(self):',
        '    with suppress(Exception):',
        '        return os.listdir(self.root or ".")',
        '    return []',
        'try:',
        '    import zlib_sync',
        'except Exception:',
        '    zlib_sync = None',
        'try:',
        '    import ujson as json',
        'except:',
        '    pass',
        'def coerce(payload):',
        '    try:',
        '        payload.value = str(payload.value)',
        '    except Exception:',
        '        pass',
        '    if isinstance(payload.value, str):',
        '        return payload',
        'def coerce_number(payload):',
        '    try:',
        '        payload.value = float(payload.value)',
        '    except Exception:',
        '        pass',
        '    number = payload.value',
        '    if isinstance(number, float):',
        '        return payload',
        '',
      ].join('\n');
      assert.deepEqual(flagged(reliabilitySwallowedError, `from contextlib import suppress\n${fallbacks}`), []);
      const informational = [
        'def exit(code):',
        '    try:',
        '        sys.stdin.close()',
        '    except:',
        '        pass',
        '    raise SystemExit(code)',
        'def stop(proc):',
        '    try:',
        '        proc.kill()',
        '    except Exception:',
        '        pass',
        '    return proc.wait()',
        '',
      ].join('\n');
      const findings = check(reliabilitySwallowedError, informational);
      assert.deepEqual(findings.map((finding) => finding.severity), ['info', 'info']);
      assert.match(findings[0].message, /on the way to a `raise`/);
      assert.match(findings[1].message, /clean-up call/);
      // No test of the value, no way after the failed return, work that is not clean-up: dropped.
      const dropped = [
        'def load(text):',
        '    config = {}',
        '    try:',
        '        config = json.loads(text)',
        '    except Exception:',
        '        pass',
        '    return config',
        'def save(row):',
        '    try:',
        '        return db.insert(row)',
        '    except Exception:',
        '        pass',
        'def send(sock, data):',
        '    try:',
        '        sock.send(data)',
        '    except Exception:',
        '        pass',
        'def configure(self, text):',
        '    try:',
        '        self.config = json.loads(text)',
        '    except Exception:',
        '        pass',
        '    if self.ready:',
        '        start(self.config)',
        '',
      ].join('\n');
      assert.equal(check(reliabilitySwallowedError, dropped).filter((finding) => finding.severity === 'warning').length, 4);
    });

    it('reads an explanation above the try or above what it tries when it speaks of the failure, and clean-up verbs with a resource, as TypeScript does', () => {
      const text = [
        'def restore(obj, name):',
        '    # Old interpreters may raise on a slotted class; the attribute stays then',
        '    try:',
        '        delattr(obj, name)',
        '    except Exception:',
        '        pass',
        '    try:',
        '        # setattr can fail on a frozen dataclass, which keeps its value',
        '        setattr(obj, name, None)',
        '    except Exception:',
        '        pass',
        '    try:',
        '        # Sets the attribute',
        '        setattr(obj, name, 1)',
        '    except Exception:',
        '        pass',
        'def stop(channel, accounts):',
        '    try:',
        '        channel.close_connection()',
        '    except Exception:',
        '        pass',
        '    try:',
        '        accounts.close_account(1)',
        '    except Exception:',
        '        pass',
        '',
      ].join('\n');
      const findings = check(reliabilitySwallowedError, text);
      assert.deepEqual(findings.map((finding) => [finding.severity, finding.startPosition.line + 1]), [['info', 5], ['info', 10], ['warning', 15], ['info', 20], ['warning', 24]]);
      assert.match(findings[0].message, /comment says why/);
    });

    it('takes a try that only adds a detail (a span attribute, an exception\'s text) for information, as TypeScript does; not one that also does the work, awaits, or keeps the part for more', () => {
      const details = [
        'def set_response_attributes(span, data):',
        '    for attribute, path in ATTRIBUTES:',
        '        try:',
        '            value = dig(data, path)',
        '            if value is not None:',
        '                span.set_attribute(attribute, value)',
        '        except Exception:',
        '            pass',
        'def load_failed(platform):',
        '    hints = ["Could not load the module"]',
        '    try:',
        '        config = read_config(platform)',
        '        hints.append(f"Requires {config[\'glibc\']}")',
        '    except Exception:',
        '        pass',
        '    hints.append("See the installation documentation")',
        '    raise ImportError("\\n".join(hints))',
        'def invalid(name, actual):',
        '    shown = "?"',
        '    try:',
        '        shown = repr(actual)[:100]',
        '    except Exception:',
        '        pass',
        '    return TypeError(f"Expected {name}, got {shown}")',
        '',
      ].join('\n');
      const findings = check(reliabilitySwallowedError, details);
      assert.deepEqual(findings.map((finding) => [finding.severity, finding.startPosition.line + 1]), [['info', 7], ['info', 14], ['info', 22]]);
      assert.match(findings[0].message, /^The `try` only adds a detail/);
      const work = [
        'def save(span, order, items):',
        '    try:',
        '        db.insert(order)',
        '        span.set_attribute("saved", True)',
        '    except Exception:',
        '        pass',
        '    try:',
        '        items.append(fetch_item(order))',
        '    except Exception:',
        '        pass',
        '    return items',
        'async def store(span, order):',
        '    try:',
        '        row = await db.insert(order)',
        '        span.set_attribute("id", row.id)',
        '    except Exception:',
        '        pass',
        '',
      ].join('\n');
      assert.deepEqual(check(reliabilitySwallowedError, work).map((finding) => finding.severity), ['warning', 'warning', 'warning']);
    });

    it('takes a value converted in place for information, as TypeScript does; not a value from elsewhere, an awaited one or one used in the try', () => {
      const text = [
        'def load(value):',
        '    try:',
        '        value = json.loads(value)',
        '    except Exception:',
        '        pass',
        '    return value',
        'def port(text):',
        '    try:',
        '        parsed = int(text)',
        '        if parsed > 0:',
        '            text = parsed',
        '    except Exception:',
        '        pass',
        '    return text',
        'def other(text):',
        '    try:',
        '        config = json.loads(text)',
        '    except Exception:',
        '        pass',
        'async def fetch(row):',
        '    try:',
        '        row = await enrich(row)',
        '    except Exception:',
        '        pass',
        'def used(value):',
        '    try:',
        '        value = json.loads(value)',
        '        send(value)',
        '    except Exception:',
        '        pass',
        '',
      ].join('\n');
      const findings = check(reliabilitySwallowedError, text);
      assert.deepEqual(findings.map((finding) => [finding.startPosition.line + 1, finding.severity]), [[4, 'info'], [12, 'info'], [18, 'warning'], [23, 'warning'], [29, 'warning']]);
      assert.match(findings[0]!.message, /converts a value in place/);
    });

    it('flags contextlib.suppress(Exception), not suppress of a narrow error', () => {
      const text = [
        'import contextlib',
        'from contextlib import suppress',
        'with contextlib.suppress(Exception):',
        '    a()',
        'with suppress(FileNotFoundError):',
        '    b()',
        '# the socket is closing anyway and its errors tell nothing',
        'with suppress(BaseException):',
        '    c()',
        '',
      ].join('\n');
      const findings = check(reliabilitySwallowedError, text);
      assert.deepEqual(findings.map((finding) => [text.slice(finding.start, finding.end), finding.severity]), [
        ['contextlib.suppress(Exception)', 'warning'],
        ['suppress(BaseException)', 'info'],
      ]);
    });
  });

  describe('reliability/unbounded-retry', () => {
    it('flags a while True loop that breaks on success and goes round on failure', () => {
      const text = [
        'import time',
        'def fetch():',
        '    while True:',
        '        try:',
        '            return call()',
        '        except ConnectionError:',
        '            time.sleep(1)',
        'def poll():',
        '    while 1:',
        '        try:',
        '            result = call()',
        '        except Exception as e:',
        '            log.warning(e)',
        '            continue',
        '        break',
        '',
      ].join('\n');
      assert.deepEqual(flagged(reliabilityUnboundedRetry, text), ['while True', 'while 1']);
    });

    it('leaves bounded retries, worker loops and handlers that give up alone', () => {
      const text = [
        'def a():',
        '    attempt = 0',
        '    while True:',
        '        try:',
        '            return call()',
        '        except OSError:',
        '            attempt += 1',
        '            if attempt >= MAX_ATTEMPTS:',
        '                raise',
        'def b():',
        '    started = time.monotonic()',
        '    while True:',
        '        try:',
        '            return call()',
        '        except OSError:',
        '            if time.monotonic() - started > 30:',
        '                raise',
        'def c():',
        '    n = 0',
        '    while True:',
        '        try:',
        '            return call()',
        '        except OSError:',
        '            n += 1',
        '            if n > 5: raise',
        'def worker():',
        '    while True:',
        '        try:',
        '            handle(queue.get())',
        '        except Exception:',
        '            log.exception("job failed")',
        'def d():',
        '    while True:',
        '        try:',
        '            return call()',
        '        except OSError:',
        '            raise',
        'def e():',
        '    for attempt in range(5):',
        '        try:',
        '            return call()',
        '        except OSError:',
        '            pass',
        '',
      ].join('\n');
      assert.deepEqual(flagged(reliabilityUnboundedRetry, text), []);
    });

    it('leaves loops that are no retry alone (found on the standard library): interrupts, stop signals, iterations, a second way out', () => {
      const text = [
        'def repl():',
        '    while True:',
        '        try:',
        '            loop.run_forever()',
        '        except KeyboardInterrupt:',
        '            continue',
        '        else:',
        '            break',
        'def serve():',
        '    while 1:',
        '        try:',
        '            msg = conn.recv()',
        '            if msg is None:',
        '                break',
        '            handle(msg)',
        '        except:',
        '            report()',
        'def first():',
        '    while True:',
        '        try:',
        '            return self[next(keys)]',
        '        except StopIteration:',
        '            return None',
        '        except KeyError:',
        '            continue',
        'def grow():',
        '    while True:',
        '        try:',
        '            fill(charmap)',
        '        except IndexError:',
        '            if len(charmap) == 256:',
        '                charmap += bytes(256)',
        '                continue',
        '        break',
        'def header():',
        '    while True:',
        '        line = f.readline()',
        '        if not line:',
        '            raise Error("no begin line")',
        '        try:',
        '            int(line, 8)',
        '            break',
        '        except ValueError:',
        '            pass',
        'def ask_default(self):',
        '    while True:',
        '        code = input(">>> ")',
        '        if code == "exit":',
        '            sys.exit(1)',
        '        try:',
        '            return eval(code, {}, {})',
        '        except (SyntaxError, NameError) as e:',
        '            print("Invalid input: %s" % e)',
        '',
      ].join('\n');
      assert.deepEqual(flagged(reliabilityUnboundedRetry, text), []);
    });

    it('leaves loops that move on to another input derived from the last (Django), not a token refreshed from nothing', () => {
      const text = [
        'def repercent_broken_unicode(path):',
        '    changed_parts = []',
        '    while True:',
        '        try:',
        '            path.decode()',
        '        except UnicodeDecodeError as e:',
        '            changed_parts.append(path[:e.start])',
        '            path = path[e.end:]',
        '        else:',
        '            return b"".join(changed_parts) + path',
        'def _save(self, name, content):',
        '    while True:',
        '        try:',
        '            fd = os.open(full_path, flags)',
        '        except FileExistsError:',
        '            name = self.get_available_name(name)',
        '            full_path = self.path(name)',
        '        else:',
        '            break',
        'def call(token):',
        '    while True:',
        '        try:',
        '            return api(token)',
        '        except AuthError:',
        '            token = refresh_token()',
        '',
      ].join('\n');
      assert.deepEqual(flagged(reliabilityUnboundedRetry, text), ['while True']);
      assert.equal(check(reliabilityUnboundedRetry, text)[0]!.startPosition.line, 20);
    });

    it('flags tenacity and backoff decorators without a stop, not with one', () => {
      const text = [
        'import backoff, tenacity',
        'from tenacity import retry, stop_after_attempt, wait_fixed',
        '@retry',
        'def a(): ...',
        '@retry(wait=wait_fixed(2))',
        'def b(): ...',
        '@tenacity.retry(stop=stop_after_attempt(3))',
        'def c(): ...',
        '@backoff.on_exception(backoff.expo, OSError)',
        'def d(): ...',
        '@backoff.on_exception(backoff.expo, OSError, max_tries=4)',
        'def e(): ...',
        'for attempt in tenacity.Retrying(stop=stop_after_attempt(2)):',
        '    pass',
        '',
      ].join('\n');
      assert.deepEqual(flagged(reliabilityUnboundedRetry, text), ['retry', 'retry(wait=wait_fixed(2))', 'backoff.on_exception(backoff.expo, OSError)']);
    });

    it('does not take another library\'s retry for tenacity\'s', () => {
      assert.deepEqual(flagged(reliabilityUnboundedRetry, 'from urllib3.util import Retry\nfrom mylib import retry\n@retry\ndef a(): ...\n'), []);
    });
  });

  describe('security/shell-injection', () => {
    it('flags shell commands built from values', () => {
      const text = [
        'import os, subprocess',
        'import subprocess as sp',
        'def run(name, branch):',
        '    os.system(f"tar -czf {name}.tgz data")',
        '    os.popen("git log " + branch)',
        '    subprocess.run("ls %s" % name, shell=True)',
        '    sp.check_output("grep {} log".format(name), shell=True)',
        '    cmd = "rm -rf " + name',
        '    subprocess.call(cmd, shell=True)',
        '    os.system(name)',
        '',
      ].join('\n');
      assert.deepEqual(flagged(securityShellInjection, text), [
        'f"tar -czf {name}.tgz data"',
        '"git log " + branch',
        '"ls %s" % name',
        '"grep {} log".format(name)',
        'cmd',
        'name',
      ]);
    });

    it('leaves argument lists, constant commands and quoted values alone', () => {
      const text = [
        'import os, shlex, subprocess',
        'def run(name):',
        '    subprocess.run(["git", "log", name])',
        '    subprocess.run(f"ls {name}")',
        '    subprocess.run(f"ls {name}", shell=False)',
        '    os.system("make clean")',
        '    cmd = "make all"',
        '    os.system(cmd)',
        '    os.system(f"ls {shlex.quote(name)}")',
        '    os.system(DEFAULT_COMMAND)',
        '    subprocess.run(f"ls {COUNT}", shell=True)',
        '',
      ].join('\n');
      assert.deepEqual(flagged(securityShellInjection, text), []);
    });
    it('takes a loop variable over constant strings for a constant, and leaves wrappers passing their shell parameter on', () => {
      const text = [
        'import subprocess',
        'for cmd in ("ver", "cmd /c ver"):',
        '    subprocess.check_output(cmd, shell=True)',
        'def popen(cmd, shell=False):',
        '    return subprocess.Popen(cmd, shell=shell)',
        'def run(cmd):',
        '    return subprocess.Popen(cmd, shell=True)',
        '',
      ].join('\n');
      assert.deepEqual(flagged(securityShellInjection, text), ['cmd']);
      assert.match(check(securityShellInjection, text)[0]!.message, /runs a command through a shell \(`shell=True`\), built from the variable `cmd`/);
    });

    it('flags a shell program given a built script after -c, not a plain argument list', () => {
      const text = [
        'import subprocess',
        'def run(name):',
        '    subprocess.run(["bash", "-c", f"tar -czf {name}.tgz data"])',
        '    subprocess.run(["/bin/sh", "-c", "make all"])',
        '    subprocess.run(["tar", "-czf", name])',
        '',
      ].join('\n');
      assert.deepEqual(flagged(securityShellInjection, text), ['f"tar -czf {name}.tgz data"']);
      assert.match(check(securityShellInjection, text)[0]!.message, /runs `bash -c` with a script built from an f-string with `name`/);
    });
  });

  describe('security/eval', () => {
    it('flags eval, exec and compile of non-literal code, and unsafe YAML loading', () => {
      const text = [
        'import yaml',
        'def f(expr, data, src):',
        '    eval(expr)',
        '    exec(f"x = {data}")',
        '    compile(src, "<input>", "exec")',
        '    yaml.load(data)',
        '    yaml.load(data, Loader=yaml.Loader)',
        '    yaml.unsafe_load(data)',
        '',
      ].join('\n');
      assert.deepEqual(flagged(securityEval, text), [
        'eval(expr)',
        'exec(f"x = {data}")',
        'compile(src, "<input>", "exec")',
        'yaml.load(data)',
        'yaml.load(data, Loader=yaml.Loader)',
        'yaml.unsafe_load(data)',
      ]);
    });

    it('leaves literals, methods named eval, re.compile and safe YAML alone', () => {
      const text = [
        'import re, yaml',
        'from yaml import SafeLoader',
        'eval("1 + 1")',
        'model.eval()',
        're.compile(pattern)',
        'yaml.safe_load(data)',
        'yaml.load(data, Loader=SafeLoader)',
        'yaml.load(data, yaml.CSafeLoader)',
        '',
      ].join('\n');
      assert.deepEqual(flagged(securityEval, text), []);
    });

    it('leaves compile to a syntax tree alone (ast.parse), not compile with other flags', () => {
      const tree = [
        'import ast',
        'from _ast import PyCF_ONLY_AST, PyCF_TYPE_COMMENTS',
        'def parse(source, filename, mode):',
        '    flags = PyCF_ONLY_AST',
        '    flags |= PyCF_TYPE_COMMENTS',
        '    return compile(source, filename, mode, flags, _feature_version=-1)',
        'def tree(src):',
        '    return compile(src, "<s>", "exec", flags=ast.PyCF_ONLY_AST | ast.PyCF_TYPE_COMMENTS)',
        '',
      ].join('\n');
      assert.deepEqual(flagged(securityEval, tree), []);
      const code = 'import __future__\ndef run(src):\n    flags = __future__.annotations.compiler_flag\n    return compile(src, "<s>", "exec", flags)\n';
      assert.deepEqual(flagged(securityEval, code), ['compile(src, "<s>", "exec", flags)']);
    });

    it('reports exec(compile(src, …)) and exec of a compiled name once, at the compile', () => {
      assert.deepEqual(flagged(securityEval, 'exec(compile(src, "<f>", "exec"), ns)\n'), ['compile(src, "<f>", "exec")']);
      assert.deepEqual(flagged(securityEval, 'def run(src):\n    code = compile(src, "<f>", "exec")\n    exec(code, ns)\n'), ['compile(src, "<f>", "exec")']);
    });
  });

  describe('security/sql-injection', () => {
    it('flags SQL built by f-string, % on the text, + and .format', () => {
      const text = [
        'from sqlalchemy import text',
        'def q(cur, conn, user_id, name):',
        '    cur.execute(f"SELECT * FROM users WHERE id = {user_id}")',
        '    cur.execute("SELECT * FROM users WHERE name = \'%s\'" % name)',
        '    cur.execute("DELETE FROM users WHERE id = " + user_id)',
        '    conn.execute(text("SELECT * FROM t WHERE a = {}".format(name)))',
        '    query = f"UPDATE users SET name = \'{name}\' WHERE id = 1"',
        '    cur.executemany(query, rows)',
        '    User.objects.raw(f"SELECT * FROM app_user WHERE name = \'{name}\'")',
        '    qs.extra(where=[f"name = \'{name}\'"])',
        '',
      ].join('\n');
      assert.deepEqual(flagged(securitySqlInjection, text), [
        'f"SELECT * FROM users WHERE id = {user_id}"',
        '"SELECT * FROM users WHERE name = \'%s\'" % name',
        '"DELETE FROM users WHERE id = " + user_id',
        '"SELECT * FROM t WHERE a = {}".format(name)',
        'query',
        'f"SELECT * FROM app_user WHERE name = \'{name}\'"',
        'f"name = \'{name}\'"',
      ]);
    });

    it('leaves parameterised queries, placeholder lists, numbers and non-SQL alone', () => {
      const text = [
        'def q(cur, ids, name, query):',
        '    cur.execute("SELECT * FROM users WHERE name = %s", (name,))',
        '    cur.execute("SELECT * FROM users WHERE id = ?", [name])',
        '    placeholders = ", ".join(["%s"] * len(ids))',
        '    cur.execute(f"SELECT * FROM users WHERE id IN ({placeholders})", ids)',
        '    cur.execute("SELECT * FROM t WHERE id IN (%s)" % ",".join("?" * len(ids)), ids)',
        '    cur.execute(f"SELECT * FROM t LIMIT {int(name)}")',
        '    cur.execute(query)',
        '    executor.execute(f"job {name}")',
        '    cur.execute(f"SELECT * FROM {TABLE} WHERE a = 1")',
        '    quote_name = connection.ops.quote_name',
        '    table = quote_name(self._table)',
        '    cur.execute("SELECT COUNT(*) FROM %s" % table)',
        '',
      ].join('\n');
      assert.deepEqual(flagged(securitySqlInjection, text), []);
      // The same name given a raw value is reported.
      assert.deepEqual(flagged(securitySqlInjection, 'def q(cur, name):\n    table = name\n    cur.execute("SELECT COUNT(*) FROM %s" % table)\n'), ['"SELECT COUNT(*) FROM %s" % table']);
    });

    it('leaves mappings, choices and joins of constants or escaped names alone (Django, psycopg2), not the same shapes holding a raw value', () => {
      const safe = [
        'def q(self, cur, conn, model, field, mapping, partitioned):',
        '    self.execute("UPDATE %(table)s SET %(column)s = %%s" % {',
        '        "table": self.quote_name(model._meta.db_table),',
        '        "column": self.quote_name(field.column),',
        '    }, [1])',
        '    cur.execute("SELECT CASE WHEN {} THEN 1 END FROM t".format("c.relispartition" if partitioned else "false"))',
        '    typarray = conn.info.server_version >= 80300 and "typarray" or "NULL"',
        '    cur.execute("SELECT t.oid, %s FROM pg_type t WHERE t.typname = %%s" % typarray, ("hstore",))',
        '    cur.execute("INSERT INTO t (%s) VALUES (1)" % ", ".join(self.quote_name(x) for x in mapping))',
        '    cur.execute("SELECT * FROM t WHERE %s" % " AND ".join(["a = %s", "b = %s"]), (1, 2))',
        // sqlite3's dump: quotes doubled inside the quotes they escape.
        '    ident = name.replace(\'"\', \'""\')',
        '    cur.execute(\'SELECT * FROM "{0}"\'.format(ident))',
        '    cur.execute("SELECT {0} FROM t".format(",".join("\'{0}\'".format(c.replace("\'", "\'\'")) for c in mapping)))',
        '',
      ].join('\n');
      assert.deepEqual(flagged(securitySqlInjection, safe), []);
      const raw = [
        'def q(self, cur, name, names, partitioned):',
        '    self.execute("UPDATE %(table)s SET a = 1" % {"table": name})',
        '    cur.execute("SELECT * FROM {}".format(name if partitioned else "t"))',
        '    cur.execute("SELECT * FROM %s" % (name or "t"))',
        '    cur.execute("SELECT * FROM %s" % (partitioned and name))',
        '    x = "t"',
        '    cur.execute("SELECT %s FROM t" % ", ".join(x for x in names))',
        '    cur.execute("SELECT %s FROM t" % name.join(["a", "b"]))',
        '    cur.execute(\'SELECT * FROM "{0}"\'.format(name.replace("\'", "")))',
        '    cur.execute("SELECT {0} FROM t".format(",".join("\'{0}\'".format(c) for c in names)))',
        '',
      ].join('\n');
      assert.equal(flagged(securitySqlInjection, raw).length, 8);
    });
  });

  describe('security/tls-disabled', () => {
    it('flags verify=False, unverified contexts, CERT_NONE and check_hostname = False', () => {
      const text = [
        'import requests, httpx, ssl, urllib3',
        'urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)',
        'requests.get(url, verify=False, timeout=5)',
        'client = httpx.Client(verify=False)',
        'session.verify = False',
        'ctx = ssl._create_unverified_context()',
        'ctx2 = ssl.create_default_context()',
        'ctx2.check_hostname = False',
        'ctx2.verify_mode = ssl.CERT_NONE',
        'pool = urllib3.PoolManager(cert_reqs="CERT_NONE")',
        'ssl._create_default_https_context = ssl._create_unverified_context',
        'import aiohttp',
        'aiohttp.TCPConnector(ssl=False)',
        'session.get(url, ssl=False)',
        '',
      ].join('\n');
      assert.deepEqual(flagged(securityTlsDisabled, text), [
        'urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)',
        'verify=False',
        'verify=False',
        'session.verify = False',
        'ssl._create_unverified_context()',
        'ctx2.check_hostname = False',
        'ctx2.verify_mode = ssl.CERT_NONE',
        'cert_reqs="CERT_NONE"',
        'ssl._create_default_https_context = ssl._create_unverified_context',
        'ssl=False',
        'ssl=False',
      ]);
    });

    it('leaves the defaults of a stand-in context class alone, not a Session subclass turning checks off', () => {
      const text = [
        'import ssl, requests',
        'class SSLContext(object):',
        '    def __init__(self, protocol):',
        '        self.check_hostname = False',
        '        self.verify_mode = ssl.CERT_NONE',
        'class Insecure(requests.Session):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.verify = False',
        '',
      ].join('\n');
      assert.deepEqual(flagged(securityTlsDisabled, text), ['self.verify = False']);
    });

    it('leaves a library passing on its caller\'s TLS option (requests, asyncio), not the same setting under another condition', () => {
      const text = [
        'import ssl',
        'def cert_verify(self, conn, url, verify, cert):',
        '    if url.lower().startswith("https") and verify:',
        '        conn.cert_reqs = "CERT_REQUIRED"',
        '    else:',
        '        conn.cert_reqs = "CERT_NONE"',
        '        conn.ca_certs = None',
        'def make_context(server_hostname):',
        '    sslcontext = ssl.create_default_context()',
        '    if not server_hostname:',
        '        sslcontext.check_hostname = False',
        '    elif url.startswith("https://internal"):',
        '        sslcontext.check_hostname = False',
        '    return sslcontext',
        '',
      ].join('\n');
      assert.deepEqual(flagged(securityTlsDisabled, text), ['sslcontext.check_hostname = False']);
    });

    it('leaves a function named for building an unverified context (httpx, aiohttp), not the same settings elsewhere', () => {
      const text = [
        'import ssl',
        'def _make_ssl_context(verified):',
        '    if verified:',
        '        return ssl.create_default_context()',
        '    else:',
        '        sslcontext = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)',
        '        sslcontext.check_hostname = False',
        'def load_ssl_context_no_verify(self):',
        '    context = self._create_default_ssl_context()',
        '    context.check_hostname = False',
        '    context.verify_mode = ssl.CERT_NONE',
        '    return context',
        'def connect(self):',
        '    context = ssl.create_default_context()',
        '    context.verify_mode = ssl.CERT_NONE',
        '',
      ].join('\n');
      assert.deepEqual(flagged(securityTlsDisabled, text), ['context.verify_mode = ssl.CERT_NONE']);
    });

    it('flips verify=False to True as a quick fix', () => {
      const text = 'import requests\nrequests.get(url, verify=False, timeout=5)\n';
      assert.equal(applyFix(text, check(securityTlsDisabled, text)[0]!), 'import requests\nrequests.get(url, verify=True, timeout=5)\n');
    });

    it('leaves verification on, comparisons with CERT_NONE, unrelated verify= and lone disable_warnings alone', () => {
      const text = [
        'import ssl, urllib3, requests',
        'urllib3.disable_warnings()',
        'requests.get(url, verify="/etc/ca.pem", timeout=5)',
        'if ctx.verify_mode == ssl.CERT_NONE:',
        '    warn()',
        'signature.check(data, verify=False)',
        'ctx.check_hostname = True',
        'redis.Redis(host, ssl=False)',
        '',
      ].join('\n');
      assert.deepEqual(flagged(securityTlsDisabled, text), []);
    });
  });

  describe("Bandit's # nosec", () => {
    it('lowers a finding on a line reviewed with Bandit to information (the Azure SDK\'s vendored serializer), for the Bandit tests it names', () => {
      // Every Azure SDK package's _serialization.py: `eval` of a type name from the generated models, reviewed.
      const serializer = ['def serialize_basic(cls, data, data_type):', '    return eval(data_type)(data)  # nosec'].join('\n');
      const [reviewed] = check(securityEval, serializer, 'azure/ai/anomalydetector/_serialization.py');
      assert.equal(reviewed.severity, 'info');
      assert.match(reviewed.severityReasons[0], /# nosec/);
      for (const marker of ['# nosec B307', '#nosec: B307', '# nosec B602, B307', '# nosec B102,B307  # noqa']) {
        const text = `def f(data_type, data):\n    return eval(data_type)(data)  ${marker}\n`;
        assert.equal(check(securityEval, text)[0]?.severity, 'info', marker);
      }
      // Another test's id, or no marker: the finding as it was. A marker in an AI-written block is no review.
      for (const marker of ['# nosec B602', '# no security issue here', '']) {
        const text = `def f(data_type, data):\n    return eval(data_type)(data)  ${marker}\n`;
        assert.equal(check(securityEval, text)[0]?.severity, 'error', marker);
      }
      // On any line of the finding: Bandit's marker goes at the end of a call written over several lines.
      assert.equal(check(securityEval, 'def f(data_type, data):\n    return eval(\n        data_type)(data)  # nosec\n')[0]?.severity, 'info');
      const policy = defaultPolicy();
      const byAssistant = evaluate('app/service.py', serializer, { policy, rules: [securityEval], aiRanges: [{ startLine: 2, endLine: 2 }] }).findings;
      assert.deepEqual(byAssistant.map((finding) => finding.severity), ['error']);
      // Once a person has explained the block, its marker counts like anyone's (raised for the block, from info).
      const explained = evaluate('app/service.py', serializer, { policy, rules: [securityEval], aiRanges: [{ startLine: 2, endLine: 2 }], unreviewedAiRanges: [] }).findings;
      assert.deepEqual(explained.map((finding) => finding.severity), ['warning']);
      // The other Python checks Bandit covers, each by its own tests' ids.
      const shell = 'import subprocess\ndef run(cmd):\n    subprocess.run(f"ls {cmd}", shell=True)  # nosec B602\n';
      assert.equal(check(securityShellInjection, shell)[0]?.severity, 'info');
      const sql = 'def find(cursor, name):\n    cursor.execute(f"SELECT * FROM users WHERE name = \'{name}\'")  # nosec B608\n';
      assert.equal(check(securitySqlInjection, sql)[0]?.severity, 'info');
      const tls = 'import requests\nrequests.get(url, verify=False, timeout=5)  # nosec B501\n';
      assert.equal(check(securityTlsDisabled, tls)[0]?.severity, 'info');
      const timeout = 'import requests\nrequests.get(url)  # nosec B113\n';
      assert.equal(check(reliabilityMissingTimeout, timeout)[0]?.severity, 'info');
      const swallowed = 'try:\n    run()\nexcept Exception:  # nosec B110\n    pass\n';
      assert.equal(check(reliabilitySwallowedError, swallowed)[0]?.severity, 'info');
    });
  });
});
