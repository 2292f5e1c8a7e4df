// @poms/web: the browser app (src/main.tsx is its entry); this module exports its pure parts for tests and benchmarks.
export * from './editor/graph-model.ts';
export * from './graph/elk-graph.ts';
