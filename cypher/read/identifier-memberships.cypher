// Fragment: every membership an identifier `@parent` has or had, oldest first (as
// identity/memberships-of-identifiers); `@fields` are the levels asked below the membership's persona.
// No parameters.
COLLECT {
  MATCH (@parent)<-[@self_m:HAS_IDENTIFIER|HELD|DETACHED]-(@self:Persona)
  RETURN {persona: @self {@properties(.id, .key, .context, .label) @fields},
          from: coalesce(@self_m.since, @self_m.at),
          lastSeen: coalesce(@self_m.lastAt, @self_m.since, @self_m.at),
          strength: coalesce(@self_m.strength, 'WEAK'),
          to: CASE type(@self_m) WHEN 'HAS_IDENTIFIER' THEN null WHEN 'HELD' THEN @self_m.to ELSE @self_m.at END,
          endedBy: CASE type(@self_m) WHEN 'HAS_IDENTIFIER' THEN null WHEN 'HELD' THEN @self_m.endedBy ELSE 'DETACHED' END}
  ORDER BY coalesce(@self_m.since, @self_m.at), @self.key
}
