// The engagement of each persona (DataLoader batch); none before its first scoring run.
// $ids: [String] persona ids → personaId, engagement
MATCH (g:Engagement) WHERE g.personaId IN $ids
RETURN g.personaId AS personaId, g {.*} AS engagement
