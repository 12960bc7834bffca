// Lint: typescript-eslint's recommended rules on all our TypeScript; zero warnings allowed.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'public/', 'data/', 'coverage/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  // Feature boundaries: SQL lives only in a feature's query files, whose functions take the
  // feature's Scoped handle (its own tables), so reaching into another feature's table is a type
  // error there and a lint error anywhere else.
  {
    files: ['src/features/**/*.ts'],
    ignores: ['**/*.test.ts', '**/test-*.ts', '**/queries.ts', '**/drafts.ts', '**/organisations.ts', '**/seed.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name=/^(selectFrom|selectNoFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)$/]',
          message: 'SQL lives in the feature’s query files, which take its Scoped handle: call them, or another feature’s service.',
        },
      ],
    },
  },
  {
    files: ['src/features/**/queries.ts', 'src/features/**/drafts.ts', 'src/features/**/organisations.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/platform/db/database.ts'], importNames: ['Db', 'Tx'], message: 'A feature’s queries take its Scoped handle, never the whole database.' }] },
      ],
    },
  },
  {
    files: ['test/**', 'bench/**', '**/*.test.ts'],
    rules: { 'no-console': 'off' },
  },
);
