// The built-in identifier types and a few known fact keys; later edits through the API are kept.
UNWIND [
  {name: 'email', kind: 'EMAIL', contactChannel: 'EMAIL', maxPersonas: 3,
   blockedValues: ['test@test.com', 'noemail@noemail.com', 'none@none.com', 'null@null.com', 'example@example.com']},
  {name: 'phone', kind: 'PHONE', contactChannel: 'SMS', maxPersonas: 5,
   blockedValues: ['0000000000', '1111111111', '1234567890', '9999999999', '0']},
  {name: 'account', kind: 'ACCOUNT', contactChannel: null, maxPersonas: 1, blockedValues: []},
  {name: 'crm', kind: 'ACCOUNT', contactChannel: null, maxPersonas: 10, blockedValues: []},
  {name: 'loyalty', kind: 'ACCOUNT', contactChannel: null, maxPersonas: 5, blockedValues: []},
  {name: 'cookie', kind: 'COOKIE', contactChannel: null, maxPersonas: 1, blockedValues: []},
  {name: 'device', kind: 'DEVICE', contactChannel: null, maxPersonas: 1, blockedValues: []},
  {name: 'maid', kind: 'DEVICE', contactChannel: null, maxPersonas: 1,
   blockedValues: ['00000000-0000-0000-0000-000000000000']}
] AS t
MERGE (type:IdentifierType {name: t.name})
ON CREATE SET type.kind = t.kind, type.contactChannel = t.contactChannel, type.maxPersonas = t.maxPersonas,
              type.blockedValues = t.blockedValues, type.builtIn = true;
UNWIND [
  {key: 'allergy', sensitive: true}, {key: 'diet', sensitive: true}, {key: 'first_name', sensitive: false},
  {key: 'last_name', sensitive: false}, {key: 'interests', sensitive: false}, {key: 'job_interest', sensitive: false},
  {key: 'shipping', sensitive: false}, {key: 'birth_date', sensitive: true}
] AS k
MERGE (key:FactKey {key: k.key}) ON CREATE SET key.mapped = true, key.sensitive = k.sensitive;
