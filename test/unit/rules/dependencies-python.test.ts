import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { evaluate, FILE_NOT_CHECKED_RULE_ID } from '../../../src/core/check/engine';
import { defaultPolicy } from '../../../src/core/policy/policy';
import { loadGrammars, parseTree } from '../../../src/core/languages/tree-sitter';
import { ManifestCache } from '../../../src/core/rules/dependencies/manifest';
import { dependenciesUndeclared } from '../../../src/core/rules/dependencies/undeclared';
import { dependenciesLookalike } from '../../../src/core/rules/dependencies/lookalike';
import { dependenciesSuspiciousName } from '../../../src/core/rules/dependencies/suspicious-name';
import { parsePipfile, parsePyproject, parseRequirements, parseSetupCfg, parseSetupPy, parsePythonManifest } from '../../../src/core/rules/dependencies/python-manifests';
import { pythonImports } from '../../../src/core/rules/dependencies/python-imports';
import { distributionLookalike } from '../../../src/core/rules/dependencies/python-dependencies';
import type { Rule } from '../../../src/core/rules/rule';
import { TempWorkspaces } from './temp-workspace';

const workspaces = new TempWorkspaces('pydeps-');

/** The module names `rule` flags in `file` of the workspace made of `files`. */
function flagged(rule: Rule, files: Record<string, string>, file: string): string[] {
  const root = workspaces.make(files);
  const cache = new ManifestCache({ workspaceRoot: root });
  const text = files[file]!;
  const result = evaluate(file, text, { policy: defaultPolicy(), rules: [rule], manifest: () => cache.manifestFor(path.join(root, file)) });
  assert.ok(!result.findings.some((finding) => finding.ruleId === FILE_NOT_CHECKED_RULE_ID), JSON.stringify(result.findings));
  return result.findings.map((finding) => text.slice(finding.start, finding.end));
}

function messages(rule: Rule, files: Record<string, string>, file: string): string[] {
  const root = workspaces.make(files);
  const cache = new ManifestCache({ workspaceRoot: root });
  return evaluate(file, files[file]!, { policy: defaultPolicy(), rules: [rule], manifest: () => cache.manifestFor(path.join(root, file)) }).findings.map((finding) => finding.message);
}

describe('Python dependencies', () => {
  before(async () => {
    await loadGrammars(['python']);
  });
  after(() => workspaces.removeAll());

  describe('manifests', () => {
    it('reads requirements files: specifiers, extras, markers, URLs, editables, comments, continuations and options', () => {
      const text = [
        '# pinned by pip-compile',
        'requests[socks]>=2.31,<3 ; python_version >= "3.8"  # http',
        'PyYAML==6.0.1 \\',
        '    --hash=sha256:abc',
        'Django_Rest.Framework~=3.14',
        '-e git+https://github.com/acme/tool.git#egg=acme-tool',
        '-e .',
        'mylib @ https://example.com/mylib-1.0.tar.gz',
        'https://example.com/pkg.whl#egg=wheel_pkg',
        '--index-url https://pypi.example.com/simple',
        '-c constraints.txt',
        '-r base.txt',
        '--requirement=dev.txt',
        './local/path',
      ].join('\n');
      const parsed = parseRequirements(text);
      assert.deepEqual(parsed.declared, ['requests', 'pyyaml', 'django-rest-framework', 'acme-tool', 'mylib', 'wheel-pkg']);
      assert.deepEqual(parsed.includes, ['base.txt', 'dev.txt']);
    });

    it('reads PEP 621, PEP 735, build-system, Poetry, PDM and uv declarations from pyproject.toml', () => {
      const text = [
        '[build-system]',
        'requires = ["hatchling>=1.18"]',
        '[project]',
        'name = "Acme_Service"',
        'dependencies = ["httpx>=0.27", "pydantic[email]>=2"]',
        '[project.optional-dependencies]',
        'redis = ["redis>=5"]',
        '[dependency-groups]',
        'test = ["pytest>=8", {include-group = "lint"}]',
        'lint = ["ruff"]',
        '[tool.poetry.dependencies]',
        'python = "^3.11"',
        'fastapi = "^0.110"',
        '[tool.poetry.group.dev.dependencies]',
        'mypy = "*"',
        '[tool.poetry.dev-dependencies]',
        'black = "*"',
        '[tool.pdm.dev-dependencies]',
        'docs = ["mkdocs"]',
        '[tool.uv]',
        'dev-dependencies = ["coverage"]',
      ].join('\n');
      const parsed = parsePyproject(text);
      assert.equal(parsed.name, 'acme-service');
      assert.deepEqual(new Set(parsed.declared), new Set(['httpx', 'pydantic', 'redis', 'pytest', 'ruff', 'fastapi', 'mypy', 'black', 'mkdocs', 'coverage']));
      assert.deepEqual(parsed.buildRequires, ['hatchling']);
      assert.match(parsePyproject('[project\nname=').problem ?? '', /invalid TOML/);
    });

    it('reads setup.cfg, Pipfile and the literal lists of setup.py without running it', () => {
      const cfg = parseSetupCfg(['[metadata]', 'name = acme', '[options]', 'install_requires =', '    click>=8', '    rich', '[options.extras_require]', 'test =', '    pytest', '[flake8]', 'max-line-length = 100'].join('\n'));
      assert.deepEqual(cfg, { declared: ['click', 'rich', 'pytest'], name: 'acme', buildRequires: ['setuptools', 'wheel'] });
      // pbr's `[extras]` (OpenStack's projects) declares optional requirements as setuptools' extras_require does.
      assert.deepEqual(parseSetupCfg(['[metadata]', 'name = keystone', '[extras]', 'ldap =', '  python-ldap>=3.0.0 # PSF', '  ldappool>=2.3.1 # MPL', 'memcache =', '  python-memcached>=1.56'].join('\n')).declared, ['python-ldap', 'ldappool', 'python-memcached']);
      // A setup.cfg that only configures other tools says nothing about the build.
      assert.deepEqual(parseSetupCfg('[flake8]\nmax-line-length = 100\n'), { declared: [] });
      assert.deepEqual(parsePipfile('[packages]\nflask = "*"\n[dev-packages]\npytest = {version = "*"}\n[requires]\npython_version = "3.11"\n').declared, ['flask', 'pytest']);
      const setup = parseSetupPy("from setuptools import setup\nsetup(name='acme', install_requires=['requests>=2', \"six\"], extras_require={'yaml': ['PyYAML']})\n");
      assert.deepEqual(setup, { declared: ['requests', 'six', 'pyyaml'], buildRequires: ['setuptools', 'wheel'], name: 'acme' });
      assert.deepEqual(parseSetupPy('setup(install_requires=read_requirements())').declared, []);
    });

    it('never throws on arbitrary manifest text', () => {
      const kinds = ['pyproject', 'setup.cfg', 'setup.py', 'pipfile', 'requirements'] as const;
      fc.assert(
        fc.property(fc.constantFrom(...kinds), fc.string({ maxLength: 300 }), (kind, text) => {
          const parsed = parsePythonManifest(kind, text);
          assert.ok(Array.isArray(parsed.declared));
        }),
        { numRuns: 400 },
      );
    });
  });

  describe('imports', () => {
    it('reads import forms and marks TYPE_CHECKING and optional imports', () => {
      const text = [
        'import os, yaml as y',
        'import google.cloud.storage',
        'from requests.adapters import HTTPAdapter',
        'from . import sibling',
        'from .models import User',
        'from __future__ import annotations',
        "__import__('pkg_one')",
        'importlib.import_module("pkg_two.sub")',
        "importlib.import_module('.relative', __name__)",
        'importlib.import_module(name)',
        "importlib.import_module(f'{x}')",
        'if TYPE_CHECKING:',
        '    import mypy_boto3_s3',
        'try:',
        '    import ujson as json',
        'except ImportError:',
        '    import json',
        'try:',
        '    from urllib3.contrib import pyopenssl',
        'except ImportError:',
        '    pyopenssl = None',
        'else:',
        '    import OpenSSL',
        'if t.TYPE_CHECKING:',
        '    from _typeshed.wsgi import WSGIEnvironment',
      ].join('\n');
      const tree = parseTree('python', text);
      try {
        const found = pythonImports(tree).map((entry) => `${entry.module}${entry.guarded ? `(${entry.guarded})` : ''}`);
        assert.deepEqual(found, ['os', 'yaml', 'google.cloud.storage', 'requests.adapters', 'pkg_one', 'pkg_two.sub', 'mypy_boto3_s3(type-checking)', 'ujson(optional)', 'json', 'urllib3.contrib(optional)', 'OpenSSL(optional)', '_typeshed.wsgi(type-checking)']);
      } finally {
        tree.delete();
      }
    });
  });

  describe('dependencies/undeclared for Python', () => {
    it('flags an undeclared import in a requirements project, naming the distribution and the file', () => {
      const files = {
        'requirements.txt': 'requests==2.32.0\npyyaml>=6\n',
        'app/main.py': 'import os\nimport requests\nimport yaml\nimport cv2\nimport fancy_retry_helper\n',
      };
      assert.deepEqual(flagged(dependenciesUndeclared, files, 'app/main.py'), ['cv2', 'fancy_retry_helper']);
      const [cv2, invented] = messages(dependenciesUndeclared, files, 'app/main.py');
      assert.match(cv2!, /add "opencv-python" to requirements\.txt/);
      assert.match(invented!, /'fancy_retry_helper' is imported but no distribution declared in requirements\.txt/);
      assert.match(invented!, /hallucinated package/);
    });

    it('a project setuptools builds imports setuptools in its setup.py without declaring it (flask\'s example project)', () => {
      const files = {
        'setup.cfg': '[metadata]\nname = flaskr\n[options]\ninstall_requires =\n    flask\n',
        'setup.py': 'from setuptools import setup\n\nsetup()\n',
        'flaskr/db.py': 'import click\n',
      };
      assert.deepEqual(flagged(dependenciesUndeclared, files, 'setup.py'), []);
      // Declaring nothing else: a module the project imports is still undeclared.
      assert.deepEqual(flagged(dependenciesUndeclared, files, 'flaskr/db.py'), ['click']);
      // A project with no setuptools manifest (requirements only) does not get it for free.
      assert.deepEqual(flagged(dependenciesUndeclared, { 'requirements.txt': 'flask\n', 'tools/build.py': 'import setuptools\n' }, 'tools/build.py'), ['setuptools']);
    });

    it("an OpenStack project: pbr's [extras] in setup.cfg and requirements.txt together; migrate is sqlalchemy-migrate", () => {
      // Keystone 22: python-ldap and ldappool are its `ldap` extra, sqlalchemy-migrate installs `migrate`.
      const files = {
        'requirements.txt': 'pbr!=2.1.0,>=2.0.0 # Apache-2.0\nSQLAlchemy>=1.3.0 # MIT\nsqlalchemy-migrate>=0.13.0 # Apache-2.0\n',
        'setup.cfg': '[metadata]\nname = keystone\n[extras]\nldap =\n  python-ldap>=3.0.0 # PSF\n  ldappool>=2.3.1 # MPL\n',
        'keystone/common/sql/upgrades.py': 'import ldap\nimport ldappool\nimport migrate\nfrom migrate.versioning import api\nimport sqlalchemy\nimport alembic\n',
      };
      // alembic comes with oslo.db, which Keystone does not import by that name: undeclared, and reported.
      assert.deepEqual(flagged(dependenciesUndeclared, files, 'keystone/common/sql/upgrades.py'), ['alembic']);
    });

    it('accepts a Poetry project in src layout importing itself, its tests and its dev group', () => {
      const files = {
        'pyproject.toml': '[tool.poetry]\nname = "acme-billing"\n[tool.poetry.dependencies]\npython = "^3.11"\nSQLAlchemy = "^2"\nbeautifulsoup4 = "*"\n[tool.poetry.group.dev.dependencies]\npytest = "^8"\n',
        'src/acme_billing/__init__.py': '',
        'src/acme_billing/db.py': 'from sqlalchemy import create_engine\nfrom bs4 import BeautifulSoup\nfrom acme_billing.models import Invoice\n',
        'tests/conftest.py': 'import pytest\nfrom acme_billing import db\nfrom helpers import make_invoice\nimport _pytest.fixtures\n',
        'tests/helpers.py': '',
      };
      assert.deepEqual(flagged(dependenciesUndeclared, files, 'src/acme_billing/db.py'), []);
      assert.deepEqual(flagged(dependenciesUndeclared, files, 'tests/conftest.py'), []);
    });

    it('follows -r includes of a requirements folder, and a monorepo root counts for its projects', () => {
      const files = {
        'requirements-dev.txt': 'pytest\n',
        'services/api/requirements/base.txt': 'fastapi\n',
        'services/api/requirements/prod.txt': '-r base.txt\ngunicorn\n',
        'services/api/app.py': 'import fastapi\nimport gunicorn\nimport pytest\nimport celery\n',
        'services/worker/pyproject.toml': '[project]\nname = "worker"\ndependencies = ["celery[redis]"]\n',
        'services/worker/tasks.py': 'import celery\nimport fastapi\nimport worker\n',
      };
      assert.deepEqual(flagged(dependenciesUndeclared, files, 'services/api/app.py'), ['celery']);
      assert.deepEqual(flagged(dependenciesUndeclared, files, 'services/worker/tasks.py'), ['fastapi']);
      assert.match(messages(dependenciesUndeclared, files, 'services/worker/tasks.py')[0]!, /services\/worker\/pyproject\.toml/);
    });

    it('passes the cheap look-alikes of a declaration: case, separators, namespace packages', () => {
      const files = {
        'requirements.txt': 'pyyaml\nPython_DateUtil\ngoogle-cloud-storage\nzope.interface\nscikit-learn\n',
        'm.py': 'import yaml\nfrom dateutil import parser\nfrom google.cloud import storage\nimport zope.interface\nfrom sklearn import svm\n',
      };
      assert.deepEqual(flagged(dependenciesUndeclared, files, 'm.py'), []);
    });

    it('does not report stdlib, local modules, optional or type-checking imports, dynamic names, or files with no manifest', () => {
      const files = {
        'setup.cfg': '[options]\ninstall_requires =\n    click\n',
        'pkg/__init__.py': '',
        'pkg/cli.py': [
          'import sys, asyncio, tomllib, distutils.core, urllib2',
          'import click',
          'from pkg import util',
          'import sibling',
          'try:',
          '    import orjson',
          'except ImportError:',
          '    orjson = None',
          'if TYPE_CHECKING:',
          '    from mypy_extensions import TypedDict',
          '__import__(name)',
        ].join('\n'),
        'pkg/sibling.py': '',
        'scripts/tool.py': 'import requests\n',
      };
      assert.deepEqual(flagged(dependenciesUndeclared, files, 'pkg/cli.py'), []);
      const stub = { 'requirements.txt': 'click\n', 'pkg/api.pyi': 'from typing_extensions import Self\nimport attr\n' };
      assert.deepEqual(flagged(dependenciesUndeclared, stub, 'pkg/api.pyi'), []);
      const noManifest = { 'tool.py': 'import requests\n' };
      assert.deepEqual(flagged(dependenciesUndeclared, noManifest, 'tool.py'), []);
    });

    it('an Ansible collection runs inside ansible-core and imports itself and its dependencies through ansible_collections; pytest plugins bring pytest', () => {
      const collection = 'ansible_collections/acme/cloud';
      const module = [
        'from ansible.module_utils.basic import AnsibleModule',
        'from ansible_collections.acme.cloud.plugins.module_utils.api import Client',
        'from ansible_collections.community.general.plugins.module_utils import known_hosts',
        'import yaml, jinja2',
        'import acmesdk',
        'import orderreddict',
      ].join('\n');
      // A built collection (MANIFEST.json's collection_info), a source one (galaxy.yml), one with only meta/runtime.yml;
      // installed under ansible_collections/, or checked out on its own (the collection's repository).
      for (const root of [collection, 'repo']) {
        for (const [file, text] of [['MANIFEST.json', '{"collection_info": {"namespace": "acme", "name": "cloud"}}'], ['galaxy.yml', 'namespace: acme\nname: cloud\n'], ['meta/runtime.yml', "requires_ansible: '>=2.14.0'\n"]]) {
          const files = { [`${root}/requirements.txt`]: 'acmesdk>=2\n', [`${root}/${file}`]: text, [`${root}/plugins/modules/server.py`]: module };
          assert.deepEqual(flagged(dependenciesUndeclared, files, `${root}/plugins/modules/server.py`), ['orderreddict'], `${root}/${file}`);
        }
      }
      // Without the collection's metadata, ansible and what it installs are imports like any other.
      const bare = { [`${collection}/requirements.txt`]: 'acmesdk>=2\n', [`${collection}/meta/runtime.yml`]: '---\n', [`${collection}/plugins/modules/server.py`]: module };
      assert.deepEqual(flagged(dependenciesUndeclared, bare, `${collection}/plugins/modules/server.py`), [
        'ansible.module_utils.basic',
        'ansible_collections.acme.cloud.plugins.module_utils.api',
        'ansible_collections.community.general.plugins.module_utils',
        'yaml',
        'jinja2',
        'orderreddict',
      ]);
      // testinfra is pytest-testinfra on PyPI, openstack is openstacksdk; a pytest plugin declared brings pytest, nothing else does.
      const molecule = { 'molecule/requirements.txt': 'pytest-testinfra==6.1.0\nopenstacksdk\n', 'molecule/default/tests/test_default.py': 'import pytest\nimport testinfra.utils.ansible_runner\nimport openstack\nimport requests\n' };
      assert.deepEqual(flagged(dependenciesUndeclared, molecule, 'molecule/default/tests/test_default.py'), ['requests']);
      const noPlugin = { 'requirements.txt': 'pytestify\n', 'test_a.py': 'import pytest\n' };
      assert.deepEqual(flagged(dependenciesUndeclared, noPlugin, 'test_a.py'), ['pytest']);
    });

    it('reads an installed environment to learn which distribution provides a module', () => {
      const files = {
        'requirements.txt': 'acme-sdk\n',
        '.venv/lib/python3.12/site-packages/acme_sdk-1.2.0.dist-info/top_level.txt': 'acmesdk\n',
        '.venv/lib/python3.12/site-packages/other_dist-1.0.dist-info/RECORD': 'otherthing/__init__.py,sha256=x,1\nother_dist-1.0.dist-info/METADATA,,\n',
        'main.py': 'import acmesdk\nimport otherthing\n',
      };
      assert.deepEqual(flagged(dependenciesUndeclared, files, 'main.py'), ['otherthing']);
      assert.match(messages(dependenciesUndeclared, files, 'main.py')[0]!, /add "other_dist" to requirements\.txt/);
    });

    it('reads a changed manifest again after fileChanged', () => {
      const root = workspaces.make({ 'requirements.txt': 'requests\n', 'a.py': 'import httpx\n' });
      const cache = new ManifestCache({ workspaceRoot: root });
      const run = () => evaluate('a.py', 'import httpx\n', { policy: defaultPolicy(), rules: [dependenciesUndeclared], manifest: () => cache.manifestFor(path.join(root, 'a.py')) }).findings.length;
      assert.equal(run(), 1);
      fs.writeFileSync(path.join(root, 'requirements.txt'), 'requests\nhttpx\n');
      assert.equal(run(), 1, 'cached until told');
      assert.equal(cache.fileChanged(path.join(root, 'requirements.txt')), true);
      assert.equal(run(), 0);
      assert.equal(cache.fileChanged(path.join(root, 'requirements', 'dev.txt')), true, 'a requirements/ folder file');
      assert.equal(cache.fileChanged(path.join(root, 'src', 'app.py')), false);
    });

    it('reads setuptools file: directives, and stays silent when dependencies are built by code', () => {
      const dynamicFiles = {
        'pyproject.toml': '[build-system]\nrequires = ["setuptools"]\n[project]\nname = "svc"\ndynamic = ["dependencies"]\n[tool.setuptools.dynamic]\ndependencies = {file = ["requirements.in"]}\n',
        'requirements.in': 'requests\n',
        'svc/main.py': 'import requests\nimport setuptools\nimport invented_pkg\n',
      };
      assert.deepEqual(flagged(dependenciesUndeclared, dynamicFiles, 'svc/main.py'), ['invented_pkg']);
      const cfgFile = { 'setup.cfg': '[options]\ninstall_requires = file: reqs/base.txt\n', 'reqs/base.txt': 'rich\n', 'm.py': 'import rich\nimport invented_pkg\n' };
      assert.deepEqual(flagged(dependenciesUndeclared, cfgFile, 'm.py'), ['invented_pkg']);
      const byCode = { 'setup.py': "setup(name='x', install_requires=read_requirements('deps.txt'))\n", 'm.py': 'import rich\n' };
      assert.deepEqual(flagged(dependenciesUndeclared, byCode, 'm.py'), []);
      const hatchHook = { 'pyproject.toml': '[project]\nname = "x"\ndynamic = ["dependencies"]\n', 'm.py': 'import rich\n' };
      assert.deepEqual(flagged(dependenciesUndeclared, hatchHook, 'm.py'), []);
      const buildOnly = { 'pyproject.toml': '[build-system]\nrequires = ["setuptools"]\n[tool.black]\nline-length = 100\n', 'm.py': 'import rich\n' };
      assert.deepEqual(flagged(dependenciesUndeclared, buildOnly, 'm.py'), [], 'build requirements alone do not make a project');
    });
  });

  describe('dependencies/lookalike for Python', () => {
    it('flags misspelt imports of well-known modules', () => {
      const files = { 'requirements.txt': 'requests\n', 'a.py': 'import reqeusts\nimport urlib3\nfrom jeIlyfish import jaro\nimport numpy\nimport requests\n' };
      assert.deepEqual(flagged(dependenciesLookalike, files, 'a.py'), ['reqeusts', 'urlib3', 'jeIlyfish']);
    });

    it('flags an import provided only by a look-alike declaration', () => {
      const files = { 'requirements.txt': 'python3-dateutil\nbeautifulsoup\njeIlyfish\n', 'a.py': 'import dateutil\nfrom bs4 import BeautifulSoup\nimport jellyfish\n' };
      assert.deepEqual(flagged(dependenciesLookalike, files, 'a.py'), ['dateutil', 'bs4', 'jellyfish']);
      assert.match(messages(dependenciesLookalike, files, 'a.py')[0]!, /provided by "python-dateutil", but requirements\.txt .*declares "python3-dateutil"/);
    });

    it('passes honest neighbours: plugins, stubs, declared and local names', () => {
      const files = {
        'requirements.txt': 'pytest-mock\ntypes-requests\nrequests-oauthlib\ndjangorestframework\nrequests\nattrs\n',
        'reqeust_utils.py': '',
        'a.py': 'import pytest_mock\nimport requests_oauthlib\nfrom rest_framework import viewsets\nimport attr\nimport reqeust_utils\n',
      };
      assert.deepEqual(flagged(dependenciesLookalike, files, 'a.py'), []);
      // Undeclared but real: genuine neighbours and numbered siblings are not called typos (undeclared reports them).
      assert.deepEqual(flagged(dependenciesLookalike, { 'requirements.txt': 'requests\n', 'b.py': 'import scapy\nimport httpx2\nimport aiofile\nfrom uamqp import Message\nfrom paste.httpexceptions import HTTPUnauthorized\nimport Numpy\n' }, 'b.py'), ['Numpy']);
      // cx_Oracle's module is capitalised; `_billiard` is billiard's extension module; a dialect file named
      // after the package it adapts (SQLAlchemy's cymysql.py) imports it on purpose. Not `cymysql` elsewhere.
      const adapters = { 'requirements.txt': 'requests\n', 'dialects/cymysql.py': 'import cx_Oracle\nfrom _billiard import read\ncymysql = __import__("cymysql")\n', 'other.py': 'import cymysql\n' };
      assert.deepEqual(flagged(dependenciesLookalike, adapters, 'dialects/cymysql.py'), []);
      assert.deepEqual(flagged(dependenciesLookalike, adapters, 'other.py'), ['cymysql']);
      for (const name of ['pytest-mock', 'types-requests', 'requests-oauthlib', 'request', 'django-filter', 'pyyaml', 'elasticsearch8', 'markdown2', 'pyqt6', 'opensearch-py', 'azure-cosmos']) assert.equal(distributionLookalike(name), undefined, name);
      for (const name of ['python3-dateutil', 'jeilyfish', 'urlib3', 'reqeusts', 'beautifulsoup']) assert.notEqual(distributionLookalike(name), undefined, name);
    });
  });

  describe('dependencies/suspicious-name on Python manifests', () => {
    function suspicious(file: string, text: string): { name: string; severity: string }[] {
      return evaluate(file, text, { policy: defaultPolicy(), rules: [dependenciesSuspiciousName] }).findings.map((finding) => ({ name: text.slice(finding.start, finding.end), severity: finding.severity }));
    }

    it('flags known malicious, invented, stdlib-named and look-alike declarations in every format', () => {
      const requirements = 'requests>=2\njeIlyfish==0.7\npython3-dateutil\nhuggingface-cli\nurllib\npython-sqlite\nreqeusts\n';
      assert.deepEqual(suspicious('requirements.txt', requirements), [
        { name: 'jeIlyfish', severity: 'error' },
        { name: 'python3-dateutil', severity: 'error' },
        { name: 'huggingface-cli', severity: 'warning' },
        { name: 'urllib', severity: 'error' },
        { name: 'python-sqlite', severity: 'warning' },
        { name: 'reqeusts', severity: 'warning' },
      ]);
      assert.deepEqual(suspicious('pyproject.toml', '[project]\nname = "x"\ndependencies = ["colourama>=0.1", "beautifulsoup"]\n').map((each) => each.name), ['colourama', 'beautifulsoup']);
      assert.deepEqual(suspicious('requirements/dev.txt', 'urlib3\n').map((each) => each.name), ['urlib3']);
      assert.deepEqual(suspicious('setup.py', "setup(install_requires=['huggingface-cli'])\n").map((each) => each.name), ['huggingface-cli']);
    });

    it('passes honest declarations: backports, plugins, stubs, numbered siblings and the ranking\'s genuine neighbours', () => {
      const text = 'dataclasses; python_version<"3.7"\ntyping\nmock\npytest-mock\ntypes-requests\nrequests-oauthlib\nelasticsearch8\npymssql\nscapy\nrequest\nPyYAML\n-e .\n';
      assert.deepEqual(suspicious('requirements.txt', text), []);
      assert.deepEqual(suspicious('notes.txt', 'urlib3\n'), []);
    });
  });

  it('suspicious-name never throws on arbitrary manifest text', () => {
    const seeds = ['requests>=2 ; python_version<"3"\n-r a.txt\n', '[project]\ndependencies = ["x"]\n', '[options]\ninstall_requires =\n  a\n', "setup(install_requires=['a', {'b': ['c']}])\n"];
    fc.assert(
      fc.property(fc.constantFrom('requirements.txt', 'pyproject.toml', 'setup.cfg', 'setup.py', 'Pipfile', 'requirements/dev.in'), fc.constantFrom(...seeds), fc.string({ maxLength: 60 }), fc.nat(), (file, seed, insert, at) => {
        const text = seed.slice(0, at % (seed.length + 1)) + insert + seed.slice(at % (seed.length + 1));
        const result = evaluate(file, text, { policy: defaultPolicy(), rules: [dependenciesSuspiciousName] });
        assert.ok(!result.findings.some((finding) => finding.ruleId === FILE_NOT_CHECKED_RULE_ID));
      }),
      { numRuns: 300 },
    );
  });

  it('no Python dependency check throws on arbitrary text or mutated fixtures', () => {
    const root = workspaces.make({ 'requirements.txt': 'requests\n-r other.txt\n', 'other.txt': '-r requirements.txt\nPyYAML\n', 'pyproject.toml': '[project]\nname="x"\n' });
    const cache = new ManifestCache({ workspaceRoot: root });
    const seed = 'import yaml\nfrom a.b import c\ntry:\n    import x\nexcept ImportError:\n    pass\nif TYPE_CHECKING:\n    import t\n__import__("m")\n';
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.tuple(fc.nat(), fc.nat(20), fc.string({ maxLength: 20 })).map(([at, remove, insert]) => seed.slice(0, at % seed.length) + insert + seed.slice((at % seed.length) + remove))), (text) => {
        const result = evaluate('pkg/m.py', text, { policy: defaultPolicy(), rules: [dependenciesUndeclared, dependenciesLookalike], manifest: () => cache.manifestFor(path.join(root, 'pkg/m.py')) });
        assert.ok(!result.findings.some((finding) => finding.ruleId === FILE_NOT_CHECKED_RULE_ID));
      }),
      { numRuns: 300 },
    );
  });
});
