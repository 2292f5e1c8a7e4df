// @poms/campaign-file: campaign text ⇄ model. Parse with located diagnostics, print canonically,
// edit without disturbing what an edit does not touch, import and export POMS .ini, diff.
export * from './diagnostics.ts';
export * from './line-index.ts';
export * from './parse.ts';
export * from './print.ts';
export * from './sources.ts';
export * from './text-edits.ts';
export * from './edit/operations.ts';
export * from './json-schema.ts';
export * from './ini/index.ts';
export * from './diff/index.ts';
export * from './nesting.ts';
