// Converts values at the driver boundary: neo4j.int in; plain numbers, ISO strings and maps out.
import neo4j, {
  isDate,
  isDateTime,
  isDuration,
  isLocalDateTime,
  isLocalTime,
  isTime,
  isInt,
} from 'neo4j-driver';

export function toNeo4j(value: unknown): unknown {
  if (typeof value === 'number' && Number.isInteger(value)) return neo4j.int(value);
  if (Array.isArray(value)) return value.map(toNeo4j);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toNeo4j(v)]));
  }
  return value;
}

export function fromNeo4j(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (isInt(value)) return value.inSafeRange() ? value.toNumber() : value.toString();
  if (
    isDateTime(value) ||
    isDate(value) ||
    isLocalDateTime(value) ||
    isTime(value) ||
    isLocalTime(value) ||
    isDuration(value)
  ) {
    if (isDateTime(value)) return value.toStandardDate().toISOString();
    return value.toString();
  }
  if (Array.isArray(value)) return value.map(fromNeo4j);
  if (typeof value === 'object') {
    const candidate = value as { properties?: unknown; labels?: unknown; type?: unknown };
    if (candidate.properties && (candidate.labels || candidate.type)) return fromNeo4j(candidate.properties);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromNeo4j(v)]));
  }
  return value;
}
