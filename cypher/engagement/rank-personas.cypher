// Scoring, step 2 (auto-commit: Graph.batched): the 1–5 ranks of every scored persona, by quintile
// over all scored personas with such events: the quintile thresholds are the 20th, 40th, 60th and
// 80th percentiles (percentileDisc), and a rank is 1 + how many thresholds the value is above, so equal
// values share a rank and 5 is the most recent, frequent or spent. A persona whose ranks moved gets
// changedAt = $now.
// $now: String → personas (how many were ranked)
MATCH (g:Engagement)
WITH percentileDisc(g.rfoLastMs, 0.2) AS ro1, percentileDisc(g.rfoLastMs, 0.4) AS ro2,
     percentileDisc(g.rfoLastMs, 0.6) AS ro3, percentileDisc(g.rfoLastMs, 0.8) AS ro4,
     percentileDisc(CASE WHEN g.rfoCount > 0 THEN g.rfoCount END, 0.2) AS fo1,
     percentileDisc(CASE WHEN g.rfoCount > 0 THEN g.rfoCount END, 0.4) AS fo2,
     percentileDisc(CASE WHEN g.rfoCount > 0 THEN g.rfoCount END, 0.6) AS fo3,
     percentileDisc(CASE WHEN g.rfoCount > 0 THEN g.rfoCount END, 0.8) AS fo4,
     percentileDisc(g.rfcLastMs, 0.2) AS rc1, percentileDisc(g.rfcLastMs, 0.4) AS rc2,
     percentileDisc(g.rfcLastMs, 0.6) AS rc3, percentileDisc(g.rfcLastMs, 0.8) AS rc4,
     percentileDisc(CASE WHEN g.rfcCount > 0 THEN g.rfcCount END, 0.2) AS fc1,
     percentileDisc(CASE WHEN g.rfcCount > 0 THEN g.rfcCount END, 0.4) AS fc2,
     percentileDisc(CASE WHEN g.rfcCount > 0 THEN g.rfcCount END, 0.6) AS fc3,
     percentileDisc(CASE WHEN g.rfcCount > 0 THEN g.rfcCount END, 0.8) AS fc4,
     percentileDisc(g.rfmLastMs, 0.2) AS rm1, percentileDisc(g.rfmLastMs, 0.4) AS rm2,
     percentileDisc(g.rfmLastMs, 0.6) AS rm3, percentileDisc(g.rfmLastMs, 0.8) AS rm4,
     percentileDisc(CASE WHEN g.rfmCount > 0 THEN g.rfmCount END, 0.2) AS fm1,
     percentileDisc(CASE WHEN g.rfmCount > 0 THEN g.rfmCount END, 0.4) AS fm2,
     percentileDisc(CASE WHEN g.rfmCount > 0 THEN g.rfmCount END, 0.6) AS fm3,
     percentileDisc(CASE WHEN g.rfmCount > 0 THEN g.rfmCount END, 0.8) AS fm4,
     percentileDisc(CASE WHEN g.rfmCount > 0 THEN g.rfmMonetary END, 0.2) AS mm1,
     percentileDisc(CASE WHEN g.rfmCount > 0 THEN g.rfmMonetary END, 0.4) AS mm2,
     percentileDisc(CASE WHEN g.rfmCount > 0 THEN g.rfmMonetary END, 0.6) AS mm3,
     percentileDisc(CASE WHEN g.rfmCount > 0 THEN g.rfmMonetary END, 0.8) AS mm4
WITH {ro: [ro1, ro2, ro3, ro4], fo: [fo1, fo2, fo3, fo4], rc: [rc1, rc2, rc3, rc4], fc: [fc1, fc2, fc3, fc4],
      rm: [rm1, rm2, rm3, rm4], fm: [fm1, fm2, fm3, fm4], mm: [mm1, mm2, mm3, mm4]} AS q
MATCH (g:Engagement)
CALL (g, q) {
  WITH g, q, datetime($now) AS now,
       CASE WHEN g.rfoCount > 0 THEN [
         1 + size([x IN q.ro WHERE g.rfoLastMs > x]), 1 + size([x IN q.fo WHERE g.rfoCount > x])] END AS rfo,
       CASE WHEN g.rfcCount > 0 THEN [
         1 + size([x IN q.rc WHERE g.rfcLastMs > x]), 1 + size([x IN q.fc WHERE g.rfcCount > x])] END AS rfc,
       CASE WHEN g.rfmCount > 0 THEN [
         1 + size([x IN q.rm WHERE g.rfmLastMs > x]), 1 + size([x IN q.fm WHERE g.rfmCount > x]),
         1 + size([x IN q.mm WHERE g.rfmMonetary > x])] END AS rfm
  WITH g, now, rfo, rfc, rfm,
       [g.rfoRecencyRank, g.rfoFrequencyRank, g.rfcRecencyRank, g.rfcFrequencyRank,
        g.rfmRecencyRank, g.rfmFrequencyRank, g.rfmMonetaryRank] AS before,
       [rfo[0], rfo[1], rfc[0], rfc[1], rfm[0], rfm[1], rfm[2]] AS after
  SET g.rfoRecencyRank = rfo[0], g.rfoFrequencyRank = rfo[1],
      g.rfcRecencyRank = rfc[0], g.rfcFrequencyRank = rfc[1],
      g.rfmRecencyRank = rfm[0], g.rfmFrequencyRank = rfm[1], g.rfmMonetaryRank = rfm[2],
      g.changedAt = CASE WHEN all(i IN range(0, 6) WHERE coalesce(before[i] = after[i], before[i] IS NULL AND after[i] IS NULL))
                         THEN g.changedAt ELSE now END
} IN TRANSACTIONS OF 5000 ROWS
RETURN count(*) AS personas
