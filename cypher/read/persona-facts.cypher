// Fragment: the facts a persona `@parent` holds, newest first, each with whether its key is sensitive
// (as identity/facts-of-personas). No parameters.
COLLECT {
  MATCH (@parent)-[:HAS_FACT]->(@self:Fact)
  OPTIONAL MATCH (@self_k:FactKey {key: @self.key})
  RETURN @self {.id, .key, .value, .method, .source, .at, .confidence,
                personaId: @parent.id, sensitive: coalesce(@self_k.sensitive, false)}
  ORDER BY @self.at DESC
}
