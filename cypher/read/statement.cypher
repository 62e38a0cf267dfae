// Fragment: the statement a nested read sends (src/identity/nested.repository.ts composes it). One
// row with a column per root field of the operation, `@columns` the roots (`<root> AS r0, …`).
// No parameters of its own: each root brings its own ($r0_keys, $r1_id, …). In the fragments,
// `@properties(…)` lists what a level may read; the request narrows it to what it asks.
RETURN @columns
