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
  // Most values are strings, numbers and plain maps: they are told apart first and cheaply, because
  // every nested value of every row passes here (the temporal checks took 8% of a nested read's CPU).
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(fromNeo4j);
  if (Object.getPrototypeOf(value) === Object.prototype) {
    const map: Record<string, unknown> = {};
    for (const key in value) map[key] = fromNeo4j((value as Record<string, unknown>)[key]);
    return map;
  }
  if (isInt(value)) return value.inSafeRange() ? value.toNumber() : value.toString();
  if (isDateTime(value)) return value.toStandardDate().toISOString();
  if (isDate(value) || isLocalDateTime(value) || isTime(value) || isLocalTime(value) || isDuration(value)) {
    return value.toString();
  }
  const candidate = value as { properties?: unknown; labels?: unknown; type?: unknown };
  if (candidate.properties && (candidate.labels || candidate.type)) return fromNeo4j(candidate.properties);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromNeo4j(v)]));
}
