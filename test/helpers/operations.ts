// GraphQL documents and small helpers the integration and story tests share.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { randomInt } from 'node:crypto';
import type { DemoOptions } from '../../src/cli/demo-data.js';
import type { TestApi } from './api.js';

export const INGEST = /* GraphQL */ `
  mutation Ingest($events: [EventInput!]!) {
    ingest(events: $events) {
      accepted
      duplicates
      rejected {
        index
        id
        code
        message
      }
      ignored {
        index
        id
        type
        value
        reason
      }
      unmapped {
        kind
        code
      }
    }
  }
`;

export const DEFINE_USE_CASE = /* GraphQL */ `
  mutation DefineUseCase($input: UseCaseInput!) {
    defineUseCase(input: $input) {
      name
      scope
    }
  }
`;

export const RESOLVE = /* GraphQL */ `
  query Resolve($identifier: IdentifierInput!, $useCase: String!) {
    resolve(identifier: $identifier, useCase: $useCase) {
      useCase
      scope
      anchor {
        type
        value
        shared
      }
      personas {
        id
        key
        context
      }
      person {
        id
      }
      contact {
        type
        value
      }
      facts {
        key
        value
        method
      }
      suppressions {
        code
        message
      }
      candidates {
        key
      }
      confidence
      explanation {
        rule
        detail
      }
    }
  }
`;

export const PERSONA = /* GraphQL */ `
  query Persona($key: String!) {
    persona(key: $key) {
      id
      key
      context
      person {
        id
        personas {
          key
        }
      }
      identifiers {
        type
        value
        shared
      }
    }
  }
`;

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: { index: number; id: string | null; code: string; message: string }[];
  ignored: { index: number; id: string; type: string; value: string; reason: string }[];
  unmapped: { kind: string; code: string }[];
}

export interface ResolutionResult {
  useCase: string;
  scope: string;
  anchor: { type: string; value: string; shared: boolean } | null;
  personas: { id: string; key: string; context: string }[];
  person: { id: string } | null;
  contact: { type: string; value: string } | null;
  facts: { key: string; value: unknown; method: string }[];
  suppressions: { code: string; message: string }[];
  candidates: { key: string }[];
  confidence: number;
  explanation: { rule: string; detail: string }[];
}

export interface PersonaResult {
  id: string;
  key: string;
  context: string;
  person: { id: string; personas: { key: string }[] } | null;
  identifiers: { type: string; value: string; shared: boolean }[];
}

/** Fails with the server's errors rather than an undefined-property crash. */
export function dataOf<T>(body: { data?: T | null; errors?: unknown[] }): T {
  if (body.errors?.length || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

export async function ingest(api: TestApi, events: unknown[]): Promise<IngestResult> {
  return dataOf(await api.gql<{ ingest: IngestResult }>(INGEST, { events })).ingest;
}

/** A web signup by an authenticated personal persona that holds `identifiers`. */
export function signupEvent(
  id: string,
  personaKey: string,
  identifiers: { type: string; value: string }[],
  occurredAt: string,
) {
  return {
    id,
    type: 'signup',
    occurredAt,
    source: 'web',
    channel: 'WEB',
    actor: { persona: { key: personaKey, context: 'PERSONAL' }, identifiers, authenticated: true },
  };
}

export async function defineUseCase(api: TestApi, input: Record<string, unknown>): Promise<void> {
  dataOf(await api.gql(DEFINE_USE_CASE, { input }));
}

export async function resolve(
  api: TestApi,
  identifier: { type: string; value: string },
  useCase: string,
): Promise<ResolutionResult> {
  return dataOf(await api.gql<{ resolve: ResolutionResult }>(RESOLVE, { identifier, useCase })).resolve;
}

export async function persona(api: TestApi, key: string): Promise<PersonaResult> {
  const found = dataOf(await api.gql<{ persona: PersonaResult | null }>(PERSONA, { key })).persona;
  if (!found) throw new Error(`no persona with key ${key}`);
  return found;
}

/** A valid, distinct US phone number for each seed (555 exchange: fictional, but well-formed). */
export function phoneFor(seed: number): string {
  const line = String(1000 + (seed % 9000)).padStart(4, '0');
  // Not every three digits are an area code: walk to the next one libphonenumber accepts.
  for (let area = 201 + (Math.floor(seed / 9000) % 700); ; area = area >= 989 ? 201 : area + 1) {
    const phone = parsePhoneNumberFromString(`+1 ${area} 555 ${line}`);
    if (phone?.isValid()) return `+1 ${area} 555 ${line}`;
  }
}

/** The demo stories' phone numbers for one test file's copy of the demo: distinct from every other copy's. */
export function demoPhones(): DemoOptions['phones'] {
  const seed = randomInt(0, 5_000_000);
  return [0, 1, 2, 3, 4, 5].map((i) => phoneFor(seed + i)) as DemoOptions['phones'];
}
