// Keyed hashes (HMAC) of erased identifiers, so a late event naming one does not re-create it.
// $hashes: [String]
UNWIND $hashes AS hash
MERGE (x:ErasedIdentifier {hash: hash})
ON CREATE SET x.at = datetime()
