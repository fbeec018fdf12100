import type { Node } from 'web-tree-sitter';
import type { LanguageDocument } from '../../languages/document';
import { AttachedCache } from '../../runtime/attached-cache';

/**
 * A Terraform file as plain data: blocks, attributes and the values the infrastructure rules read
 * (strings, numbers, booleans, lists, objects, function calls), each with its offsets in the text.
 * Built once per parsed document from its tree-sitter tree and shared by every Terraform rule; no
 * tree-sitter `Node` outlives the conversion (trees live in WebAssembly memory the engine frees).
 * Anything the rules cannot know statically (a variable, a conditional, a `for`) is `other`.
 */
export interface HclFile {
  readonly blocks: readonly HclBlock[];
  /** The file's text (attribute offsets index into it). */
  readonly text: string;
}

export interface HclBlock {
  /** `resource`, `data`, `provider`, `ingress`, `statement`… */
  readonly type: string;
  /** The quoted labels: `["aws_s3_bucket", "logs"]`. */
  readonly labels: readonly string[];
  readonly start: number;
  readonly end: number;
  /** Read on first access, with {@link HclBlock.blocks}: most blocks of a file (variables, outputs, tags) no rule opens. */
  readonly attributes: readonly HclAttribute[];
  readonly blocks: readonly HclBlock[];
}

export interface HclAttribute {
  readonly name: string;
  /** Converted on first read: most attributes of a file (names, tags, descriptions) no rule reads. */
  readonly value: HclValue;
  readonly start: number;
  readonly end: number;
}

interface Span {
  readonly start: number;
  readonly end: number;
}

export type HclValue =
  | (Span & {
      readonly kind: 'string';
      /** The string with escapes resolved; each interpolation or directive kept as its source text. */
      readonly value: string;
      /** True when the string contains `${…}` or `%{…}`: its final value is not known here. */
      readonly interpolated: boolean;
      /** True for a heredoc (`<<EOT`). */
      readonly heredoc: boolean;
    })
  | (Span & { readonly kind: 'number'; readonly value: number })
  | (Span & { readonly kind: 'bool'; readonly value: boolean })
  | (Span & { readonly kind: 'null' })
  | (Span & { readonly kind: 'tuple'; readonly items: readonly HclValue[] })
  | (Span & { readonly kind: 'object'; readonly entries: readonly HclObjectEntry[] })
  | (Span & { readonly kind: 'call'; readonly name: string; readonly args: readonly HclValue[] })
  | (Span & { readonly kind: 'other' });

export interface HclObjectEntry {
  /** The key's name (identifier or literal string); undefined for a computed key (`(var.k) = …`). */
  readonly key: string | undefined;
  readonly value: HclValue;
}

/** Nesting deeper than this is left as `other`: no real configuration goes near it, and recursion stays bounded. */
const MAX_DEPTH = 64;

const files = new AttachedCache<LanguageDocument, HclFile>('comprehension.hclFile');

/** The Terraform file of `document`, converted on the first call and shared by every rule after it. */
export function hclFile(document: LanguageDocument): HclFile {
  const cached = files.get(document);
  if (cached) return cached;
  const terraform = 'tree' in document && document.language === 'terraform' ? document : undefined;
  const file: HclFile = {
    blocks: terraform ? readBody(terraform.tree.rootNode.namedChildren.find((child) => child?.type === 'body') ?? null, 0).blocks : [],
    text: terraform?.text ?? '',
  };
  files.set(document, file);
  return file;
}

/**
 * Every block of the file, nested ones included, with its chain of enclosing blocks (outermost
 * first). With `enter`, the blocks inside a block are visited only when `enter` says so: a rule that
 * looks inside security groups alone need not read the body of every other block.
 */
export function* allBlocks(
  file: HclFile,
  enter: (block: HclBlock, parents: readonly HclBlock[]) => boolean = () => true,
): Generator<{ block: HclBlock; parents: readonly HclBlock[] }> {
  const stack: { block: HclBlock; parents: readonly HclBlock[] }[] = [...file.blocks].reverse().map((block) => ({ block, parents: [] }));
  while (stack.length > 0) {
    const next = stack.pop()!;
    yield next;
    if (!enter(next.block, next.parents)) continue;
    const parents = [...next.parents, next.block];
    for (let index = next.block.blocks.length - 1; index >= 0; index--) stack.push({ block: next.block.blocks[index], parents });
  }
}

/** Top-level `resource "<type>" "<name>"` (or `data`) blocks of one of `types`. */
export function resourcesOf(file: HclFile, types: ReadonlySet<string>, blockType: 'resource' | 'data' = 'resource'): HclBlock[] {
  return file.blocks.filter((block) => block.type === blockType && types.has(block.labels[0] ?? ''));
}

export function attribute(block: HclBlock, name: string): HclAttribute | undefined {
  return block.attributes.find((candidate) => candidate.name === name);
}

/** The literal (uninterpolated) string value of `value`, else undefined. */
export function literalString(value: HclValue | undefined): string | undefined {
  return value?.kind === 'string' && !value.interpolated ? value.value : undefined;
}

/** A literal number, or a literal string holding one (`"22"`, which Terraform converts). */
export function literalNumber(value: HclValue | undefined): number | undefined {
  if (value?.kind === 'number') return value.value;
  const text = literalString(value);
  return text !== undefined && /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

/** A literal boolean, or a literal string `"true"`/`"false"`. */
export function literalBool(value: HclValue | undefined): boolean | undefined {
  if (value?.kind === 'bool') return value.value;
  const text = literalString(value);
  return text === 'true' ? true : text === 'false' ? false : undefined;
}

/** The literal strings of a list value (`["a", "b"]`), or of a single string; undefined items are not literal. */
export function literalStrings(value: HclValue | undefined): (string | undefined)[] {
  if (value === undefined) return [];
  if (value.kind === 'tuple') return value.items.map((item) => literalString(item));
  return [literalString(value)];
}

function readBody(body: Node | null, depth: number): { attributes: HclAttribute[]; blocks: HclBlock[] } {
  const attributes: HclAttribute[] = [];
  const blocks: HclBlock[] = [];
  if (body === null || body.type !== 'body') return { attributes, blocks };
  for (const child of body.namedChildren) {
    if (child === null) continue;
    if (child.type === 'attribute') {
      const [name, expression] = child.namedChildren;
      if (name?.type === 'identifier' && expression) {
        // The engine frees the tree only after every rule has run on the document.
        let value: HclValue | undefined;
        attributes.push({
          name: name.text,
          get value() {
            return (value ??= readExpression(expression, depth + 1));
          },
          start: child.startIndex,
          end: child.endIndex,
        });
      }
    } else if (child.type === 'block' && depth < MAX_DEPTH) {
      blocks.push(readBlock(child, depth + 1));
    }
  }
  return { attributes, blocks };
}

function readBlock(node: Node, depth: number): HclBlock {
  let type = '';
  const labels: string[] = [];
  let body: Node | null = null;
  for (const child of node.namedChildren) {
    if (child === null) continue;
    if (child.type === 'identifier') {
      if (type === '') type = child.text;
      else labels.push(child.text);
    } else if (child.type === 'string_lit') {
      labels.push(stringLiteral(child).value);
    } else if (child.type === 'body') {
      body = child;
    }
  }
  let content: ReturnType<typeof readBody> | undefined;
  const bodyNode = body;
  return {
    type,
    labels,
    start: node.startIndex,
    end: node.endIndex,
    get attributes() {
      return (content ??= readBody(bodyNode, depth)).attributes;
    },
    get blocks() {
      return (content ??= readBody(bodyNode, depth)).blocks;
    },
  };
}

function readExpression(node: Node, depth: number): HclValue {
  const span = { start: node.startIndex, end: node.endIndex };
  if (depth > MAX_DEPTH) return { kind: 'other', ...span };
  switch (node.type) {
    case 'expression': {
      // An expression with get_attr, index or splat after its first child is a reference (`var.x[0]`).
      // One child is by far the most common case: asked for alone, it costs one WebAssembly call.
      const only = node.namedChildCount === 1 ? node.firstNamedChild : null;
      if (only !== null) return readExpression(only, depth + 1);
      const children = node.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment');
      return children.length === 1 ? readExpression(children[0], depth + 1) : { kind: 'other', ...span };
    }
    case 'literal_value': {
      const child = node.firstNamedChild;
      if (!child) return { kind: 'other', ...span };
      if (child.type === 'numeric_lit') {
        const value = Number(child.text);
        return Number.isFinite(value) ? { kind: 'number', value, ...span } : { kind: 'other', ...span };
      }
      if (child.type === 'bool_lit') return { kind: 'bool', value: child.text === 'true', ...span };
      if (child.type === 'null_lit') return { kind: 'null', ...span };
      if (child.type === 'string_lit') return { kind: 'string', ...stringLiteral(child), heredoc: false, ...span };
      return { kind: 'other', ...span };
    }
    case 'template_expr': {
      const child = node.firstNamedChild;
      if (!child) return { kind: 'other', ...span };
      return { kind: 'string', ...stringLiteral(child), heredoc: child.type === 'heredoc_template', ...span };
    }
    case 'operation': {
      // `-1`: a negative number is a unary operation on a literal.
      const text = node.text.replace(/\s+/g, '');
      return /^-\d+(\.\d+)?$/.test(text) ? { kind: 'number', value: Number(text), ...span } : { kind: 'other', ...span };
    }
    case 'collection_value': {
      const child = node.firstNamedChild;
      if (child?.type === 'tuple') {
        const items = child.namedChildren.filter((item): item is Node => item !== null && item.type === 'expression').map((item) => readExpression(item, depth + 1));
        return { kind: 'tuple', items, ...span };
      }
      if (child?.type === 'object') {
        const entries: HclObjectEntry[] = [];
        for (const element of child.namedChildren) {
          if (element?.type !== 'object_elem') continue;
          const key = element.childForFieldName('key');
          const value = element.childForFieldName('val');
          if (key && value) entries.push({ key: objectKey(key), value: readExpression(value, depth + 1) });
        }
        return { kind: 'object', entries, ...span };
      }
      return { kind: 'other', ...span };
    }
    case 'function_call': {
      const name = node.namedChildren[0]?.type === 'identifier' ? node.namedChildren[0].text : '';
      const argumentsNode = node.namedChildren.find((child) => child?.type === 'function_arguments');
      const args = argumentsNode
        ? argumentsNode.namedChildren.filter((arg): arg is Node => arg !== null && arg.type === 'expression').map((arg) => readExpression(arg, depth + 1))
        : [];
      return { kind: 'call', name, args, ...span };
    }
    default:
      return { kind: 'other', ...span };
  }
}

function objectKey(key: Node): string | undefined {
  const value = readExpression(key, MAX_DEPTH - 2);
  if (value.kind === 'string' && !value.interpolated) return value.value;
  // A bare identifier key (`Statement = …`) parses as a variable reference.
  const identifier = /^[A-Za-z_][\w-]*$/.exec(key.text.trim());
  return identifier ? identifier[0] : undefined;
}

/** The value of a quoted string or heredoc: escapes resolved, interpolations kept as source text. */
function stringLiteral(node: Node): { value: string; interpolated: boolean } {
  // Most strings hold no template: read them from the text, without a WebAssembly call per part.
  if (node.type === 'string_lit') {
    const text = node.text;
    if (text.length >= 2 && text.startsWith('"') && text.endsWith('"') && !/[$%]\{/.test(text)) return { value: unescapeQuoted(text.slice(1, -1)), interpolated: false };
  }
  let value = '';
  let interpolated = false;
  for (const child of node.namedChildren) {
    if (child === null) continue;
    if (child.type === 'template_literal') value += node.type === 'heredoc_template' ? unescapeHeredoc(child.text) : unescapeQuoted(child.text);
    else if (child.type === 'template_interpolation' || child.type === 'template_directive') {
      value += child.text;
      interpolated = true;
    }
  }
  return { value, interpolated };
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

function unescapeQuoted(text: string): string {
  return text.replace(/\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)|\$\$\{|%%\{/g, (match, escape: string | undefined) => {
    if (escape === undefined) return match.slice(1);
    if (escape.length > 1) {
      const code = Number.parseInt(escape.slice(1), 16);
      return code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    return ESCAPES[escape] ?? escape;
  });
}

function unescapeHeredoc(text: string): string {
  return text.replace(/\$\$\{|%%\{/g, (match) => match.slice(1));
}
