// The roads of DESIGN.md §3, enforced: which package may import which, and the layering inside server.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'core-imports-nothing-of-ours',
      comment: 'core is pure domain: no other package of ours, and no I/O modules.',
      severity: 'error',
      from: { path: '^packages/core/' },
      to: { path: '^packages/(campaign-file|server|cli|web)/' },
    },
    {
      name: 'core-no-io',
      comment: 'Tests may use node:test and fixtures; the domain code may not do I/O.',
      severity: 'error',
      from: { path: '^packages/core/src', pathNot: '\\.test\\.ts$' },
      to: {
        dependencyTypes: ['core'],
        path: '^(fs|net|http|https|child_process|os|path|node:.*)$',
      },
    },
    {
      name: 'campaign-file-imports-core-only',
      severity: 'error',
      from: { path: '^packages/campaign-file/src' },
      to: { path: '^packages/(server|cli|web)/' },
    },
    {
      name: 'server-never-imports-cli-or-web',
      severity: 'error',
      from: { path: '^packages/server/' },
      to: { path: '^packages/(cli|web)/' },
    },
    {
      name: 'web-never-imports-server-or-cli',
      severity: 'error',
      from: { path: '^packages/web/' },
      to: { path: '^packages/(server|cli)/' },
    },
    {
      name: 'cli-uses-only-server-public-entry',
      severity: 'error',
      from: { path: '^packages/cli/' },
      to: { path: '^packages/server/src/(?!index\\.ts$)' },
    },
    {
      name: 'http-and-workers-go-through-services',
      comment: 'http/ and workers/ call services/, never adapters directly.',
      severity: 'error',
      from: { path: '^packages/server/src/(http|workers)/' },
      to: { path: '^packages/server/src/adapters/' },
    },
    {
      name: 'adapters-never-import-http-or-workers',
      severity: 'error',
      from: { path: '^packages/server/src/adapters/' },
      to: { path: '^packages/server/src/(http|workers|services)/' },
    },
    {
      name: 'only-main-knows-adapters',
      comment: 'Concrete adapters are wired in main.ts (and tests); services see ports only.',
      severity: 'error',
      from: { path: '^packages/server/src/(?!main\\.ts$|adapters/)', pathNot: '\\.test\\.ts$' },
      to: { path: '^packages/server/src/adapters/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', '/dist/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: true,
    preserveSymlinks: false,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'default'] },
  },
};
