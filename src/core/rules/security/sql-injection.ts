import { ts } from 'ts-morph';
import type { RuleFinding } from '../../check/findings';
import type { Rule, RuleContext } from '../rule';
import { SQL_SHAPE } from './sql-shape';
import { checkWithVisitor, type SyntaxContext, type SyntaxVisitor } from '../shared-syntax/visitor';
import { FileBindings } from '../shared-syntax/bindings';
import { findingAt, findProperty, propertyValue, skipWrappers, snippet } from '../shared-syntax/nodes';
import { calleeLastName, composeString, describeComposition } from '../shared-syntax/strings';
import { pythonSqlInjection } from './sql-injection.python';

/**
 * Methods that take SQL text first: node-postgres and mysql `query`/`execute`, sqlite `run`/`all`/
 * `get`/`exec`/`each`/`prepare`, knex `raw`, postgres.js `unsafe`, Prisma's `…Unsafe`. Names as
 * generic as `get` are fine here because the argument must also be built dynamically and read as SQL.
 */
const SQL_METHODS: ReadonlySet<string> = new Set([
  'query',
  'execute',
  'raw',
  'run',
  'all',
  'get',
  'exec',
  'each',
  'prepare',
  'unsafe',
  '$queryRawUnsafe',
  '$executeRawUnsafe',
]);
/** Plain functions (`import { query } from './db'`) that take SQL text first. */
const SQL_FUNCTIONS: ReadonlySet<string> = new Set(['query', 'execute', 'raw']);
/** Methods whose argument is SQL even without a statement keyword (a fragment, or always SQL). */
const SQL_FRAGMENT_METHODS: ReadonlySet<string> = new Set([
  'whereRaw',
  'orWhereRaw',
  'andWhereRaw',
  'havingRaw',
  'orHavingRaw',
  'orderByRaw',
  'groupByRaw',
  'joinRaw',
  'fromRaw',
  '$queryRawUnsafe',
  '$executeRawUnsafe',
]);
/**
 * Calls that make a value safe to splice: escapers, identifier quoting (knex's `formatter.wrap` and
 * `columnize`, pg-format's `ident`, slonik's `sql.identifier`) and number conversions.
 */
const SAFE_CALL = /escape|quote|^(?:wrap|wrapIdentifier|columnize|ident|identifier|Number|parseInt|parseFloat)$/i;
const PLACEHOLDER_NAME = /placeholders?$/i;

/**
 * Flags SQL whose text is built from values: a template with `${…}` or a `+` concatenation with a
 * non-constant part, passed (directly or through a `const`) to a query method, when the text reads as
 * SQL. Parameterised queries and tagged templates (`sql\`…\``, Prisma's `$queryRaw\`…\``) are safe by
 * construction and not reported.
 */
export const securitySqlInjection: Rule = {
  id: 'security/sql-injection',
  kind: 'syntax',
  defaultSeverity: 'error',
  summary: 'SQL built from non-constant input',
  rationale:
    'A value spliced into SQL text becomes part of the statement: `\' OR 1=1 --` in a name field reads every ' +
    'row, `; DROP TABLE` ends the day. Escaping by hand misses cases; bound parameters do not, because the ' +
    'database receives the values separately from the statement.\n\n' +
    'AI assistants write `db.query(`SELECT * FROM users WHERE id = ${id}`)` because it reads naturally and ' +
    'works in every test. Use placeholders (`$1` for Postgres, `?` for MySQL and SQLite) with a values ' +
    'array, or a tagged template that parameterises for you (`sql\`…\``, `Prisma.sql`, `$queryRaw\`…\``). ' +
    'Substitutions through an escaping call (`escape(…)`, `Number(…)`), generated placeholder lists ' +
    '(`ids.map(() => \'?\').join()`) and constants are not reported. Dynamic identifiers (table or column ' +
    'names) are reported: whitelist them instead.',
  check: (context: RuleContext): RuleFinding[] => checkWithVisitor(context, sqlInjectionVisitor),
  visitor: sqlInjectionVisitor,
  languages: { python: pythonSqlInjection },
};

/** Gathers one file's calls named like SQL methods; judges them once every name is known. */
function sqlInjectionVisitor({ sourceFile }: SyntaxContext): SyntaxVisitor {
  const calls: { call: ts.CallExpression; method: string }[] = [];
  return {
    visit: {
      [ts.SyntaxKind.CallExpression]: (node) => {
        const call = node as ts.CallExpression;
        if (call.arguments.length === 0) return;
        const method = sqlMethodName(call);
        if (method !== undefined) calls.push({ call, method });
      },
    },
    usesBindings: true,
    end: () => {
      if (calls.length === 0) return [];
      const bindings = FileBindings.of(sourceFile);
      const findings: RuleFinding[] = [];
      for (const { call, method } of calls) {
        const finding = checkCall(call, method, bindings, sourceFile);
        if (finding !== undefined) findings.push(finding);
      }
      return findings;
    },
  };
}

function sqlMethodName(call: ts.CallExpression): string | undefined {
  const callee = skipWrappers(call.expression);
  if (ts.isIdentifier(callee)) return SQL_FUNCTIONS.has(callee.text) ? callee.text : undefined;
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const name = callee.name.text;
  return SQL_METHODS.has(name) || SQL_FRAGMENT_METHODS.has(name) ? name : undefined;
}

function checkCall(call: ts.CallExpression, method: string, bindings: FileBindings, sourceFile: ts.SourceFile): RuleFinding | undefined {
  const argument = sqlArgument(call.arguments[0], bindings);
  if (argument === undefined) return undefined;
  const composition = composeString(argument, bindings, isSafePart);
  if (composition.dynamicParts.length === 0) return undefined;
  if (composition.form !== 'template' && composition.form !== 'concatenation') return undefined;
  if (!SQL_FRAGMENT_METHODS.has(method) && !SQL_SHAPE.test(composition.text)) return undefined;
  const message =
    `\`${snippet(call.expression, sourceFile)}\` gets SQL built from ${describeComposition(composition, argument, sourceFile)}: ` +
    'a spliced value can rewrite the query. Pass it as a parameter (`$1`, `?`) or use a tagged `sql` template.';
  return findingAt(argument, sourceFile, message);
}

/** The SQL text argument: the first argument, or its `text`/`sql` key (`query({ text, values })`). */
function sqlArgument(first: ts.Expression, bindings: FileBindings): ts.Expression | undefined {
  const value = bindings.valueOf(first);
  if (!ts.isObjectLiteralExpression(value)) return first;
  const property = findProperty(value, 'text') ?? findProperty(value, 'sql');
  return property !== undefined ? propertyValue(property) : undefined;
}

/** Substitutions that cannot carry SQL: escaped values, numbers, generated placeholder lists. */
function isSafePart(part: ts.Expression): boolean {
  if (ts.isIdentifier(part)) return PLACEHOLDER_NAME.test(part.text);
  if (ts.isPropertyAccessExpression(part)) return PLACEHOLDER_NAME.test(part.name.text);
  if (!ts.isCallExpression(part)) return false;
  const name = calleeLastName(part);
  if (name !== undefined && SAFE_CALL.test(name)) return true;
  // An array in a template is its items joined by commas.
  if (name === 'map') return isEscapingMap(part);
  if (name !== 'join') return false;
  const callee = skipWrappers(part.expression);
  const joined = ts.isPropertyAccessExpression(callee) ? skipWrappers(callee.expression) : undefined;
  return isPlaceholderList(part) || (joined !== undefined && ts.isCallExpression(joined) && calleeLastName(joined) === 'map' && isEscapingMap(joined));
}

/** `columns.map((c) => db.escapeId(c))`, `names.map(quoteIdent)`: every item escaped. */
function isEscapingMap(mapped: ts.CallExpression): boolean {
  if (mapped.arguments[0] === undefined) return false;
  const callback = skipWrappers(mapped.arguments[0]);
  if (ts.isIdentifier(callback)) return SAFE_CALL.test(callback.text);
  if (ts.isPropertyAccessExpression(callback)) return SAFE_CALL.test(callback.name.text);
  if (!ts.isArrowFunction(callback) || ts.isBlock(callback.body)) return false;
  const body = skipWrappers(callback.body);
  return ts.isCallExpression(body) && SAFE_CALL.test(calleeLastName(body) ?? '');
}

/** `ids.map(() => '?').join(', ')` or `ids.map((_, i) => `$${i + 1}`).join()`: only placeholders. */
function isPlaceholderList(join: ts.CallExpression): boolean {
  const callee = skipWrappers(join.expression);
  if (!ts.isPropertyAccessExpression(callee)) return false;
  const mapped = skipWrappers(callee.expression);
  if (!ts.isCallExpression(mapped) || calleeLastName(mapped) !== 'map') return false;
  const callback = mapped.arguments[0] !== undefined ? skipWrappers(mapped.arguments[0]) : undefined;
  if (callback === undefined || !ts.isArrowFunction(callback) || ts.isBlock(callback.body)) return false;
  const body = skipWrappers(callback.body);
  if (ts.isStringLiteralLike(body)) return true;
  if (!ts.isTemplateExpression(body)) return false;
  // The element itself must not appear in the text: only its position (the index) may.
  const element = callback.parameters[0]?.name;
  if (element === undefined) return true;
  if (!ts.isIdentifier(element)) return false;
  const elementName = element.text;
  return body.templateSpans.every((span) => !new RegExp(`\\b${elementName.replace(/\$/g, '\\$')}\\b`).test(span.expression.getText()));
}
