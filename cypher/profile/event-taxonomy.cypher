// The codes events carry, by event id, decoded later: campaign, asset, terms, questions asked, answers.
// $ids: [String] → eventId, campaign, asset, terms: [{vocabulary, key}], asked: [String], answers: [{question, value}]
MATCH (e:Event) WHERE e.id IN $ids
RETURN e.id AS eventId,
       head([(e)-[:IN_CAMPAIGN]->(c) | c.code]) AS campaign,
       head([(e)-[:SHOWED]->(a) | a.code]) AS asset,
       [(e)-[:ABOUT]->(t:Term) | t {.vocabulary, .key}] AS terms,
       [(e)-[:ASKED]->(q:Question) | q.key] AS asked,
       [(e)-[r:ANSWERED]->(q:Question) | {question: q.key, value: r.value}] AS answers
