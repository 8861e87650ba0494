// graphql-codegen (client preset): typed documents for every GraphQL operation the web app and
// the browser tests send, generated from the contract the server emits. `npm run codegen`
// rewrites the generated folders; `npm run codegen:check` (in lint) fails when an operation does
// not validate against schema/schema.graphql or a generated file is stale. The preset heads each
// generated file with `/* eslint-disable */`; those folders are not linted (eslint.config.js).
import type { CodegenConfig } from '@graphql-codegen/cli';

const typescript = {
  useTypeImports: true,
  // Relative imports with their .js extension, as Node's ESM resolution wants (e2e, server tests).
  emitLegacyCommonJSImports: false,
  // String unions: no runtime enum objects in the bundle.
  enumsAsTypes: true,
  // A nullable field is always in the answer (as null), so it is not optional.
  avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
  strictScalars: true,
  scalars: {
    DateTimeISO: 'string',
    LocalDate: 'string',
    JSON: 'unknown',
    JSONObject: 'Record<string, unknown>',
  },
};

// The screens read whole results; nothing reads a fragment on its own.
const presetConfig = { fragmentMasking: false as const };

const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  generates: {
    'web/src/graphql/generated/': {
      documents: ['web/src/**/*.ts', 'web/src/**/*.vue', '!web/src/graphql/generated/**'],
      preset: 'client',
      presetConfig,
      config: typescript,
    },
    'e2e/support/generated/': {
      documents: ['e2e/specs/**/*.ts', 'e2e/support/**/*.ts', '!e2e/support/generated/**'],
      preset: 'client',
      presetConfig,
      config: typescript,
    },
  },
};

export default config;
