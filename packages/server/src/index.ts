// @poms/server's public entry: what the CLI may use. Its insides stay private (DESIGN.md §3).
export { startServer, VERSION, type RunningServer, type ServerOptions } from './main.ts';
