// Identifier indexes that fit the lookups. The index on Identifier.shared led the planner to scan every
// unshared identifier instead of expanding from the persona at hand (PROFILE of identity/grouping-neighbours);
// no lookup needs it.
DROP INDEX identifier_shared IF EXISTS;
