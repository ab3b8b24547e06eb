/**
 * The module references of a TypeScript file, read with the compiler's parser so that comments,
 * strings and template text never count as imports: import and export-from declarations,
 * `import x = require()`, `import('…')` calls and `import('…').T` types.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import ts from 'typescript';

/** A file as the checker sees it: its path from the repository root (with `/`) and its text. */
export interface SourceText {
  path: string;
  text: string;
}

/** One reference from `from` (line `line`, 1-based) to `target`: a repository path, or a bare specifier. */
export interface ImportRef {
  from: string;
  line: number;
  specifier: string;
  target: string;
}

/** Every `.ts` file under `roots` (repository-relative folders), read from `repoRoot`. */
export function readSources(repoRoot: string, roots: readonly string[]): SourceText[] {
  return roots.flatMap((root) => {
    let names: string[];
    try {
      names = readdirSync(posix.join(repoRoot, root), { recursive: true, encoding: 'utf8' });
    } catch (e) {
      // A band may list a folder that a later change creates.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return names
      .filter((n) => n.endsWith('.ts') && !n.split(/[\\/]/).includes('node_modules'))
      .sort()
      .map((n) => {
        const path = posix.join(root, n.split('\\').join('/'));
        return { path, text: readFileSync(posix.join(repoRoot, path), 'utf8') };
      });
  });
}

/** The references of one file; relative specifiers are resolved to repository paths. */
export function importsOf(file: SourceText): ImportRef[] {
  const source = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const refs: ImportRef[] = [];
  const add = (literal: ts.Node | undefined) => {
    if (literal === undefined || !ts.isStringLiteralLike(literal)) return;
    const line = source.getLineAndCharacterOfPosition(literal.getStart(source)).line + 1;
    refs.push({ from: file.path, line, specifier: literal.text, target: resolve(file.path, literal.text) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return refs;
}

function resolve(from: string, specifier: string): string {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return specifier;
  return posix.normalize(posix.join(posix.dirname(from), specifier));
}
