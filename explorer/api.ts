// The explorer's GraphQL client: queries over HTTP, the change feed over graphql-ws, both with the key.
import { createClient, type Client } from 'graphql-ws';

export interface GraphQLError {
  message: string;
  extensions?: { code?: string };
}

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

  /** Calls `onChange` with the persona ids of every change from now on. */
  follow(onChange: (personaIds: string[]) => void): () => void {
    this.ws?.dispose();
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
    this.ws = createClient({ url, connectionParams: this.authorization });
    return this.ws.subscribe<{ changes: { personaIds: string[] } }>(
      { query: 'subscription { changes { personaIds } }' },
      {
        next: (result) => {
          if (result.data) onChange(result.data.changes.personaIds);
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
  }
}
