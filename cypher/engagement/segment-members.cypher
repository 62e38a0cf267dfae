// The personas meeting every condition of a segment, counted, and one page of them by key.
// $contexts: [String] | null; $facts: [{key, equals: String | null (JSON text), exists: Boolean | null}];
// $consents: [{purpose, channel: String | null}] (the latest consent for the purpose, on the channel
// if given, is a grant); $interests: [{topic, minScore}]; $ranks: {rfoRecency, rfoFrequency,
// rfcRecency, rfcFrequency, rfmRecency, rfmFrequency, rfmMonetary: Int (0: any)}, $needsEngagement:
// Boolean; $afterKey: String ('' for the first page); $limit: Int
// → count, page: [persona] (at most $limit + 1: one more says there is a next page)
MATCH (p:Persona)
WHERE ($contexts IS NULL OR p.context IN $contexts)
  AND all(f IN $facts WHERE
        CASE
          WHEN f.exists = false THEN NOT EXISTS { (p)-[:HAS_FACT]->(:Fact {key: f.key}) }
          WHEN f.equals IS NOT NULL THEN EXISTS { MATCH (p)-[:HAS_FACT]->(x:Fact {key: f.key}) WHERE x.value = f.equals }
          ELSE EXISTS { (p)-[:HAS_FACT]->(:Fact {key: f.key}) }
        END)
  AND all(c IN $consents WHERE
        COLLECT {
          MATCH (p)-[:GAVE]->(x:Consent {purpose: c.purpose})
          WHERE c.channel IS NULL OR x.channel = c.channel
          RETURN x.granted ORDER BY x.at DESC LIMIT 1
        } = [true])
  AND (NOT $needsEngagement OR EXISTS {
        MATCH (g:Engagement {personaId: p.id})
        WHERE all(i IN $interests WHERE
                any(n IN range(0, size(coalesce(g.interestTopics, [])) - 1)
                    WHERE g.interestTopics[n] = i.topic AND g.interestScores[n] >= i.minScore))
          AND coalesce(g.rfoRecencyRank, 0) >= $ranks.rfoRecency
          AND coalesce(g.rfoFrequencyRank, 0) >= $ranks.rfoFrequency
          AND coalesce(g.rfcRecencyRank, 0) >= $ranks.rfcRecency
          AND coalesce(g.rfcFrequencyRank, 0) >= $ranks.rfcFrequency
          AND coalesce(g.rfmRecencyRank, 0) >= $ranks.rfmRecency
          AND coalesce(g.rfmFrequencyRank, 0) >= $ranks.rfmFrequency
          AND coalesce(g.rfmMonetaryRank, 0) >= $ranks.rfmMonetary
      })
WITH p ORDER BY p.key
WITH count(p) AS count, collect(CASE WHEN p.key > $afterKey THEN p {.id, .key, .context, .label} END) AS after
RETURN count, after[..$limit + 1] AS page
