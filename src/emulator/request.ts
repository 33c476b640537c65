// Typed reads from a parsed JSON request body, failing the way the service does.
import { constraintError, serializationError } from './service-error.js';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function objectAt(value: unknown, path: string): JsonObject {
  if (!isJsonObject(value)) throw serializationError(`Expected a structure at '${path}'`);
  return value;
}

export function listAt(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw serializationError(`Expected a list at '${path}'`);
  return value;
}

export function stringAt(value: unknown, path: string): string {
  if (typeof value !== 'string') throw serializationError(`Expected a string at '${path}'`);
  return value;
}

export function required(value: unknown, path: string): unknown {
  if (value === undefined || value === null) throw constraintError(path, value, 'Member must not be null');
  return value;
}

export function requiredString(value: unknown, path: string): string {
  return stringAt(required(value, path), path);
}

export function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : stringAt(value, path);
}

export function enumString<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  const text = requiredString(value, path);
  if (!allowed.includes(text as T)) {
    throw constraintError(path, text, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
  }
  return text as T;
}
