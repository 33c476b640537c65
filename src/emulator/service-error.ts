// Errors the emulator answers with, shaped like Cost Explorer's: {"__type": ..., "message": ...}.
import { ExporterError } from '../errors.js';

export class ServiceError extends ExporterError {
  readonly type: string;
  readonly status: number;
  constructor(type: string, message: string, status = 400) {
    super('BUE_ERR_EMULATOR_SERVICE', message);
    this.type = type;
    this.status = status;
  }
}

export function validationError(message: string): ServiceError {
  return new ServiceError('ValidationException', message);
}

/** The wording of Coral's model validation (required members, enums, patterns), as AWS services answer it. */
export function constraintError(path: string, value: unknown, constraint: string): ServiceError {
  const shown = value === undefined || value === null ? 'null' : `'${String(value)}'`;
  return validationError(`1 validation error detected: Value ${shown} at '${path}' failed to satisfy constraint: ${constraint}`);
}

export function serializationError(message: string): ServiceError {
  return new ServiceError('SerializationException', message);
}
