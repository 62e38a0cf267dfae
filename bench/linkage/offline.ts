// `npm run bench:linkage:offline [-- --records 100000 --seed 1 | --csv febrl3.csv] [--extra '[["a","b"]]']
// [--wrong 5] [--show 5]`: the linkage bench's model without a database, in seconds rather than the
// bench's minutes, to develop comparators, blocking and weights. The same records, blocking keys,
// training and scoring as the server (the pure functions of src/matching/), and the same metrics;
// the exact grouping is approximated by equal ids (the graph groups personas by their ssid), and u
// is sampled from personas in another order. Its F1 was within 0.0002 of the bench's at 10k and
// 100k and equal on FEBRL1-3 (2026-12-06). Not a replacement for the bench: it
// leaves out Neo4j, ingest and the time of a pass. Prints what training learned (each level's
// weight, term frequencies kept), the scores, the true pairs left apart after accepting >= 0.99 by
// cause (never a candidate, or scored low; id and birth date missing or differing; names swapped),
// and with --wrong / --show examples of wrong suggestions and of missed pairs. --extra adds rules.
import { blockingKeys, pairsOfBlock, pairsOfBlocks } from '../../src/matching/matching.blocking.js';
import { scorePair, train } from '../../src/matching/matching.fellegi-sunter.js';
import type { MatchingDefinition, PersonaValues, ScoredPair } from '../../src/matching/matching.model.js';
import { argument } from '../harness.js';
import { entityOf, generateRecords, type LinkageRecord } from './generate.js';
import { closeOver, pairwiseScore, type PairwiseScore } from './metrics.js';
import { factsOf, matchingModel, readRecords } from './records.js';

/** As the server's defaults (MATCHING_MAX_BLOCK_PAIRS, MATCHING_U_SAMPLE_PAIRS). */
const maxBlockPairs = 10_000;
const samplePairs = 100_000;

const csv = argument('csv', '');
const records = csv
  ? await readRecords(csv)
  : generateRecords({ records: Number(argument('records', '10000')), seed: Number(argument('seed', '1')) });
const model: MatchingDefinition = {
  threshold: matchingModel.threshold,
  blocking: [...matchingModel.blocking, ...(JSON.parse(argument('extra', '[]')) as string[][])],
  fields: matchingModel.fields.map((field) => {
    const f = field as { name: string; fact?: string; identifierType?: string; crossWith?: string };
    return {
      name: f.name,
      fact: f.fact ?? null,
      identifierType: f.identifierType ?? null,
      comparator: field.comparator as MatchingDefinition['fields'][number]['comparator'],
      crossWith: f.crossWith ?? null,
    };
  }),
};

const started = performance.now();
const personas: PersonaValues[] = records.map((x) => {
  const facts = new Map(factsOf(x).map((f) => [f.key, f.value]));
  return {
    id: x.rec_id,
    personId: x.soc_sec_id ? `ssid:${x.soc_sec_id}` : null,
    values: model.fields.map((f) =>
      f.fact !== null ? (facts.has(f.fact) ? [facts.get(f.fact)!] : []) : x.soc_sec_id ? [x.soc_sec_id] : [],
    ),
  };
});
const index = new Map(personas.map((p, n) => [p.id, n]));
const recordOf = (id: string) => records[index.get(id)!]!;
const truth = new Map(records.map((x) => [x.rec_id, entityOf(x.rec_id)]));
const groups = new Map(personas.map((p) => [p.id, p.personId ?? `alone:${p.id}`]));

const byKey = new Map<string, { rule: number; members: string[] }>();
for (const persona of personas) {
  for (const { key, rule } of blockingKeys(model, persona)) {
    const block = byKey.get(key) ?? { rule, members: [] };
    block.members.push(persona.id);
    byKey.set(key, block);
  }
}
const blocks = [...byKey.values()].filter((b) => b.members.length > 1);
for (const b of blocks.filter((b) => pairsOfBlock(b.members.length) > maxBlockPairs))
  console.log(`cut: a key of [${model.blocking[b.rule]!.join(', ')}] holds ${b.members.length}`);
const candidates = pairsOfBlocks(
  model.blocking.length,
  blocks.filter((b) => pairsOfBlock(b.members.length) <= maxBlockPairs),
);
const trained = train(
  model,
  personas,
  candidates.map((pairs) => pairs.map(([a, b]) => [index.get(a)!, index.get(b)!] as [number, number])),
  { samplePairs, seed: 1, now: new Date().toISOString() },
);
const unique = new Map<string, [string, string]>();
for (const [a, b] of candidates.flat()) unique.set(`${a}|${b}`, [a, b]);
const scored = [...unique.values()].flatMap(([a, b]) => {
  const [x, y] = [personas[index.get(a)!]!, personas[index.get(b)!]!];
  return x.personId !== null && x.personId === y.personId ? [] : [scorePair(model, trained, x, y)];
});
console.log(
  `${records.length} records, ${unique.size} candidate pairs, prior ${trained.prior.toPrecision(3)}, ` +
    `${((performance.now() - started) / 1000).toFixed(1)} s`,
);
trained.fields.forEach((f, n) => {
  const weights = f.m.map((m, l) => Math.log2(m / f.u[l]!).toFixed(2)).join(' ');
  console.log(`  ${model.fields[n]!.name.padEnd(14)} ${weights}  (${Object.keys(f.frequencies).length} tf)`);
});

const fmt = (s: PairwiseScore) =>
  `P ${s.precision.toFixed(4)} R ${s.recall.toFixed(4)} F1 ${s.f1.toFixed(4)}`;
const accepted = (cutoff: number) =>
  scored.filter((s) => s.probability >= cutoff).map((s) => [s.a, s.b] as [string, string]);
console.log(`exact         ${fmt(pairwiseScore(truth, groups))}`);
for (const cutoff of [0.99, 0.5])
  console.log(`>= ${cutoff} accepted ${fmt(pairwiseScore(truth, closeOver(groups, accepted(cutoff))))}`);

const explain = (s: ScoredPair) => s.comparisons.map((c) => `${c.level}:${c.weight.toFixed(1)}`).join(' ');
const show = (x: LinkageRecord) => `  ${Object.values(x).join(',')}`;

// True pairs still apart after accepting >= 0.99, by cause.
const closed = closeOver(groups, accepted(0.99));
const scoredBy = new Map(scored.map((s) => [`${s.a}|${s.b}`, s]));
const byEntity = new Map<string, string[]>();
for (const [record, entity] of truth) byEntity.set(entity, [...(byEntity.get(entity) ?? []), record]);
const causes = new Map<string, number>();
const missed: string[] = [];
for (const members of byEntity.values()) {
  for (let i = 0; i < members.length; i++) {
    for (let j = i + 1; j < members.length; j++) {
      const [a, b] = [members[i]!, members[j]!].sort() as [string, string];
      if (closed.get(a) === closed.get(b)) continue;
      const s = scoredBy.get(`${a}|${b}`);
      const [x, y] = [recordOf(a), recordOf(b)];
      const cause = [
        s ? 'scored low' : 'no block',
        x.given_name !== '' && (x.given_name === y.surname || x.surname === y.given_name)
          ? 'names swapped'
          : '',
        !x.soc_sec_id || !y.soc_sec_id ? 'id missing' : x.soc_sec_id !== y.soc_sec_id ? 'id differs' : '',
        !x.date_of_birth || !y.date_of_birth
          ? 'dob missing'
          : x.date_of_birth !== y.date_of_birth
            ? 'dob differs'
            : '',
      ]
        .filter(Boolean)
        .join(', ');
      causes.set(cause, (causes.get(cause) ?? 0) + 1);
      if (missed.length < Number(argument('show', '0')))
        missed.push(
          `${s ? `p=${s.probability.toPrecision(3)} ${explain(s)}` : 'no block'}\n${show(x)}\n${show(y)}`,
        );
    }
  }
}
console.log('true pairs apart after >= 0.99 accepted:');
for (const [cause, n] of [...causes].sort((p, q) => q[1] - p[1]))
  console.log(`  ${String(n).padStart(5)} ${cause}`);
const wrong = scored.filter((s) => s.probability >= 0.99 && truth.get(s.a) !== truth.get(s.b));
console.log(`wrong suggestions >= 0.99: ${wrong.length}`);
for (const w of wrong.slice(0, Number(argument('wrong', '0'))))
  console.log(
    `p=${w.probability.toPrecision(4)} ${explain(w)}\n${show(recordOf(w.a))}\n${show(recordOf(w.b))}`,
  );
for (const m of missed) console.log(m);
