// The dataset query language (docs/queries.md): its syntax tree, parser, printer and tree helpers.
export * from './ast.ts';
export {
  QUERY_ERROR_CODES,
  type QueryError,
  type QueryErrorCode,
  type QueryResult,
} from './errors.ts';
export { formatQuery } from './format.ts';
export { MAX_NESTING, MAX_OPERATORS, MAX_QUERY_LENGTH, parseQuery } from './parse.ts';
export { KEYWORDS, type Keyword } from './tokens.ts';
export { queryReferences, querySpanless, type QueryReferences } from './tree.ts';
