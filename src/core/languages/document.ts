import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { Tree } from 'web-tree-sitter';
import { parseDockerfile, type DockerInstruction } from './dockerfile';
import { isTreeSitterLanguage, type LanguageId, type TreeSitterLanguageId } from './language';
import { parseTerraformBlocks, type TerraformBlockFilter } from './terraform-blocks';
import { parseTree } from './tree-sitter';

/** A file of one of the {@link LanguageId} languages, parsed once for every rule and question. */
export type LanguageDocument =
  | {
      readonly language: TreeSitterLanguageId;
      /** May hold only part of the file (see {@link ParseOptions.terraformBlocks}); its offsets are the text's. */
      readonly tree: Tree;
      readonly text: string;
    }
  | { readonly language: 'dockerfile'; readonly instructions: readonly DockerInstruction[] }
  | {
      readonly language: 'github-actions' | 'kubernetes';
      /** Every YAML document of the file (`---` separated); node ranges are offsets in the file's text. */
      readonly documents: readonly Document.Parsed[];
      readonly lineCounter: LineCounter;
    };

export interface ParseOptions {
  /**
   * Terraform: the top-level blocks to parse. The tree then holds only those (a check run whose
   * rules all say which blocks they read need not parse variables and outputs); omitted, all.
   */
  readonly terraformBlocks?: TerraformBlockFilter;
}

/**
 * Parses `text` as `language`. Tree-sitter languages need their grammar loaded first
 * (`loadGrammars`), else this throws `GrammarNotLoadedError`; the caller must {@link disposeDocument}
 * what it gets. YAML errors do not throw: each document carries its `errors`.
 */
export function parseLanguageDocument(language: LanguageId, text: string, options: ParseOptions = {}): LanguageDocument {
  if (language === 'terraform' && options.terraformBlocks) return { language, tree: parseTerraformBlocks(text, options.terraformBlocks), text };
  if (isTreeSitterLanguage(language)) return { language, tree: parseTree(language, text), text };
  if (language === 'dockerfile') return { language, instructions: parseDockerfile(text) };
  const lineCounter = new LineCounter();
  // Anchors and aliases are resolved lazily by `toJS`, whose `maxAliasCount` bounds a billion-laughs file.
  const documents = parseAllDocuments(text, { lineCounter, keepSourceTokens: false, uniqueKeys: false, prettyErrors: false });
  return { language, documents: Array.isArray(documents) ? documents : [], lineCounter };
}

/** Frees what a document holds outside the JavaScript heap (a tree-sitter tree's WebAssembly memory). */
export function disposeDocument(document: LanguageDocument | undefined): void {
  if (document && 'tree' in document) document.tree.delete();
}
