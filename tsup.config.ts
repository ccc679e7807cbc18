import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    internal: 'src/internal.ts',
    stream: 'src/stream/index.ts',
    // Stateless primitives: this entry carries its own copy of them rather than importing the core.
    rolling: 'src/rolling/index.ts',
    prometheus: 'src/plugins/prometheus.ts',
    statsd: 'src/plugins/statsd.ts',
    graphite: 'src/plugins/graphite.ts',
    opentelemetry: 'src/plugins/opentelemetry.ts',
    redis: 'src/redis/index.ts',
    fetch: 'src/http/fetch.ts',
    undici: 'src/http/undici.ts',
    express: 'src/http/express.ts',
    fastify: 'src/http/fastify.ts',
  },
  format: ['esm', 'cjs'],
  // Members tagged @internal are for the package's own modules: they are left out of the published types.
  dts: { compilerOptions: { stripInternal: true } },
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  splitting: false,
  treeshake: true,
  // Subpath modules import the core by the package's own name, so that one process holds one copy of it;
  // integrations are optional peer dependencies, never bundled.
  external: [
    'hystrix-ts',
    'hystrix-ts/internal',
    'hystrix-ts/stream',
    'prom-client',
    'hot-shots',
    '@opentelemetry/api',
    'ioredis',
    'undici',
    'express',
    'fastify',
  ],
});
