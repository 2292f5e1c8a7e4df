// Lays out campaign graphs off the main thread, so typing in a 300-stage campaign never waits for
// the layout. One request at a time per id; the page drops answers it no longer needs.
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkNode } from 'elkjs/lib/elk-api.js';

const elk = new ELK();

self.onmessage = async (event: MessageEvent<{ id: number; graph: ElkNode }>) => {
  const { id, graph } = event.data;
  try {
    const laidOut = await elk.layout(graph);
    self.postMessage({ id, laidOut });
  } catch (error) {
    self.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
