import type { Node } from 'web-tree-sitter';
import type { RuleFinding } from '../../check/findings';
import type { LanguageCheck, LanguageRuleContext } from '../rule';
import { argumentAt, callArguments, calleeLastName, namedChildrenOf, checkCalls, PythonNames, unparenthesize } from '../shared-python/nodes';
import { assignedValue, composePythonString, describePythonComposition, isBuilt, type PythonComposition } from '../shared-python/strings';
import { SQL_SHAPE } from './sql-shape';

/** DB-API cursors and connections, SQLAlchemy connections, Django managers, pandas. */
const SQL_METHODS: ReadonlySet<string> = new Set(['execute', 'executemany', 'executescript', 'exec_driver_sql', 'raw', 'read_sql', 'read_sql_query']);
/** SQLAlchemy's `text()`: its argument is SQL even as a fragment (`text(f"id = {x}")`). */
const SQL_TEXT_FUNCTIONS: ReadonlySet<string> = new Set(['sqlalchemy.text', 'sqlalchemy.sql.text', 'sqlalchemy.sql.expression.text']);
/** Django's `QuerySet.extra(...)` keywords that take SQL fragments. */
const EXTRA_KEYWORDS: readonly string[] = ['where', 'select', 'tables', 'order_by'];
/** Calls that make a value safe to splice: escapers and number conversions. */
const SAFE_CALL = /escape|quote|^(?:int|float|len|bool)$/i;
const PLACEHOLDER_NAME = /placeholders?$/i;

const ADVICE = 'Pass values as parameters (`%s` or `?` in the text, a tuple of values beside it).';

/**
 * `security/sql-injection` for Python: `execute`/`executemany`/`executescript` of DB-API cursors and
 * connections, SQLAlchemy `text()` and `exec_driver_sql`, Django `.raw()` and `.extra(where=…)`,
 * and pandas `read_sql` given SQL built by an f-string, `%` formatting of the text itself, `+` or
 * `.format()` (followed through variables of the same function). `execute("… %s", (x,))` passes the
 * values apart from the text and is the safe form. Values through an escaping or number call
 * (`int(x)`, `quote_name(table)`, also through a name assigned one in the function), and generated
 * placeholder lists (`", ".join(["%s"] * len(ids))`) are not reported;
 * dynamic table or column names are: whitelist them.
 */
export const pythonSqlInjection: LanguageCheck = {
  // Bandit's hardcoded_sql_expressions.
  banditTests: ['B608'],
  rationale: 'In Python: `cursor.execute`, SQLAlchemy `text()`, Django `.raw()`/`.extra()` with SQL built by an f-string, `%` on the text, `+` or `.format()`. `execute("… %s", (value,))` passes the values apart and is the safe form.',
  textTriggers: ['execute', 'raw', 'extra', 'text', 'read_sql'],
  check: (context: LanguageRuleContext): RuleFinding[] => checkCalls(context.document, checkCall),
};

function checkCall(call: Node, names: PythonNames): RuleFinding[] {
  const callee = call.childForFieldName('function');
  if (callee === null) return [];
  const method = calleeLastName(call);
  const args = callArguments(call);
  const shown = callee.text.replace(/\s+/g, '');
  if (method === 'extra' && callee.type === 'attribute') {
    const findings: RuleFinding[] = [];
    for (const keyword of EXTRA_KEYWORDS) {
      const value = args.keywords.get(keyword);
      if (value === undefined) continue;
      const values = value.type === 'list' || value.type === 'tuple' ? namedChildrenOf(value) : value.type === 'dictionary' ? namedChildrenOf(value).map((pair) => pair.childForFieldName('value')).filter((part): part is Node => part !== null) : [];
      for (const part of values) {
        const composition = composePythonString(part, isSafePart);
        if (isBuilt(composition)) findings.push(finding(part, shown, composition));
      }
    }
    return findings;
  }
  const isText = SQL_TEXT_FUNCTIONS.has(names.qualified(callee) ?? '');
  if (!isText && (method === undefined || !SQL_METHODS.has(method) || callee.type !== 'attribute')) return [];
  const sql = argumentAt(args, 0, isText ? 'text' : 'sql') ?? args.keywords.get('query') ?? args.keywords.get('statement') ?? args.keywords.get('raw_query');
  if (sql === undefined) return [];
  const composition = composePythonString(sql, isSafePart);
  if (!isBuilt(composition)) return [];
  if (!isText && !SQL_SHAPE.test(composition.text)) return [];
  return [finding(sql, shown, composition)];
}

function finding(node: Node, shown: string, composition: PythonComposition): RuleFinding {
  return {
    start: node.startIndex,
    end: node.endIndex,
    message: `\`${shown}\` gets SQL built from ${describePythonComposition(composition)}: a spliced value can rewrite the query. ${ADVICE}`,
  };
}

/** Values that cannot carry SQL: escaped values, numbers, generated placeholder lists. */
function isSafePart(part: Node, depth = 0): boolean {
  const value = unparenthesize(part);
  if (value.type === 'identifier') {
    if (PLACEHOLDER_NAME.test(value.text)) return true;
    // `table = quote_name(self._table)` (Django's cache backend), then `"… FROM %s" % table`.
    const assigned = depth < 4 ? assignedValue(value) : undefined;
    return assigned !== undefined && isSafePart(assigned, depth + 1);
  }
  if (value.type === 'attribute') return PLACEHOLDER_NAME.test(value.childForFieldName('attribute')?.text ?? '');
  if (value.type !== 'call') return false;
  const name = calleeLastName(value);
  if (name !== undefined && SAFE_CALL.test(name)) return true;
  if (name === 'replace' && doublesQuotes(value)) return true;
  return name === 'join' && isPlaceholderList(value);
}

/** `name.replace('"', '""')` (sqlite3's dump): a quote doubled is SQL's own escape inside that quote. */
function doublesQuotes(replace: Node): boolean {
  const [from, to] = callArguments(replace).positional.map((argument) => composePythonString(argument));
  return from?.form === 'literal' && to?.form === 'literal' && (from.text === '"' || from.text === "'") && to.text === from.text + from.text;
}

/** `", ".join(["%s"] * len(ids))`, `",".join("?" * n)`, `",".join("?" for _ in ids)`: only placeholders. */
function isPlaceholderList(join: Node): boolean {
  const separator = join.childForFieldName('function')?.childForFieldName('object');
  if (separator === null || separator === undefined || separator.type !== 'string') return false;
  const args = callArguments(join);
  const items = args.positional[0];
  if (items === undefined) return false;
  const value = unparenthesize(items);
  const isLiteral = (node: Node | null | undefined): boolean => node !== null && node !== undefined && composePythonString(node).form === 'literal';
  if (value.type === 'binary_operator' && value.childForFieldName('operator')?.text === '*') {
    const left = value.childForFieldName('left');
    const right = value.childForFieldName('right');
    const literalList = (node: Node | null): boolean => node !== null && node.type === 'list' && namedChildrenOf(node).every((element) => isLiteral(element));
    return isLiteral(left) || isLiteral(right) || literalList(left) || literalList(right);
  }
  if (value.type === 'generator_expression' || value.type === 'list_comprehension') return isLiteral(value.childForFieldName('body'));
  return false;
}
