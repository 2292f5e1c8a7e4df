// The external data management an experiment runs, as the server was configured with it
// (adapters/data/data-config.ts reads POMS_DATA_CONFIG): a metadata catalog (MetaCat or SAM) for
// input datasets and output declarations, and Rucio for replicas and replication rules.
import type { MetadataCatalog, ReplicaManager } from '@poms/core';

export interface RucioTarget {
  client: ReplicaManager;
  /** The scope outputs and per-submission datasets are registered in. */
  scope: string;
  /** The RSE holding the storage jobs copy their outputs to (the server's output folder). */
  rse: string;
  /** Turns a path in the output folder into the replica's PFN at `rse`; default `file://PATH`. */
  pfn?: (path: string) => string;
  /** Catalog location names that are Rucio RSEs: location → RSE. */
  locations: Readonly<Record<string, string>>;
}

export interface ExperimentDataSystems {
  metadata?: MetadataCatalog | undefined;
  /** MetaCat: the namespace outputs are declared in. */
  metadataNamespace?: string | undefined;
  /**
   * Where jobs find the files of the metadata catalog's datasets: a folder holding them by name (a
   * mounted namespace), recorded as their replica at `location`. Without it, mirrored files have
   * no replica, and a job given one reports it failed ("no replica").
   */
  inputFiles?: { location: string; folder: string } | undefined;
  rucio?: RucioTarget | undefined;
}

/** An experiment's systems; undefined when it has none. */
export type DataSystems = (experiment: string) => ExperimentDataSystems | undefined;

export const NO_DATA_SYSTEMS: DataSystems = () => undefined;

export const SYSTEM_LABEL = { metacat: 'MetaCat', sam: 'SAM' } as const;
