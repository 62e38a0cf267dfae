// Score distributions: how many scored personas hold each 1–5 rank of RFO, RFC and RFM (after a
// scoring run: computeScores or `idgraph score`), and the range of the raw figures behind each rank.
// (no parameters) → score, rank, personas, minCount, maxCount, minMonetary, maxMonetary
MATCH (g:Engagement)
UNWIND [
  {score: 'rfo recency', rank: g.rfoRecencyRank, count: g.rfoCount},
  {score: 'rfo frequency', rank: g.rfoFrequencyRank, count: g.rfoCount},
  {score: 'rfc recency', rank: g.rfcRecencyRank, count: g.rfcCount},
  {score: 'rfc frequency', rank: g.rfcFrequencyRank, count: g.rfcCount},
  {score: 'rfm recency', rank: g.rfmRecencyRank, count: g.rfmCount},
  {score: 'rfm frequency', rank: g.rfmFrequencyRank, count: g.rfmCount},
  {score: 'rfm monetary', rank: g.rfmMonetaryRank, count: g.rfmCount, monetary: g.rfmMonetary}
] AS s
WITH s WHERE s.rank IS NOT NULL
RETURN s.score AS score, s.rank AS rank, count(*) AS personas,
       min(s.count) AS minCount, max(s.count) AS maxCount,
       min(s.monetary) AS minMonetary, max(s.monetary) AS maxMonetary
ORDER BY score, rank
