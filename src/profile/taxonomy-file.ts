// `idgraph taxonomy load <file>`: a marketing team's spreadsheet of codes (CSV) or a whole taxonomy
// (JSON) through the same rules as the define mutations. Idempotent: a definition already in place is
// skipped, so loading a file twice records no second change. A bad row is reported with its place;
// the others land.
import type {
  AssetInput,
  CampaignInput,
  Channel,
  FactKeyInput,
  QuestionInput,
  TermDefinitionInput,
} from '../generated/graphql.js';
import type { ProfileService } from './profile.service.js';

export interface TaxonomyFile {
  terms: TermDefinitionInput[];
  factKeys: FactKeyInput[];
  campaigns: CampaignInput[];
  assets: AssetInput[];
  questions: QuestionInput[];
}

export interface TaxonomyLoadSummary {
  defined: number;
  unchanged: number;
  errors: { item: string; message: string }[];
}

const sections = ['terms', 'factKeys', 'campaigns', 'assets', 'questions'] as const;

/** Parses JSON ({terms, factKeys, campaigns, assets, questions}) or CSV (see csvColumns). */
export function parseTaxonomyFile(text: string, fileName: string): TaxonomyFile {
  const file: TaxonomyFile = { terms: [], factKeys: [], campaigns: [], assets: [], questions: [] };
  if (fileName.toLowerCase().endsWith('.json') || text.trimStart().startsWith('{')) {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const unknown = Object.keys(parsed).filter((k) => !(sections as readonly string[]).includes(k));
    if (unknown.length)
      throw new Error(`unknown section(s) ${unknown.join(', ')}; expected ${sections.join(', ')}`);
    for (const section of sections) {
      const list = parsed[section] ?? [];
      if (!Array.isArray(list)) throw new Error(`${section} must be a list`);
      (file[section] as unknown[]) = list;
    }
    return file;
  }
  const [header, ...rows] = parseCsv(text);
  if (!header) return file;
  const columns = header.map((h) => h.trim().toLowerCase());
  const missing = ['kind', 'code', 'name'].filter((c) => !columns.includes(c));
  if (missing.length) throw new Error(`the CSV header lacks ${missing.join(', ')}; columns: ${csvColumns}`);
  for (const [i, row] of rows.entries()) {
    const cell = (name: string) => {
      const value = row[columns.indexOf(name)]?.trim();
      return value ? value : null;
    };
    const list = (name: string) =>
      cell(name)
        ?.split(/[;|]/)
        .map((v) => v.trim())
        .filter(Boolean) ?? [];
    const kind = cell('kind')?.toLowerCase();
    const code = cell('code') ?? '';
    const name = cell('name') ?? '';
    if (kind === 'campaign')
      file.campaigns.push({
        code,
        name,
        channel: (cell('channel')?.toUpperCase() ?? null) as Channel | null,
        topics: list('topics'),
      });
    else if (kind === 'asset')
      file.assets.push({ code, name, campaign: cell('campaign'), topics: list('topics') });
    else if (kind === 'term')
      file.terms.push({
        vocabulary: cell('vocabulary') ?? 'topic',
        key: code,
        label: name,
        broader: cell('broader'),
      });
    else throw new Error(`line ${i + 2}: kind must be campaign, asset or term, not "${cell('kind') ?? ''}"`);
  }
  return file;
}

export const csvColumns =
  'kind (campaign|asset|term), code, name, channel, campaign, topics (a;b), vocabulary, broader';

/** RFC 4180 CSV: quoted fields may hold commas, line breaks and doubled quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endRow = () => {
    row.push(field);
    if (row.some((f) => f.trim() !== '')) rows.push(row);
    row = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else field += c;
  }
  endRow();
  return rows;
}

/** Parents before children, so a file may list a narrower term or a follow-up before its parent. */
function parentsFirst<T>(
  items: T[],
  key: (t: T) => string,
  parent: (t: T) => string | null | undefined,
): T[] {
  const byKey = new Map(items.map((t) => [key(t), t]));
  const placed = new Set<string>();
  const out: T[] = [];
  const place = (t: T, depth: number) => {
    if (placed.has(key(t))) return;
    const p = parent(t);
    if (p && byKey.has(p) && depth < items.length) place(byKey.get(p)!, depth + 1);
    if (placed.has(key(t))) return;
    placed.add(key(t));
    out.push(t);
  };
  for (const t of items) place(t, 0);
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const sorted = (list: string[] | null | undefined) => [...(list ?? [])].sort();

export async function loadTaxonomy(
  profile: ProfileService,
  file: TaxonomyFile,
): Promise<TaxonomyLoadSummary> {
  const summary: TaxonomyLoadSummary = { defined: 0, unchanged: 0, errors: [] };
  const attempt = attemptInto(summary);
  await loadTerms(profile, file.terms, attempt);
  await loadFactKeys(profile, file.factKeys, attempt);
  await loadCampaigns(profile, file.campaigns, attempt);
  await loadAssets(profile, file.assets, attempt);
  await loadQuestions(profile, file.questions, attempt);
  return summary;
}

/** Defines one item unless it is in place already, counting either way; a failure is reported, not thrown. */
type Attempt = (
  item: string,
  isUnchanged: () => Promise<boolean>,
  define: () => Promise<unknown>,
) => Promise<void>;

const attemptInto =
  (summary: TaxonomyLoadSummary): Attempt =>
  async (item, isUnchanged, define) => {
    try {
      if (await isUnchanged()) summary.unchanged++;
      else await define().then(() => summary.defined++);
    } catch (error) {
      summary.errors.push({ item, message: error instanceof Error ? error.message : String(error) });
    }
  };

async function loadTerms(profile: ProfileService, terms: TermDefinitionInput[], attempt: Attempt) {
  for (const t of parentsFirst(
    terms,
    (t) => `${t.vocabulary}/${t.key}`,
    (t) => (t.broader ? `${t.vocabulary}/${t.broader}` : null),
  )) {
    await attempt(
      `term ${t.vocabulary}/${t.key}`,
      async () => {
        const [found] = await profile.termsByKeys([{ vocabulary: t.vocabulary.trim(), key: t.key.trim() }]);
        return Boolean(
          found && found.label === t.label.trim() && (found.broader ?? null) === (t.broader?.trim() || null),
        );
      },
      () => profile.defineTerm(t),
    );
  }
}

async function loadFactKeys(profile: ProfileService, keys: FactKeyInput[], attempt: Attempt) {
  const factKeys = new Map((await profile.factKeys()).map((k) => [k.key, k]));
  for (const k of keys) {
    await attempt(
      `fact key ${k.key}`,
      async () => {
        const found = factKeys.get(k.key.trim());
        return Boolean(
          found &&
          found.type === k.type &&
          (found.label ?? null) === (k.label ?? null) &&
          same(found.allowedValues ?? null, k.allowedValues ?? null) &&
          (k.sensitive === null || k.sensitive === undefined || found.sensitive === k.sensitive),
        );
      },
      () => profile.defineFactKey(k),
    );
  }
}

async function loadCampaigns(profile: ProfileService, campaigns: CampaignInput[], attempt: Attempt) {
  for (const c of campaigns) {
    await attempt(
      `campaign ${c.code}`,
      async () => {
        const [found] = await profile.campaignsByCodes([c.code.trim()]);
        return Boolean(
          found &&
          found.name === c.name.trim() &&
          (found.channel ?? null) === (c.channel ?? null) &&
          same(sorted(found.topics), sorted(c.topics)),
        );
      },
      () => profile.defineCampaign(c),
    );
  }
}

async function loadAssets(profile: ProfileService, assets: AssetInput[], attempt: Attempt) {
  for (const a of assets) {
    await attempt(
      `asset ${a.code}`,
      async () => {
        const [found] = await profile.assetsByCodes([a.code.trim()]);
        return Boolean(
          found &&
          found.name === a.name.trim() &&
          (found.campaign ?? null) === (a.campaign ?? null) &&
          same(sorted(found.topics), sorted(a.topics)),
        );
      },
      () => profile.defineAsset(a),
    );
  }
}

async function loadQuestions(profile: ProfileService, list: QuestionInput[], attempt: Attempt) {
  const questions = new Map((await profile.questions()).map((q) => [q.key, q]));
  for (const q of parentsFirst(
    list,
    (q) => q.key,
    (q) => q.after?.question,
  )) {
    await attempt(
      `question ${q.key}`,
      async () => {
        const found = questions.get(q.key.trim());
        return Boolean(
          found &&
          found.factKey === q.factKey &&
          found.text === q.text &&
          same(found.options ?? null, q.options ?? null) &&
          (found.valueExchange ?? null) === (q.valueExchange ?? null) &&
          same(
            found.after,
            q.after ? { question: q.after.question, answers: q.after.answers ?? null } : null,
          ) &&
          found.cooldownDays === (q.cooldownDays ?? 30),
        );
      },
      () => profile.defineQuestion(q),
    );
  }
}
