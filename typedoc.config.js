// The API reference: one module per entry of package.json's `exports`, each documented from the source file that
// tsconfig.json's `paths` maps its specifier to. A subpath added to `exports` without a source fails here.
import { readFileSync } from 'node:fs';
import ts from 'typescript';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const { config, error } = ts.readConfigFile('tsconfig.json', ts.sys.readFile);
if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
const paths = config.compilerOptions.paths;

// `./internal` holds the helpers the package's own subpath modules share: not part of the public API.
const entryPoints = Object.keys(pkg.exports)
  .filter((key) => key !== './package.json' && key !== './internal')
  .map((key) => {
    const specifier = key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`;
    const source = paths[specifier]?.[0];
    if (source === undefined) {
      throw new Error(
        `${specifier} is exported but tsconfig.json's paths give no source file for it`,
      );
    }
    return source;
  });

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  name: 'hystrix-ts',
  entryPoints,
  tsconfig: 'tsconfig.docs.json',
  out: 'docs/api',
  readme: 'none',
  excludeInternal: true,
  // No links to a hosted source: a clone's remote (if any) is not a forge that TypeDoc can link to.
  disableSources: true,
  excludePrivate: true,
  treatWarningsAsErrors: true,
  validation: { notExported: true, invalidLink: true, invalidPath: true, notDocumented: true },
};
