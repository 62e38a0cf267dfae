// Which of these keyed hashes belong to erased identifiers.
// $hashes: [String] → hash
UNWIND $hashes AS hash
MATCH (x:ErasedIdentifier {hash: hash})
RETURN x.hash AS hash
