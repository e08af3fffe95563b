import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

const sourceFiles = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });

const importsOf = (source: string): string[] =>
  [
    ...source.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((match) => match[1] ?? match[2] ?? '');

/** Strips comments so that prose about Date.now in a doc comment is not mistaken for a call. */
const codeOf = (source: string): string => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

describe('the core stays pure', () => {
  const files = sourceFiles('lambdas/core');

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files)('%s imports no I/O (no @aws-sdk, no node:*, nothing outside the core)', (file) => {
    const source = readFileSync(join(root, file), 'utf8');
    for (const target of importsOf(source)) {
      expect(target, `${file} imports ${target}`).not.toMatch(
        /^(@aws-sdk|node:|fs$|path$|child_process|http|https|net$)/,
      );
      if (target.startsWith('.')) {
        const resolved = relative(root, join(root, file, '..', target));
        expect(resolved, `${file} reaches outside the core via ${target}`).toMatch(/^lambdas\/core\//);
      }
    }
  });

  it.each(files)('%s reads no clock and no random source, and evaluates no code on the host', (file) => {
    const code = codeOf(readFileSync(join(root, file), 'utf8'));
    expect(code).not.toMatch(
      /Date\.now\(|new Date\(|performance\.now|Math\.random|crypto\.|\beval\(|new Function\(|node:vm/,
    );
  });
});
