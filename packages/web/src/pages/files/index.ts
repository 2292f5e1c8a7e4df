// The file pages (a file with its provenance graph, the file search), loaded when first visited.
export { FilePage } from './FilePage.tsx';
export { FileSearchPage } from './FileSearchPage.tsx';
