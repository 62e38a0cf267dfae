// Registers or replaces a use case: a resolution policy stored as data.
// $useCase: {name, description, scope, minStrength, maxHops, contexts, excludeContexts, contactTypes,
//            consentPurpose, pressureMax, pressureWindowDays, pressurePurpose, requiredFacts, contactEvery}
MERGE (u:UseCase {name: $useCase.name})
SET u = $useCase, u.updatedAt = datetime()
RETURN u {.*} AS useCase
