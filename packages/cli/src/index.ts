// @poms/cli: the `poms` command, callable in-process for tests.
export { main } from './main.ts';
