// @poms/web: the browser app. For now, the editor's graph model; the React app comes with the GUI issue.
export * from './editor/graph-model.ts';
