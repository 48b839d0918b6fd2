/**
 * Build-time hardening of two dependencies, so the bundles hold no code that evaluates strings or writes
 * HTML, and Mozilla's linter (`web-ext lint`) has nothing to warn about:
 *
 * - zod compiles fast object parsers with `new Function` when it may. Extension pages forbid that by CSP in
 *   both browsers (MV3 `script-src 'self'`), so zod already falls back to its interpreter ("jitless") at run
 *   time; here the probe answers "no" without trying and the compiler is replaced by a throw, so the code is
 *   not in the bundle at all. https://zod.dev/api#jitless (z.config({ jitless: true })).
 * - Preact writes `innerHTML` only for `dangerouslySetInnerHTML`, which this project never uses (Biome's
 *   `noDangerouslySetInnerHtml`; data from pages and files is rendered as text). The write is replaced by a
 *   throw, so a future use fails loudly instead of rendering markup.
 *
 * Each rewrite must match exactly once: an upgraded dependency that changed shape fails the build here rather
 * than shipping the old code silently.
 */
import type { Plugin } from 'vite';

interface Rewrite {
  /** The end of the module's resolved path. */
  file: string;
  find: RegExp;
  replace: string;
}

const REWRITES: Rewrite[] = [
  {
    file: '/zod/v4/core/util.js',
    find: /try \{\s*const F = Function;\s*new F\(""\);\s*return true;\s*\}\s*catch \(_\) \{\s*return false;\s*\}/,
    replace: 'return false; // jitless: no Function probe (scripts/vite-harden.ts)',
  },
  {
    file: '/zod/v4/core/doc.js',
    find: /compile\(\) \{\s*const F = Function;[\s\S]*?return factory\(\.\.\.Object\.values\(this\.closed\)\);\s*\}/,
    replace: 'compile() { throw new Error("zod code generation is disabled in this extension (jitless)"); }',
  },
  {
    file: '/preact/dist/preact.mjs',
    find: /\((\w+)\.innerHTML=(\w+)\.__html\)/,
    replace: '(()=>{throw new TypeError("dangerouslySetInnerHTML is refused: render text, not HTML")})()',
  },
];

export function hardenDependencies(): Plugin {
  return {
    name: 'incident-mover:harden-dependencies',
    enforce: 'pre',
    transform(code, id) {
      const path = id.split('?')[0]!.replaceAll('\\', '/');
      const rewrites = REWRITES.filter((r) => path.endsWith(r.file));
      if (rewrites.length === 0) return null;
      let out = code;
      for (const r of rewrites) {
        const matches = out.match(new RegExp(r.find.source, `${r.find.flags}g`))?.length ?? 0;
        if (matches !== 1) {
          throw new Error(
            `scripts/vite-harden.ts: expected one match of ${r.find} in ${r.file}, found ${matches}; the dependency changed, review the rewrite`,
          );
        }
        out = out.replace(r.find, r.replace);
      }
      return { code: out, map: null };
    },
  };
}
