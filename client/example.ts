// A typed client in a few lines: the operation's variables and result types come from codegen, so a
// renamed field fails `tsc` here, not in a customer's browser.
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { CustomerScreenDocument, FindCustomerDocument } from './generated/graphql.js';

export async function request<Result, Variables>(
  url: string,
  apiKey: string,
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
): Promise<Result> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as { data?: Result; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new Error(body.errors?.map((e) => e.message).join('; '));
  return body.data;
}

/** Finds a customer by text and returns the first persona's screen. */
export async function customerScreen(url: string, apiKey: string, text: string) {
  const { search } = await request(url, apiKey, FindCustomerDocument, { text });
  const [hit] = search;
  if (!hit) return null;
  const { persona } = await request(url, apiKey, CustomerScreenDocument, { id: hit.persona.id });
  return persona; // typed: persona.identifiers[0].masked is a boolean, persona.events.edges[0].node.occurredAt a string
}
