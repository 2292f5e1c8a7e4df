// @poms/core: the pure domain. No I/O, no clock, no randomness: those are injected through ports.
export * from './campaign/model.ts';
export * from './campaign/effective.ts';
export * from './campaign/issues.ts';
export * from './campaign/check.ts';
export * from './ids/ids.ts';
export * from './access/roles.ts';
export * from './access/permissions.ts';
export * from './access/experiment.ts';
export * from './split/index.ts';
export * from './template/index.ts';
export * from './graph/index.ts';
// The query parser (chevrotain, ~1 s to load) is at '@poms/core/query', for those that parse
// queries; the syntax tree and its helpers are here for everyone.
export * from './catalog/query/ast.ts';
export * from './catalog/query/tree.ts';
export type { QueryError, QueryErrorCode, QueryResult } from './catalog/query/errors.ts';
export * from './catalog/port.ts';
export * from './submission/index.ts';
export * from './launch/index.ts';
export * from './engine/index.ts';
export * from './schedule/index.ts';
export * from './data/index.ts';
