/** The catalog throws the Store port's error kinds (same codes, same HTTP mapping). */
import {
  ConflictError,
  InvalidArgumentError,
  NotFoundError,
  type StoreEntity,
} from '../../ports/errors.ts';

export type CatalogEntity = Extract<StoreEntity, 'experiment' | 'file' | 'dataset' | 'snapshot'>;

const entity = (kind: CatalogEntity): StoreEntity => kind;

export function notFound(kind: CatalogEntity, key: string): NotFoundError {
  return new NotFoundError(entity(kind), key);
}

/** A file declared again with a different value of a field that cannot change. */
export class FileConflictError extends ConflictError {
  readonly field: string;

  constructor(file: string, field: string, stored: unknown, declared: unknown) {
    super(entity('file'), file);
    this.field = field;
    this.message =
      `file ${JSON.stringify(file)} is already declared with ${field} ` +
      `${show(stored)}, not ${show(declared)}`;
  }
}

/**
 * A dataset of the wrong kind or state for the change asked: adding files to a saved query or to
 * a closed dataset, redefining an open dataset as a query. Names the dataset.
 */
export class DatasetConflictError extends ConflictError {
  constructor(dataset: string, message: string) {
    super(entity('dataset'), dataset);
    this.message = `dataset ${JSON.stringify(dataset)} ${message}`;
  }
}

/** A bad declaration, naming the file and the field. */
export function badFile(file: string, field: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError(field, `file ${JSON.stringify(file)}: ${message}`);
}

/** A query the catalog cannot run (bad field type, dataset cycle, …). */
export function badQuery(message: string): InvalidArgumentError {
  return new InvalidArgumentError('query', message);
}

function show(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}
