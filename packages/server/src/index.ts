// @poms/server's public entry: what the CLI may use. Its insides stay private (DESIGN.md §3).
export {
  openStore,
  startServer,
  VERSION,
  type RunningServer,
  type ServerOptions,
  type StoreLocation,
} from './main.ts';
export type { Store } from './ports/store.ts';
export { previewSplit, type PreviewSlice, type SplitPreview } from './services/split-preview.ts';
