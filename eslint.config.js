import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // api/ and docs/api/ are generated; test/types/published.ts compiles only against dist/ (test/types.test.ts runs it).
  {
    ignores: [
      'scratch/**',
      'dist/**',
      'api/**',
      'docs/api/**',
      'test/types/published.ts',
      'coverage/**',
      'test-results/**',
      'node_modules/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js', 'typedoc.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-confusing-void-expression': 'off',
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
      '@typescript-eslint/only-throw-error': 'off',
      '@typescript-eslint/no-unnecessary-condition': [
        'error',
        { allowConstantLoopConditions: true },
      ],
    },
  },
  {
    // Development scripts index the arrays they build (the API report's diff table): off there too.
    files: ['scripts/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['test/**', 'bench/**', 'examples/**'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      // Tests read back what they just wrote: a wrong read fails the test anyway.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-empty-function': 'off',
    },
  },
  { files: ['eslint.config.js', 'typedoc.config.js'], ...tseslint.configs.disableTypeChecked },
);
