// A file's provenance drawn with React Flow: one node per file (its name and the job that produced
// it, linked to the submission, or "declared"), parents above children, the file itself marked.
// A click on a node opens that file's page.
import {
  Background,
  Controls,
  Handle,
  MarkerType,
  MiniMap,
  Position,
  ReactFlow,
  useReactFlow,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { ProducedBy, Provenance } from '../../api/types.ts';
import { appUrl } from '../monitoring/shared.tsx';
import { middleEllipsis, producerText } from './format.ts';
import {
  FILE_NODE_HEIGHT,
  FILE_NODE_WIDTH,
  depthRows,
  layoutProvenance,
  shownGraph,
  type Positions,
  type ShownGraph,
} from './provenance-layout.ts';

interface FileNodeData extends Record<string, unknown> {
  experiment: string;
  name: string;
  producedBy: ProducedBy | null;
  root: boolean;
}

function FileNode({ data }: NodeProps<Node<FileNodeData>>) {
  const stop = (e: React.MouseEvent) => e.stopPropagation();
  return (
    <div className={`file-node${data.root ? ' root' : ''}`} data-file={data.name} title={data.name}>
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <div className="file-node-name">
        <Link to={appUrl(data.experiment, 'files', data.name)} onClick={stop}>
          {middleEllipsis(data.name)}
        </Link>
      </div>
      <div className="file-node-producer">
        {data.producedBy ? (
          <Link
            to={appUrl(data.experiment, 'submissions', data.producedBy.submission_id)}
            onClick={stop}
            title={`submission ${data.producedBy.submission_id}`}
          >
            {producerText(data.producedBy)}
          </Link>
        ) : (
          <span className="muted">declared</span>
        )}
      </div>
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
}

const NODE_TYPES = { file: FileNode };

/** Fits the view each time a new layout arrives (after React Flow has measured the nodes). */
function FitOnLayout({ layoutId }: { layoutId: number }) {
  const flow = useReactFlow();
  useEffect(() => {
    const frame = requestAnimationFrame(() => void flow.fitView({ maxZoom: 1, padding: 0.1 }));
    return () => cancelAnimationFrame(frame);
  }, [layoutId, flow]);
  return null;
}

export function ProvenanceGraph({ experiment, walk }: { experiment: string; walk: Provenance }) {
  const navigate = useNavigate();
  const graph = useMemo(() => shownGraph(walk), [walk]);
  const rows = useMemo(() => depthRows(graph, walk.direction), [graph, walk.direction]);
  const [laidOut, setLaidOut] = useState<{ for: ShownGraph; positions: Positions }>();
  useEffect(() => {
    let current = true;
    layoutProvenance(graph).then(
      (positions) => current && setLaidOut({ for: graph, positions }),
      () => current && setLaidOut({ for: graph, positions: rows }),
    );
    return () => {
      current = false;
    };
  }, [graph, rows]);
  const ready = laidOut?.for === graph;
  const positions = ready ? laidOut.positions : rows;

  const nodes = useMemo<Node<FileNodeData>[]>(
    () =>
      graph.nodes.map((n) => ({
        id: n.name,
        type: 'file',
        position: positions[n.name] ?? { x: 0, y: 0 },
        width: FILE_NODE_WIDTH,
        height: FILE_NODE_HEIGHT,
        draggable: false,
        connectable: false,
        data: {
          experiment,
          name: n.name,
          producedBy: n.produced_by,
          root: n.name === walk.file,
        },
      })),
    [graph, positions, experiment, walk.file],
  );
  const edges = useMemo<Edge[]>(
    () =>
      graph.edges.map((e, i) => ({
        id: `e${i}`,
        source: e.parent,
        target: e.child,
        markerEnd: { type: MarkerType.ArrowClosed },
      })),
    [graph],
  );

  return (
    <div
      className="provenance-graph"
      role="region"
      aria-label="Provenance graph"
      data-layout-ready={ready}
      data-node-count={graph.nodes.length}
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        fitView
        fitViewOptions={{ maxZoom: 1, padding: 0.1 }}
        minZoom={0.05}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        deleteKeyCode={null}
        onNodeClick={(_event, node) => {
          if (node.id !== walk.file) void navigate(appUrl(experiment, 'files', node.id));
        }}
        proOptions={{ hideAttribution: true }}
      >
        <FitOnLayout layoutId={ready ? 1 : 0} />
        <Background gap={24} />
        <Controls showInteractive={false} />
        {graph.nodes.length > 30 ? <MiniMap pannable zoomable /> : null}
      </ReactFlow>
    </div>
  );
}
