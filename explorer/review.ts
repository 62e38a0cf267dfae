// The review queue: the open link suggestions highest probability first, a pair side by side with
// what each field compared, a waterfall of the weights that make its score, and a verdict with a reason.
import type { Api } from './api.js';

interface FieldComparison {
  field: string;
  left: string | null;
  right: string | null;
  level: string;
  weight: number;
}
interface PairPersona {
  id: string;
  key: string;
  label: string | null;
  context: string;
  person: { id: string } | null;
  facts: { key: string; value: unknown }[];
  identifiers: { type: string; value: string }[];
}
export interface Suggestion {
  id: string;
  probability: number;
  matchWeight: number;
  personas: PairPersona[];
  comparisons: FieldComparison[];
}

const QUEUE = /* GraphQL */ `
  query ($first: Int!) {
    suggestions(first: $first) {
      edges {
        node {
          id
          probability
          matchWeight
          personas {
            id
            key
            label
            context
            person {
              id
            }
            facts {
              key
              value
            }
            identifiers {
              type
              value
            }
          }
          comparisons {
            field
            left
            right
            level
            weight
          }
        }
      }
    }
  }
`;
const REVIEW = /* GraphQL */ `
  mutation ($id: ID!, $verdict: Verdict!, $reason: String!) {
    reviewSuggestion(id: $id, verdict: $verdict, reason: $reason) {
      id
      status
    }
  }
`;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const element = <K extends keyof HTMLElementTagNameMap>(tag: K, text = '', className = '') =>
  Object.assign(document.createElement(tag), { textContent: text, className });
const svg = (tag: string, attributes: Record<string, string | number>) => {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
};
const signed = (n: number) => `${n >= 0 ? '+' : '−'}${Math.abs(n).toFixed(2)}`;

/** A bar of the waterfall: where the running total stood before it and after it. */
export interface Bar {
  label: string;
  from: number;
  to: number;
  kind: 'prior' | 'comparison' | 'total';
}

/**
 * The waterfall's bars: the prior (log2 of the prior odds: what the total is before any field), one
 * per comparison, each starting where the one before ended, and the total matchWeight from zero. The
 * prior is what the total and the comparisons leave, so the bars add up as the server's score does.
 */
export function waterfall(s: Pick<Suggestion, 'matchWeight' | 'comparisons'>): Bar[] {
  const prior = s.matchWeight - s.comparisons.reduce((sum, c) => sum + c.weight, 0);
  const bars: Bar[] = [{ label: 'prior', from: 0, to: prior, kind: 'prior' }];
  let at = prior;
  for (const c of s.comparisons) {
    bars.push({ label: `${c.field} (${c.level})`, from: at, to: at + c.weight, kind: 'comparison' });
    at += c.weight;
  }
  bars.push({ label: 'match weight', from: 0, to: s.matchWeight, kind: 'total' });
  return bars;
}

const barColours = { prior: '#616161', up: '#2e7d32', down: '#c62828', total: '#1565c0' };

/** Draws the waterfall as SVG: a row per bar, a line at zero, each bar's weight beside it. */
function drawWaterfall(s: Suggestion): SVGSVGElement {
  const bars = waterfall(s);
  const [labelWidth, plotWidth, rowHeight] = [190, 360, 24];
  const ends = bars.flatMap((b) => [b.from, b.to]);
  const [low, high] = [Math.min(0, ...ends), Math.max(0, ...ends)];
  const x = (v: number) => labelWidth + ((v - low) / (high - low || 1)) * plotWidth;
  const chart = svg('svg', {
    width: labelWidth + plotWidth + 70,
    height: rowHeight * bars.length + 8,
    role: 'img',
    'aria-label': `waterfall of the weights, total ${s.matchWeight.toFixed(2)}`,
  }) as SVGSVGElement;
  chart.append(svg('line', { x1: x(0), x2: x(0), y1: 0, y2: rowHeight * bars.length + 8, stroke: '#999' }));
  bars.forEach((bar, n) => {
    const weight = bar.to - bar.from;
    const colour =
      bar.kind === 'comparison' ? (weight >= 0 ? barColours.up : barColours.down) : barColours[bar.kind];
    const row = svg('g', {
      class: `bar ${bar.kind}`,
      'data-label': bar.label,
      'data-weight': weight.toFixed(3),
    });
    const y = 4 + n * rowHeight;
    const label = svg('text', { x: 0, y: y + 15, 'font-size': 12 });
    label.textContent = bar.label;
    const left = Math.min(x(bar.from), x(bar.to));
    const rect = svg('rect', {
      x: left,
      y: y + 3,
      width: Math.max(1, Math.abs(x(bar.to) - x(bar.from))),
      height: rowHeight - 6,
      fill: colour,
    });
    const value = svg('text', { x: Math.max(x(bar.from), x(bar.to)) + 4, y: y + 15, 'font-size': 11 });
    value.textContent = signed(weight);
    row.append(label, rect, value);
    chart.append(row);
  });
  return chart;
}

/** A persona of the pair: its key, label, facts and identifiers. */
function personaCard(p: PairPersona): HTMLElement {
  const card = element('div', '', 'persona-card');
  card.dataset.persona = p.id;
  card.append(element('h3', p.key), element('div', `${p.label ?? ''} ${p.context.toLowerCase()}`.trim()));
  const list = element('ul');
  for (const f of p.facts)
    list.append(
      element('li', `${f.key}: ${typeof f.value === 'string' ? f.value : JSON.stringify(f.value)}`),
    );
  for (const i of p.identifiers) list.append(element('li', `${i.type} ${i.value}`));
  card.append(list);
  return card;
}

/** The comparisons as a table: each field's two values, the level reached and its weight. */
function comparisonTable(s: Suggestion): HTMLTableElement {
  const table = element('table', '', 'comparisons');
  const head = element('tr');
  for (const h of ['field', 'left', 'right', 'level', 'weight']) head.append(element('th', h));
  table.append(head);
  for (const c of s.comparisons) {
    const row = element('tr');
    row.dataset.field = c.field;
    for (const cell of [c.field, c.left ?? '—', c.right ?? '—', c.level, signed(c.weight)]) {
      row.append(element('td', cell));
    }
    table.append(row);
  }
  return table;
}

/** The queue and the pair on screen; `status` reports on the page's status line. */
export function createReview(api: Api, status: (text: string) => void) {
  let queue: Suggestion[] = [];
  let selected: Suggestion | null = null;

  function show(s: Suggestion | null): void {
    selected = s;
    for (const item of $('suggestions').children) {
      item.classList.toggle('chosen', (item as HTMLElement).dataset.suggestion === s?.id);
    }
    $('review-panel').hidden = s === null;
    if (!s) return;
    $('pair').replaceChildren(...s.personas.map(personaCard));
    $('pair-score').textContent =
      `probability ${s.probability.toFixed(4)}, match weight ${s.matchWeight.toFixed(2)}`;
    $('pair-comparisons').replaceChildren(comparisonTable(s));
    $('waterfall').replaceChildren(drawWaterfall(s));
  }

  async function load(): Promise<void> {
    const { suggestions } = await api.query<{ suggestions: { edges: { node: Suggestion }[] } }>(QUEUE, {
      first: 100,
    });
    queue = suggestions.edges.map((e) => e.node);
    $('suggestions').replaceChildren(
      ...queue.map((s) => {
        const item = element(
          'li',
          `${s.probability.toFixed(3)} ${s.personas.map((p) => p.key).join(' ↔ ')}`,
          'hit',
        );
        item.dataset.suggestion = s.id;
        item.addEventListener('click', () => show(s));
        return item;
      }),
    );
    document.body.dataset.suggestions = String(queue.length);
    show(queue.find((s) => s.id === selected?.id) ?? queue[0] ?? null);
    status(`${queue.length} open suggestion(s)`);
  }

  async function review(verdict: 'SAME' | 'DIFFERENT'): Promise<void> {
    const reason = $<HTMLInputElement>('review-reason').value.trim();
    if (!selected) return status('Choose a suggestion first');
    if (!reason) return status('Give a reason for the verdict');
    await api.query(REVIEW, { id: selected.id, verdict, reason });
    $<HTMLInputElement>('review-reason').value = '';
    const reviewed = selected.personas.map((p) => p.key).join(' and ');
    selected = null;
    await load();
    status(`${verdict}: ${reviewed}`);
  }

  return { load, review };
}
