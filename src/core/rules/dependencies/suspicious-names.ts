import { WELL_KNOWN_PACKAGE_SET } from './well-known';

/** Why a package name is on the list of known bad names. */
export type KnownBadKind =
  /** Published to npm with malware and taken down; npm keeps a `0.0.1-security` holding package under the name. */
  | 'malicious'
  /** Reported by public research as a name language models invent (and squatters then register: "slopsquatting"). */
  | 'hallucinated'
  /** A tool or library of another ecosystem (Python, a vendor CLI): no npm package of that purpose exists under the name. */
  | 'other-ecosystem';

/** One known bad name and where that knowledge comes from. */
export interface KnownBadName {
  kind: KnownBadKind;
  /** The public source, so a reader can check it. */
  source: string;
}

const NPM_HOLDING = "npm security holding package (0.0.1-security): npm removed the malicious original";
const HACKTASK = `${NPM_HOLDING}; one of the 2017 "hacktask" typosquats that stole environment variables (npm blog, "crossenv malware on the npm registry", August 2017)`;
const OTHER = 'a Python or vendor tool name: the real thing is not an npm package, and an npm package under the name is unrelated or a squat';

/**
 * Names that are bad wherever they are declared. Sources: npm's security holding packages (npm
 * replaces a removed malicious package with one, so the name stays taken); the event-stream
 * incident; public research on package hallucination (Lanyado, Vulcan Cyber 2023 and Lasso
 * Security 2024; Spracklen et al., "We Have a Package for You!", USENIX Security 2025) and on
 * names that agents copy between instruction files.
 */
export const KNOWN_BAD_NAMES: ReadonlyMap<string, KnownBadName> = new Map<string, KnownBadName>([
  ['flatmap-stream', { kind: 'malicious', source: 'npm advisory for the event-stream incident (November 2018): flatmap-stream 0.1.1 stole bitcoin wallets through event-stream 3.3.6' }],
  ['crossenv', { kind: 'malicious', source: HACKTASK }],
  ['cross-env.js', { kind: 'malicious', source: HACKTASK }],
  ['d3.js', { kind: 'malicious', source: HACKTASK }],
  ['fabric-js', { kind: 'malicious', source: HACKTASK }],
  ['ffmepg', { kind: 'malicious', source: HACKTASK }],
  ['gruntcli', { kind: 'malicious', source: HACKTASK }],
  ['http-proxy.js', { kind: 'malicious', source: HACKTASK }],
  ['jquery.js', { kind: 'malicious', source: HACKTASK }],
  ['mongose', { kind: 'malicious', source: HACKTASK }],
  ['mssql.js', { kind: 'malicious', source: HACKTASK }],
  ['mssql-node', { kind: 'malicious', source: HACKTASK }],
  ['mysqljs', { kind: 'malicious', source: HACKTASK }],
  ['nodecaffe', { kind: 'malicious', source: HACKTASK }],
  ['nodefabric', { kind: 'malicious', source: HACKTASK }],
  ['nodeffmpeg', { kind: 'malicious', source: HACKTASK }],
  ['nodemailer-js', { kind: 'malicious', source: HACKTASK }],
  ['nodemailer.js', { kind: 'malicious', source: HACKTASK }],
  ['nodemssql', { kind: 'malicious', source: HACKTASK }],
  ['node-opencv', { kind: 'malicious', source: HACKTASK }],
  ['node-openssl', { kind: 'malicious', source: HACKTASK }],
  ['noderequest', { kind: 'malicious', source: HACKTASK }],
  ['nodesass', { kind: 'malicious', source: HACKTASK }],
  ['nodesqlite', { kind: 'malicious', source: HACKTASK }],
  ['node-tkinter', { kind: 'malicious', source: HACKTASK }],
  ['shadowsock', { kind: 'malicious', source: HACKTASK }],
  ['sqliter', { kind: 'malicious', source: HACKTASK }],
  ['sqlserver', { kind: 'malicious', source: HACKTASK }],
  ['tkinter', { kind: 'malicious', source: HACKTASK }],
  ['babelcli', { kind: 'malicious', source: NPM_HOLDING }],
  ['monent', { kind: 'malicious', source: NPM_HOLDING }],
  ['events-web', { kind: 'malicious', source: NPM_HOLDING }],
  ['getcookies', { kind: 'malicious', source: 'npm advisory (May 2018): a backdoor through HTTP headers, pulled in by express-cookies and http-fetch-cookies' }],
  ['electron-native-notify', { kind: 'malicious', source: 'npm advisory (June 2019): stole cryptocurrency wallet secrets through the Agama wallet' }],
  ['twilio-npm', { kind: 'malicious', source: 'npm advisory (November 2020): a reverse shell posing as the Twilio library' }],
  ['noblox.js-proxy', { kind: 'malicious', source: 'npm advisory (2021): a typosquat of noblox.js dropping ransomware' }],
  ['react-codeshift', { kind: 'hallucinated', source: 'an invented blend of react and jscodeshift found in AI agent instruction files copied between public repositories; security research on slopsquatting, 2026' }],
  ['huggingface-cli', { kind: 'hallucinated', source: 'hallucinated by models for `huggingface-cli` installs and registered empty to measure it (Bar Lanyado, Lasso Security, 2024); the real CLI ships with the Python huggingface_hub' }],
  ['huggingface_hub', { kind: 'other-ecosystem', source: OTHER }],
  ['huggingface-hub', { kind: 'other-ecosystem', source: OTHER }],
  ['scikit-learn', { kind: 'other-ecosystem', source: OTHER }],
  ['sklearn', { kind: 'other-ecosystem', source: OTHER }],
  ['numpy', { kind: 'other-ecosystem', source: OTHER }],
  ['pandas', { kind: 'other-ecosystem', source: OTHER }],
  ['pytorch', { kind: 'other-ecosystem', source: OTHER }],
  ['torch', { kind: 'other-ecosystem', source: OTHER }],
  ['tensorflow', { kind: 'other-ecosystem', source: `${OTHER} (TensorFlow.js is @tensorflow/tfjs)` }],
  ['matplotlib', { kind: 'other-ecosystem', source: OTHER }],
  ['boto3', { kind: 'other-ecosystem', source: `${OTHER} (AWS's JavaScript SDK is @aws-sdk/*)` }],
  ['botocore', { kind: 'other-ecosystem', source: OTHER }],
  ['pytest', { kind: 'other-ecosystem', source: OTHER }],
  ['pip', { kind: 'other-ecosystem', source: OTHER }],
  ['pipenv', { kind: 'other-ecosystem', source: OTHER }],
  ['virtualenv', { kind: 'other-ecosystem', source: OTHER }],
  ['flake8', { kind: 'other-ecosystem', source: OTHER }],
  ['mypy', { kind: 'other-ecosystem', source: OTHER }],
  ['uvicorn', { kind: 'other-ecosystem', source: OTHER }],
  ['gunicorn', { kind: 'other-ecosystem', source: OTHER }],
  ['celery', { kind: 'other-ecosystem', source: OTHER }],
  ['jupyter', { kind: 'other-ecosystem', source: OTHER }],
  ['jupyterlab', { kind: 'other-ecosystem', source: OTHER }],
  ['django', { kind: 'other-ecosystem', source: OTHER }],
  ['flask', { kind: 'other-ecosystem', source: OTHER }],
  ['fastapi', { kind: 'other-ecosystem', source: OTHER }],
  ['awscli', { kind: 'other-ecosystem', source: OTHER }],
  ['aws-cli', { kind: 'other-ecosystem', source: OTHER }],
  ['gcloud-cli', { kind: 'other-ecosystem', source: OTHER }],
  ['azure-cli', { kind: 'other-ecosystem', source: `${OTHER} (the Azure CLI is a Python program)` }],
  ['az-cli', { kind: 'other-ecosystem', source: OTHER }],
  ['docker-cli', { kind: 'other-ecosystem', source: OTHER }],
  ['kubectl', { kind: 'other-ecosystem', source: OTHER }],
  ['terraform', { kind: 'other-ecosystem', source: OTHER }],
  ['rustup', { kind: 'other-ecosystem', source: OTHER }],
  ['openai-cli', { kind: 'other-ecosystem', source: OTHER }],
  ['anthropic-cli', { kind: 'other-ecosystem', source: OTHER }],
  ['langchain-cli', { kind: 'other-ecosystem', source: `${OTHER} (LangChain's CLI is a Python package)` }],
]);

/** Generic words an invented name hangs on a real package's name (`express-helper`, `node-axios`, `zodjs`). */
const GENERIC_SUFFIX = /^(.+?)(?:[-.](cli|js|utils|util|helper|helpers|tools|tool|sdk|api|lib|client|wrapper|lite|pro|plus|extra|extras|official|toolkit|kit|ts|node)|js)$/;
const GENERIC_PREFIX = /^(node|js|simple|easy|official|better|super)-(.+)$/;

/**
 * Real packages shaped like a well-known name plus a generic word: every such name with at least
 * 10,000 downloads a month on npm (npm's public download counts, December 2026). They are never
 * called suspicious by shape; a rarer one is, when it is declared and not installed.
 */
export const REAL_COMPOSED_NAMES: ReadonlySet<string> = new Set([
  'acorn-node', 'ajv-cli', 'archiver-utils', 'async-helpers', 'async-kit', 'bcrypt-ts', 'better-xlsx', 'canvasjs',
  'chalk-cli', 'chokidar-cli', 'colors-cli', 'commander-plus', 'cookie-lite', 'cookie.js', 'cookiejs',
  'deepmerge-plus', 'deepmerge-ts', 'del-cli', 'dotenv-cli', 'ejs-cli', 'electron-util', 'esbuild-extra',
  'escape-string-regexp-node', 'eslint-cli', 'eslint-plugin-import-helpers', 'eslint-plugin-import-lite',
  'eslint-utils', 'ethers-utils', 'expect.js', 'expo-cli', 'extend.js', 'faker-js', 'fastify-cli', 'firebase-tools',
  'form-data-lite', 'form-data-utils', 'gatsby-cli', 'get-port-cli', 'glob-cli', 'glob-extra', 'graceful-fs-extra',
  'graphql-cli', 'graphql-client', 'graphql-toolkit', 'graphql-tools', 'grunt-cli', 'grunt-ts', 'gulp-cli',
  'gulp-util', 'handlebars-helpers', 'handlebars-utils', 'http-proxy-cli', 'i18next-cli', 'i18next-client',
  'ini-api', 'io-ts-extra', 'jasmine-node', 'jasmine-ts', 'jest-cli', 'jest-util', 'jquery-node', 'js-cookie',
  'js-extend', 'js-ini', 'js-md5', 'js-toml', 'js-xlsx', 'jsdoc-api', 'jszip-utils', 'karma-cli', 'lodash-cli',
  'lodash-node', 'make-dir-cli', 'markdown-it-ts', 'md5.js', 'mime-lite', 'minimist-lite', 'mobx-react-lite',
  'mobx-utils', 'momentjs', 'next-extra', 'next-node', 'next.js', 'nextjs', 'node-archiver', 'node-config',
  'node-cookie', 'node-fs-extra', 'node-glob', 'node-http-server', 'node-jose', 'node-mime-types', 'node-mysql',
  'node-sass-utils', 'node-uuid', 'node-which', 'node-xlsx', 'node-yaml', 'numeraljs', 'open-cli', 'parse5-utils',
  'playwright-cli', 'playwright-extra', 'postcss-cli', 'postcss-helpers', 'postcss-js', 'preact-cli',
  'prop-types-extra', 'pug-cli', 'puppeteer-extra', 'qrcodejs', 'react-client', 'react-extras', 'react-icons-kit',
  'react-native-cli', 'react-query-kit', 'react-select-plus', 'react-tools', 'recoil-toolkit', 'redis-cli',
  'redis-js', 'redux-toolkit', 'remark-cli', 'retry-cli', 'retry-ts', 'sass.js', 'semver-extra', 'semver-ts',
  'sequelize-cli', 'sharp-cli', 'simple-crypto-js', 'simple-glob', 'simple-ini', 'simple-lru-cache', 'simple-mime',
  'simple-update-notifier', 'simple-uuid', 'source-map-js', 'strip-ansi-cli', 'super-three', 'tailwindcss-cli',
  'tar-js', 'three.js', 'ts-morph-helpers', 'twilio-cli', 'twilio-client', 'typescript-node', 'underscore-plus',
  'uuid-js', 'uuid-tool', 'uuidjs', 'validator-js', 'validator.js', 'validatorjs', 'vite-node', 'vite-plus',
  'vue-cli', 'web3-utils', 'xlsx-cli', 'yaml-cli', 'yaml-js', 'yamljs', 'zustand-utils',
]);

/** Why a declared name looks made up, or undefined. */
export interface SuspiciousName {
  /** `known`: on {@link KNOWN_BAD_NAMES}; `shape`: a well-known name with a generic word added. */
  signal: 'known' | 'shape';
  /** The listing for `known`. */
  known?: KnownBadName;
  /** The well-known package the name is built on, for `shape`. */
  base?: string;
}

/** The well-known package an unscoped name is built on with a generic prefix or suffix, or undefined. */
export function composedBase(name: string): string | undefined {
  if (name.startsWith('@') || WELL_KNOWN_PACKAGE_SET.has(name) || REAL_COMPOSED_NAMES.has(name)) return undefined;
  const lower = name.toLowerCase();
  const suffixed = GENERIC_SUFFIX.exec(lower);
  if (suffixed && suffixed[1].length >= 3 && WELL_KNOWN_PACKAGE_SET.has(suffixed[1])) return suffixed[1];
  const prefixed = GENERIC_PREFIX.exec(lower);
  if (prefixed && prefixed[2].length >= 3 && WELL_KNOWN_PACKAGE_SET.has(prefixed[2])) return prefixed[2];
  return undefined;
}

/**
 * Whether `name` is shaped like a hallucinated or squatted package: a known bad name, or a
 * well-known package's name with a generic word attached that is not itself a real package.
 * The shape alone is weak evidence; callers ask it only of names that are not installed.
 */
export function suspiciousName(name: string): SuspiciousName | undefined {
  const known = KNOWN_BAD_NAMES.get(name);
  if (known) return { signal: 'known', known };
  const base = composedBase(name);
  return base === undefined ? undefined : { signal: 'shape', base };
}
