// Which of these event ids are stored already: an import resuming after a kill tells the events its
// interrupted batch stored from those stored before it began.
// $ids: [String] → id
MATCH (e:Event) WHERE e.id IN $ids
RETURN e.id AS id
