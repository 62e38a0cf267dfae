// Indexes for the lookups the API does besides its keys.
CREATE INDEX event_type_time IF NOT EXISTS FOR (e:Event) ON (e.type, e.occurredAt);
CREATE INDEX event_purpose_time IF NOT EXISTS FOR (e:Event) ON (e.purpose, e.occurredAt);
CREATE INDEX identifier_shared IF NOT EXISTS FOR (i:Identifier) ON (i.shared);
CREATE INDEX fact_key IF NOT EXISTS FOR (f:Fact) ON (f.key);
CREATE INDEX change_at IF NOT EXISTS FOR (c:Change) ON (c.at);
