// Removes a webhook and its dead-letter links (the changes themselves stay in the feed); audited by the caller.
// $id: String → removed: Integer (0 or 1)
OPTIONAL MATCH (w:Webhook {id: $id})
DETACH DELETE w
RETURN count(w) AS removed
