// The stage dependency graph: lead stages, cycles, launch order, up/downstream queries.
export { buildStageGraph, type StageGraph, type TopologicalOrderResult } from './build.ts';
export type { StageEdge, UnknownEndpoint } from './indexed.ts';
