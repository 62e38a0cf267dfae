// Progressive profiling's question registry is keyed like the rest of the taxonomy; the built-in fact
// keys get the types their values have always had (a later defineFactKey is kept).
CREATE CONSTRAINT question_key IF NOT EXISTS FOR (q:Question) REQUIRE q.key IS UNIQUE;
UNWIND [
  {key: 'allergy', type: 'STRING', label: 'Allergy'}, {key: 'diet', type: 'STRING', label: 'Diet'},
  {key: 'first_name', type: 'STRING', label: 'First name'}, {key: 'last_name', type: 'STRING', label: 'Last name'},
  {key: 'interests', type: 'LIST', label: 'Interests'}, {key: 'job_interest', type: 'STRING', label: 'Job interest'},
  {key: 'shipping', type: 'STRING', label: 'Shipping'}, {key: 'birth_date', type: 'DATE', label: 'Date of birth'}
] AS k
MATCH (key:FactKey {key: k.key}) WHERE key.type IS NULL
SET key.type = k.type, key.label = coalesce(key.label, k.label), key.mapped = true;
