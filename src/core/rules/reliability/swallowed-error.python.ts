import type { Node } from 'web-tree-sitter';
import type { RuleFinding } from '../../check/findings';
import type { LanguageCheck, LanguageRuleContext } from '../rule';
import { callArguments, caughtExceptions, namedChildrenOf, nodesOfType, PythonNames, pythonRoot } from '../shared-python/nodes';
import { explainsIgnore } from './ignore-reason';

const ADVICE = 'Log it, re-raise it, or catch only the exceptions you expect.';
/** Exception classes that catch (nearly) everything. */
const BROAD_EXCEPTIONS: ReadonlySet<string> = new Set(['Exception', 'BaseException', 'builtins.Exception', 'builtins.BaseException']);

/**
 * `reliability/swallowed-error` for Python: an `except` that catches everything (bare `except:`,
 * `except Exception`/`BaseException`, alone or in a tuple) and whose body only drops the error
 * (`pass`, `...`, `continue`, a lone string or constant), and `contextlib.suppress(Exception)`. Narrow handlers
 * (`except KeyError: pass`) say which failure is expected and are not reported; a handler that logs
 * (at any level), returns a fallback or re-raises is not either, as in TypeScript. A comment that
 * explains the ignore (three words besides `ignore`, `TODO` and the like) makes it information.
 */
export const pythonSwallowedError: LanguageCheck = {
  rationale: 'In Python: a bare `except:` or `except Exception`/`BaseException` whose body is only `pass`, `...` or `continue`, and `contextlib.suppress(Exception)`. A narrow handler (`except KeyError: pass`) names the failure it expects and is not reported.',
  textTriggers: ['except', 'suppress'],
  check(context: LanguageRuleContext): RuleFinding[] {
    const root = pythonRoot(context.document);
    if (root === undefined) return [];
    const findings: RuleFinding[] = [];
    for (const clause of nodesOfType(root, 'except_clause')) {
      const finding = checkExceptClause(clause);
      if (finding !== undefined) findings.push(finding);
    }
    if (context.text.includes('suppress')) {
      const names = PythonNames.of(root);
      for (const call of nodesOfType(root, 'call')) {
        const finding = checkSuppress(call, names, context.text);
        if (finding !== undefined) findings.push(finding);
      }
    }
    return findings.sort((a, b) => a.start - b.start);
  },
};

function checkExceptClause(clause: Node): RuleFinding | undefined {
  const children = namedChildrenOf(clause);
  const body = children.find((child) => child.type === 'block');
  if (body === undefined || !dropsError(body)) return undefined;
  const names = caughtExceptions(clause);
  const caught = names.find((name) => BROAD_EXCEPTIONS.has(name));
  if (names.length > 0 && caught === undefined) return undefined;
  const comment = commentsWithin(clause);
  const head = caught === undefined ? '`except:`' : `\`except ${caught}\``;
  if (explainsIgnore(comment)) {
    return { start: clause.startIndex, end: clause.endIndex, severity: 'info', message: `${head} ignores the error on purpose, and its comment says why. Check the reason still holds.` };
  }
  const what = caught === undefined ? 'every exception (`KeyboardInterrupt` and `SystemExit` too)' : 'every error';
  const message =
    comment !== undefined
      ? `${head} with only a comment drops ${what} without a trace. ${ADVICE}`
      : `${head} that does nothing drops ${what} without a trace. ${ADVICE}`;
  return { start: clause.startIndex, end: clause.endIndex, message };
}

const NO_OP_EXPRESSIONS: ReadonlySet<string> = new Set(['ellipsis', 'string', 'none', 'integer', 'true', 'false']);

/** A body that neither uses, re-raises nor replaces the error: `pass`, `...`, `continue`, a lone string. */
function dropsError(body: Node): boolean {
  const statements = namedChildrenOf(body).filter((statement) => statement.type !== 'comment');
  return statements.every((statement) => {
    if (statement.type === 'pass_statement' || statement.type === 'continue_statement') return true;
    if (statement.type !== 'expression_statement') return false;
    const expressions = namedChildrenOf(statement);
    // `None`, `0` or a lone string as a statement does nothing either.
    return expressions.length === 1 && NO_OP_EXPRESSIONS.has(expressions[0].type);
  });
}

/** The text of the comments inside a node, markers removed; undefined when there are none. */
function commentsWithin(node: Node): string | undefined {
  const comments = nodesOfType(node, 'comment');
  return comments.length === 0 ? undefined : comments.map((comment) => comment.text.replace(/^#+/, ' ')).join(' ');
}

/** `contextlib.suppress(Exception)` (as a `with` item or anywhere): every error dropped. */
function checkSuppress(call: Node, names: PythonNames, text: string): RuleFinding | undefined {
  if (names.qualified(call.childForFieldName('function')) !== 'contextlib.suppress') return undefined;
  const broad = callArguments(call).positional.find((argument) => BROAD_EXCEPTIONS.has(argument.text));
  if (broad === undefined) return undefined;
  const head = `\`suppress(${broad.text})\``;
  if (explainsIgnore(nearbyComment(call, text))) {
    return { start: call.startIndex, end: call.endIndex, severity: 'info', message: `${head} ignores errors on purpose, and its comment says why. Check the reason still holds.` };
  }
  return { start: call.startIndex, end: call.endIndex, message: `${head} drops every error of its block without a trace. ${ADVICE}` };
}

/** The comment at the end of the call's line or on the line above it (own-line comment), without markers. */
function nearbyComment(call: Node, text: string): string | undefined {
  const lineStart = text.lastIndexOf('\n', call.startIndex - 1) + 1;
  const lineEnd = text.indexOf('\n', call.endIndex);
  const line = text.slice(call.endIndex, lineEnd < 0 ? text.length : lineEnd);
  const previousStart = text.lastIndexOf('\n', lineStart - 2) + 1;
  const previous = lineStart > 0 ? text.slice(previousStart, lineStart - 1) : '';
  const comments = [/#(.*)$/.exec(line)?.[1], /^\s*#(.*)$/.exec(previous)?.[1]].filter((comment): comment is string => comment !== undefined);
  return comments.length === 0 ? undefined : comments.join(' ');
}
