// Scoring, step 1 (auto-commit: Graph.batched, for CALL IN TRANSACTIONS): for every persona with
// events ingested since the last run (every persona on the first run), its RFO (email_open), RFC
// (email_click) and RFM (purchase, with amount) figures and its interests, as of $now. Events by the
// persona or by an identifier it holds count once each. Interests: the topics of the campaigns and
// assets of its opens (0.5) and clicks (1) and of its DIRECT answers to $interestFactKeys (1), each
// halved every $halfLifeDays of age, summed into every broader topic too. A persona whose figures or
// interests differ from its last run gets changedAt = $now.
// $since: String | null (the last run); $now: String; $halfLifeDays: Float; $interestFactKeys: [String];
// $batch: Int → personas (how many were scored)
CALL {
  MATCH (e:Event) WHERE $since IS NOT NULL AND e.ingestedAt > datetime($since)
  CALL (e) {
    MATCH (e)-[:BY]->(p:Persona) RETURN p
    UNION
    MATCH (e)-[:BY]->(:Identifier)<-[:HAS_IDENTIFIER]-(p:Persona) RETURN p
  }
  RETURN DISTINCT p
  UNION
  MATCH (p:Persona) WHERE $since IS NULL
  RETURN p
}
CALL (p) {
  WITH p, datetime($now) AS now
  CALL (p) {
    MATCH (p)<-[:BY]-(e:Event) RETURN e
    UNION
    MATCH (p)-[:HAS_IDENTIFIER]->(:Identifier)<-[:BY]-(e:Event) RETURN e
  }
  WITH p, now, collect(CASE WHEN e.type IN ['email_open', 'email_click', 'purchase'] AND e.occurredAt <= now THEN e END) AS scored
  WITH p, now,
       [e IN scored WHERE e.type = 'email_open'] AS opens,
       [e IN scored WHERE e.type = 'email_click'] AS clicks,
       [e IN scored WHERE e.type = 'purchase'] AS purchases
  CALL (p, now, opens, clicks) {
    CALL (p, now, opens, clicks) {
      UNWIND [x IN opens | {e: x, w: 0.5}] + [x IN clicks | {e: x, w: 1.0}] AS seen
      WITH seen.e AS e, seen.w AS w, now
      CALL (e) {
        MATCH (e)-[:IN_CAMPAIGN]->(:Campaign)-[:HAS_TOPIC]->(t:Term) RETURN t
        UNION
        MATCH (e)-[:SHOWED]->(:Asset)-[:HAS_TOPIC]->(t:Term) RETURN t
      }
      RETURN elementId(e) AS evidence, t, w * 0.5 ^ (duration.inDays(e.occurredAt, now).days / $halfLifeDays) AS weight
      UNION
      MATCH (p)-[:HAS_FACT]->(f:Fact {method: 'DIRECT'})
      WHERE f.key IN $interestFactKeys AND f.at <= now
      MATCH (t:Term {vocabulary: 'topic'})
      WHERE f.value = '"' + t.key + '"' OR f.value CONTAINS '"' + t.key + '"'
      RETURN elementId(f) AS evidence, t, 0.5 ^ (duration.inDays(f.at, now).days / $halfLifeDays) AS weight
    }
    MATCH (t)-[:BROADER*0..]->(b:Term)
    WITH DISTINCT evidence, b, weight
    WITH b.key AS topic, round(sum(weight), 4) AS score
    ORDER BY score DESC, topic
    RETURN collect(topic) AS topics, collect(score) AS scores
  }
  WITH p, now, opens, clicks, purchases, topics, scores,
       reduce(m = null, e IN opens | CASE WHEN m IS NULL OR e.occurredAt > m THEN e.occurredAt ELSE m END) AS rfoLastAt,
       reduce(m = null, e IN clicks | CASE WHEN m IS NULL OR e.occurredAt > m THEN e.occurredAt ELSE m END) AS rfcLastAt,
       reduce(m = null, e IN purchases | CASE WHEN m IS NULL OR e.occurredAt > m THEN e.occurredAt ELSE m END) AS rfmLastAt
  WITH p, now, topics, scores, rfoLastAt, rfcLastAt, rfmLastAt,
       {rfoCount: size(opens), rfoLastAt: rfoLastAt, rfoLastMs: rfoLastAt.epochMillis,
        rfcCount: size(clicks), rfcLastAt: rfcLastAt, rfcLastMs: rfcLastAt.epochMillis,
        rfmCount: size(purchases), rfmLastAt: rfmLastAt, rfmLastMs: rfmLastAt.epochMillis,
        rfmMonetary: reduce(s = 0.0, e IN purchases | s + coalesce(e.amount, 0.0)),
        interestTopics: topics, interestScores: scores} AS next
  MERGE (g:Engagement {personaId: p.id})
  WITH g, now, next,
       [g.rfoCount, g.rfoLastAt, g.rfcCount, g.rfcLastAt, g.rfmCount, g.rfmLastAt, g.rfmMonetary,
        g.interestTopics, g.interestScores] AS before
  WITH g, now, next, before,
       [next.rfoCount, next.rfoLastAt, next.rfcCount, next.rfcLastAt, next.rfmCount, next.rfmLastAt,
        next.rfmMonetary, next.interestTopics, next.interestScores] AS after
  // Null-safe: a figure absent before and after is unchanged.
  SET g += next, g.at = now,
      g.changedAt = CASE WHEN all(i IN range(0, 8) WHERE coalesce(before[i] = after[i], before[i] IS NULL AND after[i] IS NULL))
                         THEN g.changedAt ELSE now END
} IN TRANSACTIONS OF 500 ROWS
RETURN count(*) AS personas
