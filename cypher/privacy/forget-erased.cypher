// The customer came back and granted a consent for an erased identifier: it may be stored again.
// $hashes: [String]
UNWIND $hashes AS hash
MATCH (x:ErasedIdentifier {hash: hash})
DELETE x
