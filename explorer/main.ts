// The identity explorer: search an identifier, see the person, its personas, identifiers and devices
// with the strength of each membership, resolve a use case with the path highlighted, and (with an
// admin key) detach an identifier and watch the graph recompute through the change feed.
import cytoscape, { type ElementDefinition } from 'cytoscape';
import { Api, type FeedState } from './api.js';

interface Identifier {
  id: string;
  type: string;
  value: string;
  shared: boolean;
  memberships: { persona: { id: string }; strength: 'STRONG' | 'WEAK'; to: string | null }[];
  devices: { id: string; kind: string | null }[];
}
interface Persona {
  id: string;
  key: string;
  context: string;
  label: string | null;
  identifiers: Identifier[];
}
interface Resolution {
  personas: { id: string }[];
  contact: { type: string; value: string } | null;
  suppressions: { code: string; message: string }[];
  facts: { key: string; value: unknown }[];
  explanation: { rule: string; detail: string }[];
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const keyInput = $<HTMLInputElement>('key');
keyInput.value = localStorage.getItem('idgraph-key') ?? '';
const api = new Api(() => keyInput.value.trim());
const status = (text: string): void => {
  $('status').textContent = text;
};

const contextColours: Record<string, string> = {
  PERSONAL: '#2e7d32',
  WORK: '#1565c0',
  BUSINESS: '#ef6c00',
  FAMILY: '#6a1b9a',
  OTHER: '#616161',
};

const cy = cytoscape({
  container: $('graph'),
  style: [
    { selector: 'node', style: { label: 'data(label)', 'font-size': 10, 'text-wrap': 'wrap' } },
    {
      selector: 'node.person',
      style: { shape: 'round-rectangle', 'background-color': '#333', color: '#333' },
    },
    { selector: 'node.persona', style: { 'background-color': 'data(colour)', width: 36, height: 36 } },
    { selector: 'node.identifier', style: { shape: 'diamond', 'background-color': '#90a4ae' } },
    { selector: 'node.shared', style: { 'border-width': 4, 'border-color': '#d32f2f' } },
    { selector: 'node.device', style: { shape: 'rectangle', 'background-color': '#bcaaa4' } },
    { selector: 'edge', style: { width: 2, 'line-color': '#999', 'curve-style': 'bezier' } },
    { selector: 'edge.WEAK', style: { 'line-style': 'dashed' } },
    { selector: '.path', style: { 'line-color': '#fbc02d', 'background-color': '#fbc02d', width: 5 } },
    { selector: 'node.contact', style: { 'border-width': 6, 'border-color': '#fbc02d' } },
  ],
});

let current: { personaId: string; personaIds: Set<string>; identifier: Identifier | null } | null = null;
/** The identifiers on screen, by id. */
const onScreen = new Map<string, Identifier>();

const PERSON_GRAPH = /* GraphQL */ `
  query ($id: ID!) {
    persona(id: $id) {
      id
      person {
        id
        personas {
          id
          key
          context
          label
          identifiers {
            id
            type
            value
            shared
            memberships {
              persona {
                id
              }
              strength
              to
            }
            devices {
              id
              kind
            }
          }
        }
      }
    }
  }
`;

/** Draws the person of a persona: its personas, their identifiers and devices. */
async function draw(personaId: string): Promise<void> {
  const data = await api.query<{
    persona: { id: string; person: { id: string; personas: Persona[] } | null } | null;
  }>(PERSON_GRAPH, { id: personaId });
  const person = data.persona?.person;
  if (!person) return status('No such persona');
  const elements: ElementDefinition[] = [
    { data: { id: person.id, label: `person\n${person.id.slice(0, 8)}` }, classes: 'person' },
  ];
  const seen = new Set<string>([person.id]);
  const add = (element: ElementDefinition) => {
    if (seen.has(element.data.id!)) return;
    elements.push(element);
    seen.add(element.data.id!);
  };
  for (const p of person.personas) {
    add({
      data: { id: p.id, label: `${p.key}\n${p.context}`, colour: contextColours[p.context] ?? '#616161' },
      classes: 'persona',
    });
    add({ data: { id: `${person.id}->${p.id}`, source: person.id, target: p.id } });
    for (const i of p.identifiers) {
      add({
        data: { id: i.id, label: `${i.type}\n${i.value}` },
        classes: `identifier${i.shared ? ' shared' : ''}`,
      });
      const membership = i.memberships.find((m) => m.persona.id === p.id && m.to === null);
      add({
        data: { id: `${p.id}->${i.id}`, source: p.id, target: i.id },
        classes: membership?.strength ?? 'STRONG',
      });
      for (const d of i.devices) {
        add({ data: { id: d.id, label: `${d.kind ?? 'device'}\n${d.id}` }, classes: 'device' });
        add({ data: { id: `${d.id}->${i.id}`, source: d.id, target: i.id }, classes: 'WEAK' });
      }
    }
  }
  onScreen.clear();
  for (const p of person.personas) for (const i of p.identifiers) onScreen.set(i.id, i);
  cy.elements().remove();
  cy.add(elements);
  cy.layout({ name: 'cose', animate: false }).run();
  current = {
    personaId,
    personaIds: new Set(person.personas.map((p) => p.id)),
    identifier: current?.identifier ? (onScreen.get(current.identifier.id) ?? null) : null,
  };
  $('identifiers').replaceChildren(
    ...[...onScreen.values()].map((i) => {
      const item = document.createElement('li');
      item.className = 'hit';
      item.textContent = `${i.type} ${i.value}${i.shared ? ' (shared)' : ''}`;
      item.addEventListener('click', () => select(i.id));
      return item;
    }),
  );
  document.body.dataset.personas = String(person.personas.length);
  status(`${person.personas.length} persona(s) in person ${person.id}`);
}

/** Picks the identifier to resolve from or to detach, in the graph and in the list alike. */
function select(id: string): void {
  cy.elements().removeClass('path contact');
  cy.getElementById(id).addClass('path');
  if (current) current.identifier = onScreen.get(id) ?? null;
  status(current?.identifier ? `Selected ${current.identifier.type} ${current.identifier.value}` : '');
}
cy.on('tap', 'node.identifier', (event) => select(event.target.id() as string));

async function search(): Promise<void> {
  const text = $<HTMLInputElement>('search').value.trim();
  const { search: hits } = await api.query<{
    search: { persona: { id: string; key: string }; matched: string; field: string }[];
  }>('query ($t: String!) { search(text: $t, first: 20) { persona { id key } matched field } }', { t: text });
  const list = $('hits');
  list.replaceChildren(
    ...hits.map((hit) => {
      const item = document.createElement('li');
      item.className = 'hit';
      item.textContent = `${hit.persona.key} (${hit.field.toLowerCase()}: ${hit.matched})`;
      item.addEventListener('click', () => void open(hit.persona.id));
      return item;
    }),
  );
  status(`${hits.length} hit(s)`);
}

async function open(personaId: string): Promise<void> {
  await draw(personaId);
  $('persona-panel').hidden = false;
  const { useCases } = await api.query<{ useCases: { name: string }[] }>('{ useCases { name } }');
  $<HTMLSelectElement>('use-case').replaceChildren(
    ...useCases.map((u) =>
      Object.assign(document.createElement('option'), { value: u.name, textContent: u.name }),
    ),
  );
}

async function resolve(): Promise<void> {
  const anchor = current?.identifier;
  if (!anchor) return status('Pick an identifier in the graph first');
  const { resolve: r } = await api.query<{ resolve: Resolution }>(
    `query ($i: IdentifierInput!, $u: String!) { resolve(identifier: $i, useCase: $u) {
       personas { id } contact { type value } suppressions { code message } facts { key value }
       explanation { rule detail } } }`,
    { i: { type: anchor.type, value: anchor.value }, u: $<HTMLSelectElement>('use-case').value },
  );
  cy.elements().removeClass('path contact');
  for (const p of r.personas) cy.getElementById(p.id).addClass('path');
  cy.edges()
    .filter((e) => r.personas.some((p) => p.id === e.source().id() || p.id === e.target().id()))
    .addClass('path');
  if (r.contact) {
    cy.nodes('.identifier')
      .filter((n) => n.data('label') === `${r.contact!.type}\n${r.contact!.value}`)
      .addClass('contact');
  }
  const panel = $('resolution');
  panel.replaceChildren();
  const line = (text: string, className = '') =>
    panel.appendChild(Object.assign(document.createElement('div'), { textContent: text, className }));
  line(r.contact ? `Contact: ${r.contact.type} ${r.contact.value}` : 'No contact');
  for (const s of r.suppressions) line(`${s.code}: ${s.message}`, 'suppression');
  for (const f of r.facts) line(`fact ${f.key} = ${JSON.stringify(f.value)}`);
  const steps = document.createElement('ol');
  steps.replaceChildren(
    ...r.explanation.map((e) =>
      Object.assign(document.createElement('li'), { textContent: `${e.rule}: ${e.detail}` }),
    ),
  );
  panel.appendChild(steps);
}

async function detach(): Promise<void> {
  const anchor = current?.identifier;
  const reason = $<HTMLInputElement>('reason').value.trim();
  if (!anchor || !current || !reason) return status('Pick an identifier and give a reason');
  const holder = anchor.memberships.find((m) => m.to === null && current!.personaIds.has(m.persona.id));
  if (!holder) return status('No persona of this person holds that identifier');
  await api.query(
    'mutation ($p: ID!, $i: IdentifierInput!, $r: String!) { detachIdentifier(persona: $p, identifier: $i, reason: $r) { id } }',
    {
      p: holder.persona.id,
      i: { type: anchor.type, value: anchor.value },
      r: reason,
    },
  );
  status('Detached; waiting for the change feed…');
}

const guarded = (work: () => Promise<void>) => () =>
  void work().catch((error: Error) => status(error.message));
$('go').addEventListener('click', guarded(search));
$<HTMLInputElement>('search').addEventListener('keydown', (e) => {
  if (e.key === 'Enter') guarded(search)();
});
$('resolve').addEventListener('click', guarded(resolve));
$('detach').addEventListener('click', guarded(detach));

// Live: a change to any persona on screen redraws the graph, so a detachment recomputes before your eyes.
const feed = $('feed');
const onChange = (personaIds: string[]) => {
  if (current && personaIds.some((id) => current!.personaIds.has(id))) {
    void draw(current.personaId).then(
      () => (document.body.dataset.updates = String(Number(document.body.dataset.updates ?? 0) + 1)),
    );
  }
};
const onFeed = (state: FeedState) => {
  feed.textContent = state.connected ? 'live feed: connected' : `live feed: ${state.reason}`;
  feed.className = state.connected ? 'connected' : 'failed';
};
let followedWith = keyInput.value.trim();
const follow = () => {
  followedWith = keyInput.value.trim();
  feed.textContent = 'live feed: connecting…';
  feed.className = '';
  api.follow(onChange, onFeed);
};
follow();
// The README has you type the key after the page loaded: the feed then connects again, with it.
keyInput.addEventListener('change', () => {
  localStorage.setItem('idgraph-key', keyInput.value);
  if (keyInput.value.trim() !== followedWith) follow();
});
