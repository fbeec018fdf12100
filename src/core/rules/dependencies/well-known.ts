/**
 * Widely depended-upon npm packages, roughly most popular first: the names typosquatters imitate
 * and assistants misspell. Compiled by hand from npm's most-depended-upon rankings, plus real
 * packages whose names sit one edit from a popular one (`preact`/`react`, `enquirer`/`inquirer`,
 * `mysql2`/`mysql`, `bcryptjs`/`bcrypt`, `recharts`/`echarts`) so the look-alike rule never flags
 * a genuine neighbour.
 *
 * The list is a heuristic, not a registry: a package missing here is simply not protected by
 * name, and the rule's `ignore` option silences a false alarm.
 */
export const WELL_KNOWN_PACKAGES: readonly string[] = [
  // Utilities and language support
  'lodash', 'underscore', 'ramda', 'lodash-es', 'lodash.merge', 'lodash.get', 'lodash.set', 'lodash.debounce',
  'lodash.throttle', 'lodash.clonedeep', 'lodash.isequal', 'tslib', 'core-js', 'regenerator-runtime', 'moment',
  'moment-timezone', 'dayjs', 'date-fns', 'luxon', 'uuid', 'nanoid', 'shortid', 'classnames', 'clsx', 'prop-types',
  'object-assign', 'deepmerge', 'clone', 'extend', 'fast-deep-equal', 'deep-equal', 'immutable', 'immer', 'rxjs',
  'bluebird', 'q', 'async', 'co', 'rsvp', 'es6-promise', 'p-limit', 'p-map', 'p-queue', 'p-retry', 'async-retry',
  'retry', 'bottleneck', 'lru-cache', 'node-cache', 'quick-lru', 'keyv', 'eventemitter3', 'mitt', 'emittery',
  'semver', 'ms', 'debug', 'inherits', 'once', 'wrappy', 'safe-buffer', 'readable-stream', 'through2', 'pump',
  'split2', 'concat-stream', 'get-stream', 'iconv-lite', 'util-deprecate', 'reflect-metadata', 'fp-ts',
  'io-ts', 'big.js', 'bignumber.js', 'decimal.js', 'bn.js', 'numeral', 'he', 'entities', 'escape-string-regexp',
  'source-map', 'source-map-support',
  // Command line and terminal
  'commander', 'yargs', 'yargs-parser', 'minimist', 'meow', 'cac', 'inquirer', 'enquirer', 'prompts', 'chalk',
  'kleur', 'picocolors', 'colorette', 'colors', 'cli-color', 'ansi-styles', 'ansi-regex', 'strip-ansi',
  'supports-color', 'wrap-ansi', 'string-width', 'cli-table3', 'figlet', 'boxen', 'ora', 'listr', 'listr2',
  'log-symbols', 'figures', 'progress', 'cli-progress', 'update-notifier', 'execa', 'cross-spawn', 'shelljs',
  'shell-quote', 'which', 'open', 'tree-kill', 'cross-env', 'dotenv', 'dotenv-expand', 'env-cmd', 'concurrently',
  'npm-run-all', 'wait-on', 'get-port', 'detect-port', 'nodemon', 'pm2',
  // Files and paths
  'fs-extra', 'graceful-fs', 'rimraf', 'del', 'mkdirp', 'make-dir', 'glob', 'globby', 'fast-glob', 'minimatch',
  'micromatch', 'picomatch', 'anymatch', 'chokidar', 'find-up', 'locate-path', 'pkg-dir', 'resolve', 'resolve-from',
  'enhanced-resolve', 'import-fresh', 'tmp', 'temp', 'archiver', 'adm-zip', 'jszip', 'tar', 'unzipper', 'pako',
  // Parsing and formats
  'yaml', 'js-yaml', 'json5', 'toml', 'ini', 'xml2js', 'fast-xml-parser', 'csv-parse', 'papaparse', 'xlsx', 'marked',
  'markdown-it', 'remark', 'unified', 'rehype', 'highlight.js', 'prismjs', 'htmlparser2', 'parse5', 'cheerio', 'jsdom',
  'jsdoc', 'dompurify', 'sanitize-html', 'xss', 'acorn', 'esprima', 'espree', 'recast', 'ts-morph', 'mime',
  'mime-types', 'qs', 'query-string', 'url-parse', 'path-to-regexp',
  // HTTP, servers and networking
  'express', 'body-parser', 'cookie-parser', 'cookie', 'express-session', 'cors', 'helmet', 'compression', 'morgan',
  'serve-static', 'multer', 'busboy', 'formidable', 'form-data', 'http-errors', 'statuses', 'koa', 'koa-router',
  '@koa/router', 'koa-bodyparser', 'fastify', '@hapi/hapi', 'restify', 'connect', 'http-proxy',
  'http-proxy-middleware', 'http-server', 'serve', 'passport', 'passport-local', 'passport-jwt', 'axios', 'request',
  'request-promise', 'got', 'node-fetch', 'cross-fetch', 'isomorphic-fetch', 'whatwg-fetch', 'undici', 'ky',
  'superagent', 'supertest', 'nock', 'ws', 'socket.io', 'socket.io-client', 'mqtt', 'nodemailer', 'graphql',
  'graphql-tag', '@apollo/client', 'apollo-server', 'apollo-server-express', '@graphql-tools/schema', 'urql',
  // Data stores and queues
  'mongoose', 'mongodb', 'mysql', 'mysql2', 'pg', 'sqlite3', 'better-sqlite3', 'redis', 'ioredis', 'sequelize',
  'typeorm', 'knex', 'prisma', '@prisma/client', 'mssql', 'bull', 'bullmq', 'amqplib', 'kafkajs',
  '@elastic/elasticsearch',
  // Security, auth and crypto
  'jsonwebtoken', 'jwt-decode', 'bcrypt', 'bcryptjs', 'crypto-js', 'md5', 'jose', 'node-forge',
  // Validation and config
  'joi', 'yup', 'zod', 'ajv', 'validator', 'class-validator', 'class-transformer', 'config', 'convict', 'nconf',
  'cosmiconfig', 'envalid',
  // Logging
  'winston', 'pino', 'bunyan', 'log4js', 'loglevel', 'npmlog', 'signale',
  // Cloud and APIs
  'aws-sdk', '@aws-sdk/client-s3', '@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/client-lambda',
  '@google-cloud/storage', 'firebase', 'firebase-admin', '@azure/storage-blob', 'stripe', 'twilio',
  '@sendgrid/mail', 'googleapis', 'openai', '@anthropic-ai/sdk', 'langchain',
  // Front-end frameworks and state
  'react', 'react-dom', 'preact', 'react-router', 'react-router-dom', 'react-redux', 'redux', '@reduxjs/toolkit',
  'redux-thunk', 'redux-saga', 'mobx', 'mobx-react', 'zustand', 'jotai', 'recoil', '@tanstack/react-query',
  'react-query', 'swr', 'react-hook-form', 'formik', 'react-select', 'react-icons', 'react-dnd', '@mui/material',
  '@material-ui/core', '@emotion/react', '@emotion/styled', 'styled-components', 'antd', 'react-bootstrap',
  'reactstrap', '@chakra-ui/react', 'framer-motion', 'react-spring', 'next', 'gatsby', 'react-native', 'expo', 'vue',
  'vue-router', 'vuex', 'pinia', 'nuxt', 'svelte', '@sveltejs/kit', 'solid-js', 'lit', '@angular/core',
  '@angular/common', '@angular/compiler', '@angular/forms', '@angular/router', '@angular/platform-browser',
  '@angular/platform-browser-dynamic', '@angular/animations', 'zone.js', 'jquery', 'backbone', 'bootstrap',
  'tailwindcss', 'd3', 'chart.js', 'three', 'leaflet', 'echarts', 'i18next', 'react-i18next', 'axios-retry',
  // Build tools
  'typescript', 'webpack', 'webpack-cli', 'webpack-dev-server', 'webpack-merge', 'babel-loader', 'css-loader',
  'style-loader', 'file-loader', 'url-loader', 'sass-loader', 'postcss-loader', 'ts-loader', 'html-webpack-plugin',
  'mini-css-extract-plugin', 'terser-webpack-plugin', 'copy-webpack-plugin', 'babel-core', 'babel-runtime',
  '@babel/core', '@babel/runtime', '@babel/preset-env', '@babel/parser', '@babel/traverse', '@babel/types',
  '@babel/generator', '@babel/template', 'rollup', '@rollup/plugin-node-resolve', '@rollup/plugin-commonjs',
  'esbuild', 'vite', '@vitejs/plugin-react', '@swc/core', 'parcel', 'browserify', 'terser', 'uglify-js', 'postcss',
  'autoprefixer', 'sass', 'node-sass', 'less', 'stylus', 'ts-node', 'tsx', 'gulp', 'grunt', 'lerna', 'nx', 'turbo',
  'ejs', 'pug', 'handlebars', 'mustache', 'nunjucks', 'node-gyp', 'bindings', 'nan', 'node-addon-api', 'electron',
  'electron-builder',
  // Testing and linting
  'jest', 'ts-jest', 'babel-jest', '@jest/globals', 'mocha', 'chai', 'chai-as-promised', 'sinon', 'vitest', 'ava',
  'tap', 'tape', 'jasmine', 'karma', 'nyc', 'c8', 'expect', '@testing-library/react', '@testing-library/jest-dom',
  '@testing-library/user-event', 'enzyme', 'react-test-renderer', 'puppeteer', 'playwright', '@playwright/test',
  'cypress', 'selenium-webdriver', '@faker-js/faker', 'faker', 'eslint', 'prettier', 'stylelint', 'tslint',
  '@typescript-eslint/parser', '@typescript-eslint/eslint-plugin', 'eslint-plugin-react', 'eslint-plugin-import',
  'eslint-config-prettier', 'eslint-plugin-prettier', 'husky', 'lint-staged',
  // Images, documents and misc
  'sharp', 'jimp', 'canvas', 'qrcode', 'pdfkit', 'node-cron', 'cron', 'ethers', 'web3', 'vscode-languageserver',
  'vscode-languageclient', 'safer-buffer', 'stylis', 'conf', 'recharts', '@types/node', '@types/react',
  '@types/express', '@types/jest', '@types/lodash',
];

/** {@link WELL_KNOWN_PACKAGES} as a set, for membership tests. */
export const WELL_KNOWN_PACKAGE_SET: ReadonlySet<string> = new Set(WELL_KNOWN_PACKAGES);
