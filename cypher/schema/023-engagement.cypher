// Engagement: one score node per persona, found by persona id and by the run that last changed it;
// events by when they were ingested (a scoring run picks up what came since the last); segments by name.
CREATE CONSTRAINT engagement_persona IF NOT EXISTS FOR (g:Engagement) REQUIRE g.personaId IS UNIQUE;
CREATE INDEX engagement_changed_at IF NOT EXISTS FOR (g:Engagement) ON (g.changedAt);
CREATE INDEX event_ingested_at IF NOT EXISTS FOR (e:Event) ON (e.ingestedAt);
CREATE CONSTRAINT segment_name IF NOT EXISTS FOR (s:Segment) REQUIRE s.name IS UNIQUE;
