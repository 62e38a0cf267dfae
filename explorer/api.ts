// The explorer's GraphQL client: queries over HTTP, the change feed over graphql-ws, both with the key.
import { createClient, type Client } from 'graphql-ws';

export interface GraphQLError {
  message: string;
  extensions?: { code?: string };
}

/** How the change feed stands, for the page to say so: a feed that silently stopped looks like no changes. */
export type FeedState = { connected: true } | { connected: false; reason: string };

/** A CloseEvent as graphql-ws hands it over (in the browser, a real CloseEvent). */
const isClose = (value: unknown): value is { code: number; reason: string } =>
  typeof value === 'object' && value !== null && 'code' in value && 'reason' in value;

export class Api {
  private ws: Client | null = null;

  constructor(private readonly key: () => string) {}

  private get authorization(): Record<string, string> {
    const key = this.key();
    return key ? { authorization: `Bearer ${key}` } : {};
  }

  async query<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.authorization },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: GraphQLError[] };
    if (body.errors?.length) {
      throw new Error(body.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '));
    }
    return body.data as T;
  }

  /**
   * Calls `onChange` with the persona ids of every change from now on, and `onState` whenever the feed
   * connects or fails. Calling it again (e.g. with a new key) replaces the previous connection: the
   * server refuses a connection without a known key for good (4401), so a key typed later needs a new one.
   */
  follow(onChange: (personaIds: string[]) => void, onState: (state: FeedState) => void): void {
    this.ws?.dispose();
    const key = this.key();
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
    const ws = createClient({
      url,
      connectionParams: this.authorization,
      on: { connected: () => this.ws === ws && onState({ connected: true }) },
    });
    this.ws = ws;
    ws.subscribe<{ changes: { personaIds: string[] } }>(
      { query: 'subscription { changes { personaIds } }' },
      {
        next: (result) => {
          if (result.data) onChange(result.data.changes.personaIds);
        },
        // A replaced connection's end is expected, not news.
        error: (error) => this.ws === ws && onState({ connected: false, reason: describe(error, key) }),
        complete: () => this.ws === ws && onState({ connected: false, reason: 'closed by the server' }),
      },
    );
  }
}

/** Says why the feed failed in words a user can act on. */
function describe(error: unknown, key: string): string {
  if (isClose(error)) {
    if (error.code === 4401) {
      return key ? 'unauthenticated — the API key was refused' : 'unauthenticated — enter an API key';
    }
    return `closed (${error.code}${error.reason ? `: ${error.reason}` : ''})`;
  }
  // Errors of the subscription itself, e.g. a key without the subscribe role.
  if (Array.isArray(error)) {
    return (error as GraphQLError[]).map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; ');
  }
  return error instanceof Error ? error.message : 'connection failed';
}
