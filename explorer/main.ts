// The identity explorer: search an identifier, see the person, its personas, identifiers and devices
// with the strength of each membership, resolve a use case with the path highlighted, and (with an
// admin key) detach an identifier and watch the graph recompute through the change feed.
import cytoscape, { type ElementDefinition } from 'cytoscape';
import { Api, type FeedState } from './api.js';
import { createReview } from './review.js';

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
interface Contact {
  id: string;
  type: string;
  value: string;
  personas: { id: string }[];
}
interface Resolution {
  personas: { id: string }[];
  contact: Contact | null;
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
const colours = {
  person: '#333',
  identifier: '#90a4ae',
  device: '#bcaaa4',
  shared: '#d32f2f',
  edge: '#999',
  selected: '#1976d2',
  highlight: '#fbc02d',
};

// Highlights on nodes are outlines, never sizes: a width meant for edges shrank nodes to slivers, and
// an outline leaves the border free for what it already says (shared, contact).
const cy = cytoscape({
  container: $('graph'),
  style: [
    { selector: 'node', style: { label: 'data(label)', 'font-size': 10, 'text-wrap': 'wrap' } },
    {
      selector: 'node.person',
      style: { shape: 'round-rectangle', 'background-color': colours.person, color: colours.person },
    },
    { selector: 'node.persona', style: { 'background-color': 'data(colour)', width: 36, height: 36 } },
    { selector: 'node.identifier', style: { shape: 'diamond', 'background-color': colours.identifier } },
    { selector: 'node.shared', style: { 'border-width': 4, 'border-color': colours.shared } },
    { selector: 'node.device', style: { shape: 'rectangle', 'background-color': colours.device } },
    { selector: 'edge', style: { width: 2, 'line-color': colours.edge, 'curve-style': 'bezier' } },
    { selector: 'edge.WEAK', style: { 'line-style': 'dashed' } },
    {
      selector: 'node.scope',
      style: { 'outline-width': 3, 'outline-color': colours.highlight, 'outline-style': 'dotted' },
    },
    { selector: 'node.selected', style: { 'outline-width': 4, 'outline-color': colours.selected } },
    {
      selector: 'node.path',
      style: { 'outline-width': 4, 'outline-color': colours.highlight, 'outline-style': 'solid' },
    },
    { selector: 'edge.path', style: { 'line-color': colours.highlight, width: 5 } },
    { selector: 'node.contact', style: { 'border-width': 6, 'border-color': colours.highlight } },
  ],
});
// The graph, for the browser console and the e2e tests that check what is highlighted and how.
Object.assign(window, { explorer: { cy } });

/** What each mark on the graph means, drawn from the same colours as the graph's style. */
function drawLegend(): void {
  const entry = (text: string, style: Record<string, string>) => {
    const item = document.createElement('li');
    const mark = document.createElement('span');
    mark.className = 'swatch';
    Object.assign(mark.style, style);
    item.append(mark, text);
    return item;
  };
  const ring = (colour: string, style = 'solid', width = '3px') => ({
    background: colours.identifier,
    outline: `${width} ${style} ${colour}`,
  });
  const line = (colour: string, style = 'solid', width = '2px') => ({
    height: '0',
    background: 'none',
    borderTop: `${width} ${style} ${colour}`,
  });
  $('legend').replaceChildren(
    entry('person', { background: colours.person }),
    ...Object.entries(contextColours).map(([context, colour]) =>
      entry(`persona, ${context.toLowerCase()}`, { background: colour, borderRadius: '50%' }),
    ),
    entry('identifier', { background: colours.identifier, transform: 'rotate(45deg) scale(0.75)' }),
    entry('shared identifier (never links personas)', ring(colours.shared)),
    entry('device', { background: colours.device }),
    entry('membership, STRONG', line(colours.edge)),
    entry('membership WEAK, or device', line(colours.edge, 'dashed')),
    entry('picked identifier', ring(colours.selected)),
    entry('path from the picked identifier to the contact', ring(colours.highlight)),
    entry('edge on that path', line(colours.highlight, 'solid', '5px')),
    entry('contact', ring(colours.highlight, 'solid', '5px')),
    entry('persona in scope of the use case', ring(colours.highlight, 'dotted')),
  );
}
drawLegend();

let current: {
  personaId: string;
  personId: string;
  personas: Map<string, Persona>;
  identifier: Identifier | null;
} | null = null;
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
    personId: person.id,
    personas: new Map(person.personas.map((p) => [p.id, p])),
    identifier: current?.identifier ? (onScreen.get(current.identifier.id) ?? null) : null,
  };
  // A redraw keeps the pick, with the holders as they are now.
  if (current.identifier) cy.getElementById(current.identifier.id).addClass('selected');
  listHolders();
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
  cy.elements().removeClass('selected scope path contact');
  cy.getElementById(id).addClass('selected');
  if (current) current.identifier = onScreen.get(id) ?? null;
  listHolders();
  status(current?.identifier ? `Selected ${current.identifier.type} ${current.identifier.value}` : '');
}
cy.on('tap', 'node.identifier', (event) => select(event.target.id() as string));

/**
 * Offers the personas of this person that hold the picked identifier, to detach it from: a shared
 * identifier or a card used in two personas has several, and which one is wrong is the admin's call.
 */
function listHolders(): void {
  const holders = (current?.identifier?.memberships ?? [])
    .filter((m) => m.to === null)
    .map((m) => current!.personas.get(m.persona.id))
    .filter((p): p is Persona => p !== undefined);
  const option = (value: string, text: string) =>
    Object.assign(document.createElement('option'), { value, textContent: text });
  $<HTMLSelectElement>('detach-from').replaceChildren(
    // With several holders none is chosen for the admin.
    ...(holders.length > 1 ? [option('', 'choose the persona')] : []),
    ...holders.map((p) => option(p.id, `${p.key} (${p.label ?? p.context.toLowerCase()})`)),
  );
}

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
  if (!anchor || !current) return status('Pick an identifier in the graph first');
  const { resolve: r } = await api.query<{ resolve: Resolution }>(
    `query ($i: IdentifierInput!, $u: String!) { resolve(identifier: $i, useCase: $u) {
       personas { id } contact { id type value personas { id } } suppressions { code message }
       facts { key value } explanation { rule detail } } }`,
    { i: { type: anchor.type, value: anchor.value }, u: $<HTMLSelectElement>('use-case').value },
  );
  cy.elements().removeClass('scope path contact');
  for (const p of r.personas) cy.getElementById(p.id).addClass('scope');
  if (r.contact) {
    cy.getElementById(r.contact.id).addClass('contact');
    pathTo(anchor, r.contact, new Set(r.personas.map((p) => p.id))).addClass('path');
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

/**
 * The way from the anchor to the contact on screen: through a persona holding both, or else from the
 * anchor's personas through the person to the personas in scope that hold the contact.
 */
function pathTo(anchor: Identifier, contact: Contact, scope: Set<string>) {
  if (contact.id === anchor.id) return cy.getElementById(anchor.id);
  const holdsAnchor = anchor.memberships
    .filter((m) => m.to === null && current!.personas.has(m.persona.id))
    .map((m) => m.persona.id);
  const holdsContact = contact.personas.map((p) => p.id).filter((id) => scope.has(id));
  const both = holdsAnchor.filter((id) => holdsContact.includes(id));
  const ids =
    both.length > 0
      ? both.flatMap((p) => [p, `${p}->${anchor.id}`, `${p}->${contact.id}`])
      : [
          current!.personId,
          ...holdsAnchor.flatMap((p) => [p, `${p}->${anchor.id}`, `${current!.personId}->${p}`]),
          ...holdsContact.flatMap((p) => [p, `${p}->${contact.id}`, `${current!.personId}->${p}`]),
        ];
  const ends = cy.getElementById(anchor.id).union(cy.getElementById(contact.id));
  return ids.reduce((path, id) => path.union(cy.getElementById(id)), ends);
}

async function detach(): Promise<void> {
  const anchor = current?.identifier;
  const reason = $<HTMLInputElement>('reason').value.trim();
  if (!anchor || !reason) return status('Pick an identifier and give a reason');
  const persona = $<HTMLSelectElement>('detach-from').value;
  if (!persona) return status('Choose the persona to detach it from');
  await api.query(
    'mutation ($p: ID!, $i: IdentifierInput!, $r: String!) { detachIdentifier(persona: $p, identifier: $i, reason: $r) { id } }',
    { p: persona, i: { type: anchor.type, value: anchor.value }, r: reason },
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

// The review queue is a second view: the graph's place shows the pair, the aside lists the queue.
const review = createReview(api, status);
function view(name: 'explore' | 'review'): void {
  const reviewing = name === 'review';
  $('graph').hidden = reviewing;
  $('explore-side').hidden = reviewing;
  $('legend-side').hidden = reviewing;
  $('review-side').hidden = !reviewing;
  $('review-view').hidden = !reviewing;
  $('view-explore').setAttribute('aria-pressed', String(!reviewing));
  $('view-review').setAttribute('aria-pressed', String(reviewing));
  // Cytoscape measured a hidden container as empty: it measures again once shown.
  if (!reviewing) cy.resize();
}
$('view-explore').addEventListener('click', () => view('explore'));
$('view-review').addEventListener(
  'click',
  guarded(async () => {
    view('review');
    await review.load();
  }),
);
$('same').addEventListener(
  'click',
  guarded(() => review.review('SAME')),
);
$('different').addEventListener(
  'click',
  guarded(() => review.review('DIFFERENT')),
);

// Live: a change to any persona on screen redraws the graph, so a detachment recomputes before your eyes.
const feed = $('feed');
const onChange = (personaIds: string[]) => {
  if (current && personaIds.some((id) => current!.personas.has(id))) {
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
