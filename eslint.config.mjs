// Lints every TypeScript folder with typescript-eslint's recommended rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', '.cache/**', 'test/fixtures/**', 'bench/generated/**', 'test-results/**', 'examples/**/*.js'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Examples are written the way users write experiments; tf.data pipelines are commonly typed with `any`.
    files: ['examples/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // CommonJS files (the test-electron suite loaded by VS Code) use require/exports by design.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', exports: 'writable', module: 'writable', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // STYLE.md: each custom protocol message is a small namespace holding its name, type and guard.
      '@typescript-eslint/no-namespace': 'off',
    },
  },
);
